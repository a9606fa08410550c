"""Scenarios are plain data; invalid ones are refused with the field named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cxdial.errors import ValidationError
from cxdial.pacing.scenario import Scenario, load_scenario, scenario_from

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"handle_time": {"mean": 0}}, "handle_time.mean"),
        ({"handle_time": {"mean": 120, "distribution": "gamma"}}, "handle_time.distribution"),
        ({"outcomes": {"live": 0.5}}, "outcomes"),
        ({"agents": 0}, "agents"),
        ({"hours": 30}, "hours"),
        ({"shifts": [{"start": 3, "end": 2, "agents": 4}]}, "shifts.0.end"),
        ({"hours": 4, "shifts": [{"start": 0, "end": 6, "agents": 4}]}, "shifts.0.end"),
        ({"ring_time": {"live": -2}}, "ring_time.live"),
        ({"amd": {"accuracy": 1.5}}, "amd.accuracy"),
        ({"calling_window": [5, 2]}, "calling_window"),
        ({"answer_drift": 5.0}, "answer_drift"),
        ({"agentz": 3}, "agentz"),
    ],
)
def test_errors_name_the_field(data: dict[str, Any], field: str) -> None:
    """Each invalid field is named in the error's field and message."""
    with pytest.raises(ValidationError) as err:
        scenario_from(data)
    assert err.value.field == field
    assert f"{field}:" in str(err.value)


def test_handle_time_message_reads_naturally() -> None:
    """The handle-time error reads 'handle_time.mean: must be > 0'."""
    with pytest.raises(ValidationError, match=r"handle_time\.mean: must be > 0"):
        scenario_from({"handle_time": {"mean": -3}})


def test_yaml_file_errors_name_the_field(tmp_path: Path) -> None:
    """A YAML scenario with a bad value is refused naming the field."""
    path = tmp_path / "bad.yaml"
    path.write_text("agents: 10\nring_time:\n  busy: 0\n")
    with pytest.raises(ValidationError) as err:
        load_scenario(path)
    assert err.value.field == "ring_time.busy"


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    """Missing files, broken YAML and non-mappings are input errors (exit code 2)."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("agents: [1,\n")
    listing = tmp_path / "list.yaml"
    listing.write_text("- 1\n- 2\n")
    for path in (tmp_path / "missing.yaml", broken, listing):
        with pytest.raises(ValidationError) as err:
            load_scenario(path)
        assert err.value.exit_code == 2


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_load(path: Path) -> None:
    """Every shipped example scenario validates."""
    assert isinstance(load_scenario(path), Scenario)


def test_markovian_flag() -> None:
    """Only exponential, machine-free, flat-team scenarios are described by the LP."""
    assert scenario_from({}).markovian
    assert not scenario_from({"handle_time": {"distribution": "lognormal", "mean": 90}}).markovian
    machines = {"outcomes": {"live": 0.3, "no_answer": 0.5, "machine": 0.2}}
    assert not scenario_from(machines).markovian
    assert scenario_from({**machines, "amd": {"accuracy": 1.0}}).markovian
    assert not scenario_from({"shifts": [{"start": 0, "end": 4, "agents": 3}]}).markovian


def test_peak_agents_over_overlapping_shifts() -> None:
    """Peak agents counts overlapping shifts together."""
    sc = scenario_from(
        {"shifts": [{"start": 0, "end": 5, "agents": 7}, {"start": 4, "end": 8, "agents": 5}]}
    )
    assert sc.peak_agents == 12
