"""Simulation reports: a scenario with overrides, its LP bound, one row per policy.

What ``cxdial simulate`` computes, as library calls: :func:`build_scenario` applies
command-line style overrides to a scenario file (or the defaults), :func:`policy_specs`
reads a policy list, :func:`simulate_policies` runs the replications and
:func:`report_rows` gives the figures (each beside the bound of the same model).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cxdial.errors import ValidationError
from cxdial.pacing.capacity import Replicated, replicate, with_agents
from cxdial.pacing.factory import make_policy
from cxdial.pacing.scenario import Scenario, load_scenario, scenario_from

__all__ = [
    "ALL_POLICIES",
    "MAX_LP_STATES",
    "build_scenario",
    "policy_specs",
    "report_rows",
    "scenario_bound",
    "scenario_title",
    "simulate_policies",
]

ALL_POLICIES = ("predictive", "vicidial", "ratio:2", "progressive")
"""What ``--policy all`` runs."""

MAX_LP_STATES = 60_000
"""Largest LP solved for a report (N=100, p=0.1 has 52 500 states: about a minute)."""

DEFAULT_NAME = "command-line scenario"
"""The name of a scenario built from options alone."""


def build_scenario(
    path: Path | None,
    *,
    agents: int | None = None,
    answer_rate: float | None = None,
    handle_time: float | None = None,
    dial_delay: float | None = None,
    hours: float | None = None,
    cap: float | None = None,
) -> Scenario:
    """The scenario file (or the defaults) with overrides applied.

    ``answer_rate`` rescales the other outcomes so they keep their proportions;
    ``dial_delay`` sets every ring time. Without a file the scenario is named
    :data:`DEFAULT_NAME`; :func:`scenario_title` adds the figures that were chosen.
    """
    base = load_scenario(path) if path is not None else scenario_from({"name": DEFAULT_NAME})
    data: dict[str, Any] = base.model_dump()
    if answer_rate is not None:
        if not 0 < answer_rate <= 1:
            raise ValidationError(
                "--answer-rate must be in (0, 1]", field="--answer-rate", fix="e.g. 0.3"
            )
        o = data["outcomes"]
        rest = o["no_answer"] + o["busy"] + o["machine"]
        scale = (1 - answer_rate) / rest if rest else 0.0
        o.update({k: o[k] * scale for k in ("no_answer", "busy", "machine")}, live=answer_rate)
        if not rest:
            o["no_answer"] = 1 - answer_rate
    if handle_time is not None:
        data["handle_time"]["mean"] = handle_time
    if dial_delay is not None:
        data["ring_time"].update(
            live=dial_delay, no_answer=dial_delay, busy=dial_delay, machine=dial_delay
        )
    for key, value in (("hours", hours), ("cap", cap)):
        if value is not None:
            data[key] = value
    scenario = scenario_from(data)
    if agents is not None:
        if agents < 1:
            raise ValidationError("--agents must be ≥ 1", field="--agents", fix="e.g. 20")
        scenario = with_agents(scenario, agents)
    return scenario


def scenario_title(scenario: Scenario) -> str:
    """``name: N agents, p=P, H h × D days, cap C`` — how reports and plots name a run."""
    days = f" × {scenario.days} days" if scenario.days > 1 else ""
    return (
        f"{scenario.name}: {scenario.peak_agents} agents, p={scenario.outcomes.live:g}, "
        f"{scenario.hours:g} h{days}, cap {scenario.cap:.1%}"
    )


def scenario_bound(scenario: Scenario, cache_dir: Path | None = None) -> float | None:
    """The LP bound's utilisation when the scenario is Markovian and the LP of a sane size.

    ``cache_dir`` is where solved bounds are kept (default: none, the LP is solved afresh).
    """
    from cxdial.pacing.bound import lp_bound

    if not scenario.markovian:
        return None
    n, p = scenario.agents, scenario.outcomes.live
    if p <= 0 or (n + 1) * (0.5 * n / p + 20) > MAX_LP_STATES:
        return None
    where: dict[str, Any] = {} if cache_dir is None else {"cache_dir": cache_dir}
    bound = lp_bound(
        n, p, scenario.handle_time.mean, scenario.mean_dial_time, scenario.cap, **where
    )
    return bound.utilization


def policy_specs(policy: str) -> list[str]:
    """``"all"``, one spec or a comma-separated list, each checked before any work."""
    if policy.strip().lower() == "all":
        return list(ALL_POLICIES)
    specs = [p.strip() for p in policy.split(",") if p.strip()]
    if not specs:
        raise ValidationError("no policy given", field="--policy", fix="e.g. --policy predictive")
    for spec in specs:
        if spec.lower() != "ratio:auto":
            make_policy(spec)  # refuses an unknown name, naming it
    return specs


Progress = Callable[[str, int, int], None]
"""Called with (policy, runs done, runs in total) after each replication."""


def simulate_policies(
    scenario: Scenario,
    specs: Sequence[str],
    replications: int = 1,
    seed: int = 0,
    progress: Progress | None = None,
) -> list[Replicated]:
    """``replications`` seeded runs of each policy, in order."""
    total = len(specs) * replications
    done = 0
    reps = []
    for spec in specs:

        def step(_i: int, _k: int, spec: str = spec) -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(spec, done, total)

        reps.append(replicate(scenario, spec, replications, seed, progress=step))
    return reps


def report_rows(
    reps: Sequence[Replicated], scenario: Scenario, bound: float | None
) -> list[dict[str, Any]]:
    """One row per policy: the replication means, the bound and the share of it reached."""
    rows = []
    for rep in reps:
        out = rep.summary()
        out["scenario"] = scenario.name
        out["bound"] = bound
        out["bound_ratio"] = out["utilization"] / bound if bound else None
        out.update(rep.runs[0].detail())
        rows.append(out)
    return rows
