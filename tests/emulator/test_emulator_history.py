"""Bulk history reports and DNC contributing skills, over HTTP.

Sources: calljacob/nice-cxone-api @28a1bd4b (CJ) ``ReportingReportingService.ts``
(getAgentsStateHistory, getAgentsAgentIdStateHistory, getContactsStateHistory,
getContactsCustomData) and ``AdminListsService.ts`` (getDNCGroupContributingSkillsResponse,
postDncGroupsContribSkillsById, deleteDncGroupsContribSkillsById).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from admin_support import dial
from emulator_support import Api, grant

from cxdial.emulator.credentials import (
    DEMO_SKILL_ID,
    DIALER_ACCESS_KEY_ID,
    DIALER_ACCESS_KEY_SECRET,
)

pytestmark = pytest.mark.anyio


def _iso(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def _window(days_before: float = 1, days_after: float = 1) -> dict[str, str]:
    return {"startDate": _iso(-days_before), "endDate": _iso(days_after)}


async def _dialer(client: httpx.AsyncClient) -> Api:
    token = (await grant(client, DIALER_ACCESS_KEY_ID, DIALER_ACCESS_KEY_SECRET)).json()
    return Api(client, token["access_token"])


async def _agent_call(api: Api) -> int:
    """A session for the key's agent, one answered dial-phone call run to the end."""
    session = (await api.call("POST", "/agent-sessions", json={})).json()["sessionId"]
    await api.call("POST", f"/agent-sessions/{session}/state", params={"state": "Available"})
    dialed = await api.call(
        "POST",
        f"/agent-sessions/{session}/dial-phone",
        json={"phoneNumber": "+13125550000", "skillId": DEMO_SKILL_ID},
    )
    assert dialed.status_code == 202
    await api.advance(60)
    record = (await api.call("GET", "/agents/states")).json()["agentStates"]
    return next(a["agentId"] for a in record if a["agentId"] > 900_000)


async def test_agent_state_history_records_session_and_call_states(api: Api) -> None:
    """Each state the emulator put the agent in is a row, in order, with the call's
    contact and skill on the OutboundContact row and ISO-duration strings (CJ)."""
    agent = await _agent_call(api)
    response = await api.call("GET", f"/agents/{agent}/state-history", params=_window())
    assert response.status_code == 200
    body = response.json()
    assert {"totalRecords", "_links", "businessUnitId", "lastPollTime"} <= set(body)
    names = [row["agentStateName"] for row in body["agentStateHistory"]]
    assert names == [
        "LoggedOut",
        "Unavailable",
        "Available",
        "OutboundContact",
        "Unavailable",
        "Available",
    ]
    on_call = body["agentStateHistory"][3]
    assert on_call["contactId"] is not None
    assert on_call["skillId"] == DEMO_SKILL_ID
    assert on_call["toAddress"] == "+13125550000"
    assert on_call["duration"].startswith("PT")
    assert on_call["agentStateId"] == 4
    assert [row["stateIndex"] for row in body["agentStateHistory"]] == [1, 2, 3, 4, 5, 6]


async def test_all_agents_state_history_pages_and_projects(api: Api) -> None:
    """GET /agents/state-history covers every agent, pages with top/skip and projects."""
    await _agent_call(api)
    everything = (await api.call("GET", "/agents/state-history", params=_window())).json()
    agents = {row["agentId"] for row in everything["agentStateHistory"]}
    assert {1001, 1002, 1003} <= agents
    page = await api.call(
        "GET", "/agents/state-history", params={**_window(), "top": 2, "fields": "agentId"}
    )
    assert page.json()["agentStateHistory"] == [{"agentId": 1001}, {"agentId": 1002}]
    assert page.json()["_links"]["next"] is not None


async def test_agent_state_history_is_204_when_nothing_changed_in_range(api: Api) -> None:
    """A range before anything happened holds no row: 204 with an empty body."""
    response = await api.call(
        "GET", "/agents/state-history", params={"startDate": _iso(-3), "endDate": _iso(-2)}
    )
    assert response.status_code == 204
    assert response.content == b""


async def test_agent_state_history_date_rules(api: Api) -> None:
    """No date, a reversed range, more than 30 days or an unknown agent are refused."""
    none = await api.call("GET", "/agents/state-history")
    assert none.status_code == 400
    assert "No dates fields provided" in none.json()["errorDescription"]
    reversed_range = {"startDate": _iso(1), "endDate": _iso(-1)}
    assert (
        await api.call("GET", "/agents/state-history", params=reversed_range)
    ).status_code == 400
    wide = await api.call("GET", "/agents/state-history", params=_window(31, 1))
    assert "30 days or less" in wide.json()["errorDescription"]
    unknown = await api.call("GET", "/agents/4242/state-history", params=_window())
    assert unknown.status_code == 404


