"""The durable queue's one interface, its tunables, and the group commit both backends use.

At-least-once: a claimed delivery is leased for ``visibility_timeout`` seconds; unacked, it
is delivered again. A failed delivery backs off exponentially and becomes a dead letter
after ``max_attempts`` deliveries. ``enqueue`` returns only once the bodies are durable.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

__all__ = [
    "DeadLetter",
    "Delivery",
    "EventQueue",
    "GroupCommit",
    "QueueSettings",
    "QueueStats",
]


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """Tunable numbers of both queue backends, in one place."""

    visibility_timeout: float = 30.0
    """Seconds a claimed delivery stays invisible to other workers before redelivery."""
    max_attempts: int = 5
    """Deliveries before a failing event becomes a dead letter."""
    backoff_initial: float = 1.0
    backoff_max: float = 300.0
    batch_max: int = 500
    """Most bodies one group commit writes."""
    batch_wait: float = 0.002
    """Longest a first enqueue after a quiet spell waits for company before committing."""
    checkpoint_interval: float = 1.0
    """Embedded queue on SQLite: seconds between the background WAL checkpoints that keep
    SQLite's own checkpoint (copy + fsync of the database file) off the commit an ack waits
    for; 0 leaves checkpoints to SQLite, on the commit path."""

    def backoff(self, attempts: int) -> float:
        """Seconds before delivery number ``attempts + 1`` (exponential, capped)."""
        return float(min(self.backoff_max, self.backoff_initial * 2 ** max(attempts - 1, 0)))


@dataclass(frozen=True, slots=True)
class Delivery:
    """One leased message: ``id`` is the backend's, ``attempts`` counts this delivery."""

    id: str
    body: str
    attempts: int


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message that failed ``max_attempts`` times, with its last error."""

    id: str
    body: str
    attempts: int
    error: str | None


@dataclass(frozen=True, slots=True)
class QueueStats:
    """Bodies ever received, not yet done (leased, backing off or waiting), dead."""

    received: int
    pending: int
    dead: int


class EventQueue(Protocol):
    """The queue both backends implement (asyncio)."""

    settings: QueueSettings

    async def enqueue(self, bodies: Sequence[str]) -> None:
        """Store ``bodies`` durably; returns once they survive a crash."""

    async def claim(self, consumer: str, limit: int = 100) -> list[Delivery]:
        """Lease up to ``limit`` deliveries for ``consumer`` (empty when none are due)."""

    async def ack(self, deliveries: Sequence[Delivery]) -> None:
        """Mark deliveries done (a lost lease is ignored: the newer delivery will ack)."""

    async def retry(self, delivery: Delivery, error: str) -> bool:
        """Give a failed delivery back with back-off; True when it became a dead letter."""

    async def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        """Dead letters, oldest first."""

    async def replay(self, ids: Sequence[str] | None = None) -> int:
        """Redeliver dead letters (all, or ``ids``) from attempt one; how many."""

    async def stats(self) -> QueueStats:
        """Counts for ``cxdial events stats``."""

    async def close(self) -> None:
        """Flush pending commits and release connections."""


@dataclass
class _Batch:
    bodies: list[str] = field(default_factory=list)
    waiters: list[asyncio.Future[None]] = field(default_factory=list)


class GroupCommit:
    """Coalesce concurrent ``submit`` calls into one write: a burst costs one transaction.

    The first submit after a quiet spell waits at most ``wait`` seconds for others; while a
    write is in flight, new submits gather and go out together in the next one.
    """

    def __init__(
        self, write: Callable[[list[str]], Awaitable[None]], *, max_batch: int, wait: float
    ) -> None:
        self._write = write
        self._max_batch = max_batch
        self._wait = wait
        self._batch = _Batch()
        self._task: asyncio.Task[None] | None = None
        self.commits = 0

    async def submit(self, bodies: Sequence[str]) -> None:
        """Return once ``bodies`` are written (raises what the write raised)."""
        if not bodies:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._batch.bodies.extend(bodies)
        self._batch.waiters.append(waiter)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())
        await asyncio.shield(waiter)

    async def _run(self) -> None:
        if self._wait > 0 and len(self._batch.bodies) < self._max_batch:
            await asyncio.sleep(self._wait)
        while self._batch.waiters:
            batch, self._batch = self._batch, _Batch()
            try:
                for start in range(0, len(batch.bodies), self._max_batch):
                    await self._write(batch.bodies[start : start + self._max_batch])
                    self.commits += 1
            except Exception as exc:  # every waiter of a failed write learns why
                for waiter in batch.waiters:
                    if not waiter.done():
                        waiter.set_exception(exc)
            else:
                for waiter in batch.waiters:
                    if not waiter.done():
                        waiter.set_result(None)

    async def drain(self) -> None:
        """Wait for the write in flight, if any."""
        if self._task is not None:
            await asyncio.shield(self._task)
