"""``cxdial simulate`` and ``cxdial capacity`` honour the command-line contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxdial.cli import main
from cxdial.pacing.report import build_scenario

CONTRACT_KEYS = {
    "utilization",
    "talk_minutes_per_agent_hour",
    "abandon_rate",
    "dials",
    "live_answers",
    "abandoned",
    "bound",
    "policy",
}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    """Run the CLI with --json and parse what it printed."""
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_the_contract_keys(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--json prints one object with the contract's keys and the LP bound beside them."""
    out = run_json(
        capsys,
        "simulate",
        "--agents",
        "10",
        "--answer-rate",
        "0.3",
        "--handle-time",
        "120",
        "--dial-delay",
        "20",
        "--hours",
        "2",
        "--policy",
        "progressive",
        "--cap",
        "0.03",
        "--seed",
        "3",
        "--bound-cache",
        str(tmp_path),
    )
    assert isinstance(out, dict)
    assert out.keys() >= CONTRACT_KEYS
    assert out["policy"] == "progressive"
    assert out["bound"] == pytest.approx(0.8066, abs=6e-4)
    assert out["abandoned"] == 0
    assert 0.5 < out["utilization"] < out["bound"]
    assert out["talk_minutes_per_agent_hour"] == pytest.approx(60 * out["utilization"])


def test_non_markovian_scenario_has_null_bound(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A scenario the LP does not describe reports bound = null."""
    path = tmp_path / "s.yaml"
    path.write_text("agents: 5\nhours: 1\nhandle_time: {distribution: deterministic, mean: 90}\n")
    out = run_json(capsys, "simulate", str(path), "--bound-cache", str(tmp_path))
    assert isinstance(out, dict)
    assert out["bound"] is None
    assert out["policy"] == "predictive"


def test_several_policies_and_replications(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A policy list prints one object per policy, averaged over the replications."""
    out = run_json(
        capsys,
        "simulate",
        "--agents",
        "6",
        "--hours",
        "1",
        "--policy",
        "progressive,ratio:2",
        "--replications",
        "2",
        "--bound-cache",
        str(tmp_path),
    )
    assert isinstance(out, list)
    assert [row["policy"] for row in out] == ["progressive", "ratio:2"]
    assert all(row["replications"] == 2 for row in out)


@pytest.mark.parametrize("suffix", [".png", ".html"])
def test_plot_files(suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--plot writes a PNG or a self-contained HTML page for every policy."""
    target = tmp_path / f"day{suffix}"
    code = main(
        [
            "simulate",
            "--agents",
            "5",
            "--hours",
            "1",
            "--policy",
            "all",
            "--plot",
            str(target),
            "--bound-cache",
            str(tmp_path),
        ]
    )
    assert code == 0
    data = target.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG")
    else:
        assert b"<svg" in data
        assert b"<script src" not in data
        assert b"vicidial" in data
    assert "predictive" in capsys.readouterr().out


def test_bad_scenario_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An invalid scenario is an input error (exit 2) whose message names the field."""
    path = tmp_path / "bad.yaml"
    path.write_text("handle_time: {mean: 0}\n")
    assert main(["simulate", str(path), "--bound-cache", str(tmp_path)]) == 2
    assert "handle_time.mean: must be > 0" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--policy", "erlang"], "policy"),
        (["--answer-rate", "1.5"], "--answer-rate"),
        (["--plot", "out.pdf"], "--plot"),
        (["--cap", "2"], "cap"),
    ],
)
def test_bad_options_exit_2(
    args: list[str], field: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Bad options fail with exit code 2 and name what to fix."""
    args = [a if a != "out.pdf" else str(tmp_path / a) for a in args]
    cache = ["--bound-cache", str(tmp_path / "bounds")]
    assert main(["simulate", "--hours", "0.5", *cache, *args]) == 2
    assert field in capsys.readouterr().err


def test_overrides_rescale_outcomes() -> None:
    """--answer-rate keeps the other outcomes in proportion and summing to one."""
    sc = build_scenario(None, answer_rate=0.5, dial_delay=12, agents=7)
    assert sc.outcomes.live == 0.5
    assert sc.outcomes.no_answer == pytest.approx(0.5)
    assert sc.ring_time.busy == 12
    assert sc.agents == 7


def test_capacity_recommends_a_team(capsys: pytest.CaptureFixture[str]) -> None:
    """capacity finds the fewest agents reaching the contacts target within the cap."""
    out = run_json(
        capsys,
        "capacity",
        "--contacts",
        "400",
        "--hours",
        "2",
        "--policy",
        "progressive",
        "--replications",
        "2",
    )
    assert isinstance(out, dict)
    assert out["met"] is True
    assert out["contacts_low"] >= 400
    assert out["trunks"] >= out["agents"]
    smaller = run_json(
        capsys,
        "capacity",
        "--contacts",
        "400",
        "--hours",
        "2",
        "--policy",
        "progressive",
        "--replications",
        "2",
        "--max-agents",
        str(out["agents"] - 1),
    )
    assert isinstance(smaller, dict)
    assert smaller["met"] is False


def test_capacity_tunes_a_fixed_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    """ratio:auto reports the largest compliant dial ratio for the recommended team."""
    out = run_json(
        capsys,
        "capacity",
        "--contacts",
        "300",
        "--hours",
        "1",
        "--policy",
        "ratio:auto",
        "--replications",
        "2",
    )
    assert isinstance(out, dict)
    assert out["met"] is True
    assert out["policy"].startswith("ratio:")
    assert 1.0 <= float(out["policy"].split(":")[1]) <= 6.0
    assert out["abandon_rate"] <= 0.03


def test_capacity_reports_progress_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    """Off a terminal, capacity writes one progress line per team size tried, on stderr."""
    argv = ["capacity", "--contacts", "200", "--hours", "1", "--policy", "progressive"]
    assert main([*argv, "--replications", "2", "--json"]) == 0
    captured = capsys.readouterr()
    json.loads(captured.out)
    lines = [line for line in captured.err.splitlines() if line.startswith("capacity: ")]
    assert len(lines) >= 2
    assert lines[0].startswith("capacity: 1 progressive, ")
    assert "agents: " in lines[0]


def test_plot_into_a_missing_folder_fails_before_simulating(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--plot into a folder that does not exist exits 2 naming --plot, before any run."""
    target = tmp_path / "absent" / "day.png"
    argv = ["simulate", "--agents", "3", "--hours", "0.2", "--plot", str(target)]
    assert main([*argv, "--replications", "3", "--bound-cache", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "--plot" in captured.err
    assert "simulating" not in captured.err
