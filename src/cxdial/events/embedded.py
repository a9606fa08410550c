"""The embedded queue backend: a table in the store (SQLite WAL by default), no server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from sqlalchemy import Engine

from cxdial.events.queue import DeadLetter, Delivery, GroupCommit, QueueSettings, QueueStats
from cxdial.store import queue as sql
from cxdial.store.db import session_scope
from cxdial.store.event_tables import counters

__all__ = ["EmbeddedQueue"]


class EmbeddedQueue:
    """:class:`~cxdial.events.queue.EventQueue` over the ``event_queue`` table.

    Blocking SQL runs in worker threads; enqueues are group-committed.
    """

    def __init__(
        self,
        engine: Engine,
        settings: QueueSettings | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.settings = settings or QueueSettings()
        self._clock = clock
        sql.create_queue_schema(engine)
        self._commit = GroupCommit(
            self._write, max_batch=self.settings.batch_max, wait=self.settings.batch_wait
        )

    @property
    def commits(self) -> int:
        """Transactions the group commit has written so far."""
        return self._commit.commits

    async def _write(self, bodies: list[str]) -> None:
        await asyncio.to_thread(sql.enqueue_rows, self.engine, bodies, self._clock())

    async def enqueue(self, bodies: Sequence[str]) -> None:
        """Store ``bodies`` in the next group commit; returns once it is committed."""
        await self._commit.submit(bodies)

    async def claim(self, consumer: str, limit: int = 100) -> list[Delivery]:
        """Lease up to ``limit`` due rows (``consumer`` only names the caller in logs)."""
        s = self.settings
        items = await asyncio.to_thread(
            sql.claim_rows, self.engine, limit, self._clock(), s.visibility_timeout, s.max_attempts
        )
        return [Delivery(str(i.id), i.body, i.attempts) for i in items]

    async def ack(self, deliveries: Sequence[Delivery]) -> None:
        """Delete the rows still under these leases."""
        leases = [(int(d.id), d.attempts) for d in deliveries]
        await asyncio.to_thread(sql.ack_rows, self.engine, leases)

    async def retry(self, delivery: Delivery, error: str) -> bool:
        """Back off, or dead-letter after the last attempt."""
        due = self._clock() + self.settings.backoff(delivery.attempts)
        dead = await asyncio.to_thread(
            sql.retry_row,
            self.engine,
            (int(delivery.id), delivery.attempts),
            error,
            due,
            self.settings.max_attempts,
        )
        return bool(dead)

    async def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        """Dead rows, oldest first."""
        rows = await asyncio.to_thread(sql.dead_rows, self.engine, limit)
        return [DeadLetter(str(r.id), r.body, r.attempts, r.error) for r in rows]

    async def replay(self, ids: Sequence[str] | None = None) -> int:
        """Make dead rows deliverable again."""
        wanted = None if ids is None else [int(i) for i in ids]
        return await asyncio.to_thread(sql.replay_rows, self.engine, wanted, self._clock())

    async def stats(self) -> QueueStats:
        """Received (ever), pending and dead rows."""

        def read() -> QueueStats:
            counts = sql.queue_counts(self.engine)
            with session_scope(self.engine) as session:
                received = counters(session)["received"]
            return QueueStats(received=received, pending=counts["ready"], dead=counts["dead"])

        return await asyncio.to_thread(read)

    async def close(self) -> None:
        """Wait for the commit in flight."""
        await self._commit.drain()
