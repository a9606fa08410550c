"""Policies behind the one interface: arithmetic, the factory, VICIdial brakes, ours."""

from __future__ import annotations

import itertools

import pytest

import cxdial.pacing as pacing
from cxdial.errors import ValidationError
from cxdial.pacing import (
    DialerState,
    PacingPolicy,
    PredictivePolicy,
    VicidialAdaptivePolicy,
    lp_bound,
    make_policy,
    scenario_from,
    simulate,
)
from cxdial.pacing.capacity import policy_for


def state(
    now: float = 0.0, agents: int = 10, busy: int = 0, in_flight: int = 0, **counters: int
) -> DialerState:
    """A dialer snapshot with cumulative counters."""
    return DialerState(now=now, agents=agents, busy=busy, in_flight=in_flight, **counters)


def test_progressive_tops_up_to_free_agents() -> None:
    """Progressive keeps one attempt per free agent in flight."""
    policy = make_policy("progressive")
    assert policy.dials_to_launch(state(busy=4, in_flight=2)) == 4
    assert policy.dials_to_launch(state(busy=10, in_flight=0)) == 0
    assert policy.dials_to_launch(state(busy=3, in_flight=9)) == 0


def test_fixed_ratio_scales_free_agents() -> None:
    """ratio:X keeps X attempts per free agent in flight."""
    policy = make_policy("ratio:2.5")
    assert policy.name == "ratio:2.5"
    assert policy.dials_to_launch(state(busy=6, in_flight=3)) == 7


@pytest.mark.parametrize(
    "spec",
    [
        "predictive",
        "progressive",
        "ratio:2",
        "vicidial",
        "vicidial:average",
        "vicidial:tapered",
        " Predictive ",
    ],
)
def test_factory_builds_protocol_objects(spec: str) -> None:
    """Every spelling gives a fresh PacingPolicy with a name."""
    policy = make_policy(spec)
    assert isinstance(policy, PacingPolicy)
    assert policy.name
    assert make_policy(spec) is not policy


@pytest.mark.parametrize("spec", ["erlang", "ratio:x", "ratio:0", "progressive:2", "vicidial:fast"])
def test_factory_rejects_unknown_specs(spec: str) -> None:
    """Unknown or malformed policy names are input errors naming the field."""
    with pytest.raises(ValidationError) as err:
        make_policy(spec)
    assert err.value.field in ("policy", "ratio")


def test_vicidial_raises_level_while_agents_wait() -> None:
    """Idle agents push the dial level up every update, to the maximum."""
    policy = VicidialAdaptivePolicy(max_level=3.0)
    for second in range(0, 120, 5):
        policy.dials_to_launch(state(now=second, busy=2, in_flight=0))
    assert policy.level == pytest.approx(3.0)
    assert policy.dials_to_launch(state(now=120, busy=2, in_flight=4)) == 24


@pytest.mark.parametrize(("mode", "expected"), [("hard_limit", 1.0), ("average", 1.5)])
def test_vicidial_drop_brakes(mode: str, expected: float) -> None:
    """Past the drop percentage today, HARD_LIMIT drops to 1.0 and AVERAGE halves."""
    policy = VicidialAdaptivePolicy(mode=mode, initial_level=3.0)  # type: ignore[arg-type]
    policy.dials_to_launch(state(now=0, busy=10))
    policy.dials_to_launch(state(now=16, busy=10, live_answers=100, abandoned=5))
    assert policy.level == pytest.approx(expected)


def test_vicidial_counts_drops_per_day() -> None:
    """Drop counts restart at midnight, as VICIdial's 'today' figures do."""
    policy = VicidialAdaptivePolicy(initial_level=2.0)
    policy.dials_to_launch(state(now=0, busy=10, live_answers=100, abandoned=10))
    policy.dials_to_launch(state(now=86400, busy=10, live_answers=100, abandoned=10))
    policy.dials_to_launch(state(now=86416, busy=10, live_answers=160, abandoned=10))
    assert policy.level == pytest.approx(2.0)


def test_predictive_table_has_the_optimal_shape() -> None:
    """The in-flight target falls as agents get busy and is zero when all are busy."""
    policy = PredictivePolicy(theta=0.01, grace=0.0)
    policy.dials_to_launch(state(agents=10))
    target = policy.target_in_flight()
    assert len(target) == 11
    assert all(a >= b for a, b in itertools.pairwise(target))
    assert target[-1] == 0
    assert target[0] >= 10


def test_predictive_rejects_bad_priors() -> None:
    """Priors out of range name the parameter."""
    with pytest.raises(ValidationError) as err:
        PredictivePolicy(answer_rate=0.0)
    assert err.value.field == "answer_rate"


