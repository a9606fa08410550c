"""Crash safety: a worker killed with SIGKILL mid-stream loses nothing and repeats nothing."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from cxdial.emulator.testing import free_port, wait_healthy
from cxdial.emulator.webhooks import sign
from cxdial.events import EmbeddedQueue, Envelope, parse_event
from cxdial.store import session_scope
from cxdial.store.event_tables import CallStateRow, counters
from cxdial.store.queue import QueueRow
from cxdial.store.tables import AttemptRow

EVENTS = 2000
WORKER = """
import asyncio, sys
from cxdial.events import EmbeddedQueue, Processor, QueueSettings, Worker
from cxdial.store import make_engine

async def main() -> None:
    engine = make_engine(sys.argv[1])
    queue = EmbeddedQueue(engine, QueueSettings(visibility_timeout=1.0))
    worker = Worker(queue, Processor(engine), batch=50)
    while (await queue.stats()).pending:
        if not await worker.run_once():
            await asyncio.sleep(0.1)
    await queue.close()

asyncio.run(main())
"""


def _processed(url: str) -> int:
    engine = create_engine(url)
    try:
        with session_scope(engine) as session:
            return counters(session)["processed"]
    except Exception:  # the tables may not exist yet
        return 0
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_killed_worker_restarts_and_every_event_is_applied_exactly_once(
    tmp_path: Path,
) -> None:
    """SIGKILL after some batches; a restarted worker finishes; each call counted once."""
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    engine = create_engine(url)

    async def fill() -> None:
        queue = EmbeddedQueue(engine)
        at = datetime(2026, 11, 23, 15, 0, tzinfo=UTC).isoformat()
        bodies = [
            Envelope.of(
                parse_event(
                    {
                        "type": "call.completed",
                        "occurred_at": at,
                        "contact_id": n,
                        "skill_id": 1,
                        "phone": f"+1555{n:07d}",
                        "outcome": "answered",
                    }
                ),
                id=f"msg_{n}",
                source="push",
            ).to_json()
            for n in range(EVENTS)
        ]
        await asyncio.gather(*(queue.enqueue(bodies[i : i + 100]) for i in range(0, EVENTS, 100)))
        await queue.close()

    asyncio.run(fill())
    first = subprocess.Popen([sys.executable, "-c", WORKER, url])  # noqa: S603 - our own code
    deadline = time.monotonic() + 120
    while _processed(url) < 300 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert _processed(url) < EVENTS, "the worker finished before it could be killed"
    second = subprocess.run([sys.executable, "-c", WORKER, url], timeout=300, check=False)  # noqa: S603
    assert second.returncode == 0
    with session_scope(engine) as session:
        assert counters(session)["processed"] == EVENTS
        assert session.scalar(select(func.count()).select_from(AttemptRow)) == EVENTS
        assert session.scalar(select(func.count()).select_from(CallStateRow)) == EVENTS
    engine.dispose()


RECEIVER = """
import asyncio, base64, sys
from cxdial.events import EmbeddedQueue
from cxdial.service import ServiceConfig
from cxdial.service.runtime import Service
from cxdial.store import make_engine

engine = make_engine(sys.argv[1])
secret = "whsec_" + base64.b64encode(b"crash-secret-0123456789abcd").decode()
service = Service(ServiceConfig(secrets=(secret,)), engine, EmbeddedQueue(engine),
                  ("receiver",), port=int(sys.argv[2]))
asyncio.run(service.serve())
"""
IN_FLIGHT = 64
"""Pushes in flight at once: a burst the receiver acks steadily even on a loaded machine
(600 at once timed out before 150 were acked, and the kill never came)."""
CRASH_SECRET = "whsec_" + base64.b64encode(b"crash-secret-0123456789abcd").decode()


@pytest.mark.slow
def test_every_event_a_killed_receiver_acked_is_in_the_queue(tmp_path: Path) -> None:
    """SIGKILL the receiver mid-burst: each push it answered 202 to survives in the store."""
    url = f"sqlite:///{tmp_path / 'recv.db'}"
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", RECEIVER, url, str(port)])  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    wait_healthy(base, timeout=60)
    acked: list[str] = []

    async def blast() -> None:
        in_flight = asyncio.Semaphore(IN_FLIGHT)
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:

            async def one(n: int) -> None:
                body = json.dumps(
                    {
                        "type": "call.started",
                        "occurred_at": "2026-11-23T15:00:00Z",
                        "contact_id": n,
                        "skill_id": 1,
                        "phone": "+15551230001",
                    }
                ).encode()
                ts = int(time.time())
                msg = f"msg_{n}"
                headers = {
                    "webhook-id": msg,
                    "webhook-timestamp": str(ts),
                    "webhook-signature": sign(CRASH_SECRET, msg, ts, body),
                }
                try:
                    async with in_flight:
                        response = await client.post(
                            "/webhooks/cxone", content=body, headers=headers
                        )
                except httpx.HTTPError:
                    return
                if response.status_code == 202:
                    acked.append(msg)
                    if len(acked) == 150:
                        os.kill(proc.pid, signal.SIGKILL)

            await asyncio.gather(*(one(n) for n in range(600)))

    asyncio.run(blast())
    proc.kill()  # already dead unless fewer than 150 pushes were acked (then: fail, not hang)
    proc.wait(timeout=30)
    assert 150 <= len(acked) < 600
    engine = create_engine(url)
    with session_scope(engine) as session:
        stored = {Envelope.from_json(b).id for b in session.scalars(select(QueueRow.body))}
    engine.dispose()
    assert set(acked) <= stored
