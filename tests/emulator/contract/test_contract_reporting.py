"""Reporting and real-time routes against shapes transcribed from real clients and the spec."""

from __future__ import annotations

from typing import Any

import pytest
from contract_sources import (
    CJ,
    CJ_ACTIVE,
    CJ_AGENT_STATE,
    CJ_COMPLETED_V33,
    QA,
    SDK,
    TAP,
    TAP_COMPLETED_V21,
    Fixture,
)
from emulator_support import Api, day_ago

pytestmark = pytest.mark.anyio
SCRIPT = "Personal\\cxdial\\AdhocDial"
CALLER = "+18005550100"


async def _dial(api: Api, skill: int, to: str) -> int:
    params = {"skillId": skill, "scriptPath": SCRIPT, "parameters": f"{to}|{CALLER}|ctx"}
    response = await api.call("POST", "/scripts/start", params=params)
    return int(response.json()["contactId"])


async def _completed_calls(api: Api, count: int) -> list[int]:
    skill = await api.pc_skill()
    ids = [await _dial(api, skill, f"+1212555{i % 5:04d}") for i in range(count)]
    await api.advance(3600)
    return ids


async def _get(api: Api, version: str, path: str, **params: Any) -> Any:
    response = await api.client.get(
        f"/inContactAPI/services/{version}{path}", params=params, headers=api.headers
    )
    return response


async def test_tap_paging_by_skip_until_empty_terminates(api: Api) -> None:
    """TAP's ContactsCompleted loop (skip += len until an empty answer) ends with every
    contact once (TAP streams.py ContactsCompleted.get_records)."""
    ids = await _completed_calls(api, 7)
    seen: list[int] = []
    skip, requests = 0, 0
    while True:
        requests += 1
        assert requests < 20, "paging by skip did not terminate"
        response = await _get(
            api,
            "v21.0",
            "/contacts/completed",
            updatedSince=day_ago(),
            orderBy="lastUpdateTime asc",
            skip=skip,
            top=3,
        )
        if response.status_code == 204:
            assert response.content == b""
            break
        page = response.json()["completedContacts"]
        seen += [c["contactId"] for c in page]
        skip += len(page)
    assert sorted(seen) == sorted(ids)
    assert requests == 4


@pytest.mark.parametrize(
    ("version", "wanted", "absent"),
    [
        ("v21.0", TAP_COMPLETED_V21, ["fromAddress", "toAddress", "contactStartDate"]),
        ("v23.0", ["fromAddr", "toAddr", "contactStart", "mediaType"], ["mediaTypeId"]),
        ("v33.0", CJ_COMPLETED_V33, ["fromAddr", "toAddr", "contactStart", "ACWSeconds"]),
    ],
    ids=[f"v21 [{TAP} schemas/contacts_completed.json]", f"v23 [{SDK}]", f"v33 [{CJ}]"],
)
async def test_completed_contacts_names_follow_the_version(
    api: Api, version: str, wanted: list[str], absent: list[str]
) -> None:
    """A v21/v23 request gets the old field names, a v33 request the spec's names."""
    await _completed_calls(api, 1)
    body = (await _get(api, version, "/contacts/completed", updatedSince=day_ago())).json()
    record = body["completedContacts"][0]
    assert set(wanted) <= set(record), sorted(set(wanted) - set(record))
    assert not set(absent) & set(record)
    assert {"totalRecords", "_links", "businessUnitId", "lastPollTime"} <= set(body)


async def test_v21_types_match_taps_schema(api: Api) -> None:
    """TAP's schema types mediaType, confSeconds and ACWSeconds as integers, contactStart a
    date-time string (TAP schemas/contacts_completed.json)."""
    await _completed_calls(api, 1)
    body = (await _get(api, "v21.0", "/contacts/completed", updatedSince=day_ago())).json()
    record = body["completedContacts"][0]
    assert all(isinstance(record[k], int) for k in ("mediaType", "confSeconds", "ACWSeconds"))
    assert isinstance(record["contactStart"], str)


