"""Ad-hoc calls: scripts/start with magic numbers, queuecallback, agent sessions."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from emulator_support import Api

pytestmark = pytest.mark.anyio

SCRIPT = "Personal\\cxdial\\AdhocDial"
CALLER = "+18005550100"


async def start(api: Api, skill: int, to: str, context: str = "ctx", **kw: Any) -> Any:
    """POST /scripts/start for the ad-hoc script."""
    params = {"skillId": skill, "scriptPath": SCRIPT, "parameters": f"{to}|{CALLER}|{context}"}
    return await api.call("POST", "/scripts/start", params=params, **kw)


@pytest.mark.parametrize(
    ("to", "end_reason", "answered"),
    [
        ("+12125550000", "Contact Hung Up", True),
        ("+12125550001", "No Answer", False),
        ("+12125550002", "Busy", False),
        ("+12125550003", "Answering Machine", True),
        ("+12125550004", "Invalid Number", False),
    ],
)
async def test_magic_numbers_reach_each_outcome(
    api: Api, to: str, end_reason: str, answered: bool
) -> None:
    """Each magic destination completes with its outcome once the clock passes."""
    skill = await api.pc_skill()
    contact_id = (await start(api, skill, to)).json()["contactId"]
    active = await api.contact(contact_id)
    assert active["isActive"] is True
    await api.advance(120)
    done = await api.contact(contact_id)
    assert done["isActive"] is False
    assert done["endReason"] == end_reason
    states = [
        s["contactStateName"]
        for s in (await api.call("GET", f"/contacts/{contact_id}/state-history")).json()[
            "contactStateHistory"
        ]
    ]
    assert ("Active" in states) is answered
    assert states[0] == "Dialing"
    assert states[-1] == "Disconnected"


async def test_long_call_stays_active_until_clock_passes(api: Api) -> None:
    """A 0005 number is answered and stays active for minutes, then completes."""
    skill = await api.pc_skill()
    contact_id = (await start(api, skill, "+12125550005")).json()["contactId"]
    await api.advance(300)
    assert (await api.contact(contact_id))["stateName"] == "Active"
    active = (await api.call("GET", "/contacts/active")).json()
    assert [c["contactId"] for c in active["activeContacts"]] == [contact_id]
    await api.advance(900)
    done = await api.contact(contact_id)
    assert done["endReason"] == "Contact Hung Up"
    assert done["totalDurationSeconds"] > 900


async def test_script_records_context_and_caller_id(client_api: tuple[Any, Api]) -> None:
    """The script stores cxdialContextId and callerId as custom data; the ledger has the key."""
    client, api = client_api
    skill = await api.pc_skill()
    response = await start(
        api, skill, "+12125550000", "order-42", headers={"Idempotency-Key": "k1"}
    )
    contact_id = response.json()["contactId"]
    data = (await api.call("GET", f"/contacts/{contact_id}/custom-data")).json()[
        "contactCustomData"
    ]
    assert {"name": "cxdialContextId", "value": "order-42"} in data
    assert {"name": "callerId", "value": CALLER} in data
    ledger = (await client.get("/_emulator/dials")).json()["dials"]
    assert ledger == [
        {
            **ledger[0],
            "contactId": contact_id,
            "to": "+12125550000",
            "callerId": CALLER,
            "contextId": "order-42",
            "idempotencyKey": "k1",
            "via": "script",
        }
    ]


async def test_unknown_script_is_404(api: Api) -> None:
    """A script path the tenant does not have answers 404 naming the real one."""
    skill = await api.pc_skill()
    params = {
        "skillId": skill,
        "scriptPath": "Other\\Script",
        "parameters": "+12125550000|+18005550100|x",
    }
    response = await api.call("POST", "/scripts/start", params=params)
    assert response.status_code == 404
    assert "AdhocDial" in response.json()["errorDescription"]


async def test_caller_id_not_owned_is_400(api: Api) -> None:
    """A caller ID the business unit does not own is refused naming callerId."""
    skill = await api.pc_skill()
    params = {"skillId": skill, "scriptPath": SCRIPT, "parameters": "+12125550000|+19995550100|x"}
    response = await api.call("POST", "/scripts/start", params=params)
    assert response.status_code == 400
    assert "callerId" in response.json()["errorDescription"]
    owned = (await api.call("GET", "/business-unit")).json()["businessUnits"][0]["callerIds"]
    assert CALLER in owned


async def test_bad_phone_and_unknown_query_parameter(api: Api) -> None:
    """A non-E.164 number and an unknown query parameter are each named in a 400."""
    skill = await api.pc_skill()
    bad_phone = await start(api, skill, "2125550000")
    assert bad_phone.status_code == 400
    assert "E.164" in bad_phone.json()["errorDescription"]
    params = {
        "skillId": skill,
        "scriptPath": SCRIPT,
        "parameters": "+12125550000|+18005550100|x",
        "phone": "1",
    }
    unknown = await api.call("POST", "/scripts/start", params=params)
    assert "'phone'" in unknown.json()["errorDescription"]


async def test_completed_contacts_incremental_poll(api: Api) -> None:
    """updatedSince with the previous lastPollTime returns only newer completions."""
    skill = await api.pc_skill()
    first = (await start(api, skill, "+12125550002")).json()["contactId"]
    await api.advance(30)
    page1 = (await api.completed()).json()
    assert [c["contactId"] for c in page1["completedContacts"]] == [first]
    await api.advance(1)
    second = (await start(api, skill, "+12125550004")).json()["contactId"]
    await api.advance(30)
    page2 = await api.completed(updatedSince=page1["lastPollTime"])
    assert [c["contactId"] for c in page2.json()["completedContacts"]] == [second]
    by_number = await api.completed(toAddress="+12125550002")
    assert [c["contactId"] for c in by_number.json()["completedContacts"]] == [first]


async def test_end_contact(api: Api) -> None:
    """POST /contacts/{id}/end completes an active call; a second end is 409."""
    skill = await api.pc_skill()
    contact_id = (await start(api, skill, "+12125550005")).json()["contactId"]
    await api.advance(10)
    assert (await api.call("POST", f"/contacts/{contact_id}/end")).status_code == 202
    assert (await api.contact(contact_id))["endReason"] == "Ended by API"
    assert (await api.call("POST", f"/contacts/{contact_id}/end")).status_code == 409


async def test_queuecallback_creates_contact(client_api: tuple[Any, Api]) -> None:
    """/queuecallback answers without a body and dials the number from the skill."""
    client, api = client_api
    skill = await api.pc_skill()
    params = {"phoneNumber": "+12125550000", "skill": skill, "callerId": CALLER}
    response = await api.call("POST", "/queuecallback", params=params)
    assert response.status_code == 202
    ledger = (await client.get("/_emulator/dials")).json()["dials"]
    assert [(d["via"], d["to"], d["skillId"]) for d in ledger] == [
        ("callback", "+12125550000", skill)
    ]


async def test_agent_session_dial_phone_events_and_disposition(api: Api) -> None:
    """dial-phone delivers CallContactEvents via get-next-event (else 304); dispositions stick."""
    skill = await api.pc_skill()
    sid = (await api.call("POST", "/agent-sessions", json={})).json()["sessionId"]
    assert (await api.call("GET", f"/agent-sessions/{sid}/get-next-event")).status_code == 304
    body = {"phoneNumber": "+12125550000", "skillId": skill, "callerId": CALLER}
    assert (
        await api.call("POST", f"/agent-sessions/{sid}/dial-phone", json=body)
    ).status_code == 202
    await api.advance(60)
    events = (await api.call("GET", f"/agent-sessions/{sid}/get-next-event")).json()["events"]
    assert [e["Status"] for e in events] == ["Dialing", "Ringing", "Active", "Disconnected"]
    assert events[-1]["FinalState"] is True
    contact_id = int(events[0]["ContactID"])
    disposition = {"primaryDispositionId": 1, "primaryDispositionNotes": "sold"}
    url = f"/agent-sessions/{sid}/interactions/{contact_id}/disposition"
    assert (await api.call("POST", url, json=disposition)).status_code == 202
    done = await api.contact(contact_id)
    assert done["primaryDispositionId"] == 1
    bad = await api.call("POST", url, json={"primaryDispositionId": 99})
    assert "primaryDispositionId" in bad.json()["errorDescription"]
    assert (await api.call("DELETE", f"/agent-sessions/{sid}")).status_code == 202
    assert (await api.call("GET", f"/agent-sessions/{sid}/get-next-event")).status_code == 404


async def test_ad_hoc_dial_to_scrubbed_number_is_not_placed(
    client_api: tuple[Any, Api],
) -> None:
    """On a skill scrubbed against a DNC group, an ad-hoc dial to a listed number never rings."""
    client, api = client_api
    skill = await api.pc_skill()
    group = (await api.call("POST", "/dnc-groups", json={"dncGroupName": "g"})).json()
    group_id = group["dncGroups"][0]["dncGroupId"]
    body = {"dncGroupRecords": [{"phoneNumber": "+12125550000"}]}
    await api.call("POST", f"/dnc-groups/{group_id}/records", json=body)
    await api.call("POST", f"/dnc-groups/{group_id}/scrubbed-skills/{skill}")
    contact_id = (await start(api, skill, "+12125550000")).json()["contactId"]
    done = await api.contact(contact_id)
    assert done["endReason"] == "DNC Scrubbed"
    assert (await client.get("/_emulator/dials")).json()["totalRecords"] == 0


async def test_requests_and_calls_are_logged_without_phone_numbers(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """At INFO the emulator logs each request and call; no phone number appears in full."""
    caplog.set_level(logging.INFO, logger="cxdial.emulator")
    skill = await api.pc_skill()
    await start(api, skill, "+12125550002")
    await api.advance(60)
    text = caplog.text
    assert "POST /inContactAPI/services/v30.0/scripts/start -> 200" in text
    assert "placed" in text
    assert "ended: Busy" in text
    assert "2125550002" not in text
    assert CALLER.lstrip("+") not in text
    assert "+*********02" in text
