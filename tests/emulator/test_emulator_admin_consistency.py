"""One state per concept: dispositions, skill parameter blocks, summaries and assignment
proficiency read the same tables whichever route shows them.

Shapes: calljacob/nice-cxone-api @28a1bd4b (CJ) ``AdminSkillsService.ts`` (getDispositions,
getSkillsId ``dispositions[]``, getSkillsIdParameters, getSkillAgentsResponse) and
``ReportingReportingService.ts`` (getSkillsSkillIdSummary, getFullSkillSummaries).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from admin_support import dial
from emulator_support import Api

from cxdial.emulator.credentials import DEMO_SKILL_ID

pytestmark = pytest.mark.anyio


async def _new_disposition(api: Api, name: str) -> int:
    body = {"dispositions": [{"dispositionName": name, "isPreviewDisposition": False}]}
    response = await api.call("POST", "/dispositions", json=body)
    return int(response.json()["dispositionResults"][0]["dispositionId"])


def _window() -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "startDate": (now - timedelta(days=1)).isoformat(),
        "endDate": (now + timedelta(days=1)).isoformat(),
    }


async def test_created_dispositions_are_listed(api: Api) -> None:
    """A disposition made with POST /dispositions appears in GET /dispositions, searchable."""
    new_id = await _new_disposition(api, "Promise To Pay")
    listed = (await api.call("GET", "/dispositions", params={"top": 100})).json()
    by_id = {d["dispositionId"]: d for d in listed["dispositions"]}
    assert by_id[new_id]["dispositionName"] == "Promise To Pay"
    assert by_id[new_id]["classificationName"] == "Contact Final"
    assert listed["totalRecords"] == 9
    found = (await api.call("GET", "/dispositions", params={"searchString": "promise"})).json()
    assert [d["dispositionId"] for d in found["dispositions"]] == [new_id]


async def test_deactivated_disposition_is_filtered_by_is_active(api: Api) -> None:
    """PATCH …/status isActive=false shows in GET /dispositions?isActive=false."""
    assert (
        await api.call("PATCH", "/dispositions/3/status", json={"isActive": False})
    ).status_code == 200
    inactive = (await api.call("GET", "/dispositions", params={"isActive": "false"})).json()
    assert [d["dispositionId"] for d in inactive["dispositions"]] == [3]


async def test_skill_shows_its_assigned_dispositions(api: Api) -> None:
    """GET /skills/{id} lists the skill's assigned dispositions in CJ's item shape."""
    skill = (await api.call("GET", f"/skills/{DEMO_SKILL_ID}")).json()
    items = skill["dispositions"]
    assert [d["dispositionId"] for d in items] == list(range(1, 9))
    assert set(items[0]) == {"dispositionId", "dispositionName", "priority", "isPreviewDisposition"}
    assert (items[0]["dispositionName"], items[0]["priority"]) == ("Sale", 1)


async def test_session_disposition_checks_the_skill_table(api: Api) -> None:
    """An agent session may give a disposition of the contact's skill; one the skill does
    not have (a new, unassigned one, or an unknown id) is a 400 naming the field."""
    session = (await api.call("POST", "/agent-sessions", json={})).json()["sessionId"]
    dialed = await api.call(
        "POST",
        f"/agent-sessions/{session}/dial-phone",
        json={"phoneNumber": "+13125550000", "skillId": DEMO_SKILL_ID},
    )
    assert dialed.status_code == 202
    contact = (await api.call("GET", "/contacts/active")).json()["activeContacts"][0]["contactId"]
    path = f"/agent-sessions/{session}/interactions/{contact}/disposition"
    unassigned = await _new_disposition(api, "Promise To Pay")
    refused = await api.call("POST", path, json={"primaryDispositionId": unassigned})
    assert refused.status_code == 400
    assert "primaryDispositionId" in refused.json()["errorDescription"]
    unknown = await api.call("POST", path, json={"primaryDispositionId": 4242})
    assert unknown.status_code == 400
    accepted = await api.call("POST", path, json={"primaryDispositionId": 1})
    assert accepted.status_code == 202


async def test_session_disposition_follows_the_skill_assignment(api: Api) -> None:
    """A skill created with dispositions[] accepts exactly those in an agent session."""
    new_id = await _new_disposition(api, "Promise To Pay")
    body = {
        "skills": [
            {
                "skillName": "Collections",
                "mediaTypeId": 4,
                "isOutbound": True,
                "outboundStrategy": "Manual",
                "dispositions": [{"dispositionId": new_id}],
            }
        ]
    }
    skill = (await api.call("POST", "/skills", json=body)).json()["skillsResults"][0]["skillId"]
    shown = (await api.call("GET", f"/skills/{skill}")).json()["dispositions"]
    assert [d["dispositionId"] for d in shown] == [new_id]
    session = (await api.call("POST", "/agent-sessions", json={})).json()["sessionId"]
    await api.call(
        "POST",
        f"/agent-sessions/{session}/dial-phone",
        json={"phoneNumber": "+13125550000", "skillId": skill},
    )
    contact = (await api.call("GET", "/contacts/active")).json()["activeContacts"][0]["contactId"]
    path = f"/agent-sessions/{session}/interactions/{contact}/disposition"
    assert (await api.call("POST", path, json={"primaryDispositionId": 1})).status_code == 400
    ok = await api.call("POST", path, json={"primaryDispositionId": new_id})
    assert ok.status_code == 202


async def test_skill_parameters_hold_every_block_with_defaults(api: Api) -> None:
    """GET /skills/{id}/parameters carries cadence, XS, list-management and filter blocks
    with their defaults, as GET /skills/parameters does for the same skill."""
    one = (await api.call("GET", f"/skills/{DEMO_SKILL_ID}/parameters")).json()
    assert one["cadenceSettings"]["destinationRetryRestMinutes"] == 0
    assert one["xsSettings"]["xsGetContactsActive"] is False
    assert one["listManagementSettings"]["listOrderingOptions"] == []
    assert one["filterSettings"]["isFilterActive"] is False
    assert {"isScheduled", "schedules"} <= set(one["scheduleSettings"])
    every = (await api.call("GET", "/skills/parameters")).json()["skills"]
    same = next(s for s in every if s["skillNo"] == DEMO_SKILL_ID)
    assert {**same, "skillId": DEMO_SKILL_ID} == one


async def test_skill_summary_counts_as_the_all_skills_summary(api: Api) -> None:
    """GET /skills/{id}/summary answers the same item as /skills/summary for that skill."""
    await dial(api, DEMO_SKILL_ID, "+13125550000")
    await api.advance(30)
    window = _window()
    one = (await api.call("GET", f"/skills/{DEMO_SKILL_ID}/summary", params=window)).json()
    every = (await api.call("GET", "/skills/summary", params=window)).json()["skillSummaries"]
    same = next(s for s in every if s["skillId"] == DEMO_SKILL_ID)
    assert one["skillSummaries"] == [same]
    assert same["dials"] == 1
    assert same["connects"] == 1
    projected = await api.call(
        "GET", f"/skills/{DEMO_SKILL_ID}/summary", params={**window, "fields": "dials"}
    )
    assert projected.json()["skillSummaries"] == [{"dials": 1}]


async def test_skill_summary_refuses_a_bad_window(api: Api) -> None:
    """startDate and endDate are required and the range is checked (400 naming it)."""
    path = f"/skills/{DEMO_SKILL_ID}/summary"
    missing = await api.call("GET", path, params={"startDate": _window()["startDate"]})
    assert missing.status_code == 400
    assert "endDate" in missing.json()["errorDescription"]
    reversed_window = {"startDate": _window()["endDate"], "endDate": _window()["startDate"]}
    assert (await api.call("GET", path, params=reversed_window)).status_code == 400
    assert (await api.call("GET", "/skills/999/summary", params=_window())).status_code == 404


async def test_skill_agents_show_the_proficiency_put_set(api: Api) -> None:
    """PUT /skills/{id}/agents changes the proficiency GET /skills/{id}/agents reports."""
    body = {"agents": [{"agentId": "1002", "proficiency": 7, "isActive": False}]}
    assert (await api.call("PUT", f"/skills/{DEMO_SKILL_ID}/agents", json=body)).status_code == 200
    listed = (await api.call("GET", f"/skills/{DEMO_SKILL_ID}/agents")).json()
    by_agent = {a["agentId"]: a for a in listed["agentSkillAssignments"]}
    assert by_agent[1002]["agentProficiencyValue"] == 7
    assert by_agent[1002]["agentProficiencyName"] == "7"
    assert by_agent[1002]["isActive"] is False
    assert by_agent[1001]["agentProficiencyValue"] == 1
