"""The durable queue, on every backend: SQLite and PostgreSQL tables, real Redis Streams."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from queue_support import QueueMaker, maker, sqlite_engine
from sqlalchemy import create_engine

from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.queue import EventQueue, QueueSettings

T = TypeVar("T")
FAST = QueueSettings(visibility_timeout=0.2, max_attempts=3, backoff_initial=0.2, batch_wait=0.01)
LEASE = QueueSettings(visibility_timeout=1.0, batch_wait=0.01)
"""A lease long enough that a loaded machine cannot outlast it between two claims."""


@pytest.fixture(params=["sqlite", "postgres", "redis"])
def make_queue(request: pytest.FixtureRequest, tmp_path: Path) -> QueueMaker:
    """One queue backend per parameter."""
    return maker(str(request.param), tmp_path, request)


def run(make: QueueMaker, body: Callable[[EventQueue], Awaitable[T]], s: QueueSettings = FAST) -> T:
    """Run ``body`` against a fresh queue on a fresh loop, closing the queue after."""

    async def main() -> T:
        queue = make(s)
        try:
            return await body(queue)
        finally:
            await queue.close()

    return asyncio.run(main())


def test_enqueued_bodies_are_delivered_in_order_and_acked(make_queue: QueueMaker) -> None:
    """Bodies come out oldest first, once; acked ones are gone and counted received."""

    async def body(q: EventQueue) -> None:
        await q.enqueue(["a", "b", "c"])
        got = await q.claim("w1", limit=10)
        assert [d.body for d in got] == ["a", "b", "c"]
        assert {d.attempts for d in got} == {1}
        assert await q.claim("w2", limit=10) == []
        await q.ack(got)
        stats = await q.stats()
        assert (stats.received, stats.pending, stats.dead) == (3, 0, 0)

    run(make_queue, body)


def test_an_unacked_delivery_comes_back_after_the_visibility_timeout(
    make_queue: QueueMaker,
) -> None:
    """A worker that dies holding a lease does not lose the event: it is redelivered."""

    async def body(q: EventQueue) -> None:
        await q.enqueue(["x"])
        (_first,) = await q.claim("dies")
        assert await q.claim("other") == []
        await asyncio.sleep(LEASE.visibility_timeout + 0.1)
        (again,) = await q.claim("other")
        assert (again.body, again.attempts) == ("x", 2)
        await q.ack([again])
        assert (await q.stats()).pending == 0

    run(make_queue, body, LEASE)


def test_a_failed_delivery_backs_off_before_redelivery(make_queue: QueueMaker) -> None:
    """retry() hides the event for its back-off, then delivers it with one more attempt."""

    async def body(q: EventQueue) -> None:
        await q.enqueue(["y"])
        (first,) = await q.claim("w")
        assert await q.retry(first, "sink down") is False
        assert await q.claim("w") == []
        await asyncio.sleep(0.3)
        (second,) = await q.claim("w")
        assert (second.body, second.attempts) == ("y", 2)

    run(make_queue, body)


def test_after_k_attempts_an_event_is_a_dead_letter_and_can_be_replayed(
    make_queue: QueueMaker,
) -> None:
    """The K-th failure dead-letters the event with its error; replay delivers it afresh."""
    settings = QueueSettings(max_attempts=2, backoff_initial=0.0, visibility_timeout=5)

    async def body(q: EventQueue) -> None:
        await q.enqueue(["z"])
        (d1,) = await q.claim("w")
        assert await q.retry(d1, "boom 1") is False
        (d2,) = await q.claim("w")
        assert await q.retry(d2, "boom 2") is True
        assert await q.claim("w") == []
        (letter,) = await q.dead_letters()
        assert (letter.body, letter.attempts, letter.error) == ("z", 2, "boom 2")
        assert (await q.stats()).dead == 1
        assert await q.replay([letter.id]) == 1
        (d3,) = await q.claim("w")
        assert (d3.body, d3.attempts) == ("z", 1)
        assert await q.dead_letters() == []

    run(make_queue, body, settings)


def test_a_lease_that_keeps_expiring_ends_as_a_dead_letter(make_queue: QueueMaker) -> None:
    """An event that crashes its worker every time is dead-lettered after K deliveries."""
    settings = QueueSettings(max_attempts=2, visibility_timeout=0.1)

    async def body(q: EventQueue) -> None:
        await q.enqueue(["poison"])
        for _ in range(2):
            assert len(await q.claim("w")) == 1
            await asyncio.sleep(0.15)
        assert await q.claim("w") == []
        (letter,) = await q.dead_letters()
        assert letter.body == "poison"
        assert "visibility" in (letter.error or "")

    run(make_queue, body, settings)


def test_a_burst_of_enqueues_is_one_group_commit(make_queue: QueueMaker) -> None:
    """200 concurrent single-event enqueues cost a handful of commits, not 200."""

    async def body(q: EventQueue) -> int:
        await asyncio.gather(*(q.enqueue([f"e{i}"]) for i in range(200)))
        assert (await q.stats()).received == 200
        commits: int = getattr(q, "commits")  # noqa: B009 - both backends expose it
        return commits

    assert run(make_queue, body) <= 3


def test_acked_enqueues_survive_a_new_process(tmp_path: Path) -> None:
    """What enqueue acknowledged is in the file: a fresh engine on it delivers it."""

    async def write() -> None:
        q = EmbeddedQueue(sqlite_engine(tmp_path))
        await q.enqueue(["kept"])
        await q.close()

    asyncio.run(write())
    engine = create_engine(f"sqlite:///{tmp_path / 'store.db'}")

    async def read() -> list[str]:
        q = EmbeddedQueue(engine)
        return [d.body for d in await q.claim("w")]

    assert asyncio.run(read()) == ["kept"]
    engine.dispose()


def _wal_frames(path: Path) -> int:
    """Frames in the SQLite log since it last restarted (a checkpoint lets it restart)."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_autocheckpoint=0")
        _busy, frames, _copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        conn.close()
    return int(frames)


