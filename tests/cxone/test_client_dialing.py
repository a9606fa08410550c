"""Ad-hoc dials through scripts/start: exactly once, even when answers are lost."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from cxone_helpers import Control, settings_for
from fastapi import FastAPI

from cxdial.cxone import AmbiguousWrite, Client, FakeClock
from cxdial.cxone.resources.dialing import dial_context_id
from cxdial.emulator.testing import SyncASGITransport
from cxdial.errors import BadRequest, NotFound

CALLER = "+18005550100"


def _client(transport: httpx.BaseTransport, clock: FakeClock | None = None) -> Client:
    return Client.from_settings(settings_for(), transport=transport, clock=clock or FakeClock())


def _skill(client: Client) -> int:
    return next(iter(client.skills.list(outbound=True))).skill_id


def _dials(control: Control, label: str) -> list[dict[str, Any]]:
    """The dials whose context id is ``label`` plus cxdial's per-call nonce."""
    return [d for d in control.get("dials")["dials"] if str(d["contextId"]).startswith(label + ".")]


def _script_writes(control: Control) -> list[dict[str, Any]]:
    return [w for w in control.get("stats")["writes"] if "scripts/start" in w["path"]]


@pytest.mark.parametrize("fault", ["drop", "timeout"])
def test_lost_answer_is_recovered_not_redialed(
    sync_transport: SyncASGITransport, control: Control, fault: str
) -> None:
    """A dial whose answer was lost is found by its context id and not placed again."""
    with _client(sync_transport) as client:
        skill = _skill(client)
        control.fault("scripts/start", fault, delay=0)
        response = client.send(
            client.scripts.requests.start(
                skill_id=skill, phone_number="+15551230000", caller_id=CALLER, context_id="ctx-lost"
            )
        )
    assert response.recovered is True
    dials = _dials(control, "ctx-lost")
    assert len(dials) == 1
    assert dials[0]["contactId"] == response.parsed.contact_id
    writes = _script_writes(control)
    assert len(writes) == 1
    assert writes[0]["idempotencyKey"] == response.idempotency_key == dials[0]["idempotencyKey"]


def test_failure_before_the_write_is_retried_once(
    sync_transport: SyncASGITransport, control: Control
) -> None:
    """A 500 that applied nothing is verified as not done, retried once, dialed once."""
    clock = FakeClock()
    with _client(sync_transport, clock) as client:
        skill = _skill(client)
        control.fault("scripts/start", "500")
        response = client.send(
            client.scripts.requests.start(
                skill_id=skill, phone_number="+15551230000", caller_id=CALLER, context_id="ctx-500"
            )
        )
    assert response.attempts == 2
    assert response.recovered is False
    assert 2.0 in clock.sleeps  # the verify hook looked twice, a settle pause apart
    assert len(_dials(control, "ctx-500")) == 1
    writes = _script_writes(control)
    assert [w["status"] for w in writes] == [500, 200]
    assert {w["idempotencyKey"] for w in writes} == {response.idempotency_key}


def test_caller_supplied_key_reaches_the_dial_ledger(
    sync_transport: SyncASGITransport, control: Control
) -> None:
    """The caller's idempotency key is the one the emulator records for the dial."""
    with _client(sync_transport) as client:
        contact = client.scripts.start(
            skill_id=_skill(client),
            phone_number="+15551230000",
            caller_id=CALLER,
            context_id="ctx-key",
            idempotency_key="order-42",
        )
    dials = _dials(control, "ctx-key")
    assert [d["idempotencyKey"] for d in dials] == ["order-42"]
    assert dials[0]["contactId"] == contact.contact_id


def test_context_id_lands_in_custom_data(sync_transport: SyncASGITransport) -> None:
    """The dialing script stores the context id as the contact's cxdialContextId."""
    with _client(sync_transport) as client:
        contact = client.scripts.start(
            skill_id=_skill(client),
            phone_number="+15551230000",
            caller_id=CALLER,
            context_id="ctx-data",
        )
        data = {d.name: d.value for d in client.contacts.custom_data(contact.contact_id)}
    assert data["cxdialContextId"] == contact.context_id
    assert str(contact.context_id).startswith("ctx-data.")


