"""A client-side token bucket (CXone publishes no REST limit, so the default is gentle).

:meth:`TokenBucket.reserve` is I/O-free: it takes a token (the balance may go negative,
which queues later callers fairly) and returns how long the caller must wait before
sending. The sync and async policies sleep that long on their :class:`~.backoff.Clock`.
"""

from __future__ import annotations

import threading

__all__ = ["TokenBucket"]


class TokenBucket:
    """``rate`` requests per second on average with bursts of up to ``burst``."""

    def __init__(self, rate: float, burst: int, *, now: float) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = float(burst)
        self._tokens = float(burst)
        self._updated = now
        self._lock = threading.Lock()

    def reserve(self, now: float) -> float:
        """Take one token; return the seconds to wait before using it (0 when available)."""
        with self._lock:
            elapsed = max(now - self._updated, 0.0)
            self._tokens = min(self.burst, self._tokens + elapsed * self.rate)
            self._updated = now
            self._tokens -= 1.0
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self.rate
