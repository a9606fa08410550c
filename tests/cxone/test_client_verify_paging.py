"""A lost scripts/start answer is found however many contacts the skill has: one dial."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cxone_helpers import Control, settings_for

from cxdial.cxone import Client, FakeClock
from cxdial.emulator.testing import SyncASGITransport

CALLER = "+18005550100"
BUSY = "+12025550002"
"""The emulator's busy destination: the call ends 3 s after it is placed."""
EARLIER_CALLS = 1005
"""More than one page (1000) of completed contacts in the verify window."""


class TimePassesWhileTheAnswerIsLost(httpx.BaseTransport):
    """Real transport into the emulator; when a dial's answer is lost, the call ends meanwhile.

    Models a client that waited for an answer that never came: by the time it checks,
    the (busy) call is over and sits among the completed contacts, not the active ones.
    """

    def __init__(self, inner: httpx.BaseTransport, control: Control) -> None:
        self.inner = inner
        self.control = control

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return self.inner.handle_request(request)
        except httpx.TransportError:
            if request.url.path.endswith("/scripts/start"):
                self.control.post("clock/advance", {"seconds": 30})
            raise


@pytest.fixture
def lossy_client(control: Control, sync_transport: SyncASGITransport) -> Iterator[Client]:
    """A client into the emulator whose lost dial answers let the busy call end meanwhile."""
    transport = TimePassesWhileTheAnswerIsLost(sync_transport, control)
    with Client.from_settings(settings_for(), transport=transport, clock=FakeClock()) as client:
        yield client


def _dials(control: Control) -> list[dict[str, Any]]:
    return list(control.get("dials")["dials"])


def _outbound_skill(client: Client) -> int:
    return next(iter(client.skills.list(outbound=True))).skill_id


def test_lost_dial_behind_a_full_page_of_completed_contacts_is_not_redialed(
    lossy_client: Client, control: Control
) -> None:
    """1005 earlier completed calls to the same number (seeded through the control API),
    then a lost answer: still one dial."""
    skill = _outbound_skill(lossy_client)
    seed = {"skill_id": skill, "to": BUSY, "count": EARLIER_CALLS, "context_prefix": "old"}
    assert control.post("contacts/completed", seed)["created"] == EARLIER_CALLS
    control.post("clock/advance", {"seconds": 60})
    control.fault("scripts/start", "drop")
    started = lossy_client.scripts.start(
        skill_id=skill,
        phone_number=BUSY,
        caller_id=CALLER,
        context_id="new",
        idempotency_key="lost-answer",
    )
    dials = _dials(control)
    mine = [d for d in dials if d["contextId"] == started.context_id]
    assert len(dials) == 1
    assert [d["contactId"] for d in mine] == [started.contact_id]
    writes = [w for w in control.get("stats")["writes"] if w["idempotencyKey"] == "lost-answer"]
    assert len(writes) == 1


def test_a_reused_label_never_reports_the_earlier_call(
    lossy_client: Client, control: Control
) -> None:
    """Two calls with one label get different context ids; a lost second answer finds its own."""
    skill = _outbound_skill(lossy_client)
    first = lossy_client.scripts.start(
        skill_id=skill, phone_number=BUSY, caller_id=CALLER, context_id="order-42"
    )
    control.fault("scripts/start", "drop")
    second = lossy_client.scripts.start(
        skill_id=skill, phone_number=BUSY, caller_id=CALLER, context_id="order-42"
    )
    assert first.context_id != second.context_id
    assert second.contact_id != first.contact_id
    assert [d["contactId"] for d in _dials(control)] == [first.contact_id, second.contact_id]


def test_a_reused_idempotency_key_is_refused_before_dialing(
    control: Control, sync_transport: SyncASGITransport
) -> None:
    """The same client refuses a second dial with an idempotency key it already used."""
    from cxdial.errors import ValidationError

    with Client.from_settings(settings_for(), transport=sync_transport) as client:
        skill = _outbound_skill(client)
        client.scripts.start(
            skill_id=skill, phone_number=BUSY, caller_id=CALLER, idempotency_key="k-1"
        )
        with pytest.raises(ValidationError) as info:
            client.scripts.start(
                skill_id=skill, phone_number=BUSY, caller_id=CALLER, idempotency_key="k-1"
            )
    assert info.value.field == "idempotency_key"
    assert len(_dials(control)) == 1
