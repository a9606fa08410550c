"""Cadence, XS and list-management blocks, /skills/parameters, and skill-agent assignments.

Sources: calljacob/nice-cxone-api @28a1bd4b ``AdminSkillsService.ts`` (CJ:
``putSkillsIdParametersCadenceSettings``/``ListManagement`` unwrapped, ``XsSettings`` wrapped,
``getSkillsParameters``, ``modifyAssignmentsSkill``, ``deleteSkillsIdAgentsId``,
``getAgentsThatAreNotAssignedToSkill``, ``getAgentsAllSkills``); outboundani/cxone-mcp
@17439bd6 ``src/tools.js`` (MCP: bare-array agent bodies).
"""

from __future__ import annotations

import httpx
import pytest
from admin_support import readonly
from emulator_support import Api

from cxdial.emulator.credentials import DEMO_SKILL_ID

pytestmark = pytest.mark.anyio

CADENCE = {
    "attemptMode": "Cadence",
    "recordRequestMode": "RoundRobin",
    "destinationRetryRestMinutes": 240,
    "maximumAttempts": [{"fieldName": "PhoneNumber", "attempts": 3}],
    "cadences": [{"fieldName": "PhoneNumber", "attempts": 1, "timeConstraints": {}}],
}


async def test_cadence_put_unwrapped_then_read(api: Api) -> None:
    """CJ: PUT cadence-settings takes the block itself; GET names it cadenceMaximumAttempts."""
    path = f"/skills/{DEMO_SKILL_ID}/parameters/cadence-settings"
    assert (await api.call("PUT", path, json=CADENCE)).status_code == 200
    block = (await api.call("GET", path)).json()
    assert block["destinationRetryRestMinutes"] == 240
    assert block["cadenceMaximumAttempts"] == [{"fieldName": "PhoneNumber", "attempts": 3}]
    assert block["cadences"][0]["fieldName"] == "PhoneNumber"
    everything = (await api.call("GET", f"/skills/{DEMO_SKILL_ID}/parameters")).json()
    assert everything["cadenceSettings"]["attemptMode"] == "Cadence"


async def test_cadence_rejects_wrapped_body_and_bad_attempts(api: Api) -> None:
    """A wrapped body is an unknown field; attempts below 1 are refused naming the field."""
    path = f"/skills/{DEMO_SKILL_ID}/parameters/cadence-settings"
    wrapped = await api.call("PUT", path, json={"cadenceSettings": CADENCE})
    assert wrapped.status_code == 400
    assert "cadenceSettings" in wrapped.json()["errorDescription"]
    bad = {"maximumAttempts": [{"fieldName": "PhoneNumber", "attempts": 0}]}
    refused = await api.call("PUT", path, json=bad)
    assert "maximumAttempts[].attempts" in refused.json()["errorDescription"]
    assert (
        await api.call("PUT", "/skills/999/parameters/cadence-settings", json={})
    ).status_code == 404


async def test_xs_settings_wrapped(api: Api) -> None:
    """CJ: PUT xs-settings {xsSettings:{xsScriptID, …}}; GET spells xsScriptId."""
    path = f"/skills/{DEMO_SKILL_ID}/parameters/xs-settings"
    body = {"xsSettings": {"xsScriptID": 77, "xsGetContactsActive": True, "xsNumberToRetrieve": 50}}
    assert (await api.call("PUT", path, json=body)).status_code == 200
    block = (await api.call("GET", path)).json()["xsSettings"]
    assert (block["xsScriptId"], block["xsGetContactsActive"], block["xsNumberToRetrieve"]) == (
        77,
        True,
        50,
    )
    negative = await api.call("PUT", path, json={"xsSettings": {"xsFreshThreshold": -1}})
    assert "xsFreshThreshold" in negative.json()["errorDescription"]


