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


def test_one_bad_row_does_not_reject_the_screen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Extra fields or an open quote are reported by line and field; --strict fails the run."""
    src = tmp_path / "in.csv"
    src.write_text(
        'id,phone,consent\na,2125550142,express\nb,2125550143,express,oops\nc,"2125550144\n'
        "d,2125550145,express\n"
    )
    code, out, err = run(capsys, str(src), "--at", AT, "--purpose", "informational", "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["screened"] == 2
    assert [(e["line"], e["field"]) for e in summary["errors"]] == [(3, "field 4"), (4, "phone")]
    code, _, err = run(capsys, str(src), "--at", AT, "--strict")
    assert code == 2
    assert f"{src}:line 3: field 4: 4 fields where the header has 3" in err
    assert "first at line 3" in err


def test_missing_or_hostile_list_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--dnc of a missing file or /dev/zero is exit 2 naming the option and the file."""
    contacts = str(EXAMPLES / "contacts.csv")
    for path in (tmp_path / "nonexist.txt", Path("/dev/zero")):
        code, _, err = run(capsys, contacts, "--at", AT, "--dnc", str(path))
        assert code == 2
        assert "--dnc" in err
        assert str(path) in err
        assert "Traceback" not in err
        assert "FileNotFoundError" not in err


def test_dnc_header_with_impossible_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``fetched: 2026-13-01`` is exit 2 naming the header and the fix, not a ValueError."""
    dnc = tmp_path / "dnc.txt"
    dnc.write_text("# registry: national, fetched: 2026-13-01\n2125550142\n")
    code, _, err = run(capsys, str(EXAMPLES / "contacts.csv"), "--at", AT, "--dnc", str(dnc))
    assert code == 2
    assert "fetched: 2026-13-01" in err
    assert "YYYY-MM-DD" in err
    assert "ValueError" not in err


def test_outputs_are_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--out into a missing folder fails up front: not even --report is written."""
    report = tmp_path / "report.csv"
    code, _, err = run(
        capsys,
        str(EXAMPLES / "contacts.csv"),
        "--at",
        AT,
        "--report",
        str(report),
        "--out",
        str(tmp_path / "missing" / "out.csv"),
    )
    assert code == 2
    assert "--out" in err
    assert not report.exists()


def test_screen_refuses_to_overwrite_its_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``screen in.csv --out in.csv`` is refused and the input is left as it was."""
    src = tmp_path / "in.csv"
    text = "id,phone,consent\na,2125550142,express\nb,555,express\n"
    src.write_text(text)
    code, _, err = run(capsys, str(src), "--at", AT, "--out", str(src))
    assert code == 2
    assert "also an input" in err
    assert src.read_text() == text


def test_json_prints_one_object_even_with_many_malformed_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json is one JSON document on stdout; 5,000 malformed rows are plain JSON lines."""
    src = tmp_path / "in.csv"
    src.write_text("id,phone,state\n" + "".join(f"r{i},2125550142,ZZ\n" for i in range(5000)))
    code, out, err = run(capsys, str(src), "--at", AT, "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["malformed"] == 5000
    assert len(summary["errors"]) == 5000
    code, out, err = run(capsys, str(src), "--at", AT)
    assert code == 0
    assert err.count("malformed ") == 5000  # off a terminal: every row, one plain line each


def test_frequency_cap_block_reports_next_allowed_at(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A FREQUENCY_CAP row says when it may be dialed again."""
    report = tmp_path / "report.csv"
    code, _, _ = run(
        capsys,
        str(EXAMPLES / "contacts.csv"),
        "--at",
        AT,
        "--history",
        str(EXAMPLES / "history.csv"),
        "--report",
        str(report),
    )
    assert code == 0
    by_id = {r["id"]: r for r in csv.DictReader(report.read_text().splitlines())}
    assert by_id["c009"]["reasons"] == "FREQUENCY_CAP"
    assert by_id["c009"]["next_allowed_at"].startswith("2026-11-2")


def test_cr_only_file_is_screened(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A CR-only file screens its rows (never 0 rows and exit 0)."""
    src = tmp_path / "mac.csv"
    src.write_bytes(b"id,phone,consent\ra,2125550142,express\rb,2125550143,express\r")
    code, out, _ = run(capsys, str(src), "--at", AT, "--json", "--strict")
    assert code == 0
    assert json.loads(out)["screened"] == 2


def test_out_of_range_at_and_duplicate_headers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--at 0001-01-01`` and duplicate header names are exit 2 naming the problem."""
    code, _, err = run(capsys, str(EXAMPLES / "contacts.csv"), "--at", "0001-01-01")
    assert code == 2
    assert "--at" in err
    assert "AssertionError" not in err
    src = tmp_path / "dup.csv"
    src.write_text("id,phone,state,state\na,2125550142,NY,NJ\n")
    code, _, err = run(capsys, str(src), "--at", AT)
    assert code == 2
    assert "'state'" in err


def test_outputs_neutralise_formulas_but_keep_phone_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A formula in a free-text cell is written with a leading quote; phones stay as given."""
    src = tmp_path / "in.csv"
    src.write_text(
        "id,phone,consent,first_name\n=HYPERLINK(1),+12125550142,express,\"=cmd|' /C calc'!A0\"\n"
    )
    out, report = tmp_path / "out.csv", tmp_path / "report.csv"
    code, _, _ = run(
        capsys,
        str(src),
        "--at",
        AT,
        "--purpose",
        "informational",
        "--out",
        str(out),
        "--report",
        str(report),
    )
    assert code == 0
    (row,) = csv.DictReader(out.read_text().splitlines())
    assert row["first_name"] == "'=cmd|' /C calc'!A0"
    assert row["id"] == "'=HYPERLINK(1)"
    assert row["phone"] == "+12125550142"
    (line,) = csv.DictReader(report.read_text().splitlines())
    assert line["id"] == "'=HYPERLINK(1)"
    assert line["phone_e164"] == "+12125550142"


def test_summary_keeps_the_instant_whole_and_text_verbatim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The screened-at instant is not wrapped; bracketed user text prints as written."""
    src = tmp_path / "in.csv"
    src.write_text('id,phone,[/x]\na,2125550142,"open\n')
    code, out, err = run(capsys, str(src), "--at", AT)
    assert code == 0
    assert "screened at 2026-11-23T18:30:00+00:00 (telemarketing)" in out
    assert "line 2: [/x]: quoted field never closed" in err


def test_summary_shows_each_outcome_as_a_share_of_the_rows_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Beside each count the table prints its share of the rows read, malformed ones included,
    and a bar as long as that share."""
    src = tmp_path / "in.csv"
    rows = ["a,2125550142", "b,2125550143", "c,2125550144", "d,not-a-number"]
    src.write_text("id,phone,phone_type\n" + "".join(f"{r},landline\n" for r in rows))
    code, out, _ = run(capsys, str(src), "--at", AT, "--purpose", "informational")
    assert code == 0
    lines = {line.split("│")[1].strip(): line for line in out.splitlines() if "│" in line}
    assert "75.0%" in lines["ALLOW"]
    assert "25.0%" in lines["BLOCK"]
    assert "0.0%" in lines["malformed"]
    assert lines["ALLOW"].count("█") == 3 * lines["BLOCK"].count("█") > 0