def test_server_400_names_the_field(sync_transport: SyncASGITransport) -> None:
    """A caller ID the business unit does not own is a 400 naming callerId."""
    with _client(sync_transport) as client, pytest.raises(BadRequest) as info:
        client.scripts.start(
            skill_id=_skill(client), phone_number="+15551230000", caller_id="+15550000000"
        )
    assert info.value.field == "callerId"
    assert "+18005550100" in str(info.value)


def test_unknown_skill_is_not_found(sync_transport: SyncASGITransport) -> None:
    """Dialing on a skill that does not exist raises NotFound naming it."""
    with _client(sync_transport) as client, pytest.raises(NotFound, match="999"):
        client.scripts.start(skill_id=999, phone_number="+15551230000", caller_id=CALLER)


def test_queued_callback_is_never_blindly_retried(
    sync_transport: SyncASGITransport, control: Control
) -> None:
    """A lost queuecallback answer raises AmbiguousWrite; the emulator saw one request."""
    with _client(sync_transport) as client:
        skill = _skill(client)
        control.fault("queuecallback", "drop")
        with pytest.raises(AmbiguousWrite):
            client.callbacks.queue({"phoneNumber": "+15551230000", "skill": skill})
    writes = [w for w in control.get("stats")["writes"] if "queuecallback" in w["path"]]
    assert len(writes) == 1


def test_async_twin_recovers_a_lost_dial(app: FastAPI, control: Control) -> None:
    """The async client drives the same verify hook and dials once."""
    from cxone_helpers import run

    from cxdial.cxone import AsyncClient

    async def go() -> int:
        client = AsyncClient.from_settings(
            settings_for(), transport=httpx.ASGITransport(app=app), clock=FakeClock()
        )
        async with client:
            skill = [s async for s in client.skills.list()][0].skill_id  # noqa: RUF015
            await control.apost(
                "faults", {"next": [{"path_contains": "scripts/start", "fault": "drop"}]}
            )
            started = await client.scripts.start(
                skill_id=skill,
                phone_number="+15551230000",
                caller_id=CALLER,
                context_id="ctx-async",
            )
            return started.contact_id

    contact_id = run(go())
    assert [d["contactId"] for d in _dials(control, "ctx-async")] == [contact_id]


def test_a_write_that_surfaces_late_is_found_on_the_second_look() -> None:
    """If the contact shows up only after the settle pause, the dial is recovered, not resent."""
    from cxone_helpers import MOCK_BASE, mock_tenant

    looks = {"active": 0}
    posts: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/scripts/start"):
            posts.append(request)
            return httpx.Response(503)
        if path.endswith("/contacts/active"):
            looks["active"] += 1
            if looks["active"] == 1:
                return httpx.Response(204)
            return httpx.Response(
                200, json={"activeContacts": [{"contactId": 77, "toAddress": "+15551230000"}]}
            )
        if path.endswith("/contacts/completed"):
            return httpx.Response(204)
        if path.endswith("/contacts/77/custom-data"):
            value = dial_context_id("late", "key-late")
            return httpx.Response(200, json=[{"name": "cxdialContextId", "value": value}])
        return httpx.Response(404)

    clock = FakeClock()
    settings = settings_for(MOCK_BASE, api_endpoint=MOCK_BASE)
    with Client.from_settings(settings, transport=mock_tenant(api), clock=clock) as client:
        contact = client.scripts.start(
            skill_id=1,
            phone_number="+15551230000",
            caller_id=CALLER,
            context_id="late",
            idempotency_key="key-late",
        )
    assert contact.contact_id == 77
    assert len(posts) == 1
    assert clock.sleeps == [2.0]


def test_non_e164_number_is_refused_before_sending() -> None:
    """A dial to a number not in E.164 raises ValidationError naming the field and the format."""
    from cxdial.cxone.resources.dialing import ScriptRequests
    from cxdial.errors import ValidationError

    with pytest.raises(ValidationError) as info:
        ScriptRequests().start(skill_id=1, phone_number="555-123-0000", caller_id=CALLER)
    assert info.value.field == "phoneNumber"
    assert "E.164" in str(info.value.fix)
