"""``POST /_emulator/contacts/completed``: seeded call history (emulator-only, not CXone)."""

from __future__ import annotations

import httpx
import pytest
from emulator_support import Api

from cxdial.emulator.credentials import DEMO_CALLER_ID, DEMO_SKILL_ID

pytestmark = pytest.mark.anyio
SEED = "/_emulator/contacts/completed"


async def test_seeded_contacts_are_completed_history_but_no_dials(
    client_api: tuple[httpx.AsyncClient, Api],
) -> None:
    """Each seeded contact is a completed, busy call to the number with its context id as
    custom data; the dial ledger stays empty and nothing is active."""
    client, api = client_api
    body = {"skill_id": DEMO_SKILL_ID, "to": "2025550002", "count": 3, "context_prefix": "old"}
    answer = await client.post(SEED, json=body)
    assert answer.status_code == 200
    ids = answer.json()["contactIds"]
    assert len(ids) == answer.json()["created"] == 3
    listed = (await api.completed(toAddress="+12025550002")).json()
    assert listed["totalRecords"] == 3
    rows = {r["contactId"]: r for r in listed["completedContacts"]}
    assert set(rows) == set(ids)
    first = rows[ids[0]]
    assert (first["endReason"], first["primaryDispositionId"]) == ("Busy", 7)
    assert (first["fromAddress"], first["skillId"]) == (DEMO_CALLER_ID, DEMO_SKILL_ID)
    assert first["contactStartDate"] < first["lastUpdateTime"]
    data = (await api.call("GET", f"/contacts/{ids[2]}/custom-data")).json()
    assert {"name": "cxdialContextId", "value": "old-2"} in data["contactCustomData"]
    history = (await api.call("GET", f"/contacts/{ids[0]}/state-history")).json()
    states = [r["contactStateName"] for r in history["contactStateHistory"]]
    assert states == ["Dialing", "Ringing", "Disconnected"]
    assert (await client.get("/_emulator/dials")).json()["totalRecords"] == 0
    assert (await api.call("GET", "/contacts/active")).status_code == 204


async def test_an_answered_seed_has_an_active_state_and_no_context(
    client_api: tuple[httpx.AsyncClient, Api],
) -> None:
    """``outcome: answered`` passes through Active; without a prefix no context id is stored."""
    client, api = client_api
    body = {"skill_id": DEMO_SKILL_ID, "to": "+13125550000", "outcome": "answered"}
    (contact_id,) = (await client.post(SEED, json=body)).json()["contactIds"]
    record = await api.contact(contact_id)
    assert record["endReason"] == "Contact Hung Up"
    history = (await api.call("GET", f"/contacts/{contact_id}/state-history")).json()
    states = [r["contactStateName"] for r in history["contactStateHistory"]]
    assert states == ["Dialing", "Ringing", "Active", "Disconnected"]
    data = (await api.call("GET", f"/contacts/{contact_id}/custom-data")).json()
    assert [d["name"] for d in data["contactCustomData"]] == ["callerId"]


@pytest.mark.parametrize(
    ("body", "status", "names"),
    [
        ({"skill_id": 1, "to": "2025550002"}, 404, "skillId 1"),
        ({"skill_id": DEMO_SKILL_ID, "to": "12"}, 400, "'to'"),
        ({"skill_id": DEMO_SKILL_ID, "to": "2025550002", "caller_id": "x"}, 400, "'caller_id'"),
        ({"skill_id": DEMO_SKILL_ID, "to": "2025550002", "count": 0}, 400, "count"),
        ({"skill_id": DEMO_SKILL_ID, "to": "2025550002", "outcome": "dnc"}, 400, "outcome"),
    ],
)
async def test_a_bad_seed_is_refused_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, object], status: int, names: str
) -> None:
    """An unknown skill is a 404, a bad number, count or outcome a 400 naming it."""
    answer = await client.post(SEED, json=body)
    assert answer.status_code == status
    assert names in answer.text
