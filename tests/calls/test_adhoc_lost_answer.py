"""An ad-hoc call whose answer is lost is dialed once, even behind a page of completed calls.

The earlier calls are seeded through the emulator's control API (``POST
/_emulator/contacts/completed``): the verification still pages through all of them over
real loopback HTTP, without 1,005 real dials first."""

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
        self.urls: list[httpx.URL] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(request.url)
        try:
            return self.inner.handle_request(request)
        except httpx.TransportError:
            if request.url.path.endswith("/scripts/start"):
                self.emulator.advance(30)
            raise

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def lossy(emulator: Emulator) -> CallEndsWhileTheAnswerIsLost:
    """The client's transport (it records every URL asked for)."""
    return CallEndsWhileTheAnswerIsLost(emulator)


@pytest.fixture
def lossy_client(emulator: Emulator, lossy: CallEndsWhileTheAnswerIsLost) -> Iterator[Client]:
    """A client over real HTTP whose lost dial answers outlast the (busy) call."""
    settings = emulator.settings(rate_limit=float("inf"))
    transport = lossy
    with Client.from_settings(settings, transport=transport, clock=FakeClock()) as client:
        yield client


@pytest.mark.e2e
def test_call_with_a_lost_answer_behind_1005_completed_calls_dials_once(
    lossy_client: Client, emulator: Emulator, lossy: CallEndsWhileTheAnswerIsLost
) -> None:
    """`cxdial call`'s placer: one dial, its own contact, and the busy outcome followed."""
    seeded = emulator.control(
        "POST",
        "contacts/completed",
        {"skill_id": SKILL, "to": BUSY, "count": EARLIER_CALLS, "context_prefix": "earlier"},
    )
    assert seeded["created"] == EARLIER_CALLS
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
    pages = [u for u in lossy.urls if u.path.endswith("/contacts/completed")]
    assert {"0", "1000"} <= {u.params.get("skip") for u in pages}  # verified past page one