async def test_old_versions_filter_by_to_addr(api: Api) -> None:
    """QA's v12 historical-reporting call filters with ``toAddr`` (QA
    historical-reporting-v12.ts); v33 filters with ``toAddress`` (CJ)."""
    skill = await api.pc_skill()
    first = await _dial(api, skill, "+12125550002")
    await _dial(api, skill, "+12125550004")
    await api.advance(120)
    old = await _get(
        api, "v12.0", "/contacts/completed", updatedSince=day_ago(), toAddr="2125550002"
    )
    assert [c["contactId"] for c in old.json()["completedContacts"]] == [first]
    new = await _get(
        api, "v33.0", "/contacts/completed", updatedSince=day_ago(), toAddress="+12125550002"
    )
    assert [c["contactId"] for c in new.json()["completedContacts"]] == [first]


DATE_RULES = [
    Fixture(QA, params={}, status=400, text="Invalid DateRange - No dates fields provided"),
    Fixture(
        QA,
        params={"startDate": "2026-01-01T00:00:00Z", "endDate": "2026-03-01T00:00:00Z"},
        status=400,
        text="Invalid DateRange - Date Range must be 30 days or less",
    ),
    Fixture(
        QA,
        params={"updatedSince": "2020-01-01T00:00:00Z"},
        status=400,
        text="Invalid updatedSince - '2020-01-01T00:00:00Z', must be 30 days or less",
    ),
    Fixture(QA, params={"endDate": "2026-01-01T00:00:00Z"}, status=400, text="Invalid startDate"),
    Fixture(QA, params={"startDate": "13-15-2017"}, status=400, text="Invalid startDate"),
    Fixture(QA, params={"updatedSince": "02-30-2017"}, status=400, text="Invalid updatedSince"),
]
"""QA src/test-data/inContact/apis/reporting/historical-reporting/returns-completed-contacts/
returns-completed-contacts-v7.0.json (RPV70070, RPV70072–RPV70075)."""


@pytest.mark.parametrize("fixture", DATE_RULES, ids=lambda f: f"{f.params} [{f.source}]")
async def test_completed_contacts_date_rules_use_the_real_texts(api: Api, fixture: Fixture) -> None:
    """The real API's date-range errors, with the texts QA's lab tests assert."""
    response = await api.call("GET", "/contacts/completed", params=fixture.params)
    assert response.status_code == fixture.status
    assert fixture.text is not None
    assert response.json()["errorDescription"].startswith(fixture.text)
    assert response.headers["icStatusDescription"].startswith(fixture.text)


async def test_completed_contacts_order_by_and_fields(api: Api) -> None:
    """``orderBy`` and ``fields`` (projection) are honoured (CJ completedContactDetails query)."""
    ids = await _completed_calls(api, 3)
    response = await api.completed(orderBy="contactId desc", fields="contactId,skillId")
    records = response.json()["completedContacts"]
    assert [r["contactId"] for r in records] == sorted(ids, reverse=True)
    assert all(set(r) == {"contactId", "skillId"} for r in records)
    bad = await api.completed(fields="contactId,nope")
    assert bad.status_code == 400
    assert "'nope'" in bad.json()["errorDescription"]


async def test_active_contacts_items_carry_the_spec_fields(api: Api) -> None:
    """activeContacts items have the spec's fields, ``contactStartDate`` among them (CJ
    activeContacts)."""
    skill = await api.pc_skill()
    await _dial(api, skill, "+12125550005")
    await api.advance(60)
    body = (await api.call("GET", "/contacts/active")).json()
    assert set(CJ_ACTIVE) <= set(body["activeContacts"][0])
    assert {"totalRecords", "_links", "businessUnitId", "lastPollTime"} <= set(body)
    past = await api.call("GET", "/contacts/active", params={"skip": 5})
    assert past.status_code == 204


