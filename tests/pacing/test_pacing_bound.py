"""The LP bound of pacing.md §A4: reference values, caching, input checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxdial.errors import ValidationError
from cxdial.pacing.bound import BoundCache, default_bound_dir, lp_bound, progressive_utilization


@pytest.mark.parametrize(
    ("agents", "p", "cap", "expected"),
    [
        (10, 0.3, 0.03, 0.8066),
        (20, 0.3, 0.03, 0.8659),
        (5, 0.1, 0.03, 0.6842),
        (10, 0.5, 0.03, 0.8306),
        (20, 0.3, 0.01, 0.8310),
        (1, 0.3, 0.03, 0.657),
    ],
)
def test_reference_values(agents: int, p: float, cap: float, expected: float) -> None:
    """The LP reproduces the design note's table to the published precision."""
    bound = lp_bound(agents, p, cap=cap, cache_dir=None)
    assert bound.utilization == pytest.approx(expected, abs=6e-4)
    assert bound.abandon_rate <= cap + 1e-9
    assert bound.truncation_mass < 1e-9


def test_zero_cap_is_progressive() -> None:
    """With alpha = 0 the optimum is exactly progressive dialing, h/(h + r/p)."""
    bound = lp_bound(10, 0.3, cap=0.0, cache_dir=None)
    assert bound.utilization == pytest.approx(0.642857, abs=1e-6)
    assert progressive_utilization(0.3, 120, 20) == pytest.approx(0.642857, abs=1e-6)


def test_optimal_policy_shape() -> None:
    """The optimal in-flight target falls with busy agents, as in §A4 (N=10, p=0.3)."""
    target = lp_bound(10, 0.3, cache_dir=None).target_in_flight
    assert target[1:] == (24, 21, 18, 15, 12, 9, 6, 4, 1, 0)


def test_disk_cache_round_trip(tmp_path: Path) -> None:
    """A bound is written once to the cache directory and read back unchanged."""
    first = lp_bound(4, 0.35, 100.0, 15.0, 0.02, cache_dir=tmp_path)
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    assert json.loads(files[0].read_text())["utilization"] == first.utilization
    assert lp_bound(4, 0.35, 100.0, 15.0, 0.02, cache_dir=tmp_path) == first


def test_corrupt_cache_is_recomputed(tmp_path: Path) -> None:
    """A damaged cache file does not break the bound; it is recomputed."""
    cache = BoundCache(tmp_path)
    bound = lp_bound(3, 0.45, 90.0, 25.0, 0.03, cache=cache)
    (cached,) = tmp_path.glob("*.json")
    cached.write_text("{not json")
    cache.forget()
    again = lp_bound(3, 0.45, 90.0, 25.0, 0.03, cache=cache)
    assert again.utilization == pytest.approx(bound.utilization)
    assert json.loads(cached.read_text())["agents"] == 3


def test_no_cache_means_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a cache nothing touches the disk; the default folder is the user cache dir."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    lp_bound(3, 0.4, 90.0, 25.0, 0.03)
    assert not any(tmp_path.rglob("*.json"))
    assert default_bound_dir() == tmp_path / "xdg" / "cxdial" / "bounds"


def test_a_cache_object_is_shared_across_calls(tmp_path: Path) -> None:
    """One ``BoundCache`` answers a repeated question from memory, without re-reading disk."""
    cache = BoundCache(tmp_path)
    first = lp_bound(3, 0.45, 90.0, 25.0, 0.03, cache=cache)
    for f in tmp_path.glob("*.json"):
        f.unlink()
    assert lp_bound(3, 0.45, 90.0, 25.0, 0.03, cache=cache) is first
    assert BoundCache().get("missing") is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"agents": 0, "answer_rate": 0.3}, "agents"),
        ({"agents": 5, "answer_rate": 0.0}, "answer_rate"),
        ({"agents": 5, "answer_rate": 0.3, "handle_time": -1.0}, "handle_time"),
        ({"agents": 5, "answer_rate": 0.3, "cap": 1.5}, "cap"),
    ],
)
def test_invalid_inputs_name_the_field(kwargs: dict[str, float], field: str) -> None:
    """Out-of-range LP inputs raise ValidationError naming the parameter."""
    with pytest.raises(ValidationError) as err:
        lp_bound(cache_dir=None, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field
