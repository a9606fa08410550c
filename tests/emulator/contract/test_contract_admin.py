"""Admin routes (business unit, skills, parameters, agents, lists, DNC, sessions) against
request shapes real clients send and response shapes they read."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from contract_sources import (
    CJ,
    CJ_BUSINESS_UNIT,
    CJ_CPA_SETTINGS,
    CJ_DELIVERY_PREFERENCES,
    CJ_GENERAL_SETTINGS,
    CJ_POST_SKILL_FULL,
    MCP,
)
from emulator_support import Api

pytestmark = pytest.mark.anyio


def _at(body: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        body = body[int(part)] if isinstance(body, list) else body[part]
    return body


async def test_business_unit_fields(api: Api) -> None:
    """The spec's business-unit fields (CJ getBusinessUnitResponse); MCP reads
    ``features[].isEnabled/productDescription`` and ``priorityBasedBlending``."""
    response = await api.call("GET", "/business-unit")
    unit = response.json()["businessUnits"][0]
    assert set(CJ_BUSINESS_UNIT) <= set(unit)
    assert isinstance(unit["abandonRateScope"], int)
    assert isinstance(unit["tenantId"], str)
    assert all({"isEnabled", "productDescription"} <= set(f) for f in unit["features"])
    assert response.headers["icStatusDescription"] == "Success"


async def test_outbound_routes_fields(api: Api) -> None:
    """Routes are ``{outboundTelecomRouteId, routeDescription}`` (CJ
    getBusinessUnitOutboundRoutes); the id feeds POST /skills."""
    routes = (await api.call("GET", "/business-unit/outbound-routes")).json()["outboundRoutes"]
    assert all({"outboundTelecomRouteId", "routeDescription"} <= set(r) for r in routes)


async def test_post_skill_with_every_spec_field(api: Api) -> None:
    """POST /skills takes all of the spec's fields with the spec's types (CJ postSkills)."""
    response = await api.call("POST", "/skills", json={"skills": [CJ_POST_SKILL_FULL]})
    assert response.status_code == 200, response.text
    result = response.json()["skillsResults"][0]
    assert result["success"] is True
    skill = (await api.call("GET", f"/skills/{result['skillId']}")).json()
    assert skill["serviceLevelThreshold"] == 30
    assert skill["outboundTelecomRouteId"] == 100


async def test_post_inbound_skill_as_mcp_sends_it(api: Api) -> None:
    """MCP create_skill sends the inbound service-level fields (MCP src/tools.js)."""
    body = {
        "skillName": "Inbound",
        "mediaTypeId": 4,
        "serviceLevelThreshold": 30,
        "serviceLevelGoal": 80,
        "enableShortAbandon": False,
        "shortAbandonThreshold": 15,
        "campaignId": 0,
    }
    response = await api.call("POST", "/skills", json={"skills": [body]})
    assert response.json()["skillsResults"][0]["success"] is True


async def test_unknown_skill_field_is_still_named(api: Api) -> None:
    """Strictness stays: an unknown field is a 400 naming it and the closest spec name."""
    body = {"skills": [{"skillName": "x", "serviceLevelThresold": 30}]}
    response = await api.call("POST", "/skills", json=body)
    assert response.status_code == 400
    assert "serviceLevelThresold" in response.json()["errorDescription"]
    assert "serviceLevelThreshold" in response.json()["errorDescription"]


async def test_put_skill_uses_lower_case_mediatypeid_and_answers_success(api: Api) -> None:
    """PUT /skills/{id} takes ``{skill: {mediatypeid, ...}}`` and answers ``{success,
    skillId}`` (CJ putSkillsId)."""
    skill = await api.pc_skill()
    body = {"skill": {"mediatypeid": 4, "notes": "n", "serviceLevelGoal": 90}}
    response = await api.call("PUT", f"/skills/{skill}", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "skillId": skill}


async def test_get_skill_is_flat(api: Api) -> None:
    """GET /skills/{id} is a flat object with the spec's fields (CJ getSkillsId); MCP reads
    ``full.skills?.[0] || full`` so both shapes work for it."""
    skill = await api.pc_skill()
    body = (await api.call("GET", f"/skills/{skill}")).json()
    wanted = {"skillId", "campaignName", "scriptName", "TenantId", "outboundTelecomRouteId"}
    assert wanted | {"requireManualAccept", "isRunning"} <= set(body)


async def test_list_skills_filters_and_pages_to_204(api: Api) -> None:
    """``searchString``, ``isActive`` and ``fields`` on GET /skills (CJ getSkills); a page
    past the end is 204."""
    await api.pc_skill("Alpha")
    found = await api.call("GET", "/skills", params={"searchString": "alp", "fields": "skillId"})
    assert len(found.json()["skills"]) == 1
    assert set(found.json()["skills"][0]) == {"skillId"}
    assert (await api.call("GET", "/skills", params={"skip": 50})).status_code == 204


@pytest.mark.parametrize(
    ("block", "key", "values"),
    [
        ("general-settings", "generalSettings", CJ_GENERAL_SETTINGS),
        ("cpa-management", "cpaSettings", CJ_CPA_SETTINGS),
        ("delivery-preferences", "deliveryPreferences", CJ_DELIVERY_PREFERENCES),
    ],
    ids=[f"{b} [{CJ} AdminSkillsService.ts]" for b in ("general", "cpa", "delivery")],
)
async def test_parameter_blocks_take_every_spec_field(
    api: Api, block: str, key: str, values: dict[str, Any]
) -> None:
    """PUT takes the wrapped block with all spec fields; GET answers it unwrapped (CJ GET
    general-settings is flat; SDK skill-service.js casts ``response.data`` itself)."""
    skill = await api.pc_skill()
    path = f"/skills/{skill}/parameters/{block}"
    response = await api.call("PUT", path, json={key: values}, headers={"Accept": "*/*"})
    assert response.status_code == 200, response.text
    got = (await api.call("GET", path)).json()
    assert key not in got
    assert {k: got[k] for k in values} == values


async def test_all_parameters_shape(api: Api) -> None:
    """GET /skills/{id}/parameters: ``skillNo``, ``callingLists[{id,name}]``,
    ``scheduleSettings{isScheduled, schedules}``, ``timeZoneSettings[{name,...}]`` (CJ)."""
    skill = await api.pc_skill()
    zones = {"timeZoneSettings": [{"standardName": "Eastern Standard Time"}]}
    await api.call("PUT", f"/skills/{skill}/parameters/time-zones", json=zones)
    body = (await api.call("GET", f"/skills/{skill}/parameters")).json()
    assert body["skillNo"] == skill
    assert {"isScheduled", "schedules"} <= set(body["scheduleSettings"])
    assert body["timeZoneSettings"][0]["name"] == "Eastern Standard Time"
    for block in ("cadenceSettings", "filterSettings", "listManagementSettings", "xsSettings"):
        assert block in body


@pytest.mark.parametrize(
    "body",
    [
        [{"agentId": 1001, "proficiency": 10, "isActive": True}],
        {"agents": [{"agentId": "1001"}]},
    ],
    ids=[f"bare array [{MCP} assign_skill_agents]", f"string agentId [{CJ}]"],
)
async def test_skill_agents_take_both_forms(api: Api, body: Any) -> None:
    """POST /skills/{id}/agents takes MCP's bare array and the spec's string ids."""
    skill = await api.pc_skill()
    await api.call("DELETE", f"/skills/{skill}/agents", json={"agents": [{"agentId": 1001}]})
    response = await api.call("POST", f"/skills/{skill}/agents", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["resultSet"]["errorCount"] == 0
    listed = (await api.call("GET", f"/skills/{skill}/agents")).json()
    assert 1001 in {a["agentId"] for a in listed["agentSkillAssignments"]}
    assert {"lastPollTime", "businessUnitId", "totalRecords"} <= set(listed)


async def test_start_202_stop_200_and_v12_get_stop(api: Api) -> None:
    """Start answers 202, stop 200 "Success", and v12 stops with GET (QA start/stop a
    personal connection skill v12.0 test data)."""
    skill = await api.pc_skill()
    assert (await api.call("POST", f"/skills/{skill}/start")).status_code == 202
    stop = await api.call("POST", f"/skills/{skill}/stop")
    assert stop.status_code == 200
    assert stop.headers["icStatusDescription"] == "Success"
    v12 = await api.client.get(
        f"/inContactAPI/services/v12.0/skills/{skill}/stop", headers=api.headers
    )
    assert v12.status_code == 200
    assert (await api.call("GET", f"/skills/{skill}/stop")).status_code == 405


async def test_upload_answers_202_accepted(api: Api) -> None:
    """Upload answers 202 "Accepted. Upload job queued" (QA upload-new-records-to-a-call-list
    v12.0); ``fileName`` is optional (CJ AdminLists_postListUpload)."""
    skill = await api.pc_skill()
    mapping = {
        "listName": "L",
        "externalIdColumn": "id",
        "destinationMappings": [{"fieldName": "PhoneNumber", "fieldValue": "phone"}],
    }
    list_id = (await api.call("POST", "/lists/call-lists", json=mapping)).json()["listId"]
    csv = base64.b64encode(b"id,phone\n1,2125550000\n").decode()
    body = {"listFile": csv, "skillId": skill, "expirationDate": "2027-01-01T00:00:00Z"}
    response = await api.call("POST", f"/lists/call-lists/{list_id}/upload", json=body)
    assert response.status_code == 202
    assert response.headers["icStatusDescription"] == "Accepted. Upload job queued"
    jobs = (await api.call("GET", "/lists/call-lists/jobs")).json()
    assert {"businessUnitId", "lastPollTime", "uploadJobs"} <= set(jobs)


async def test_dnc_shapes(api: Api) -> None:
    """Numeric ``phoneNumber`` (MCP ``Number(...)``; CJ types it number), GET group under
    ``resultSet``, DELETE records unwrapped, search items with ``dncGroupDescription`` (CJ)."""
    group = await api.call(
        "POST", "/dnc-groups", json={"dncGroupName": "g", "dncGroupDescription": "d"}
    )
    group_id = group.json()["dncGroups"][0]["dncGroupId"]
    records = {"dncGroupRecords": [{"phoneNumber": 2125550000}]}
    added = await api.call("POST", f"/dnc-groups/{group_id}/records", json=records)
    assert added.json()["resultSet"]["errorCount"] == 0
    one = (await api.call("GET", f"/dnc-groups/{group_id}")).json()
    assert _at(one, "resultSet.dncGroups.0.dncGroupId") == group_id
    hits = await api.call("POST", "/dnc-groups/search", params={"phoneNumber": "2125550000"})
    assert hits.json()["searchResults"][0]["dncGroupDescription"] == "d"
    removed = await api.call("DELETE", f"/dnc-groups/{group_id}/records", json=records)
    assert removed.json()["errorCount"] == 0
    assert removed.json()["recordResults"][0]["formattedPhone"] == "2125550000"
    renamed = await api.call("PUT", f"/dnc-groups/{group_id}", params={"dncGroupName": "h"})
    assert renamed.json()["dncGroups"][0]["dncGroupName"] == "h"


async def test_dial_phone_takes_sdk_types(api: Api) -> None:
    """dial-phone takes a numeric ``callerId`` and a string ``parentContactId`` (SDK
    dial-phone-request.d.ts)."""
    skill = await api.pc_skill()
    session = (await api.call("POST", "/agent-sessions", json={})).json()["sessionId"]
    body = {
        "phoneNumber": "+12125550000",
        "skillId": skill,
        "callerId": 18005550100,
        "parentContactId": "0",
    }
    response = await api.call("POST", f"/agent-sessions/{session}/dial-phone", json=body)
    assert response.status_code == 202, response.text
    assert response.headers["icStatusDescription"] == "Accepted"


async def test_remove_prospects_takes_numeric_external_ids(api: Api) -> None:
    """removeProspects types ``externalId`` a number (CJ); QA data sends text."""
    skill = await api.pc_skill()
    await api.upload(skill, [("7", "+12125550000")])
    await api.advance(5)
    name = f"list-{skill}-1"
    body = {"prospectsToRemove": [{"externalId": 7}]}
    response = await api.call("DELETE", f"/lists/call-lists/{name}/removeProspects", json=body)
    assert response.json()["successfulRecords"] == [{"externalId": "7", "resultCode": "Removed"}]


async def test_skill_summary_requires_its_dates(api: Api) -> None:
    """``startDate`` and ``endDate`` are required and times are strings (CJ
    getSkillsSkillIdSummary; TAP schemas/skills_summary.json parses ISO durations)."""
    skill = await api.pc_skill()
    missing = await api.call("GET", f"/skills/{skill}/summary")
    assert missing.status_code == 400
    assert "'startDate'" in missing.json()["errorDescription"]
    window = {"startDate": "2026-01-01T00:00:00Z", "endDate": "2026-01-02T00:00:00Z"}
    body = (await api.call("GET", f"/skills/{skill}/summary", params=window)).json()
    summary = body["skillSummaries"][0]
    assert isinstance(summary["connectsAHT"], str)
    assert {"businessUnitId", "skillName", "contactsOffered", "averageHandleTime"} <= set(summary)