async def test_contact_detail_is_nested_under_contact_id(api: Api) -> None:
    """nicepy reads ``data['contactId']['contactStartDate']`` (PyPI nicepy 1.0.0
    NicePy/Contacts.py GetContactDetails); CJ contactCompeleted = {businessUnitId,
    lastPollTime, contactId}."""
    skill = await api.pc_skill()
    contact_id = await _dial(api, skill, "+12125550002")
    await api.advance(60)
    body = (await api.call("GET", f"/contacts/{contact_id}")).json()
    assert {"businessUnitId", "lastPollTime", "contactId"} <= set(body)
    assert isinstance(body["contactId"]["contactStartDate"], str)
    assert body["contactId"]["contactId"] == contact_id


async def test_custom_data_envelope(api: Api) -> None:
    """``{contactCustomData: [{name, value}]}`` (CJ contactCustomData)."""
    skill = await api.pc_skill()
    contact_id = await _dial(api, skill, "+12125550000")
    body = (await api.call("GET", f"/contacts/{contact_id}/custom-data")).json()
    assert {"name": "cxdialContextId", "value": "ctx"} in body["contactCustomData"]


@pytest.mark.parametrize(
    "path", ["state-history", "statehistory"], ids=[f"spec [{CJ}]", f"v12 spelling [{QA}]"]
)
async def test_state_history_durations_are_strings(api: Api, path: str) -> None:
    """Both spellings answer; ``duration`` is a string and each row has ``contactId`` (CJ
    contactStateHistory; QA v12 uses ``statehistory``)."""
    skill = await api.pc_skill()
    contact_id = await _dial(api, skill, "+12125550000")
    await api.advance(60)
    rows = (await api.call("GET", f"/contacts/{contact_id}/{path}")).json()["contactStateHistory"]
    assert rows
    assert all(isinstance(r["duration"], str) and r["duration"].startswith("PT") for r in rows)
    assert all(r["contactId"] == str(contact_id) for r in rows)


async def test_agent_states_carry_start_date_and_names(api: Api) -> None:
    """agentStates items have ``startDate`` (nicepy Agents.GetAgentStates reads it) and the
    spec's fields (CJ getAgentStates)."""
    body = (await api.call("GET", "/agents/states")).json()
    assert set(CJ_AGENT_STATE) <= set(body["agentStates"][0])
    assert {"totalRecords", "_links", "lastPollTime"} <= set(body)
    projected = await api.call("GET", "/agents/states", params={"fields": "agentId,startDate"})
    assert set(projected.json()["agentStates"][0]) == {"agentId", "startDate"}


async def test_dispositions_page_and_carry_spec_fields(api: Api) -> None:
    """``top`` pages dispositions; items have the spec's fields (CJ getDispositions) and
    ``classificationName`` (MCP list_dispositions reads it)."""
    body = (await api.call("GET", "/dispositions", params={"top": 2})).json()
    assert len(body["dispositions"]) == 2
    assert body["totalRecords"] > 2
    wanted = {
        "dispositionId",
        "dispositionName",
        "notes",
        "lastUpdated",
        "classificationId",
        "classificationName",
        "systemOutcome",
        "isActive",
        "isPreviewDisposition",
    }
    assert wanted <= set(body["dispositions"][0])
    assert {"businessUnitId", "_links"} <= set(body)
    search = await api.call("GET", "/dispositions", params={"searchString": "busy"})
    assert [d["dispositionName"] for d in search.json()["dispositions"]] == ["Busy"]


async def test_agents_carry_email_address_and_filter(api: Api) -> None:
    """MCP resolves agents by ``emailAddress`` with ``isActive=true`` (MCP tools.js
    resolveAgent); ``searchString`` narrows (CJ getAgents)."""
    body = (await api.call("GET", "/agents", params={"isActive": "true"})).json()
    assert all("@" in a["emailAddress"] for a in body["agents"])
    first = body["agents"][0]["firstName"]
    found = (await api.call("GET", "/agents", params={"searchString": first})).json()
    assert {a["firstName"] for a in found["agents"]} == {first}