async def test_contacts_state_history_in_bulk(api: Api) -> None:
    """GET /contacts/state-history (startDate and endDate required) lists every contact's
    states in CJ's envelope, the same rows as the per-contact route."""
    contact = await dial(api, DEMO_SKILL_ID, "+13125550000")
    await api.advance(60)
    response = await api.call("GET", "/contacts/state-history", params=_window())
    body = response.json()
    assert {"totalRecords", "_links", "lastPollTime", "businessUnit"} <= set(body)
    one = (await api.call("GET", f"/contacts/{contact}/state-history")).json()
    mine = [r for r in body["contactStateHistory"] if r["contactId"] == str(contact)]
    assert mine == one["contactStateHistory"]
    missing = await api.call("GET", "/contacts/state-history", params={"startDate": _iso(-1)})
    assert missing.status_code == 400
    assert "endDate" in missing.json()["errorDescription"]
    empty = {"startDate": _iso(-3), "endDate": _iso(-2)}
    assert (await api.call("GET", "/contacts/state-history", params=empty)).status_code == 204


async def test_contacts_custom_data_in_bulk_within_15_days(api: Api) -> None:
    """GET /contacts/custom-data: ContactCustomData rows per contact for at most 15 days."""
    contact = await dial(api, DEMO_SKILL_ID, "+13125550000", context="ctx-42")
    response = await api.call("GET", "/contacts/custom-data", params={"startDate": _iso(-1)})
    assert response.status_code == 200
    rows = response.json()["ContactCustomData"]
    assert {"contactId": contact, "name": "cxdialContextId", "value": "ctx-42"} in rows
    assert {"_links", "businessUnitId", "lastPollTime"} <= set(response.json())
    wide = await api.call("GET", "/contacts/custom-data", params=_window(16, 0))
    assert wide.status_code == 400
    assert "15 days or less" in wide.json()["errorDescription"]
    no_start = await api.call("GET", "/contacts/custom-data", params={"endDate": _iso(0)})
    assert no_start.status_code == 400
    assert "startDate" in no_start.json()["errorDescription"]


async def test_agent_history_needs_reporting_view(client: httpx.AsyncClient) -> None:
    """A key without "Reporting View" gets 403 naming it, on both agent history routes."""
    dialer = await _dialer(client)
    for path in ("/agents/state-history", "/agents/1001/state-history"):
        denied = await dialer.call("GET", path, params=_window())
        assert denied.status_code == 403
        assert "Reporting View" in denied.json()["errorDescription"]


async def test_dnc_contributing_skills(api: Api) -> None:
    """POST/DELETE /dnc-groups/{id}/contributing-skills/{skillId} and the GET envelope
    {totalRecords, _links, contributingSkills[{skillId, skillName}]} (CJ)."""
    group = (await api.call("POST", "/dnc-groups", json={"dncGroupName": "Opt-outs"})).json()[
        "dncGroups"
    ][0]["dncGroupId"]
    path = f"/dnc-groups/{group}/contributing-skills"
    empty = (await api.call("GET", path)).json()
    assert (empty["totalRecords"], empty["contributingSkills"]) == (0, [])
    assert (await api.call("POST", f"{path}/{DEMO_SKILL_ID}")).status_code == 200
    listed = (await api.call("GET", path)).json()
    assert listed["contributingSkills"] == [
        {"skillId": DEMO_SKILL_ID, "skillName": "Outbound PC Default"}
    ]
    assert listed["totalRecords"] == 1
    assert "self" in listed["_links"]
    scrubbed = (await api.call("GET", f"/dnc-groups/{group}/scrubbed-skills")).json()
    assert scrubbed["scrubbedSkills"] == []
    assert (await api.call("DELETE", f"{path}/{DEMO_SKILL_ID}")).status_code == 200
    again = await api.call("DELETE", f"{path}/{DEMO_SKILL_ID}")
    assert again.status_code == 404
    assert (await api.call("POST", f"{path}/999")).status_code == 404
    assert (await api.call("GET", "/dnc-groups/4242/contributing-skills")).status_code == 404


async def test_dnc_contributing_skills_need_dnc_permissions(client: httpx.AsyncClient) -> None:
    """The dialer key may neither read nor change contributing skills (403 naming it)."""
    dialer = await _dialer(client)
    read = await dialer.call("GET", "/dnc-groups/301/contributing-skills")
    assert "DNC View" in read.json()["errorDescription"]
    write = await dialer.call("POST", f"/dnc-groups/301/contributing-skills/{DEMO_SKILL_ID}")
    assert "DNC Edit" in write.json()["errorDescription"]
