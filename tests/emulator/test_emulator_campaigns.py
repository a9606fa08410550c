"""Campaigns (reporting groups of skills) per API version.

Sources: calljacob/nice-cxone-api @28a1bd4b ``AdminSkillsService.ts`` (CJ: v33 ``id``/``name``,
``{addAll?, skills:[ids]}``, ``{assignedSkills, invalidSkills}``); outboundani/cxone-mcp
@17439bd6 ``src/tools.js`` (MCP: flat v33 create body, ``campaignId``/``campaignName`` read on
v30, ``{skills:[{skillId}]}``).
"""

from __future__ import annotations

import httpx
import pytest
from admin_support import at_version, readonly
from emulator_support import Api

from cxdial.emulator.credentials import DEMO_SKILL_ID

pytestmark = pytest.mark.anyio


async def _create(api: Api, name: str = "Spring Renewals") -> int:
    body = {"name": name, "description": "renewal calls", "isActive": True}
    response = await at_version(api, "v33.0", "POST", "/campaigns", json=body)
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


async def test_v33_create_and_read_use_id_and_name(api: Api) -> None:
    """MCP create_campaign (v33 flat body) → {id}; CJ getCampaigns items {id, name, …}."""
    campaign_id = await _create(api)
    listed = (await at_version(api, "v33.0", "GET", "/campaigns")).json()
    assert listed["totalRecords"] == 1
    assert listed["campaigns"][0]["id"] == campaign_id
    assert listed["campaigns"][0]["name"] == "Spring Renewals"
    detail = (await at_version(api, "v33.0", "GET", f"/campaigns/{campaign_id}")).json()
    assert detail["description"] == "renewal calls"
    assert "divisionId" in detail


async def test_v30_names_are_campaign_id_and_name(api: Api) -> None:
    """MCP reads campaignId/campaignName on v30 (INFERRED older names)."""
    campaign_id = await _create(api)
    listed = (await api.call("GET", "/campaigns")).json()
    assert listed["campaigns"][0]["campaignId"] == campaign_id
    assert listed["campaigns"][0]["campaignName"] == "Spring Renewals"
    created = await api.call("POST", "/campaigns", json={"campaignName": "Old Style"})
    assert "campaignId" in created.json()


async def test_empty_list_is_204(api: Api) -> None:
    """No campaigns: 204 (CXone's answer when there is no data)."""
    assert (await api.call("GET", "/campaigns")).status_code == 204


async def test_create_errors_name_the_field(api: Api) -> None:
    """A missing name is a 400 naming it; an unknown field is named too; duplicates 409."""
    missing = await at_version(api, "v33.0", "POST", "/campaigns", json={"isActive": True})
    assert missing.status_code == 400
    assert "'name'" in missing.json()["errorDescription"]
    unknown = await at_version(api, "v33.0", "POST", "/campaigns", json={"nam": "x"})
    assert "nam" in unknown.json()["errorDescription"]
    await _create(api, "Dup")
    dup = await at_version(api, "v33.0", "POST", "/campaigns", json={"name": "dup"})
    assert dup.status_code == 409


async def test_update_and_status(api: Api) -> None:
    """CJ putCampaignsId (name required) and patchCampaignsIdStatus."""
    campaign_id = await _create(api)
    put = await at_version(
        api, "v33.0", "PUT", f"/campaigns/{campaign_id}", json={"name": "Renewals", "notes": "n"}
    )
    assert put.status_code == 200
    assert (
        await api.call("PATCH", f"/campaigns/{campaign_id}/status", json={"isActive": False})
    ).status_code == 200
    detail = (await at_version(api, "v33.0", "GET", f"/campaigns/{campaign_id}")).json()
    assert (detail["name"], detail["notes"], detail["isActive"]) == ("Renewals", "n", False)
    assert (await api.call("GET", "/campaigns/999")).status_code == 404
    assert (await api.call("PATCH", f"/campaigns/{campaign_id}/status")).status_code == 400


async def test_assign_skills_both_body_forms(api: Api) -> None:
    """CJ {skills:[ids]} and MCP {skills:[{skillId}]} both assign; the skill shows the
    campaign; unknown ids come back in invalidSkills."""
    campaign_id = await _create(api)
    other = await api.pc_skill("Second")
    spec = await api.call(
        "POST", f"/campaigns/{campaign_id}/skills", json={"skills": [DEMO_SKILL_ID, 5]}
    )
    assert spec.json() == {"assignedSkills": [DEMO_SKILL_ID], "invalidSkills": [5]}
    mcp = await api.call(
        "POST", f"/campaigns/{campaign_id}/skills", json={"skills": [{"skillId": other}]}
    )
    assert mcp.json()["assignedSkills"] == [other]
    skill = (await api.call("GET", f"/skills/{other}")).json()  # flat, as the spec has it
    assert skill["campaignId"] == campaign_id
    assigned = (await api.call("GET", f"/campaigns/{campaign_id}/skills")).json()
    assert {s["skillId"] for s in assigned["skills"]} == {DEMO_SKILL_ID, other}
    assert (await api.call("GET", f"/campaigns/{campaign_id}/skills/unassigned")).status_code == 204


async def test_unassign_skills(api: Api) -> None:
    """DELETE .../skills unassigns; a skill not in the campaign is invalid."""
    campaign_id = await _create(api)
    await api.call("POST", f"/campaigns/{campaign_id}/skills", json={"addAll": True})
    gone = await api.call(
        "DELETE", f"/campaigns/{campaign_id}/skills", json={"skills": [DEMO_SKILL_ID]}
    )
    assert gone.json()["assignedSkills"] == [DEMO_SKILL_ID]
    again = await api.call(
        "DELETE", f"/campaigns/{campaign_id}/skills", json={"skills": [DEMO_SKILL_ID]}
    )
    assert again.json()["invalidSkills"] == [DEMO_SKILL_ID]
    empty = await api.call("POST", f"/campaigns/{campaign_id}/skills", json={})
    assert "skills" in empty.json()["errorDescription"]


async def test_view_only_key_may_not_create(client: httpx.AsyncClient) -> None:
    """Campaigns Edit is needed to create: 403 names it."""
    viewer = await readonly(client)
    assert (await viewer.call("GET", "/campaigns")).status_code == 204
    denied = await viewer.call("POST", "/campaigns", json={"name": "x"})
    assert denied.status_code == 403
    assert "Campaigns Edit" in denied.json()["errorDescription"]
