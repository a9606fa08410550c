"""The emulator clock: real time scaled by ``speed``, or moved only by hand."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

__all__ = ["Clock"]


class Clock:
    """Simulated seconds since the emulator started, mapped onto UTC datetimes.

    With ``manual=True`` time stands still until :meth:`advance` is called, which makes
    tests deterministic; otherwise it runs at ``speed`` simulated seconds per real second.
    """

    def __init__(
        self, *, speed: float = 1.0, manual: bool = False, start_at: datetime | None = None
    ) -> None:
        self.speed = speed
        self.manual = manual
        start = start_at.astimezone(UTC) if start_at is not None else datetime.now(UTC)
        self.epoch = start.replace(microsecond=0)
        self._real_start = time.monotonic()
        self._offset = 0.0

    def now(self) -> float:
        """Simulated seconds since start."""
        if self.manual:
            return self._offset
        return (time.monotonic() - self._real_start) * self.speed + self._offset

    def advance(self, seconds: float) -> float:
        """Move simulated time forward by ``seconds``; return the new time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds
        return self.now()

    def to_datetime(self, t: float) -> datetime:
        """The UTC datetime of simulated time ``t``."""
        return self.epoch + timedelta(seconds=t)

    def iso(self, t: float | None = None) -> str:
        """ISO-8601 UTC text (``...Z``) of ``t`` (default: now), millisecond precision."""
        moment = self.to_datetime(self.now() if t is None else t)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def from_iso(self, text: str) -> float:
        """Simulated time of an ISO-8601 datetime (naive values are read as UTC)."""
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return (moment - self.epoch).total_seconds()
