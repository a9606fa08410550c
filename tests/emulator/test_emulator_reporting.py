"""Skill reporting and real-time states computed from the emulator's own calls.

Sources: calljacob/nice-cxone-api @28a1bd4b (CJ) ``ReportingReportingService.ts``,
``AdminSkillsService.ts`` (call-data), ``RealtimedataRealtimeService.ts``;
singer-io/tap-nice-incontact @e437854 (TAP, v21) ``streams.py`` and ``schemas/*.json``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from admin_support import at_version, dial
from emulator_support import Api, grant

from cxdial.emulator.credentials import (
    DEMO_SKILL_ID,
    DIALER_ACCESS_KEY_ID,
    DIALER_ACCESS_KEY_SECRET,
)

pytestmark = pytest.mark.anyio

TAP_SUMMARY_INTEGERS = [
    "businessUnitId",
    "abandonCount",
    "agentsAcw",
    "agentsAvailable",
    "agentsIdle",
    "agentsLoggedIn",
    "agentsUnavailable",
    "agentsWorking",
    "campaignId",
    "contactsActive",
    "contactsHandled",
    "contactsOffered",
    "contactsQueued",
    "contactsOutOfSLA",
    "contactsWithinSLA",
    "mediaTypeId",
    "queueCount",
    "serviceLevel",
    "skillId",
    "serviceLevelGoal",
    "serviceLevelThreshold",
    "dials",
    "connects",
    "rightPartyConnects",
]
TAP_SUMMARY_SECONDS = [
    "averageHandleTime",
    "averageInqueueTime",
    "averageSpeedToAnswer",
    "averageTalkTime",
    "averageWrapTime",
    "holdTime",
    "longestQueueDur",
    "totalContactTime",
]


TAP_SUMMARY_OTHER = [
    "businessUnitName",
    "abandonRate",
    "campaignName",
    "isOutbound",
    "mediaTypeName",
    "skillName",
    "connectsAHT",
    "rightPartyConnectsAHT",
]
TAP_DIALER_FIELDS = {
    "businessUnitId",
    "businessUnitName",
    "intervalStartDate",
    "skillId",
    "skillName",
    "mediaTypeId",
    "mediaTypeName",
    "dials",
    "connects",
    "connectsAHT",
    "rightPartyConnects",
    "rightPartyConnectsAHT",
    "abandons",
}
TAP_SLA_FIELDS = {
    "businessUnitId",
    "skillId",
    "skillName",
    "contactsWithinSLA",
    "contactsOutOfSLA",
    "totalContacts",
    "serviceLevel",
}


async def _window(api: Api) -> dict[str, str]:
    """startDate/endDate one hour either side of the emulator's server time."""
    now = datetime.fromisoformat((await api.call("GET", "/server-time")).json()["ServerTime"])
    return {
        "startDate": (now - timedelta(hours=1)).isoformat(),
        "endDate": (now + timedelta(hours=1)).isoformat(),
    }


async def _two_calls(api: Api) -> None:
    """One answered call (handled by the script) and one no-answer, both completed."""
    await dial(api, DEMO_SKILL_ID, "+12125550000")
    await dial(api, DEMO_SKILL_ID, "+12125550001")
    await api.advance(120)


def _ours(items: list[dict[str, Any]], key: str = "skillId") -> dict[str, Any]:
    return next(i for i in items if i[key] == DEMO_SKILL_ID)


async def test_skills_summary_counts_real_calls(api: Api) -> None:
    """CJ getFullSkillSummaries: dials, connects, right-party connects from the calls made."""
    await _two_calls(api)
    body = (await api.call("GET", "/skills/summary", params=await _window(api))).json()
    summary = _ours(body["skillSummaries"])
    assert (summary["dials"], summary["connects"], summary["rightPartyConnects"]) == (2, 1, 1)
    assert summary["contactsHandled"] == 1
    assert summary["abandonCount"] == 0
    assert float(summary["connectsAHT"]) == pytest.approx(5.0)


