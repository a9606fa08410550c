"""The embedded queue backend: a table in the store (SQLite WAL by default), no server.

On a SQLite file the enqueues go through their own connection, on which SQLite never
checkpoints (``wal_autocheckpoint=0``): a checkpoint copies the log into the database file
and fsyncs it, tens of milliseconds that every ack queued behind that commit would wait.
Instead, at most every ``checkpoint_interval`` seconds while events arrive, a PASSIVE
checkpoint runs in a worker thread on another connection, beside the commits.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, event

from cxdial.events.queue import DeadLetter, Delivery, GroupCommit, QueueSettings, QueueStats
from cxdial.store import make_engine
from cxdial.store import queue as sql
from cxdial.store.db import session_scope
from cxdial.store.event_tables import counters

__all__ = ["EmbeddedQueue"]

log = logging.getLogger("cxdial.events.embedded")


def _writer_engine(engine: Engine, settings: QueueSettings) -> Engine | None:
    """A one-connection engine for enqueues that never checkpoints (SQLite files only)."""
    url = engine.url
    if (
        settings.checkpoint_interval <= 0
        or url.get_backend_name() != "sqlite"
        or url.database in (None, "", ":memory:")
    ):
        return None
    writer = make_engine(url.render_as_string(hide_password=False), pool_size=1, max_overflow=0)

    def no_autocheckpoint(dbapi_conn: Any, _record: object) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    event.listen(writer, "connect", no_autocheckpoint)
    return writer


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
        self._writer = _writer_engine(engine, self.settings)
        self._checkpoint: asyncio.Task[None] | None = None
        self._checkpointed = time.monotonic()
        self.checkpoints = 0
        """Background WAL checkpoints run so far."""

    @property
    def commits(self) -> int:
        """Transactions the group commit has written so far."""
        return self._commit.commits

    async def _write(self, bodies: list[str]) -> None:
        writer = self._writer or self.engine
        await asyncio.to_thread(sql.enqueue_rows, writer, bodies, self._clock())
        if self._writer is not None:
            self._maybe_checkpoint()

    def _maybe_checkpoint(self) -> None:
        """Start a background checkpoint when the last one is ``checkpoint_interval`` old."""
        now = time.monotonic()
        busy = self._checkpoint is not None and not self._checkpoint.done()
        if busy or now - self._checkpointed < self.settings.checkpoint_interval:
            return
        self._checkpointed = now
        self._checkpoint = asyncio.get_running_loop().create_task(self._run_checkpoint())

    async def _run_checkpoint(self) -> None:
        try:
            await asyncio.to_thread(sql.checkpoint, self.engine)
        except Exception:  # the next one retries; the log only grows meanwhile
            log.exception("WAL checkpoint of the event queue failed")
        else:
            self.checkpoints += 1

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
        """Wait for the commit and the checkpoint in flight; release the writer."""
        await self._commit.drain()
        if self._checkpoint is not None:
            await self._checkpoint
        if self._writer is not None:
            self._writer.dispose()
