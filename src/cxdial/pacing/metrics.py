"""What one simulated campaign produced: totals, per day, per hour and a timeline."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["DayStats", "HourStats", "SimResult", "rolling_abandon_max"]

WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class DayStats:
    """Counters for one simulated day."""

    day: int
    dials: int
    live_answers: int
    abandoned: int
    connects: int
    busy_seconds: float
    agent_seconds: float

    @property
    def utilization(self) -> float:
        """Busy share of logged-in agent time."""
        return self.busy_seconds / self.agent_seconds if self.agent_seconds else 0.0

    @property
    def abandon_rate(self) -> float:
        """Abandoned ÷ live answers for the day."""
        return self.abandoned / self.live_answers if self.live_answers else 0.0


@dataclass(frozen=True, slots=True)
class HourStats:
    """Counters for one hour of the day, summed over all days."""

    hour: int
    dials: int
    live_answers: int
    abandoned: int
    utilization: float

    @property
    def abandon_rate(self) -> float:
        """Abandoned ÷ live answers in this hour."""
        return self.abandoned / self.live_answers if self.live_answers else 0.0


@dataclass(frozen=True)
class SimResult:
    """Outcome of one replication; ``bound`` is filled in by the caller when known."""

    scenario: str
    policy: str
    seed: int
    agents: int
    utilization: float
    talk_minutes_per_agent_hour: float
    dials: int
    live_answers: int
    connects: int
    abandoned: int
    abandon_rate: float
    abandon_rate_30d_max: float
    """Worst regulatory rate over any 30 consecutive days (the whole run if shorter)."""
    machine_connects: int
    agent_wait: float
    """Mean idle seconds an agent waits per connected call."""
    trunk_occupancy: float
    """Mean lines in use (attempts in flight + calls on agents)."""
    trunk_peak: int
    dials_per_agent_hour: float
    events: int
    wall_time: float
    per_day: tuple[DayStats, ...] = ()
    per_hour: tuple[HourStats, ...] = ()
    timeline_hours: tuple[float, ...] = ()
    timeline_utilization: tuple[float, ...] = ()
    timeline_abandon: tuple[float, ...] = ()
    """Campaign-to-date abandonment rate at the end of each timeline bucket."""
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The flat figures (no per-day, per-hour or timeline detail)."""
        out = asdict(self)
        for key in ("per_day", "per_hour", "timeline_hours", "timeline_utilization"):
            out.pop(key)
        out.pop("timeline_abandon")
        out.pop("extra")
        return out

    def detail(self) -> dict[str, Any]:
        """Per-day and per-hour breakdowns as plain data."""
        return {
            "per_day": [
                {**asdict(d), "utilization": d.utilization, "abandon_rate": d.abandon_rate}
                for d in self.per_day
            ],
            "per_hour": [{**asdict(h), "abandon_rate": h.abandon_rate} for h in self.per_hour],
        }


def rolling_abandon_max(days: tuple[DayStats, ...], window: int = WINDOW_DAYS) -> float:
    """Worst abandoned ÷ live answers over any ``window`` consecutive days (all, if fewer)."""
    worst = 0.0
    span = min(window, len(days))
    for end in range(span - 1, len(days)):
        chunk = days[end - span + 1 : end + 1]
        live = sum(d.live_answers for d in chunk)
        if live:
            worst = max(worst, sum(d.abandoned for d in chunk) / live)
    return worst
