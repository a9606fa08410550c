"""``cxdial demo``: the main job runs end to end against an emulator it starts itself."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from cxdial.cli import main
from cxdial.cli.demo_cmd import DEMO_FILES

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "src" / "cxdial" / "demo_data"
DNC_LISTED = "+16465550175"


def test_demo_from_another_folder_blocks_the_dnc_listed_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run outside the repository, the demo finds its shipped inputs: five calls are placed
    and followed, three gated, and the number on the internal DNC list is blocked, not dialed;
    the pushes of the five calls reach the in-process service, which stores what CXone says;
    the sample campaign is applied, its list uploaded through the gate and dialed, and the
    monitor reads its rates from the pipeline."""
    monkeypatch.chdir(tmp_path)
    code = main(["demo", "--skip-pacing", "--speed", "120"])
    out = capsys.readouterr().out
    assert code == 0
    assert "demo complete: 5 calls placed and followed, 3 blocked" in out
    assert "5 · event pipeline" in out
    assert "dead letters 0; stored = CXone's" in out
    assert "record for 5 of 5 calls" in out
    assert "6 · campaign as code" in out
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") == 3}
    assert "no changes" in rows["plan again"]
    assert "ready → running" in rows["start"]
    assert "running → stopped" in rows["stop"]
    assert "5 record(s) called" in rows["dialer"]
    assert "running, from the pipeline" in out
    assert "the campaign's dialer called 5 cleared record(s)" in out
    dnc_rows = [line for line in out.splitlines() if DNC_LISTED in line]
    assert dnc_rows
    assert all("BLOCK" in row and "DNC_INTERNAL" in row for row in dnc_rows)
    assert "machine" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "…" not in out


def test_demo_with_a_missing_input_stops_before_dialing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder without the DNC lists stops the demo (exit 2) before any emulator or dial."""
    (tmp_path / "contacts.csv").write_text((SHIPPED / "contacts.csv").read_text())
    (tmp_path / "history.csv").write_text((SHIPPED / "history.csv").read_text())
    code = main(["demo", "--skip-pacing", "--examples", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2
    assert "dnc-national.txt" in captured.err
    assert "--examples" in captured.err
    assert "CXone emulator on" not in captured.out


def test_shipped_demo_inputs_match_the_examples_folder() -> None:
    """The package's demo inputs are the files users see in examples/ (no silent drift)."""
    for name in DEMO_FILES:
        assert filecmp.cmp(SHIPPED / name, REPO / "examples" / name, shallow=False), name
