"""An ad-hoc call whose answer is lost is dialed once, even behind a page of completed calls."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from calls_support import CALLER, SKILL, Emulator, VirtualTime

from cxdial.calls import CallOutcome, CallPlacer, ungated
from cxdial.cxone import Client, FakeClock

BUSY = "+12025550002"
EARLIER_CALLS = 1005


class CallEndsWhileTheAnswerIsLost(httpx.BaseTransport):
    """Loopback HTTP to the emulator; a lost dial answer lets 30 simulated seconds pass."""

    def __init__(self, emulator: Emulator) -> None:
        self.inner = httpx.HTTPTransport()
        self.emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return self.inner.handle_request(request)
        except httpx.TransportError:
            if request.url.path.endswith("/scripts/start"):
                self.emulator.advance(30)
            raise

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def lossy_client(emulator: Emulator) -> Iterator[Client]:
    """A client over real HTTP whose lost dial answers outlast the (busy) call."""
    settings = emulator.settings(rate_limit=float("inf"))
    transport = CallEndsWhileTheAnswerIsLost(emulator)
    with Client.from_settings(settings, transport=transport, clock=FakeClock()) as client:
        yield client


@pytest.mark.slow
@pytest.mark.e2e
def test_call_with_a_lost_answer_behind_1005_completed_calls_dials_once(
    lossy_client: Client, emulator: Emulator
) -> None:
    """`cxdial call`'s placer: one dial, its own contact, and the busy outcome followed."""
    for i in range(EARLIER_CALLS):
        lossy_client.scripts.start(
            skill_id=SKILL, phone_number=BUSY, caller_id=CALLER, context_id=f"earlier-{i}"
        )
    emulator.advance(60)
    before = len(emulator.dials())
    emulator.control(
        "POST", "faults", {"next": [{"path_contains": "scripts/start", "fault": "drop"}]}
    )
    placer = CallPlacer(
        lossy_client, pre_dial=ungated("lost-answer test"), clock=VirtualTime(emulator)
    )
    placed, result = placer.call(
        BUSY, caller_id=CALLER, skill_id=SKILL, context_id="cli-lost", wait=True, timeout=60
    )
    dials = emulator.dials()[before:]
    assert [d["contactId"] for d in dials] == [placed.contact_id]
    assert dials[0]["contextId"] == placed.context_id
    assert result is not None
    assert result.outcome is CallOutcome.BUSY