async def test_skills_summary_fields_survive_tap_conversion(api: Api) -> None:
    """TAP convert_data_types refuses fields outside its schema and int()s every integer
    and time field: the item has only schema fields and none of those is null."""
    await _two_calls(api)
    body = (await api.call("GET", "/skills/summary", params=await _window(api))).json()
    summary = _ours(body["skillSummaries"])
    schema = {*TAP_SUMMARY_INTEGERS, *TAP_SUMMARY_SECONDS, *TAP_SUMMARY_OTHER}
    assert set(summary) <= schema
    for name in TAP_SUMMARY_INTEGERS + TAP_SUMMARY_SECONDS:
        assert int(summary[name]) >= 0, name
    assert isinstance(summary["averageTalkTime"], str)


async def test_summary_dates_are_required(api: Api) -> None:
    """CJ: startDate and endDate are required: a 400 names the missing one; the fixed path
    is not read as /skills/{skillId}."""
    missing = await api.call("GET", "/skills/summary", params={"endDate": "2026-01-01T00:00:00Z"})
    assert missing.status_code == 400
    assert "startDate" in missing.json()["errorDescription"]
    backwards = {"startDate": "2026-01-02T00:00:00Z", "endDate": "2026-01-01T00:00:00Z"}
    assert (
        "endDate"
        in (await api.call("GET", "/skills/summary", params=backwards)).json()["errorDescription"]
    )


@pytest.mark.parametrize(
    ("path", "status", "names"),
    [
        ("/skills/summary", 400, "startDate"),
        ("/skills/sla-summary", 400, "startDate"),
        ("/skills/call-data", 200, "SkillCallData"),
        ("/skills/agents", 400, "'skills'"),
        ("/skills/parameters", 200, "skillNo"),
    ],
)
async def test_fixed_skill_paths_are_not_skill_ids(
    api: Api, path: str, status: int, names: str
) -> None:
    """emulator-fidelity.md §1.5: fixed paths reach their own route (its own answer or its
    own 400), never 400 "Invalid path parameter 'skill_id'" from /skills/{skillId}."""
    response = await api.call("GET", path)
    assert response.status_code == status
    assert names in response.text
    assert "skill_id" not in response.text


async def test_sla_summary_names_per_version(api: Api) -> None:
    """CJ (newest) PascalCase items; TAP on v21 reads camelCase (a documented choice)."""
    await _two_calls(api)
    window = await _window(api)
    new = (await api.call("GET", "/skills/sla-summary", params=window)).json()
    item = _ours(new["serviceLevelSummaries"], "SkillId")
    assert (item["TotalContacts"], item["ContactsWithinSLA"], item["ServiceLevel"]) == (1, 1, 100)
    assert "_links" in new
    old = (await at_version(api, "v21.0", "GET", "/skills/sla-summary", params=window)).json()
    assert _ours(old["serviceLevelSummaries"])["contactsWithinSLA"] == 1
    assert set(_ours(old["serviceLevelSummaries"])) == TAP_SLA_FIELDS
    one = await api.call("GET", f"/skills/{DEMO_SKILL_ID}/sla-summary", params=window)
    assert one.json()["serviceLevelSummaries"][0]["SkillName"] == "Outbound PC Default"


async def test_sla_summary_page_past_end_is_204(api: Api) -> None:
    """A page past the end is 204, so TAP-style paging stops."""
    params = {**await _window(api), "skip": 50}
    assert (await api.call("GET", "/skills/sla-summary", params=params)).status_code == 204


async def test_call_data_today(api: Api) -> None:
    """CJ AdminSkills_getSkillsCallDataResponse: SkillCallData with PascalCase counts of the
    simulated day (calls placed before a midnight in between do not count)."""
    placed = (await api.call("GET", "/server-time")).json()["ServerTime"][:10]
    await _two_calls(api)
    today = (await api.call("GET", "/server-time")).json()["ServerTime"][:10]
    calls, answered = (2, 1) if placed == today else (0, 0)
    one = (await api.call("GET", f"/skills/{DEMO_SKILL_ID}/call-data")).json()["SkillCallData"]
    counts = (one["OfferedContacts"], one["AnsweredContacts"], one["AbandonedContacts"])
    assert counts == (calls, answered, 0)
    every = (await api.call("GET", "/skills/call-data")).json()["SkillCallData"]
    assert _ours(every, "SkillId")["OfferedContacts"] == calls


