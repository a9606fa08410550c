"""``cxdial screen`` keeps its command-line contract."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cxdial.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AT = "2026-11-23T18:30:00Z"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI; return exit code, stdout, stderr."""
    code = main(["screen", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_screen_writes_report_and_cleared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Report rows carry id, E.164, decision, reasons, zones, local times, next_allowed_at."""
    report, cleared = tmp_path / "report.csv", tmp_path / "cleared.csv"
    code, _, err = run(
        capsys,
        str(EXAMPLES / "contacts.csv"),
        "--at",
        AT,
        "--dnc",
        str(EXAMPLES / "dnc-national.txt"),
        "--dnc",
        str(EXAMPLES / "dnc-internal.txt"),
        "--history",
        str(EXAMPLES / "history.csv"),
        "--report",
        str(report),
        "--out",
        str(cleared),
    )
    assert code == 0
    assert "line 12: consent" in err
    rows = list(csv.DictReader(report.read_text().splitlines()))
    assert list(rows[0]) == [
        "id",
        "phone_e164",
        "decision",
        "reasons",
        "zones",
        "local_times",
        "next_allowed_at",
    ]
    by_id = {r["id"]: r for r in rows}
    assert by_id["c010"]["reasons"] == "DNC_NATIONAL"
    assert by_id["c013"]["reasons"] == "DNC_INTERNAL"
    assert by_id["c009"]["reasons"] == "FREQUENCY_CAP"
    assert by_id["c012"]["decision"] == "BLOCK"
    assert by_id["c012"]["reasons"] == "INVALID_NUMBER"
    assert by_id["c001"]["decision"] == "ALLOW"
    out_rows = list(csv.DictReader(cleared.read_text().splitlines()))
    assert {r["id"] for r in out_rows} == {k for k, r in by_id.items() if r["decision"] == "ALLOW"}
    assert "first_name" in out_rows[0]


def test_screen_json_summary_and_strict(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints counts by decision and reason; --strict exits 2 on malformed rows."""
    code, out, _ = run(
        capsys,
        str(EXAMPLES / "contacts.csv"),
        "--at",
        AT,
        "--json",
        "--purpose",
        "informational",
        "--strict",
    )
    assert code == 2
    summary = json.loads(out)
    assert summary["purpose"] == "informational"
    assert summary["malformed"] == 1
    assert summary["errors"][0]["line"] == 12
    assert sum(summary["decisions"].values()) == summary["screened"]


def test_screen_next_allowed_at_in_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A window block reports next_allowed_at as an ISO instant."""
    src = tmp_path / "in.csv"
    src.write_text("ID,PHONE,consent\nx,212-555-0142,express\n")
    report = tmp_path / "r.csv"
    code, _, _ = run(
        capsys,
        str(src),
        "--at",
        "2026-11-24T03:00:00Z",
        "--purpose",
        "informational",
        "--manual",
        "--report",
        str(report),
    )
    assert code == 0
    (row,) = csv.DictReader(report.read_text().splitlines())
    assert row["reasons"] == "OUTSIDE_HOURS"
    assert row["next_allowed_at"] == "2026-11-24T13:00:00+00:00"


def test_screen_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing phone column or a bad --at is invalid input (exit 2) naming the field."""
    src = tmp_path / "in.csv"
    src.write_text("id,number\n1,2125550142\n")
    code, _, err = run(capsys, str(src))
    assert code == 2
    assert "phone" in err
    code, _, err = run(capsys, str(EXAMPLES / "contacts.csv"), "--at", "tomorrow")
    assert code == 2
    assert "--at" in err
