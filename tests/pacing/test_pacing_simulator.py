"""The discrete-event simulator: closed forms, the bound as a ceiling, scenario features."""

from __future__ import annotations

from typing import Any

import pytest

from cxdial.pacing import lp_bound, make_policy, progressive_utilization, scenario_from, simulate
from cxdial.pacing.capacity import policy_for
from cxdial.pacing.scenario import Scenario

MARKOV = {"abandon_after": 0.0, "outcomes": {"live": 0.3, "no_answer": 0.7}}


def markov(**extra: Any) -> Scenario:
    """The §A4 model: exponential times, no machines, no grace period."""
    return scenario_from({**MARKOV, **extra})


def test_progressive_matches_closed_form() -> None:
    """Progressive dialing reaches h/(h + r/p) and never abandons."""
    sc = markov(agents=20, days=3)
    result = simulate(sc, make_policy("progressive"), seed=11)
    assert result.utilization == pytest.approx(progressive_utilization(0.3, 120, 20), abs=0.012)
    assert result.abandoned == 0


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_progressive_closed_form_other_answer_rates(p: float) -> None:
    """The closed form holds across answer rates."""
    sc = scenario_from(
        {**MARKOV, "agents": 20, "days": 2, "outcomes": {"live": p, "no_answer": 1 - p}}
    )
    result = simulate(sc, make_policy("progressive"), seed=5)
    assert result.utilization == pytest.approx(progressive_utilization(p, 120, 20), abs=0.015)


@pytest.mark.parametrize("spec", ["progressive", "ratio:1.5", "ratio:3", "vicidial", "predictive"])
def test_no_policy_beats_the_bound(spec: str) -> None:
    """On exponential inputs no policy beats the LP at its own abandonment rate."""
    sc = markov(agents=10, days=4)
    result = simulate(sc, policy_for(spec, sc), seed=3)
    ceiling = lp_bound(10, 0.3, cap=min(result.abandon_rate, 0.99), cache_dir=None)
    assert result.utilization <= ceiling.utilization + 0.01


def test_seeded_runs_repeat_exactly() -> None:
    """The same seed gives the same run; another seed gives another."""
    sc = scenario_from({"agents": 8, "hours": 2})
    one = simulate(sc, make_policy("predictive"), seed=4)
    two = simulate(sc, make_policy("predictive"), seed=4)
    other = simulate(sc, make_policy("predictive"), seed=5)
    assert one.summary() | {"wall_time": 0} == two.summary() | {"wall_time": 0}
    assert one.dials != other.dials


def test_totals_are_consistent() -> None:
    """Per-day and per-hour counters add up to the totals; talk minutes follow utilisation."""
    sc = scenario_from({"agents": 12, "hours": 3, "days": 2})
    result = simulate(sc, make_policy("ratio:2.5"), seed=2)
    assert sum(d.dials for d in result.per_day) == result.dials
    assert sum(h.live_answers for h in result.per_hour) == result.live_answers
    assert sum(h.abandoned for h in result.per_hour) == result.abandoned
    assert result.connects + result.abandoned <= result.live_answers
    assert result.talk_minutes_per_agent_hour == pytest.approx(60 * result.utilization)
    assert len(result.timeline_hours) == 36
    assert result.dials_per_agent_hour == pytest.approx(result.dials / (12 * 6), rel=1e-6)


def test_trunk_limit_is_respected() -> None:
    """Lines in use never exceed the trunk limit."""
    sc = scenario_from({"agents": 20, "hours": 2, "trunks": 25})
    result = simulate(sc, make_policy("ratio:4"), seed=1)
    assert 0 < result.trunk_peak <= 25


def test_list_exhaustion_stops_dialing() -> None:
    """Dialing stops when the list runs out of records."""
    sc = scenario_from({"agents": 10, "hours": 2, "list_size": 300})
    assert simulate(sc, make_policy("predictive"), seed=1).dials == 300


def test_calling_window_closes() -> None:
    """No dial is launched after the calling window closes."""
    sc = scenario_from({"agents": 10, "hours": 4, "calling_window": [1, 2.5]})
    hours = simulate(sc, make_policy("predictive"), seed=1).per_hour
    assert hours[0].dials == 0
    assert hours[1].dials > 0
    assert hours[3].dials == 0


def test_shifts_change_the_team() -> None:
    """Logged-in agent time follows the shifts."""
    shifts = [{"start": 0, "end": 2, "agents": 6}, {"start": 1, "end": 3, "agents": 4}]
    sc = scenario_from({"hours": 3, "shifts": shifts})
    day = simulate(sc, make_policy("predictive"), seed=1).per_day[0]
    assert day.agent_seconds == pytest.approx((6 * 2 + 4 * 2) * 3600)


def test_amd_false_positives_count_as_abandoned() -> None:
    """Live answers hung up by AMD are abandoned calls, even when agents are free."""
    sc = scenario_from({"agents": 10, "hours": 4, "amd": {"false_positive": 0.1}})
    result = simulate(sc, make_policy("progressive"), seed=1)
    assert result.abandon_rate == pytest.approx(0.1, abs=0.03)


def test_undetected_machines_take_agent_time() -> None:
    """Without AMD, machines reach agents and cost their time; with AMD most are dropped."""
    outcomes = {"live": 0.3, "no_answer": 0.4, "machine": 0.3}
    plain = simulate(
        scenario_from({"hours": 2, "outcomes": outcomes}), make_policy("progressive"), 1
    )
    amd = scenario_from({"hours": 2, "outcomes": outcomes, "amd": {"accuracy": 0.9}})
    detected = simulate(amd, make_policy("progressive"), 1)
    assert plain.machine_connects > 5 * detected.machine_connects > 0


def test_two_second_rule_rescues_calls() -> None:
    """A grace period lets agents who free up within 2 s take the call."""
    base = {"agents": 20, "hours": 4, "outcomes": {"live": 0.3, "no_answer": 0.7}}
    strict = simulate(scenario_from({**base, "abandon_after": 0}), make_policy("ratio:3"), 9)
    lenient = simulate(scenario_from({**base, "abandon_after": 2}), make_policy("ratio:3"), 9)
    assert lenient.abandon_rate < strict.abandon_rate


def test_answer_rate_drift() -> None:
    """answer_drift moves the live-answer rate over the day."""
    sc = scenario_from({"agents": 20, "hours": 4, "answer_drift": -0.5})
    hours = simulate(sc, make_policy("progressive"), seed=1).per_hour
    first, last = (h.live_answers / h.dials for h in (hours[0], hours[-1]))
    assert first == pytest.approx(0.3 * (1 - 0.5 / 8), abs=0.03)
    assert last == pytest.approx(0.3 * (1 - 3.5 / 8), abs=0.03)
