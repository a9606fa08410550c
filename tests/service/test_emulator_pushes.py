"""The emulator's signed pushes, received by a real cxdial service, agree with its records."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from service_support import SECRET, Running

from cxdial.cxone import AsyncClient, FakeClock
from cxdial.cxone.models.contacts import CompletedContact
from cxdial.emulator import EmulatorConfig, create_app
from cxdial.emulator.testing import demo_settings
from cxdial.events import Processor, event_from_completed
from cxdial.store import make_engine

CALLER = "+18005550100"


@pytest.mark.e2e
def test_pushed_outcomes_and_dispositions_match_the_completed_contacts(running: Running) -> None:
    """Every emulator push is accepted; the stored outcomes equal what polling would say."""
    app = create_app(
        EmulatorConfig(
            seed=7,
            manual_clock=True,
            webhook_url=running.url + "/webhooks/cxone",
            webhook_secret=SECRET,
        )
    )
    app.state.webhooks.backoff = 0.01
    settings = demo_settings(rate_limit=float("inf"))

    async def main() -> tuple[dict[str, int], list[CompletedContact]]:
        transport = httpx.ASGITransport(app=app)
        async with (
            AsyncClient.from_settings(settings, transport=transport, clock=FakeClock()) as client,
            httpx.AsyncClient(transport=transport, base_url="http://emulator") as control,
        ):
            skills = [s async for s in client.skills.list()]
            skill = skills[0].skill_id
            for n in (0, 1, 2, 3, 4, 7, 8, 9):
                await client.scripts.start(
                    skill_id=skill, phone_number=f"+1555123{n:04d}", caller_id=CALLER
                )
            await control.post("/_emulator/clock/advance", json={"seconds": 1200})
            flushed = (await control.post("/_emulator/webhooks/flush")).json()
            records = [
                r
                async for r in client.contacts.iter_completed(updated_since="2020-01-01T00:00:00Z")
            ]
            return flushed, records

    flushed, records = asyncio.run(main())
    assert flushed["failed"] == 0
    assert flushed["delivered"] >= 2 * len(records)
    processor = Processor(make_engine(running.db))
    expected = {e.contact_id: e for e in map(event_from_completed, records)}
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        views = {i: processor.call(i) for i in expected}
        if all(v is not None and v.outcome is not None for v in views.values()):
            break
        time.sleep(0.05)
    for contact_id, polled in expected.items():
        view = views[contact_id]
        assert view is not None
        assert (view.outcome, view.disposition) == (polled.outcome, polled.disposition)
        assert not view.gaps
