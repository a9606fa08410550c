"""``cxdial simulate`` and ``cxdial capacity``: the capacity simulator on the command line.

Contract (stable): ``cxdial simulate [SCENARIO.yaml] [--agents N] [--answer-rate P]
[--handle-time S] [--dial-delay S] [--hours H] [--policy predictive|progressive|ratio:X|vicidial]
[--cap 0.03] [--seed N] [--replications K] [--json] [--plot FILE.png|.html]``.
``--policy`` also takes a comma-separated list or ``all``; ``--json`` then prints a list.
``cxdial capacity [SCENARIO.yaml] --contacts N [...]`` finds the fewest agents that reach
N contacts within the cap.

The computing lives in :mod:`cxdial.pacing.report` and :mod:`cxdial.pacing.capacity`;
this module reads options, shows progress (a bar on a terminal, one line per step
elsewhere, always on stderr) and prints tables that fit 80 columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import typer
from rich.table import Table
from rich.text import Text

from cxdial.cli.app import console, console_err, emit_json

if TYPE_CHECKING:
    from cxdial.pacing.capacity import Recommendation
    from cxdial.pacing.scenario import Scenario

__all__ = ["capacity", "register", "simulate"]


class Step(Protocol):
    """Progress: what is happening, steps done, steps in total (or ``None``), detail."""

    def __call__(self, text: str, done: int, total: int | None, detail: str = "") -> None:
        """Show one step; ``detail`` is added to log lines, left off the bar."""


@contextmanager
def progress_reporter(label: str) -> Iterator[Step]:
    """A rich bar on a terminal; off a terminal, one plain line per step on stderr."""
    if not console_err.is_terminal:

        def line(text: str, done: int, total: int | None, detail: str = "") -> None:
            of = f"/{total}" if total else ""
            console_err.print(f"{label}: {done}{of} {text}{detail}", soft_wrap=True)

        yield line
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(bar_width=16),
        MofNCompleteColumn(),
    )
    with Progress(*columns, TimeElapsedColumn(), console=console_err, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(text: str, done: int, total: int | None, detail: str = "") -> None:
            bar.update(task, description=f"{label}: {text}", completed=done, total=total)

        yield advance


def _percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}%}"


Column = tuple[str, Callable[[dict[str, Any]], str]]


def _table(rows: list[dict[str, Any]], title: str, multi_day: bool) -> Table:
    """At most eight columns (80 characters); ``--json`` carries every figure."""
    table = Table(title=title)
    table.add_column("policy", no_wrap=True)
    columns: list[Column] = [
        ("util.", lambda r: _percent(r["utilization"])),
        ("of bound", lambda r: _percent(r["bound_ratio"], 0)),
        ("aband.", lambda r: _percent(r["abandon_rate"], 2)),
        ("dials", lambda r: f"{r['dials']:,.0f}"),
        ("live", lambda r: f"{r['live_answers']:,.0f}"),
        ("drops", lambda r: f"{r['abandoned']:,.0f}"),
        ("lines", lambda r: f"{r['trunk_peak']:.0f}"),
    ]
    if multi_day:
        columns[-1] = ("30d max", lambda r: _percent(r["abandon_rate_30d_max"], 2))
    for name, _ in columns:
        table.add_column(name, justify="right", no_wrap=True)
    for r in rows:
        table.add_row(r["policy"], *(cell(r) for _, cell in columns))
    return table


def simulate(
    scenario_path: Path | None = typer.Argument(
        None, metavar="[SCENARIO.yaml]", exists=True, dir_okay=False, help="scenario YAML"
    ),
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
    bound_cache: Path | None = typer.Option(
        None,
        "--bound-cache",
        envvar="CXDIAL_BOUND_CACHE",
        file_okay=False,
        help="directory caching LP bounds (default: the user cache dir)",
    ),
) -> None:
    """Simulate a campaign per policy and show the results beside the LP bound."""
    from cxdial.pacing.bound import default_bound_dir
    from cxdial.pacing.plot import write_plot
    from cxdial.pacing.report import (
        build_scenario,
        policy_specs,
        report_rows,
        scenario_bound,
        scenario_title,
        simulate_policies,
    )

    scenario = build_scenario(
        scenario_path,
        agents=agents,
        answer_rate=answer_rate,
        handle_time=handle_time,
        dial_delay=dial_delay,
        hours=hours,
        cap=cap,
    )
    specs = policy_specs(policy)
    _check_plot(plot)
    bound = scenario_bound(scenario, bound_cache or default_bound_dir())
    if len(specs) * replications == 1:
        reps = simulate_policies(scenario, specs, replications, seed)
    else:
        with progress_reporter("simulating") as step:
            reps = simulate_policies(scenario, specs, replications, seed, progress=step)
    rows = report_rows(reps, scenario, bound)
    title = scenario_title(scenario)
    if plot is not None:
        write_plot([rep.runs[0] for rep in reps], plot, scenario.cap, title, bound=bound)
    if as_json:
        emit_json(rows[0] if len(rows) == 1 else rows)
        return
    console.print(_table(rows, title, scenario.days > 1))
    bound_text = _percent(bound) if bound is not None else "— (not a Markovian scenario)"
    console.print(f"LP bound (best any pacer reaches in this model): {bound_text}", soft_wrap=True)
    if plot is not None:
        console.print(f"plot written to {plot}", soft_wrap=True)


def _check_plot(plot: Path | None) -> None:
    """Refuse a plot target that cannot be written before any simulation runs."""
    from cxdial.errors import ValidationError

    if plot is None:
        return
    if plot.suffix.lower() not in (".png", ".html", ".htm"):
        raise ValidationError(
            f"cannot plot to {plot.name}", field="--plot", fix="use a .png or .html file name"
        )
    if not plot.parent.is_dir():
        raise ValidationError(
            f"the folder of {plot} does not exist", field="--plot", fix="create it first"
        )


def _trial_detail(found: Recommendation, target: int) -> str:
    met = "met" if found.met else "short"
    return (
        f": {found.contacts_low:,.0f}/{target:,} contacts, "
        f"{found.abandon_rate:.1%} abandoned, {met}"
    )


def _capacity_table(found: list[Recommendation], contacts: int, scenario: Scenario) -> Table:
    table = Table(
        title=f"{contacts:,} contacts in {scenario.days} × {scenario.hours:g} h "
        f"at ≤ {scenario.cap:.1%} abandoned"
    )
    for col in ("policy", "agents", "contacts", "aband.", "in cap", "util.", "trunks", "met"):
        table.add_column(col, justify="left" if col == "policy" else "right", no_wrap=True)
    for f in found:
        table.add_row(
            f.policy,
            str(f.agents),
            f"{f.contacts_low:,.0f}",
            f"{f.abandon_rate:.2%}",
            f"{f.share_within_cap:.0%}",
            f"{f.utilization:.1%}",
            str(f.trunks),
            Text("yes", style="green") if f.met else Text("NO", style="red"),
        )
    return table


def capacity(
    scenario_path: Path | None = typer.Argument(
        None, metavar="[SCENARIO.yaml]", exists=True, dir_okay=False, help="scenario YAML"
    ),
    contacts: int = typer.Option(..., "--contacts", min=1, help="connected live answers to reach"),
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
    max_agents: int = typer.Option(500, "--max-agents", min=1, help="largest team to try"),
    seed: int = typer.Option(0, "--seed", help="first random seed"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Find the fewest agents (and the trunks) that reach a contact target within the cap.

    The "contacts" column is the lower end of the 95 % interval over the replications;
    "in cap" the share of replications whose worst 30-day abandonment stayed under the cap.
    """
    from cxdial.pacing.capacity import recommend
    from cxdial.pacing.report import build_scenario, policy_specs

    scenario = build_scenario(
        scenario_path,
        answer_rate=answer_rate,
        handle_time=handle_time,
        dial_delay=dial_delay,
        hours=hours,
        cap=cap,
    )
    found = []
    with progress_reporter("capacity") as step:
        for spec in policy_specs(policy):
            trials = 0

            def tried(result: Recommendation) -> None:
                nonlocal trials
                trials += 1
                text = f"{result.policy}, {result.agents} agents"
                step(text, trials, None, _trial_detail(result, contacts))

            found.append(
                recommend(
                    scenario,
                    contacts,
                    spec,
                    replications,
                    seed,
                    confidence,
                    max_agents,
                    on_trial=tried,
                )
            )
    rows = [{**vars(f), "target_contacts": contacts} for f in found]
    if as_json:
        emit_json(rows[0] if len(rows) == 1 else rows)
        return
    console.print(_capacity_table(found, contacts, scenario))


def register(app: typer.Typer) -> None:
    """Add ``simulate`` and ``capacity`` to the root app."""
    app.command("simulate")(simulate)
    app.command("capacity")(capacity)
