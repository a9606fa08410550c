"""The screen streams: batches cut at record ends give the rows, reports and files of one read."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxdial.compliance.csvfile import parse_contacts, read_contact_batches
from cxdial.compliance.models import Purpose
from cxdial.compliance.screening import ScreenFiles, run_screen

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AT = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)

_CELL = st.one_of(
    st.sampled_from(["", "a", "b c", "+12025550143", "=1+1", "2026-01-05", "x,y"]),
    st.sampled_from(['"q"', '"a\nb"', '"open', 'mid"dle', '""', '"x,""y"""']),
)
_ROW = st.lists(_CELL, min_size=1, max_size=4).map(lambda cells: ",".join(cells))


def _whole_and_batched(text: str, tmp_path: Path, batch_bytes: int) -> tuple[pl.DataFrame, ...]:
    path = tmp_path / "c.csv"
    path.write_bytes(text.encode())
    whole = parse_contacts(text.encode(), str(path))
    parts = [b.frame for b in read_contact_batches(path, batch_bytes=batch_bytes)]
    return whole, pl.concat(parts, how="diagonal_relaxed")


def _same(whole: pl.DataFrame, batched: pl.DataFrame) -> None:
    columns = whole.columns
    if "__bad" not in columns and "__bad" in batched.columns:
        assert batched["__bad"].is_null().all()
        batched = batched.drop("__bad")
    assert batched.select(columns).equals(whole, null_equal=True)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(_ROW, max_size=40), batch_bytes=st.integers(8, 200))
def test_batches_read_the_rows_of_one_read(
    rows: list[str], batch_bytes: int, tmp_path: Path
) -> None:
    """Any file, stray and multi-line quotes included, cut into batches of any size, reads
    as the same rows, line numbers and malformed-row errors as a whole-file read."""
    text = "id,phone,name,note\n" + "".join(r + "\n" for r in rows)
    whole, batched = _whole_and_batched(text, tmp_path, batch_bytes)
    _same(whole, batched)


def test_a_quoted_field_spanning_the_batch_end_stays_whole(tmp_path: Path) -> None:
    """A record whose quoted field spans lines is never split, wherever a batch would end."""
    body = "".join(f'c{i},+1202555{i:04d},"line one\nline two",x\n' for i in range(50))
    text = "id,phone,name,note\n" + body
    for size in (16, 40, 77, 120):
        whole, batched = _whole_and_batched(text, tmp_path, size)
        assert batched.height == 50
        _same(whole, batched)


def test_progress_reports_bytes_read(tmp_path: Path) -> None:
    """The screen reports its progress in bytes of the input, ending at the file's size."""
    seen: list[tuple[int, int]] = []
    files = ScreenFiles(input=EXAMPLES / "contacts.csv")
    run_screen(files, AT, progress=lambda done, total: seen.append((done, total)), batch_bytes=256)
    size = (EXAMPLES / "contacts.csv").stat().st_size
    assert len(seen) > 1
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (size, size)


def test_streamed_outputs_equal_a_single_batch(tmp_path: Path) -> None:
    """``--out`` and ``--report`` written batch by batch hold the bytes of a one-batch
    screen of the examples, and the summary and malformed rows are the same."""
    inputs = {
        "input": EXAMPLES / "contacts.csv",
        "dnc": (EXAMPLES / "dnc-national.txt", EXAMPLES / "dnc-internal.txt"),
        "history": EXAMPLES / "history.csv",
    }
    one = ScreenFiles(**inputs, out=tmp_path / "out1.csv", report=tmp_path / "rep1.csv")  # type: ignore[arg-type]
    many = ScreenFiles(**inputs, out=tmp_path / "outn.csv", report=tmp_path / "repn.csv")  # type: ignore[arg-type]
    first = run_screen(one, AT, purpose=Purpose.TELEMARKETING)
    second = run_screen(many, AT, purpose=Purpose.TELEMARKETING, batch_bytes=200)
    assert (tmp_path / "out1.csv").read_bytes() == (tmp_path / "outn.csv").read_bytes()
    assert (tmp_path / "rep1.csv").read_bytes() == (tmp_path / "repn.csv").read_bytes()
    assert first.summary() == second.summary()
    assert first.errors == second.errors


def test_examples_outputs_are_unchanged(tmp_path: Path) -> None:
    """The examples screen to the cleared and report files the whole-file screen wrote
    (``golden/``, recorded before streaming), line for line."""
    golden = Path(__file__).with_name("golden")
    files = ScreenFiles(
        input=EXAMPLES / "contacts.csv",
        dnc=(EXAMPLES / "dnc-national.txt", EXAMPLES / "dnc-internal.txt"),
        history=EXAMPLES / "history.csv",
        out=tmp_path / "cleared.csv",
        report=tmp_path / "report.csv",
    )
    run_screen(files, AT, batch_bytes=300)
    for name in ("cleared.csv", "report.csv"):
        expected = sorted((golden / name).read_text().splitlines())
        assert sorted((tmp_path / name).read_text().splitlines()) == expected
