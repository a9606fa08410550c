"""Reading a contacts CSV: every column as text, a line number per row, bad rows kept.

A row that cannot be read as CSV (more fields than the header, a quote never closed)
does not reject the file: it is kept with its line number and an error in the ``BAD``
column (``"field\\tmessage"``), which :func:`cxdial.compliance.table.prepare` reports and
leaves out. A file with CR-only line endings (classic Mac) is read as lines; duplicate
header names are an error naming them.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from cxdial.compliance.files import DEFAULT_MAX_BYTES, read_input
from cxdial.errors import ValidationError

__all__ = ["BAD", "LINE", "parse_contacts", "read_contacts"]

LINE = "__line"
BAD = "__bad"
#: A quoted field may span at most this many lines before its quote counts as unclosed.
MAX_FIELD_LINES = 200


def read_contacts(
    path: Path | str, *, option: str = "INPUT", max_bytes: int = DEFAULT_MAX_BYTES
) -> pl.DataFrame:
    """Read a contacts CSV as strings (every column kept, header case preserved)."""
    return parse_contacts(read_input(path, option=option, max_bytes=max_bytes), str(path))


def parse_contacts(data: bytes, source: str = "<memory>") -> pl.DataFrame:
    """Contacts CSV bytes as a string frame with ``LINE`` (and ``BAD`` when rows are bad)."""
    fix = "a UTF-8 CSV file with a header"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{source}: not UTF-8 text (byte {exc.start})", field="INPUT", fix=fix
        ) from None
    if b"\x00" in data:
        raise ValidationError(f"{source}: contains NUL bytes", field="INPUT", fix=fix)
    if b"\n" not in data and b"\r" in data:  # CR-only line endings
        data = data.replace(b"\r", b"\n")
        text = text.replace("\r", "\n")
    first = text.split("\n", 1)[0].removesuffix("\r")
    if not first.strip():
        raise ValidationError(f"{source}: no header line", field="INPUT", fix=fix)
    header = next(csv.reader([first]))
    twice = sorted(name for name, n in Counter(h.strip() for h in header).items() if n > 1)
    if twice:
        raise ValidationError(
            f"{source}: header names {', '.join(repr(n) for n in twice)} more than once",
            field="INPUT",
            fix="give every column a distinct name",
        )
    frame = _fast(data, header)
    if frame is not None:
        return frame
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return _tolerant([ln.removesuffix("\r") for ln in lines], header)


def _fast(data: bytes, header: list[str]) -> pl.DataFrame | None:
    """polars' reader, trusted only when every record is one physical line (else None).

    A stray quote makes polars fail or merge lines into one field; either way the careful
    reader takes over. Records without a newline inside, one per line, cannot be merged.
    """
    try:
        frame = pl.read_csv(data, infer_schema=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError):
        return None
    if frame.columns != header:
        return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if frame.height != lines - 1:
        return None
    if b'"' in data and frame.height:
        spans = frame.select(
            pl.any_horizontal(pl.all().str.contains("\n", literal=True).any())
        ).item()
        if spans:
            return None
    return frame.with_columns(pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(LINE))


def _open_quote(line: str, width: int, header: list[str]) -> str:
    """The column whose quote opens on ``line`` and is never closed."""
    inside, field, opened = False, 0, 0
    for ch in line:
        if ch == '"':
            inside = not inside
            opened = field
        elif ch == "," and not inside:
            field += 1
    return header[opened] if opened < width else f"field {opened + 1}"


def _records(
    lines: list[str], header: list[str]
) -> Iterator[tuple[int, list[str | None] | None, str]]:
    """(line number, fields or None, "field\\tmessage" or "") per record after the header."""
    width = len(header)
    i = 1
    while i < len(lines):
        start = i
        buf = lines[i]
        i += 1
        while buf.count('"') % 2 and i < len(lines) and i - start < MAX_FIELD_LINES:
            buf += "\n" + lines[i]
            i += 1
        if buf.count('"') % 2:
            column = _open_quote(lines[start], width, header)
            yield start + 1, None, f"{column}\tquoted field never closed on this line or after"
            i = start + 1
            continue
        fields = next(csv.reader([buf]), [])
        if len(fields) > width:
            yield (
                start + 1,
                None,
                f"field {width + 1}\t{len(fields)} fields where the header has {width}",
            )
            continue
        padded: list[str | None] = [*fields, *([None] * (width - len(fields)))]
        yield start + 1, padded, ""


def _tolerant(lines: list[str], header: list[str]) -> pl.DataFrame:
    """The careful reader: Python's csv per record, bad records kept with their error."""
    width = len(header)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    numbers: list[int] = []
    bad: list[str | None] = []
    for line, fields, error in _records(lines, header):
        numbers.append(line)
        bad.append(error or None)
        values: list[str | None] = list(fields) if fields is not None else [None] * width
        for column, value in zip(columns, values, strict=True):
            column.append(value if value != "" else None)
    frame = pl.DataFrame(
        [pl.Series(name, col, dtype=pl.String) for name, col in zip(header, columns, strict=True)]
    )
    frame = frame.with_columns(pl.Series(LINE, numbers, dtype=pl.Int64))
    if any(b is not None for b in bad):
        frame = frame.with_columns(pl.Series(BAD, bad, dtype=pl.String))
    return frame
