"""Crash safety: a worker killed with SIGKILL mid-stream loses nothing and repeats nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from cxdial.events import EmbeddedQueue, Envelope, parse_event
from cxdial.store import session_scope
from cxdial.store.event_tables import CallStateRow, counters
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
