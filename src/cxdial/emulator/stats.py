"""Counters the control API exposes: requests per route, statuses, and the dial ledger."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["DialEntry", "Stats", "WriteRecord"]


@dataclass(frozen=True, slots=True)
class DialEntry:
    """One call the telephony placed, whatever asked for it."""

    contactId: int  # noqa: N815 - CXone-style names on the wire
    to: str
    callerId: str | None  # noqa: N815
    contextId: str | None  # noqa: N815
    idempotencyKey: str | None  # noqa: N815
    via: str
    skillId: int | None  # noqa: N815
    at: str


@dataclass(frozen=True, slots=True)
class WriteRecord:
    """One write request and the Idempotency-Key it carried (recorded, never deduplicated)."""

    method: str
    path: str
    idempotencyKey: str | None  # noqa: N815
    status: int
    requestId: str  # noqa: N815


@dataclass
class Stats:
    """Everything counted since start (or the last reset)."""

    routes: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    dials: list[DialEntry] = field(default_factory=list)
    writes: list[WriteRecord] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The stats body of ``GET /_emulator/stats`` (without the token counters)."""
        return {
            "requests": sum(self.routes.values()),
            "routes": dict(sorted(self.routes.items())),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "faults": dict(self.faults),
            "dials": len(self.dials),
            "writes": [asdict(w) for w in self.writes[-1000:]],
        }
