"""The campaign spec: strict models, errors by dotted path, the schema, the example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from campaigns_support import EXAMPLE, example_data

from cxdial.campaigns import SpecError, dump_spec, load_spec, parse_spec, spec_hash
from cxdial.campaigns.schema import spec_schema, spec_schema_text

SCHEMA_FILE = Path(__file__).parents[2] / "src" / "cxdial" / "campaigns" / "campaign.schema.json"


def _problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        parse_spec(data)
    return {p.path: p.message for p in caught.value.problems}


def test_example_spec_is_valid() -> None:
    """examples/campaign.yaml, the file newcomers copy, validates."""
    spec = load_spec(EXAMPLE)
    assert spec.name == "spring-renewals"
    assert spec.dialing.mode == "predictive"
    assert spec.retry.by_outcome["busy"].retry_after_minutes == 30


def test_abandon_target_above_cap_is_named() -> None:
    """An abandonment target above 3 % is refused with the path and the cap."""
    data = example_data()
    data["pacing"]["abandon_target"] = 0.05
    with pytest.raises(SpecError) as caught:
        parse_spec(data)
    assert "pacing.abandon_target: 0.05 exceeds the 0.03 legal cap" in str(caught.value)
    assert caught.value.field == "pacing.abandon_target"
    assert caught.value.exit_code == 2


def test_unknown_keys_are_errors_at_their_path() -> None:
    """A misspelt key anywhere is an error naming its dotted path."""
    data = example_data()
    data["pacing"]["max_raito"] = 2
    data["retry"]["by_outcome"]["busy"]["tries"] = 1
    problems = _problems(data)
    assert "unknown key" in problems["pacing.max_raito"]
    assert "unknown key" in problems["retry.by_outcome.busy.tries"]


@pytest.mark.parametrize(
    ("path", "value", "where", "words"),
    [
        (("pacing", "ring_seconds"), 10, "pacing.ring_seconds", "15 s"),
        (("pacing", "connect_seconds"), 3.0, "pacing.connect_seconds", "2-second"),
        (("calling_window", "start"), "07:00", "calling_window.start", "08:00-21:00"),
        (("calling_window", "end"), "08:30", "calling_window.end", "not after"),
        (("dialing", "mode"), "robocall", "dialing.mode", "predictive"),
        (("caller_id",), "555-0100", "caller_id", "E.164"),
        (
            ("retry", "by_outcome"),
            {"sleepy": {"retry_after_minutes": 5, "max_attempts": 1}},
            "retry.by_outcome.sleepy",
            "busy",
        ),
    ],
)
def test_impossible_values_are_named(
    path: tuple[str, ...], value: Any, where: str, words: str
) -> None:
    """Each impossible value is reported at its path with what is allowed."""
    data = example_data()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    problems = _problems(data)
    assert where in problems, problems
    assert words in problems[where]


def test_predictive_needs_an_abandon_message() -> None:
    """Predictive dialing without a drop message is refused at abandon_message."""
    data = example_data()
    del data["abandon_message"]
    assert "abandon_message" in _problems(data)


def test_ratio_above_one_needs_predictive() -> None:
    """Progressive dialing with a ratio above 1 is refused at pacing.max_ratio."""
    data = example_data()
    data["dialing"]["mode"] = "progressive"
    assert "one call per agent" in _problems(data)["pacing.max_ratio"]


def test_agentless_needs_ports() -> None:
    """Agentless dialing without ports is refused at dialing.agentless_ports."""
    data = example_data()
    data["dialing"] = {"mode": "agentless"}
    data["pacing"]["max_ratio"] = 1
    assert "ports" in _problems(data)["dialing.agentless_ports"]


def test_every_problem_is_listed() -> None:
    """All problems are collected, not just the first."""
    data = example_data()
    data["pacing"]["abandon_target"] = 0.5
    data["pacing"]["ring_seconds"] = 5
    data["extra"] = True
    assert {"pacing.abandon_target", "pacing.ring_seconds", "extra"} <= set(_problems(data))


def test_dump_then_parse_round_trips() -> None:
    """A dumped spec parses back to the same spec (same content hash)."""
    import yaml

    spec = load_spec(EXAMPLE)
    again = parse_spec(yaml.safe_load(dump_spec(spec)))
    assert again == spec
    assert spec_hash(again) == spec_hash(spec)


def test_checked_in_schema_is_current() -> None:
    """campaign.schema.json is what the models generate (regenerate: cxdial campaign schema)."""
    assert SCHEMA_FILE.read_text() == spec_schema_text()


def test_schema_forbids_unknown_keys() -> None:
    """The schema tells editors that unknown keys are errors."""
    schema = spec_schema()
    assert schema["additionalProperties"] is False
    assert json.loads(spec_schema_text())["$defs"]["Pacing"]["additionalProperties"] is False
