"""Time for the HTTP policy: clocks, exponential backoff with full jitter, ``Retry-After``.

Sleeps go through a :class:`Clock`, so tests inject :class:`FakeClock` (instant, records
every sleep) or wrap code in :func:`no_sleep` — a context manager backed by a context
variable, so the switch never leaks out of the block (no mutable module globals).
"""

from __future__ import annotations

import asyncio
import contextvars
import email.utils
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

__all__ = [
    "Clock",
    "FakeClock",
    "SystemClock",
    "backoff_delay",
    "no_sleep",
    "parse_retry_after",
]

_NO_SLEEP: contextvars.ContextVar[FakeClock | None] = contextvars.ContextVar(
    "cxdial_no_sleep", default=None
)


class Clock:
    """Wall time, monotonic time and sleeping; the one seam for time in the client."""

    def time(self) -> float:
        """Seconds since the epoch (token expiry is wall time)."""
        raise NotImplementedError

    def monotonic(self) -> float:
        """Monotonic seconds (retry budgets, rate limiting, latency)."""
        raise NotImplementedError

    def sleep(self, seconds: float) -> None:
        """Block the thread for ``seconds``."""
        raise NotImplementedError

    async def asleep(self, seconds: float) -> None:
        """Suspend the task for ``seconds``."""
        raise NotImplementedError


class SystemClock(Clock):
    """The real clock; honours :func:`no_sleep` when it is active."""

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        fake = _NO_SLEEP.get()
        if fake is not None:
            fake.sleep(seconds)
        elif seconds > 0:
            time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        fake = _NO_SLEEP.get()
        if fake is not None:
            await fake.asleep(seconds)
        elif seconds > 0:
            await asyncio.sleep(seconds)


@dataclass
class FakeClock(Clock):
    """A clock that only moves when slept on or :meth:`advance`-d; records every sleep.

    Wall time starts at the real time of construction (so dates it produces are ones a
    server accepts, e.g. inside CXone's 30-day report window); monotonic time starts at 0.
    """

    now: float = field(default_factory=time.time)
    mono: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        """Move both clocks forward without recording a sleep."""
        self.now += seconds
        self.mono += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(max(seconds, 0.0))

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)


@contextmanager
def no_sleep() -> Iterator[FakeClock]:
    """In the block, :class:`SystemClock` sleeps are recorded on the yielded clock, not slept."""
    fake = FakeClock()
    token = _NO_SLEEP.set(fake)
    try:
        yield fake
    finally:
        _NO_SLEEP.reset(token)


def backoff_delay(
    retry: int, *, initial: float, maximum: float, rng: random.Random | None = None
) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(maximum, initial·2^(retry-1))]."""
    ceiling = min(maximum, initial * (2 ** max(retry - 1, 0)))
    return (rng or random).uniform(0.0, ceiling)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), or None."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        reference = now if now is not None else datetime.now(UTC).timestamp()
        seconds = when.timestamp() - reference
    return max(seconds, 0.0)