async def test_dialer_contacts_hour_windows_and_key_per_version(api: Api) -> None:
    """TAP (v21) reads outboundStats per 1-hour window; the spec names it wfM_OB_StatsV9."""
    await _two_calls(api)
    window = await _window(api)
    old = (
        await at_version(api, "v21.0", "GET", "/wfm-data/skills/dialer-contacts", params=window)
    ).json()
    row = _ours(old["outboundStats"])
    assert (row["dials"], row["connects"], row["abandons"]) == (2, 1, 0)
    assert row["intervalStartDate"][14:19] == "00:00"
    assert set(row) == TAP_DIALER_FIELDS
    new = (await api.call("GET", "/wfm-data/skills/dialer-contacts", params=window)).json()
    assert _ours(new["wfM_OB_StatsV9"])["rightPartyConnects"] == 1


async def test_dialer_contacts_empty_range_is_204(api: Api) -> None:
    """No dials in the range: 204."""
    window = await _window(api)
    assert (
        await api.call("GET", "/wfm-data/skills/dialer-contacts", params=window)
    ).status_code == 204


async def test_activity_search_filters(api: Api) -> None:
    """CJ postSkillsActivitySearch {filter{skillIds, isOutbound}}; no match is 204."""
    found = await api.call(
        "POST",
        "/skills/activity/search",
        json={"filter": {"skillIds": [DEMO_SKILL_ID], "isOutbound": "true"}},
    )
    item = found.json()["skillActivity"][0]
    assert item["skillId"] == DEMO_SKILL_ID
    assert {"agentsIdle", "inSLA", "outSLA", "skillQueueCount", "serverTime"} <= set(item)
    assert "lastPollTime" in found.json()
    none = await api.call("POST", "/skills/activity/search", json={"filter": {"skillIds": [1]}})
    assert none.status_code == 204
    bad = await api.call("POST", "/skills/activity/search", json={"filter": {"skillId": [1]}})
    assert "skillId" in bad.json()["errorDescription"]


async def test_agent_states_by_id(api: Api) -> None:
    """CJ getAgentStateByid: agentStates with startDate; 204 when unchanged; 404 unknown."""
    body = (await api.call("GET", "/agents/1001/states")).json()
    state = body["agentStates"][0]
    assert state["agentStateName"] == "Available"
    assert {"startDate", "lastPollTime", "mediaType"} <= set(state)
    later = {"updatedSince": "2999-01-01T00:00:00Z"}
    assert (await api.call("GET", "/agents/1001/states", params=later)).status_code == 204
    assert (await api.call("GET", "/agents/5/states")).status_code == 404


async def test_contact_states_follow_a_call(api: Api) -> None:
    """CJ getContactsStates: an active call is listed; with updatedSince its end is too."""
    contact_id = await dial(api, DEMO_SKILL_ID, "+12125550005")
    await api.advance(5)
    live = (await api.call("GET", "/contacts/states")).json()
    state = next(s for s in live["contactStates"] if s["contactId"] == contact_id)
    assert state["contactStateName"] == "Active"
    assert {"businessUnitId", "lastPollTime", "totalRecords"} <= set(live)
    since = live["lastPollTime"]
    await api.call("POST", f"/contacts/{contact_id}/end")
    assert (await api.call("GET", "/contacts/states")).status_code == 204
    ended = (await api.call("GET", "/contacts/states", params={"updatedSince": since})).json()
    assert ended["contactStates"][0]["contactStateName"] == "Disconnected"


async def test_reporting_needs_reporting_view(client: httpx.AsyncClient) -> None:
    """The dialer-only key lacks Reporting View: 403 names it."""
    token = (await grant(client, DIALER_ACCESS_KEY_ID, DIALER_ACCESS_KEY_SECRET)).json()
    dialer = Api(client, token["access_token"])
    denied = await dialer.call("GET", "/skills/call-data")
    assert denied.status_code == 403
    assert "Reporting View" in denied.json()["errorDescription"]
