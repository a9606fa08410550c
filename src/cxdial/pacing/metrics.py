"""What one simulated campaign produced: totals, per day, per hour and a timeline."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from cxdial.pacing.scenario import Scenario

__all__ = [
    "BUCKET",
    "DayStats",
    "HourStats",
    "SimResult",
    "Snapshot",
    "Totals",
    "build_result",
    "rolling_abandon_max",
]

WINDOW_DAYS = 30
BUCKET = 300.0
"""Seconds per timeline bucket."""

Snapshot = tuple[float, float, int, int, int]
"""Cumulative (busy-seconds, agent-seconds, live answers, abandoned, dials) at a bucket end."""


class Totals(NamedTuple):
    """Cumulative counters at the end of a run."""

    dials: int
    live: int
    abandoned: int
    connects: int
    machine_connects: int
    events: int
    busy_seconds: float
    agent_seconds: float
    free_seconds: float
    line_seconds: float
    peak_lines: int


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

    def summary(self) -> dict[str, Any]:
        """The flat figures (no per-day, per-hour or timeline detail)."""
        detail = (
            "per_day",
            "per_hour",
            "timeline_hours",
            "timeline_utilization",
            "timeline_abandon",
        )
        return {k: v for k, v in asdict(self).items() if k not in detail}

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


def _per_hour(sc: Scenario, diffs: list[tuple[float, ...]]) -> tuple[HourStats, ...]:
    per_hour, per_day = round(3600 / BUCKET), math.ceil(sc.hours * 3600 / BUCKET)
    hours = []
    for hour in range(math.ceil(sc.hours)):
        picks = [x for i, x in enumerate(diffs) if (i % per_day) // per_hour == hour]
        busy, logged = sum(x[0] for x in picks), sum(x[1] for x in picks)
        hours.append(
            HourStats(
                hour,
                dials=int(sum(x[4] for x in picks)),
                live_answers=int(sum(x[2] for x in picks)),
                abandoned=int(sum(x[3] for x in picks)),
                utilization=busy / logged if logged else 0.0,
            )
        )
    return tuple(hours)


def build_result(
    sc: Scenario,
    policy: str,
    seed: int,
    wall_time: float,
    t: Totals,
    days: list[DayStats],
    snaps: list[Snapshot],
) -> SimResult:
    """Assemble a :class:`SimResult` from the loop's counters and bucket snapshots."""
    util = t.busy_seconds / t.agent_seconds if t.agent_seconds else 0.0
    per_day = math.ceil(sc.hours * 3600 / BUCKET)
    diffs = [
        tuple(b - a for a, b in zip(prev, snap, strict=True))
        for prev, snap in zip([(0.0, 0.0, 0, 0, 0), *snaps[:-1]], snaps, strict=True)
    ]
    first = diffs[:per_day]
    return SimResult(
        scenario=sc.name,
        policy=policy,
        seed=seed,
        agents=sc.peak_agents,
        utilization=util,
        talk_minutes_per_agent_hour=60 * util,
        dials=t.dials,
        live_answers=t.live,
        connects=t.connects,
        abandoned=t.abandoned,
        abandon_rate=t.abandoned / t.live if t.live else 0.0,
        abandon_rate_30d_max=rolling_abandon_max(tuple(days)),
        machine_connects=t.machine_connects,
        agent_wait=t.free_seconds / t.connects if t.connects else 0.0,
        trunk_occupancy=t.line_seconds / (sc.days * sc.hours * 3600),
        trunk_peak=t.peak_lines,
        dials_per_agent_hour=t.dials / (t.agent_seconds / 3600) if t.agent_seconds else 0.0,
        events=t.events,
        wall_time=wall_time,
        per_day=tuple(days),
        per_hour=_per_hour(sc, diffs),
        timeline_hours=tuple((i + 1) * BUCKET / 3600 for i in range(len(first))),
        timeline_utilization=tuple(x[0] / x[1] if x[1] else 0.0 for x in first),
        timeline_abandon=tuple(s[3] / s[2] if s[2] else 0.0 for s in snaps[:per_day]),
    )
