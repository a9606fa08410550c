"""Replications with confidence intervals, and the capacity recommendation search."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cxdial.errors import ValidationError
from cxdial.pacing.factory import make_policy
from cxdial.pacing.metrics import SimResult
from cxdial.pacing.policy import PacingPolicy
from cxdial.pacing.scenario import Scenario
from cxdial.pacing.simulator import simulate

__all__ = [
    "Recommendation",
    "Replicated",
    "policy_for",
    "recommend",
    "replicate",
    "tune_ratio",
    "with_agents",
]

Progress = Callable[[int, int], None]
"""Called with (replications done, replications total)."""


def policy_for(spec: str, scenario: Scenario) -> PacingPolicy:
    """``make_policy(spec)`` with priors (cap, times, answer rate, grace) from ``scenario``."""
    priors: dict[str, Any] = {"cap": scenario.cap}
    if spec.strip().lower() == "predictive":
        amd_delay = scenario.amd.delay if scenario.amd else 0.0
        priors.update(
            handle_time=scenario.handle_time.mean,
            dial_time=scenario.mean_dial_time,
            answer_rate=max(scenario.outcomes.live, 1e-3),
            grace=max(0.0, scenario.abandon_after - amd_delay),
        )
    return make_policy(spec, **priors)


def with_agents(scenario: Scenario, agents: int) -> Scenario:
    """The scenario with a flat team of ``agents`` (shifts scaled proportionally)."""
    if not scenario.shifts:
        return scenario.model_copy(update={"agents": agents})
    scale = agents / scenario.peak_agents
    shifts = tuple(
        s.model_copy(update={"agents": round(s.agents * scale)}) for s in scenario.shifts
    )
    return scenario.model_copy(update={"agents": agents, "shifts": shifts})


def _ci(values: Sequence[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    half = 1.96 * statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else 0.0
    return mean, half


@dataclass(frozen=True)
class Replicated:
    """``k`` independent replications of one scenario and policy."""

    runs: tuple[SimResult, ...]

    def mean(self, name: str) -> float:
        """Mean of a :class:`SimResult` field over the runs."""
        return statistics.fmean(float(getattr(r, name)) for r in self.runs)

    def ci(self, name: str) -> tuple[float, float]:
        """(mean, 95 % half-width) of a field over the runs."""
        return _ci([float(getattr(r, name)) for r in self.runs])

    def share_within(self, cap: float) -> float:
        """Share of runs whose worst 30-day abandonment rate stays ≤ ``cap``."""
        return sum(r.abandon_rate_30d_max <= cap for r in self.runs) / len(self.runs)

    def summary(self) -> dict[str, Any]:
        """Means of the headline figures, with 95 % half-widths."""
        out: dict[str, Any] = {"policy": self.runs[0].policy, "replications": len(self.runs)}
        for name in ("utilization", "talk_minutes_per_agent_hour", "abandon_rate"):
            out[name], out[f"{name}_ci95"] = self.ci(name)
        for name in ("dials", "live_answers", "connects", "abandoned", "trunk_peak"):
            out[name] = self.mean(name)
        for name in ("abandon_rate_30d_max", "agent_wait", "trunk_occupancy"):
            out[name] = self.mean(name)
        out["dials_per_agent_hour"] = self.mean("dials_per_agent_hour")
        out["agents"] = self.runs[0].agents
        out["seed"] = self.runs[0].seed
        return out


def replicate(
    scenario: Scenario,
    spec: str,
    replications: int = 1,
    seed: int = 0,
    progress: Progress | None = None,
) -> Replicated:
    """Run seeds ``seed .. seed+k-1``, each with a fresh policy."""
    if replications < 1:
        raise ValidationError("replications must be ≥ 1", field="replications")
    runs = []
    for i in range(replications):
        runs.append(simulate(scenario, policy_for(spec, scenario), seed + i))
        if progress is not None:
            progress(i + 1, replications)
    return Replicated(tuple(runs))


def tune_ratio(
    scenario: Scenario,
    replications: int = 5,
    seed: int = 0,
    confidence: float = 0.95,
    highest: float = 6.0,
) -> float:
    """The largest fixed dial ratio (0.1 steps, 1.0 … ``highest``) whose replications keep
    abandonment ≤ the cap in at least ``confidence`` of runs (abandonment grows with it)."""

    def holds(tenths: int) -> bool:
        rep = replicate(scenario, f"ratio:{tenths / 10:g}", replications, seed)
        return rep.share_within(scenario.cap) >= confidence

    low, high = 10, round(highest * 10)
    if holds(high):
        return high / 10
    while high - low > 1:
        mid = (low + high) // 2
        if holds(mid):
            low = mid
        else:
            high = mid
    return low / 10


@dataclass(frozen=True)
class Recommendation:
    """Smallest team meeting a contact target at the cap, and what it needs."""

    policy: str
    agents: int
    contacts: float
    contacts_low: float
    """Lower end of the 95 % interval of contacts (connected live answers)."""
    abandon_rate: float
    share_within_cap: float
    utilization: float
    trunks: int
    """Peak lines in use over the replications: the trunk count to provision."""
    dials_per_agent_hour: float
    met: bool


def recommend(
    scenario: Scenario,
    contacts: int,
    spec: str = "predictive",
    replications: int = 5,
    seed: int = 0,
    confidence: float = 0.95,
    max_agents: int = 500,
    progress: Progress | None = None,
    on_trial: Callable[[Recommendation], None] | None = None,
) -> Recommendation:
    """Binary-search the fewest agents whose replications reach ``contacts`` with the cap held.

    A team qualifies when the lower 95 % bound of contacts ≥ ``contacts`` and at least
    ``confidence`` of replications keep abandonment ≤ the scenario's cap. ``spec`` may be
    ``ratio:auto``: each team size then gets the largest compliant fixed ratio
    (:func:`tune_ratio`), which the result names. ``on_trial`` is called with each team
    size's result as soon as it is known (progress bars, log lines).
    """
    if contacts < 1:
        raise ValidationError("contacts must be ≥ 1", field="contacts")
    cache: dict[int, Recommendation] = {}

    def trial(agents: int) -> Recommendation:
        if agents not in cache:
            team = with_agents(scenario, agents)
            chosen = spec
            if spec.strip().lower() == "ratio:auto":
                chosen = f"ratio:{tune_ratio(team, replications, seed, confidence):g}"
            rep = replicate(team, chosen, replications, seed)
            mean, half = rep.ci("connects")
            share = rep.share_within(scenario.cap)
            cache[agents] = Recommendation(
                policy=rep.runs[0].policy,
                agents=agents,
                contacts=mean,
                contacts_low=mean - half,
                abandon_rate=rep.mean("abandon_rate"),
                share_within_cap=share,
                utilization=rep.mean("utilization"),
                trunks=max(r.trunk_peak for r in rep.runs),
                dials_per_agent_hour=rep.mean("dials_per_agent_hour"),
                met=mean - half >= contacts and share >= confidence,
            )
            if progress is not None:
                progress(len(cache), 0)
            if on_trial is not None:
                on_trial(cache[agents])
        return cache[agents]

    per_agent = scenario.days * scenario.hours * 3600 / scenario.handle_time.mean
    low, high = 0, max(1, min(max_agents, math.ceil(contacts / per_agent)))
    while not trial(high).met:
        found = trial(high)
        if high >= max_agents or found.contacts_low >= contacts:
            return found  # more agents cannot cure abandonment above the cap
        low, high = high, min(max_agents, high * 2)
    while high - low > 1:
        mid = (low + high) // 2
        if trial(mid).met:
            high = mid
        else:
            low = mid
    return trial(high)