def test_predictive_beats_the_baselines_near_the_bound() -> None:
    """Ours reaches ≥ 95 % of the bound within the cap and beats every peer that holds it."""
    sc = scenario_from({"agents": 20, "days": 2, "abandon_after": 0.0})
    ours = simulate(sc, policy_for("predictive", sc), seed=21)
    assert ours.abandon_rate <= 0.03
    assert ours.utilization >= 0.95 * lp_bound(20, 0.3, cache_dir=None).utilization
    for spec in ("progressive", "ratio:2", "vicidial"):
        peer = simulate(sc, policy_for(spec, sc), seed=21)
        assert peer.abandon_rate > 0.03 or peer.utilization < ours.utilization


@pytest.mark.parametrize("family", ["deterministic", "lognormal"])
def test_predictive_holds_the_cap_with_regular_handle_times(family: str) -> None:
    """Less variable handle times than exponential do not push ours over the cap."""
    sc = scenario_from(
        {"agents": 10, "days": 3, "handle_time": {"distribution": family, "mean": 120, "cv": 0.5}}
    )
    result = simulate(sc, policy_for("predictive", sc), seed=8)
    assert result.abandon_rate <= 0.03
    assert result.utilization >= 0.95 * lp_bound(10, 0.3, cache_dir=None).utilization


def test_predictive_follows_answer_rate_drift() -> None:
    """When p halves during the day the estimate follows and the cap still holds."""
    sc = scenario_from({"agents": 20, "hours": 8, "answer_drift": -0.5})
    policy = PredictivePolicy(answer_rate=0.3)
    result = simulate(sc, policy, seed=2)
    assert result.abandon_rate <= 0.03
    assert policy.estimates()[2] == pytest.approx(0.17, abs=0.03)


def test_predictive_works_from_dialer_state_alone() -> None:
    """Fed only DialerState snapshots (as the emulator does), ours learns h, r and p."""
    sc = scenario_from(
        {
            "agents": 15,
            "hours": 4,
            "handle_time": {"mean": 200},
            "ring_time": {"live": 10, "no_answer": 10},
        }
    )
    policy = make_policy("predictive")  # priors 120 s / 20 s / 0.3, all wrong here but p
    assert isinstance(policy, PredictivePolicy)
    result = simulate(sc, policy, seed=3)
    h, r, _ = policy.estimates()
    assert h == pytest.approx(200, rel=0.15)
    assert r == pytest.approx(10, rel=0.15)
    assert result.abandon_rate <= 0.03


@pytest.mark.parametrize("spec", ["predictive", "progressive", "ratio:3", "vicidial"])
def test_policies_respect_free_trunks(spec: str) -> None:
    """No policy asks for more attempts than there are free lines."""
    policy = make_policy(spec)
    assert policy.dials_to_launch(state(agents=10, trunks_free=2)) <= 2
    assert policy.dials_to_launch(state(now=1, agents=10, trunks_free=0)) == 0


def test_public_surface_is_sorted_and_importable() -> None:
    """The package exports a sorted __all__ whose names all exist."""
    assert list(pacing.__all__) == sorted(pacing.__all__)
    assert all(hasattr(pacing, name) for name in pacing.__all__)


@pytest.mark.parametrize("spec", ["predictive", "progressive", "ratio:2", "vicidial"])
def test_policies_survive_wall_clock_times_and_empty_teams(spec: str) -> None:
    """Epoch timestamps, an empty team and a growing team are handled without errors."""
    policy = make_policy(spec)
    start = 1_790_000_000.0
    assert policy.dials_to_launch(state(now=start, agents=0)) == 0
    launched = policy.dials_to_launch(state(now=start + 1, agents=4))
    assert launched >= 4
    grown = policy.dials_to_launch(state(now=start + 30, agents=12, busy=4, in_flight=launched))
    assert grown >= 0


def test_vicidial_tapered_tightens_towards_the_end_of_the_day() -> None:
    """TAPERED scales the level by the hours left (÷ 10) once over the drop limit."""
    policy = VicidialAdaptivePolicy(mode="tapered", initial_level=3.0, latest_hour=8.0)
    six_hours = 6 * 3600.0
    policy.dials_to_launch(state(now=six_hours, busy=10))
    policy.dials_to_launch(state(now=six_hours + 16, busy=10, live_answers=100, abandoned=5))
    assert policy.level == pytest.approx(1.0)
    early = VicidialAdaptivePolicy(mode="tapered", initial_level=3.0, latest_hour=20.0)
    early.dials_to_launch(state(now=0, busy=10))
    early.dials_to_launch(state(now=16, busy=10, live_answers=100, abandoned=5))
    assert early.level == pytest.approx(3.0)
