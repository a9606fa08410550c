"""The poller role of ``cxdial serve`` runs the reconciliation pass on its own schedule."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from cxdial.config import Settings
from cxdial.cxone import Client
from cxdial.emulator import EmulatorConfig
from cxdial.emulator import credentials as demo
from cxdial.emulator.testing import EmulatorServer
from cxdial.events import CallEvent, Envelope
from cxdial.events.consumer import Processor
from cxdial.events.embedded import EmbeddedQueue
from cxdial.service import ServiceConfig
from cxdial.service.runtime import Service
from cxdial.store import make_engine


@pytest.mark.e2e
def test_a_call_whose_end_was_never_pushed_is_filled_by_the_poller_role(tmp_path: Path) -> None:
    """Only call.started was pushed; with no worker running (so the poll's own copy is not
    applied), the poller role's reconciliation looks the contact up and fills it."""
    with EmulatorServer(EmulatorConfig(seed=9, manual_clock=True)) as emulator:
        settings = Settings(
            issuer=emulator.url,
            access_key_id=demo.DEMO_ACCESS_KEY_ID,
            access_key_secret=demo.DEMO_ACCESS_KEY_SECRET,
            client_id=demo.DEMO_CLIENT_ID,
            client_secret=demo.DEMO_CLIENT_SECRET,
            rate_limit=float("inf"),
        )
        with Client.from_settings(settings) as client:
            skill = next(iter(client.skills.list())).skill_id
            placed = client.scripts.start(
                skill_id=skill, phone_number="+15559870001", caller_id=demo.DEMO_CALLER_ID
            )
        httpx.post(f"{emulator.url}/_emulator/clock/advance", json={"seconds": 1200})
        engine = make_engine(f"sqlite:///{tmp_path / 'svc.db'}")
        processor = Processor(engine)
        started = CallEvent(
            type="call.started",
            occurred_at=datetime.now(UTC) - timedelta(minutes=5),
            contact_id=placed.contact_id,
            skill_id=skill,
            phone="+15559870001",
            sequence=1,
        )
        processor.handle([Envelope.of(started, id="only-push", source="push")])
        config = ServiceConfig(reconcile_grace=60.0, reconcile_interval=0.05)
        service = Service(
            config,
            engine,
            EmbeddedQueue(engine),
            ("poller",),
            settings=settings,
            poll_interval=0.05,
        )
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        thread = threading.Thread(target=loop.run_until_complete, args=(service.serve(stop),))
        thread.start()
        try:
            deadline = time.monotonic() + 15
            while not ((view := processor.call(placed.contact_id)) and view.reconciled):
                assert time.monotonic() < deadline, "the poller role did not reconcile"
                time.sleep(0.05)
        finally:
            loop.call_soon_threadsafe(stop.set)
            thread.join(10)
            loop.close()
        assert view.outcome is not None
        assert view.state in ("call.completed", "call.abandoned")
        engine.dispose()
