"""``cxdial simulate`` and ``cxdial capacity``: the capacity simulator on the command line.

Contract (stable): ``cxdial simulate [SCENARIO.yaml] [--agents N] [--answer-rate P]
[--handle-time S] [--dial-delay S] [--hours H] [--policy predictive|progressive|ratio:X|vicidial]
[--cap 0.03] [--seed N] [--replications K] [--json] [--plot FILE.png|.html]``.
``--policy`` also takes a comma-separated list or ``all``; ``--json`` then prints a list.
``cxdial capacity [SCENARIO.yaml] --contacts N [...]`` finds the fewest agents that reach
N contacts within the cap.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cxdial.cli.app import console, console_err
from cxdial.errors import ValidationError
from cxdial.pacing.bound import default_bound_dir, lp_bound
from cxdial.pacing.capacity import Replicated, recommend, replicate, with_agents
from cxdial.pacing.factory import make_policy
from cxdial.pacing.plot import write_plot
from cxdial.pacing.scenario import Scenario, load_scenario, scenario_from

__all__ = ["build_scenario", "capacity", "register", "simulate"]

ALL_POLICIES = ("predictive", "vicidial", "ratio:2", "progressive")
MAX_LP_STATES = 60_000  # N=100, p=0.1 (52 500 states) solves in about a minute


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
    """The scenario file (or the defaults) with command-line overrides applied."""
    base = load_scenario(path) if path is not None else scenario_from({"name": "command line"})
    data: dict[str, Any] = base.model_dump()
    if answer_rate is not None:
        if not 0 < answer_rate <= 1:
            raise ValidationError("--answer-rate must be in (0, 1]", field="--answer-rate")
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
            raise ValidationError("--agents must be ≥ 1", field="--agents")
        scenario = with_agents(scenario, agents)
    return scenario


def scenario_bound(scenario: Scenario, cache_dir: Path | None) -> float | None:
    """The LP bound when the scenario is Markovian and the LP is of a sane size."""
    if not scenario.markovian:
        return None
    n, p = scenario.agents, scenario.outcomes.live
    if p <= 0 or (n + 1) * (0.5 * n / p + 20) > MAX_LP_STATES:
        return None
    return lp_bound(
        n, p, scenario.handle_time.mean, scenario.mean_dial_time, scenario.cap, cache_dir=cache_dir
    ).utilization


def _specs(policy: str) -> list[str]:
    if policy.strip().lower() == "all":
        return list(ALL_POLICIES)
    return [p.strip() for p in policy.split(",") if p.strip()]


def _row(rep: Replicated, bound: float | None, scenario: Scenario) -> dict[str, Any]:
    out = rep.summary()
    out["scenario"] = scenario.name
    out["bound"] = bound
    out["bound_ratio"] = out["utilization"] / bound if bound else None
    out.update(rep.runs[0].detail())
    return out


def _table(rows: list[dict[str, Any]], scenario: Scenario) -> Table:
    table = Table(
        title=f"{scenario.name}: {scenario.peak_agents} agents, {scenario.hours:g} h "
        f"× {scenario.days} day(s), cap {scenario.cap:.1%}"
    )
    table.add_column("policy", no_wrap=True)
    columns: list[tuple[str, Any]] = [
        ("util", lambda r: f"{r['utilization']:.1%}"),
        ("talk m/h", lambda r: f"{r['talk_minutes_per_agent_hour']:.1f}"),
        ("aband.", lambda r: f"{r['abandon_rate']:.2%}"),
        ("dials", lambda r: f"{r['dials']:,.0f}"),
        ("live", lambda r: f"{r['live_answers']:,.0f}"),
        ("drops", lambda r: f"{r['abandoned']:,.0f}"),
        ("lines", lambda r: f"{r['trunk_peak']:.0f}"),
        ("bound", lambda r: f"{r['bound']:.1%}" if r["bound"] else "—"),
        ("of bound", lambda r: f"{r['bound_ratio']:.0%}" if r["bound_ratio"] else "—"),
    ]
    if scenario.days > 1:
        columns.insert(3, ("worst 30 d", lambda r: f"{r['abandon_rate_30d_max']:.2%}"))
    for name, _ in columns:
        table.add_column(name, justify="right")
    for r in rows:
        table.add_row(r["policy"], *(cell(r) for _, cell in columns))
    return table


def simulate(
    scenario_path: Path | None = typer.Argument(None, dir_okay=False, help="scenario YAML"),
    agents: int | None = typer.Option(None, "--agents", help="agents logged in"),
    answer_rate: float | None = typer.Option(None, "--answer-rate", help="live answers per dial"),
    handle_time: float | None = typer.Option(None, "--handle-time", help="mean talk+wrap, s"),
    dial_delay: float | None = typer.Option(None, "--dial-delay", help="mean dial-to-outcome, s"),
    hours: float | None = typer.Option(None, "--hours", help="hours per day"),
    policy: str = typer.Option(
        "predictive", "--policy", help="predictive|progressive|ratio:X|vicidial, a list, or all"
    ),
    cap: float | None = typer.Option(None, "--cap", help="abandonment cap (default 0.03)"),
    seed: int = typer.Option(0, "--seed", help="first random seed"),
    replications: int = typer.Option(1, "--replications", min=1, help="independent runs"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
    plot: Path | None = typer.Option(None, "--plot", help="write FILE.png or FILE.html"),
    bound_cache: Path = typer.Option(
        default_bound_dir(),
        "--bound-cache",
        envvar="CXDIAL_BOUND_CACHE",
        help="directory caching LP bounds",
    ),
) -> None:
    """Simulate a campaign per policy and show the results beside the LP bound."""
    scenario = build_scenario(
        scenario_path,
        agents=agents,
        answer_rate=answer_rate,
        handle_time=handle_time,
        dial_delay=dial_delay,
        hours=hours,
        cap=cap,
    )
    specs = _specs(policy)
    if not specs:
        raise ValidationError("no policy given", field="--policy", fix="e.g. --policy predictive")
    for spec in specs:
        make_policy(spec)  # refuse a bad name before any work
    bound = scenario_bound(scenario, bound_cache)
    reps: list[Replicated] = []
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    total = len(specs) * replications
    with Progress(*columns, console=console_err, transient=True, disable=total < 2) as bar:
        task = bar.add_task("simulating", total=total)
        for spec in specs:
            bar.update(task, description=f"simulating {spec}")
            reps.append(
                replicate(
                    scenario, spec, replications, seed, progress=lambda _d, _t: bar.advance(task)
                )
            )
    rows = [_row(rep, bound, scenario) for rep in reps]
    if plot is not None:
        write_plot([rep.runs[0] for rep in reps], plot, scenario.cap, title=scenario.name)
    if as_json:
        payload: Any = rows[0] if len(rows) == 1 else rows
        console.print_json(json.dumps(payload))
        return
    console.print(_table(rows, scenario))
    if plot is not None:
        console.print(f"plot written to {plot}")


def capacity(
    scenario_path: Path | None = typer.Argument(None, dir_okay=False, help="scenario YAML"),
    contacts: int = typer.Option(..., "--contacts", help="connected live answers to reach"),
    hours: float | None = typer.Option(None, "--hours", help="hours per day"),
    answer_rate: float | None = typer.Option(None, "--answer-rate", help="live answers per dial"),
    handle_time: float | None = typer.Option(None, "--handle-time", help="mean talk+wrap, s"),
    dial_delay: float | None = typer.Option(None, "--dial-delay", help="mean dial-to-outcome, s"),
    policy: str = typer.Option(
        "predictive", "--policy", help="policy, a list, all, or ratio:auto (tunes the ratio)"
    ),
    cap: float | None = typer.Option(None, "--cap", help="abandonment cap (default 0.03)"),
    replications: int = typer.Option(5, "--replications", min=2, help="runs per candidate"),
    confidence: float = typer.Option(0.95, "--confidence", help="share of runs within the cap"),
    max_agents: int = typer.Option(500, "--max-agents", min=1),
    seed: int = typer.Option(0, "--seed"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Find the fewest agents (and the trunks, dial rate) that reach a contact target."""
    scenario = build_scenario(
        scenario_path,
        answer_rate=answer_rate,
        handle_time=handle_time,
        dial_delay=dial_delay,
        hours=hours,
        cap=cap,
    )
    found = []
    with Progress(
        TextColumn("{task.description}"), TimeElapsedColumn(), console=console_err, transient=True
    ) as bar:
        for spec in _specs(policy):
            task = bar.add_task(f"searching team size for {spec}", total=None)
            found.append(
                recommend(scenario, contacts, spec, replications, seed, confidence, max_agents)
            )
            bar.remove_task(task)
    rows = [{**vars(f), "target_contacts": contacts} for f in found]
    if as_json:
        console.print_json(json.dumps(rows[0] if len(rows) == 1 else rows))
        return
    table = Table(
        title=f"{contacts:,} contacts in {scenario.days} × {scenario.hours:g} h "
        f"at ≤ {scenario.cap:.1%} abandoned"
    )
    for col in (
        "policy",
        "agents",
        "contacts (95% low)",
        "abandoned",
        "within cap",
        "utilisation",
        "trunks",
        "dials/agent-h",
        "met",
    ):
        table.add_column(col)
    for f in found:
        table.add_row(
            f.policy,
            str(f.agents),
            f"{f.contacts:,.0f} ({f.contacts_low:,.0f})",
            f"{f.abandon_rate:.2%}",
            f"{f.share_within_cap:.0%}",
            f"{f.utilization:.1%}",
            str(f.trunks),
            f"{f.dials_per_agent_hour:.0f}",
            "yes" if f.met else "NO",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` and ``capacity`` to the root app."""
    app.command("simulate")(simulate)
    app.command("capacity")(capacity)