async def test_list_management_unwrapped(api: Api) -> None:
    """CJ: PUT list-management {displayField1Name, displayField2Name, listOrderingOptions}."""
    path = f"/skills/{DEMO_SKILL_ID}/parameters/list-management"
    body = {
        "displayField1Name": "FirstName",
        "displayField2Name": "LastName",
        "listOrderingOptions": [{"orderType": "Priority", "direction": "Descending"}],
    }
    assert (await api.call("PUT", path, json=body)).status_code == 200
    block = (await api.call("GET", "/skills/parameters")).json()["skills"][0]
    assert block["listManagementSettings"]["displayField1Name"] == "FirstName"
    bad = {"listOrderingOptions": [{"orderType": "Priority", "direction": "Sideways"}]}
    assert "direction" in (await api.call("PUT", path, json=bad)).json()["errorDescription"]


async def test_all_skills_parameters_shape(api: Api) -> None:
    """CJ getSkillsParameters: {skills[{skillName, skillNo, …every block…}]}; not shadowed by
    /skills/{skillId}."""
    response = await api.call("GET", "/skills/parameters")
    assert response.status_code == 200
    first = response.json()["skills"][0]
    assert first["skillNo"] == DEMO_SKILL_ID
    expected = {"generalSettings", "cadenceSettings", "xsSettings", "listManagementSettings"}
    assert expected | {"retrySettings", "callingLists", "filterSettings"} <= set(first)


async def test_put_agents_changes_proficiency(api: Api) -> None:
    """CJ modifyAssignmentsSkill: {resultSet:{errorCount, agentResults}}; string agentId ok;
    an unassigned agent fails its item; /skills/agents shows the new proficiency."""
    body = {"agents": [{"agentId": "1001", "proficiency": 5}, {"agentId": 424242}]}
    result = (await api.call("PUT", f"/skills/{DEMO_SKILL_ID}/agents", json=body)).json()
    assert result["resultSet"]["errorCount"] == 1
    assignments = (
        await api.call("GET", "/skills/agents", params={"skills": f"{DEMO_SKILL_ID},7"})
    ).json()
    first = next(a for a in assignments["agentSkillAssignments"] if a["agentId"] == 1001)
    assert first["agentProficiencyValue"] == 5
    assert assignments["invalidSkills"] == [{"skillId": 7}]
    assert {"lastPollTime", "businessUnitId"} <= set(assignments)


async def test_put_agents_accepts_bare_array(api: Api) -> None:
    """MCP sends a bare array of agents; it is accepted like the spec's object."""
    body = [{"agentId": 1002, "isActive": False}]
    result = (await api.call("PUT", f"/skills/{DEMO_SKILL_ID}/agents", json=body)).json()
    assert result["resultSet"]["errorCount"] == 0
    bad = await api.call("PUT", f"/skills/{DEMO_SKILL_ID}/agents", json={"agent": []})
    assert "agent" in bad.json()["errorDescription"]


async def test_delete_one_agent_then_unassigned_lists_it(api: Api) -> None:
    """CJ deleteSkillsIdAgentsId, then the agent is in /agents/unassigned's resultSet."""
    assert (await api.call("GET", f"/skills/{DEMO_SKILL_ID}/agents/unassigned")).status_code == 204
    gone = await api.call("DELETE", f"/skills/{DEMO_SKILL_ID}/agents/1001")
    assert gone.status_code == 200
    unassigned = (await api.call("GET", f"/skills/{DEMO_SKILL_ID}/agents/unassigned")).json()
    assert unassigned["resultSet"]["totalRecords"] == 1
    assert unassigned["resultSet"]["agents"][0]["agentId"] == 1001
    again = await api.call("DELETE", f"/skills/{DEMO_SKILL_ID}/agents/1001")
    assert again.status_code == 404


async def test_skills_agents_requires_skills(api: Api) -> None:
    """GET /skills/agents without ?skills= is a 400 naming it (not a skill-id parse error)."""
    response = await api.call("GET", "/skills/agents")
    assert response.status_code == 400
    assert "'skills'" in response.json()["errorDescription"]


async def test_agent_changes_need_skills_edit(client: httpx.AsyncClient) -> None:
    """The view-only key may list assignments but not change them."""
    viewer = await readonly(client)
    assert (
        await viewer.call("GET", "/skills/agents", params={"skills": str(DEMO_SKILL_ID)})
    ).status_code == 200
    denied = await viewer.call("DELETE", f"/skills/{DEMO_SKILL_ID}/agents/1001")
    assert denied.status_code == 403
    assert "Skills Edit" in denied.json()["errorDescription"]
