"""The poller against the emulator: incremental, resumable, paged, clamped, retried."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from queue_support import sqlite_engine
from sqlalchemy import Engine

from cxdial.cxone import AsyncClient, FakeClock
from cxdial.emulator import EmulatorConfig, create_app
from cxdial.emulator.testing import demo_settings
from cxdial.events import Envelope
from cxdial.events.consumer import Handled, Processor
from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.poller import Poller
from cxdial.events.queue import EventQueue, QueueSettings
from cxdial.events.worker import Worker
from cxdial.store import session_scope
from cxdial.store.event_tables import Watermark, create_event_schema

CALLER = "+18005550100"
Scenario = Callable[["Tenant"], Awaitable[None]]


class Tenant:
    """An emulator app, an async cxdial client on it, a store and a queue."""

    def __init__(self, app: FastAPI, client: AsyncClient, engine: Engine, queue: EventQueue):
        self.app, self.client, self.engine, self.queue = app, client, engine, queue

    async def control(self, path: str, body: Any) -> None:
        """POST to the emulator's control API."""
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as c:
            (await c.post(f"/_emulator/{path}", json=body)).raise_for_status()

    async def calls(self, *suffixes: int) -> list[int]:
        """Place calls to +1555123XXXX numbers, let them finish; their contact ids."""
        skill = next(iter([s async for s in self.client.skills.list()])).skill_id
        ids = [
            (
                await self.client.scripts.start(
                    skill_id=skill, phone_number=f"+1555123{n:04d}", caller_id=CALLER
                )
            ).contact_id
            for n in suffixes
        ]
        await self.control("clock/advance", {"seconds": 1200})
        return ids

    def poller(self, **kw: Any) -> Poller:
        """A poller on this tenant (a new one stands for a restarted process)."""
        return Poller(self.client, self.queue, self.engine, **kw)

    async def drained_ids(self) -> list[int]:
        """Contact ids of everything queued (acked)."""
        out = []
        while batch := await self.queue.claim("t", 1000):
            out += [Envelope.from_json(d.body).event.contact_id for d in batch]
            await self.queue.ack(batch)
        return out


def scenario(tmp_path: Path, test: Scenario) -> None:
    """Run ``test`` against a fresh emulator (manual clock) and store."""
    app = create_app(EmulatorConfig(seed=7, manual_clock=True))
    settings = demo_settings(rate_limit=float("inf"))
    engine = sqlite_engine(tmp_path)

    async def main() -> None:
        queue = EmbeddedQueue(engine, QueueSettings(batch_wait=0.0))
        transport = httpx.ASGITransport(app=app)
        async with AsyncClient.from_settings(settings, transport=transport, clock=FakeClock()) as c:
            await test(Tenant(app, c, engine, queue))
        await queue.close()

    asyncio.run(main())


def test_a_pass_pages_to_the_end_and_stores_the_watermark(tmp_path: Path) -> None:
    """Five completed calls, two per page: three pages, five events, lastPollTime kept."""

    async def test(t: Tenant) -> None:
        ids = await t.calls(1, 2, 4, 1, 2)
        poller = t.poller(page_size=2)
        result = await poller.poll_once()
        assert (result.records, result.enqueued, result.pages) == (5, 5, 3)
        assert result.watermark is not None
        assert poller.watermark() == result.watermark
        assert sorted(await t.drained_ids()) == sorted(ids)

    scenario(tmp_path, test)


def test_a_restarted_poller_resumes_from_the_watermark(tmp_path: Path) -> None:
    """A new poller (process restart) reads only what completed after the last pass."""

    async def test(t: Tenant) -> None:
        await t.calls(1, 2)
        await t.poller().poll_once()
        await t.drained_ids()
        empty = await t.poller().poll_once()
        assert (empty.records, empty.pages) == (0, 1)  # 204: nothing new
        later = await t.calls(4)
        resumed = await t.poller().poll_once()
        assert resumed.records == 1
        assert await t.drained_ids() == later

    scenario(tmp_path, test)


def test_an_old_watermark_is_clamped_to_the_30_day_window(tmp_path: Path) -> None:
    """A watermark 90 days old is moved up to 30 days back, as far as CXone reports."""
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

    async def test(t: Tenant) -> None:
        create_event_schema(t.engine)  # the store makes no tables until asked
        with session_scope(t.engine) as session:
            session.add(Watermark(name="contacts.completed", value="2026-08-25T00:00:00Z"))
        result = await t.poller(now=lambda: now).poll_once()
        since = datetime.fromisoformat(result.since.replace("Z", "+00:00"))
        assert now - timedelta(days=30) < since <= now - timedelta(days=30) + timedelta(minutes=1)

    scenario(tmp_path, test)


def test_a_throttled_page_is_retried_by_the_client_policy(tmp_path: Path) -> None:
    """A 429 and a 503 on the way are absorbed by the client's retries; nothing is lost."""

    async def test(t: Tenant) -> None:
        ids = await t.calls(1, 2, 4)
        shots = [
            {"path_contains": "contacts/completed", "fault": "429", "retry_after": 1},
            {"path_contains": "contacts/completed", "fault": "503"},
        ]
        await t.control("faults", {"next": shots})
        result = await t.poller(page_size=2).poll_once()
        assert result.records == 3
        assert sorted(await t.drained_ids()) == sorted(ids)

    scenario(tmp_path, test)


def test_polled_events_fill_the_store_as_reconciled_and_repolls_are_duplicates(
    tmp_path: Path,
) -> None:
    """Polled records become call states marked reconciled; polling again adds nothing."""

    async def test(t: Tenant) -> None:
        ids = await t.calls(1, 2, 4)
        processor = Processor(t.engine)
        worker = Worker(t.queue, processor)
        poller = t.poller()
        await poller.poll_once()
        await worker.drain()
        with session_scope(t.engine) as session:
            session.merge(Watermark(name="contacts.completed", value="2020-01-01T00:00:00Z"))
        await poller.poll_once()  # the same records again
        await worker.drain()
        assert worker.handled == {Handled.PROCESSED: 3, Handled.DUPLICATE: 3}
        views = [processor.call(i) for i in ids]
        assert all(v is not None and v.reconciled for v in views)

    scenario(tmp_path, test)
