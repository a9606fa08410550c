"""Pacing benchmark: every policy beside the LP bound, and the simulator's speed.

For N ∈ {5, 10, 20, 50, 100} agents × p ∈ {0.1, 0.3, 0.5} live answers per dial, in the
Markovian model of the bound (h = 120 s, r = 20 s, exponential, no grace period), each
policy's utilisation and abandonment next to the LP bound and the ratio to it; then the
wall time of one 8-hour 100-agent simulated day; then (``--compliance K``) K seeded
30-day replications of the compliance reference with full 8-hour days.

    .venv/bin/python bench/pacing.py [--agent-hours 160] [--compliance 100]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.table import Table

from cxdial.pacing import lp_bound, scenario_from, simulate
from cxdial.pacing.capacity import policy_for
from cxdial.pacing.scenario import load_scenario

POLICIES = ("predictive", "vicidial", "ratio:2", "progressive")
AGENTS = (5, 10, 20, 50, 100)
RATES = (0.1, 0.3, 0.5)
CAP = 0.03
REFERENCE = Path(__file__).resolve().parents[1] / "examples" / "scenarios" / "compliance.yaml"


def grid_cell(args: tuple[int, float, float]) -> list[tuple[str, float, float]]:
    """(policy, utilisation, abandonment) for each policy at N agents, answer rate p."""
    agents, p, agent_hours = args
    days = max(1, math.ceil(agent_hours / (8 * agents)))
    sc = scenario_from(
        {
            "agents": agents,
            "days": days,
            "abandon_after": 0.0,
            "outcomes": {"live": p, "no_answer": 1 - p},
            "cap": CAP,
        }
    )
    rows = []
    for spec in POLICIES:
        result = simulate(sc, policy_for(spec, sc), seed=agents * 1000 + int(p * 100))
        rows.append((spec, result.utilization, result.abandon_rate))
    return rows


def robustness_cell(args: tuple[int, str, float]) -> tuple[float, float]:
    """Predictive utilisation and abandonment for a handle-time family (2 s grace, 10 days)."""
    agents, family, cv = args
    sc = scenario_from(
        {
            "agents": agents,
            "days": 10,
            "handle_time": {"distribution": family, "mean": 120, "cv": cv},
        }
    )
    result = simulate(sc, policy_for("predictive", sc), seed=agents)
    return result.utilization, result.abandon_rate


def compliance_run(seed: int) -> tuple[float, float]:
    """Worst 30-day abandonment and utilisation with full 8-hour days."""
    sc = load_scenario(REFERENCE).model_copy(update={"hours": 8.0, "tick": 5.0})
    result = simulate(sc, policy_for("predictive", sc), seed)
    return result.abandon_rate_30d_max, result.utilization


def main() -> None:
    """Print the tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agent-hours", type=float, default=400.0, help="per grid cell")
    parser.add_argument("--compliance", type=int, default=0, help="30-day replications")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    console = Console()
    context = multiprocessing.get_context("spawn")

    started = time.perf_counter()
    bounds = {(n, p): lp_bound(n, p, cap=CAP) for n in AGENTS for p in RATES}
    console.print(f"LP bounds ready in {time.perf_counter() - started:.1f} s (cached on disk)")
    cells = [(n, p, args.agent_hours) for n in AGENTS for p in RATES]
    with ProcessPoolExecutor(args.workers, mp_context=context) as pool:
        results = dict(zip(cells, pool.map(grid_cell, cells), strict=True))

    title = f"Utilisation / abandonment vs the LP bound (h=120 s, r=20 s, cap {CAP:.0%})"
    table = Table(title=title)
    table.add_column("N", justify="right")
    table.add_column("p", justify="right")
    table.add_column("bound", justify="right")
    for spec in POLICIES:
        table.add_column(f"{spec}\nutil / aband. / ÷bound", justify="right")
    for cell, rows in results.items():
        n, p, _ = cell
        bound = bounds[(n, p)].utilization
        table.add_row(
            str(n),
            f"{p:g}",
            f"{bound:.1%}",
            *(f"{u:.1%} / {a:.2%} / {u / bound:.0%}" for _, u, a in rows),
        )
    console.print(table)

    families = (
        ("exponential", 1.0),
        ("lognormal", 1.0),
        ("lognormal", 0.5),
        ("deterministic", 0.0),
    )
    robust_cells = [(n, f, cv) for n in (10, 20, 50) for f, cv in families]
    with ProcessPoolExecutor(args.workers, mp_context=context) as pool:
        robust = dict(zip(robust_cells, pool.map(robustness_cell, robust_cells), strict=True))
    rob = Table(
        title="Predictive with other handle-time distributions (p = 0.3, 2 s rule, 10 days)"
    )
    rob.add_column("N", justify="right")
    for family, cv in families:
        rob.add_column(f"{family} cv {cv:g}\nutil / aband. / ÷bound", justify="right")
    for n in (10, 20, 50):
        bound = bounds[(n, 0.3)].utilization
        picks = [robust[(n, f, cv)] for f, cv in families]
        rob.add_row(str(n), *(f"{u:.1%} / {a:.2%} / {u / bound:.0%}" for u, a in picks))
    console.print(rob)

    sc = scenario_from({"agents": 100, "hours": 8})
    speed = Table(title="One 8-hour day, 100 agents, p = 0.3 (wall time)")
    speed.add_column("policy")
    speed.add_column("events", justify="right")
    speed.add_column("seconds", justify="right")
    for spec in POLICIES:
        best = min(
            (simulate(sc, policy_for(spec, sc), seed) for seed in range(3)),
            key=lambda r: r.wall_time,
        )
        speed.add_row(spec, f"{best.events:,}", f"{best.wall_time:.3f}")
    console.print(speed)

    if args.compliance:
        with ProcessPoolExecutor(args.workers, mp_context=context) as pool:
            runs = list(pool.map(compliance_run, range(args.compliance)))
        rates = sorted(rate for rate, _ in runs)
        within = sum(rate <= CAP for rate in rates)
        util = sum(u for _, u in runs) / len(runs)
        console.print(
            f"compliance reference, 10 agents × 8 h × 30 days, {len(runs)} seeds: "
            f"{within}/{len(runs)} within {CAP:.0%}; 30-day abandonment "
            f"min {rates[0]:.2%} median {rates[len(rates) // 2]:.2%} max {rates[-1]:.2%}; "
            f"mean utilisation {util:.1%} (bound {lp_bound(10, 0.3).utilization:.1%})"
        )


if __name__ == "__main__":
    main()
