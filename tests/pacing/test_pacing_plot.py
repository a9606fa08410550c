"""The simulate plot: the LP bound, a named scenario, whole curves, distinct colours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from cxdial.pacing import make_policy, simulate
from cxdial.pacing.plot import CAP_STYLE, render_figure
from cxdial.pacing.report import build_scenario, scenario_title
from cxdial.pacing.scenario import Scenario

COMPLIANCE = Path(__file__).resolve().parents[2] / "examples" / "scenarios" / "compliance.yaml"
POLICIES = ("predictive", "vicidial", "ratio:2", "progressive")


def _figure(path: Path | None, **overrides: Any) -> tuple[Scenario, Figure]:
    """The figure of every policy on the scenario (seed 1), beside a bound of 80 %."""
    scenario = build_scenario(path, **overrides)
    results = [simulate(scenario, make_policy(p), seed=1) for p in POLICIES]
    fig = render_figure(results, scenario.cap, scenario_title(scenario), bound=0.8)
    return scenario, fig


def test_plot_shows_the_bound_and_the_scenario_name() -> None:
    """The utilisation panel carries the LP bound; the title names the scenario."""
    _scenario, fig = _figure(None, agents=6, hours=1.0)
    util_ax, _ab_ax = fig.axes
    labels = [line.get_label() for line in util_ax.get_lines()]
    assert "LP bound 80.0%" in labels
    assert fig.get_suptitle().startswith("command-line scenario: 6 agents")


def test_no_policy_is_drawn_in_the_cap_lines_colour() -> None:
    """Every policy line differs in colour from the cap line and from each other."""
    _scenario, fig = _figure(None, agents=6, hours=1.0)
    _util_ax, ab_ax = fig.axes
    colours = {line.get_label(): to_hex(line.get_color()) for line in ab_ax.get_lines()}
    cap = to_hex(str(CAP_STYLE["color"]))
    policy_colours = [colours[p] for p in POLICIES]
    assert cap not in policy_colours
    assert len(set(policy_colours)) == len(POLICIES)


def test_no_curve_is_clipped() -> None:
    """Both panels' y-limits hold the highest point of every line."""
    _scenario, fig = _figure(None, agents=6, hours=1.0, answer_rate=0.6)
    for ax in fig.axes:
        top = ax.get_ylim()[1]
        highest = max(max(line.get_ydata(), default=0) for line in ax.get_lines())
        assert highest <= top


def test_thirty_day_scenario_is_drawn_whole() -> None:
    """A 30-day scenario is drawn over its 30 days, not its first half hour."""
    scenario, fig = _figure(COMPLIANCE)
    util_ax, _ab_ax = fig.axes
    predictive = next(line for line in util_ax.get_lines() if line.get_label() == "predictive")
    days = list(predictive.get_xdata())
    assert days[0] == 1
    assert days[-1] == scenario.days == 30
    assert fig.axes[1].get_xlabel() == "day of the campaign"