def test_enqueues_never_checkpoint_on_the_commit_an_ack_waits_for(tmp_path: Path) -> None:
    """The writer connection leaves the log alone; the background checkpoint copies it."""

    async def main() -> tuple[int, int]:
        q = EmbeddedQueue(sqlite_engine(tmp_path), QueueSettings(checkpoint_interval=3600))
        q._checkpointed -= 3600  # the first commit finds the last checkpoint an hour old
        await q.enqueue(["first"])
        if q._checkpoint is not None:
            await q._checkpoint
        for i in range(2000):  # ~2,000 commits: SQLite alone would checkpoint at 1,000 pages
            await q.enqueue([f"e{i}" + "x" * 2000])
        checkpoints = q.checkpoints
        await q._commit.drain()
        frames = _wal_frames(tmp_path / "store.db")
        await q.close()
        return checkpoints, frames

    checkpoints, frames = asyncio.run(main())
    assert checkpoints == 1  # only the one the interval allowed
    assert frames > 1000  # SQLite's own checkpoint (at 1,000 pages) never ran on a commit


def test_a_background_checkpoint_copies_the_log_while_events_arrive(tmp_path: Path) -> None:
    async def main() -> int:
        q = EmbeddedQueue(sqlite_engine(tmp_path), QueueSettings(checkpoint_interval=0.05))
        for i in range(20):
            await q.enqueue([f"e{i}"])
            await asyncio.sleep(0.02)
        await q.close()
        return q.checkpoints

    assert asyncio.run(main()) >= 3


def test_checkpoint_interval_zero_leaves_checkpoints_to_sqlite(tmp_path: Path) -> None:
    async def main() -> tuple[int, int]:
        q = EmbeddedQueue(sqlite_engine(tmp_path), QueueSettings(checkpoint_interval=0))
        for i in range(5):
            await q.enqueue([f"e{i}"])
        await q.close()
        return q.checkpoints, len(await EmbeddedQueue(sqlite_engine(tmp_path)).claim("w"))

    assert asyncio.run(main()) == (0, 5)


def test_the_queue_url_can_leave_checkpoints_to_sqlite(tmp_path: Path) -> None:
    from cxdial.events.backends import open_queue

    queue = open_queue("embedded?checkpoint_interval=0", sqlite_engine(tmp_path))
    assert queue.settings.checkpoint_interval == 0
