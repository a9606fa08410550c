"""Input files that are hostile or damaged are refused or reported, never guessed."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from cxdial.compliance import AttemptHistory, DncIndex, Gate, Purpose, read_contacts
from cxdial.compliance.csvfile import parse_contacts
from cxdial.compliance.files import check_output, neutralise_formulas, read_input
from cxdial.compliance.parsing import parse_instant
from cxdial.errors import ValidationError

HEADER = "id,phone,consent,first_name\n"


def screened(gate: Gate, data: bytes) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Ids screened and (line, field, message) of the malformed rows."""
    result = gate.screen(
        parse_contacts(data),
        datetime(2026, 11, 23, 18, 30, tzinfo=UTC),
        purpose=Purpose.INFORMATIONAL,
    )
    return result.report()["id"].to_list(), [(e.line, e.field, e.message) for e in result.errors]


def test_extra_fields_reject_only_their_row(gate: Gate) -> None:
    """A row with more fields than the header is reported with line and field; others run."""
    data = HEADER + "a,2125550142,express,Ann\nb,2125550143,express,Bo,extra\nc,2125550144,,Cy\n"
    ids, errors = screened(gate, data.encode())
    assert ids == ["a", "c"]
    assert errors == [(3, "field 5", "5 fields where the header has 4")]


def test_unterminated_quote_rejects_only_its_row(gate: Gate) -> None:
    """A quote never closed names its line and column; the rows after it are still read."""
    data = HEADER + 'a,2125550142,express,"Ann\nb,2125550143,express,Bo\nc,2125550144,,"Cy, Jr"\n'
    ids, errors = screened(gate, data.encode())
    assert ids == ["b", "c"]
    assert errors == [(2, "first_name", "quoted field never closed on this line or after")]


def test_quoted_fields_spanning_lines_keep_their_line_numbers(gate: Gate) -> None:
    """A legitimately quoted multi-line field is one row; later rows keep physical lines."""
    data = HEADER + 'a,2125550142,express,"Ann\nMarie"\nb,2125550143,expres,Bo\n'
    ids, errors = screened(gate, data.encode())
    assert ids == ["a"]
    assert errors[0][:2] == (4, "consent")


def test_cr_only_line_endings_are_read() -> None:
    """A classic-Mac file (CR only) has its rows, not zero rows."""
    frame = parse_contacts(b"id,phone\ra,2125550142\rb,2125550143\r")
    assert frame["id"].to_list() == ["a", "b"]
    assert frame["__line"].to_list() == [2, 3]


def test_duplicate_headers_are_an_error_naming_them() -> None:
    """Two columns of the same name are refused, not silently renamed."""
    with pytest.raises(ValidationError, match="'phone'"):
        parse_contacts(b"id,phone,phone\na,1,2\n")


def test_non_regular_files_are_refused(tmp_path: Path) -> None:
    """/dev/zero and a FIFO are refused before a byte is read (no hang)."""
    with pytest.raises(ValidationError, match="not a regular file") as info:
        read_input("/dev/zero", option="--dnc")
    assert info.value.field == "--dnc"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValidationError, match="not a regular file"):
        read_contacts(fifo)
    with pytest.raises(ValidationError, match="a folder"):
        read_contacts(tmp_path)


def test_files_over_the_limit_are_refused(tmp_path: Path) -> None:
    """A file over the configured size is refused with the limit and the fix."""
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "a,2125550142,,\n" * 100)
    with pytest.raises(ValidationError, match="over the limit of 1,000") as info:
        read_contacts(big, max_bytes=1000)
    assert "--max-input-mb" in str(info.value)


def test_missing_dnc_file_names_option_and_file(tmp_path: Path) -> None:
    """A missing --dnc file is a typed error naming the option and the path."""
    with pytest.raises(ValidationError, match=r"nonexist\.txt: no such file") as info:
        DncIndex.from_files([tmp_path / "nonexist.txt"])
    assert info.value.field == "--dnc"


def test_dnc_header_with_impossible_date(tmp_path: Path) -> None:
    """``fetched: 2026-13-01`` is a field error naming the header and the fix."""
    path = tmp_path / "dnc.txt"
    path.write_text("# registry: national, fetched: 2026-13-01\n2125550142\n")
    with pytest.raises(ValidationError, match="fetched: 2026-13-01") as info:
        DncIndex.from_files([path])
    assert info.value.field == "--dnc fetched"
    assert "fix: write the fetch date as YYYY-MM-DD" in str(info.value)


def test_dnc_line_is_quoted_as_written(tmp_path: Path) -> None:
    """A bad DNC line is quoted verbatim (``[bold]`` stays ``[bold]``)."""
    path = tmp_path / "dnc.txt"
    path.write_text("# registry: internal\n[bold]\n")
    with pytest.raises(ValidationError, match=r"dnc.txt:2: .*'\[bold\]'"):
        DncIndex.from_files([path])


def test_history_file_is_checked_like_every_input(tmp_path: Path) -> None:
    """--history refuses devices and reads CR-only endings."""
    with pytest.raises(ValidationError, match="--history /dev/zero"):
        AttemptHistory.from_csv("/dev/zero")
    path = tmp_path / "h.csv"
    path.write_bytes(b"phone,at\r2125550142,2026-11-23T10:00:00Z\r")
    assert len(AttemptHistory.from_csv(path)) == 1


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31T23:59:59Z", "1899-12-31"])
def test_dates_outside_a_sane_range_are_field_errors(text: str, gate: Gate) -> None:
    """Year 1 or 9999 is a typing error, not an AssertionError deep in the rules."""
    with pytest.raises(ValueError, match="outside 1900–2199"):
        parse_instant(text)
    _, errors = screened(gate, f"id,phone,consent_at\na,2125550142,{text}\n".encode())
    assert [(line, field) for line, field, _ in errors] == [(2, "consent_at")]


def test_outputs_are_checked_before_work(tmp_path: Path) -> None:
    """An output in a missing folder, or onto an input, is refused up front."""
    src = tmp_path / "in.csv"
    src.write_text(HEADER)
    with pytest.raises(ValidationError, match="does not exist") as info:
        check_output(tmp_path / "nope" / "out.csv", option="--out", inputs=[src])
    assert info.value.field == "--out"
    with pytest.raises(ValidationError, match="also an input"):
        check_output(src, option="--out", inputs=[src])
    os.symlink(src, tmp_path / "alias.csv")
    with pytest.raises(ValidationError, match="also an input"):
        check_output(tmp_path / "alias.csv", option="--report", inputs=[src])


def test_formulas_are_neutralised_but_e164_numbers_are_not() -> None:
    """Formula-leading cells get a leading quote; E.164 numbers and kept columns do not."""
    frame = pl.DataFrame(
        {
            "name": ["=cmd|' /C calc'!A0", "+SUM(A1)", "-2+3", "@x", "\tx", "\rx", "Ann", None],
            "alt": ["+12025550143", "+1 202", "=1", "a", "b", "c", "d", "e"],
            "phone": ["=1", "+12025550143", "x", "x", "x", "x", "x", "x"],
        }
    )
    out = neutralise_formulas(frame, keep=["phone"])
    assert out["name"].to_list() == [
        "'=cmd|' /C calc'!A0",
        "'+SUM(A1)",
        "'-2+3",
        "'@x",
        "'\tx",
        "'\rx",
        "Ann",
        None,
    ]
    assert out["alt"].to_list()[:3] == ["+12025550143", "'+1 202", "'=1"]
    assert out["phone"].to_list() == frame["phone"].to_list()
