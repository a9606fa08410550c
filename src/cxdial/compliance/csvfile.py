"""Reading a contacts CSV: every column as text, a line number per row, bad rows kept.

A row that cannot be read as CSV (more fields than the header, a quote never closed)
does not reject the file: it is kept with its line number and an error in the ``BAD``
column (``"field\\tmessage"``), which :func:`cxdial.compliance.table.prepare` reports and
leaves out. A file with CR-only line endings (classic Mac) is read as lines; duplicate
header names are an error naming them.

:func:`read_contact_batches` reads a large file in batches of about ``batch_bytes``, each
cut where a record ends (never inside a quoted field that spans lines), so memory follows
the batch size, not the file; each batch is parsed exactly as a whole file would be.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cxdial.compliance.files import DEFAULT_MAX_BYTES, open_input, read_input
from cxdial.errors import ValidationError

__all__ = [
    "BAD",
    "BATCH_BYTES",
    "LINE",
    "ContactBatch",
    "parse_contacts",
    "read_contact_batches",
    "read_contacts",
]

#: Bytes of CSV per batch of :func:`read_contact_batches` (about 250,000 typical rows).
BATCH_BYTES = 16 * 1024 * 1024

LINE = "__line"
BAD = "__bad"
#: A quoted field may span at most this many lines before its quote counts as unclosed.
MAX_FIELD_LINES = 200


def read_contacts(
    path: Path | str, *, option: str = "INPUT", max_bytes: int = DEFAULT_MAX_BYTES
) -> pl.DataFrame:
    """Read a contacts CSV as strings (every column kept, header case preserved)."""
    return parse_contacts(read_input(path, option=option, max_bytes=max_bytes), str(path))


def parse_contacts(
    data: bytes, source: str = "<memory>", *, line_offset: int = 0, byte_offset: int = 0
) -> pl.DataFrame:
    """Contacts CSV bytes as a string frame with ``LINE`` (and ``BAD`` when rows are bad).

    ``line_offset``/``byte_offset``: where ``data`` (header aside) starts in its file, for
    line numbers and error positions of a batch.
    """
    fix = "a UTF-8 CSV file with a header"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{source}: not UTF-8 text (byte {exc.start + byte_offset})", field="INPUT", fix=fix
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
    if frame is None:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        frame = _tolerant([ln.removesuffix("\r") for ln in lines], header)
    if line_offset:
        frame = frame.with_columns(pl.col(LINE) + line_offset)
    return frame


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
        # A line with an odd number of quotes is a record the careful reader joins or
        # rejects; polars may split it otherwise, so it is not trusted with such a file.
        odd = (
            pl.Series([data]).cast(pl.String).str.split("\n").explode()
            .str.count_matches('"', literal=True) % 2 == 1
        ).any()  # fmt: skip
        if odd:
            return None
    if b'""' in data:  # a quoted empty field is no value, as the careful reader reads it
        frame = frame.with_columns(
            pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in frame.columns
        )
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
        try:
            fields = next(csv.reader([buf]), [])
        except csv.Error:  # a stray quote mid-field joined lines the CSV rules cannot split
            column = _open_quote(lines[start], width, header)
            yield start + 1, None, f"{column}\tquote inside an unquoted field"
            continue
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


@dataclass(frozen=True)
class ContactBatch:
    """One batch of a contacts file: its rows, and how far into the file it reaches."""

    frame: pl.DataFrame
    bytes_read: int
    total_bytes: int


def read_contact_batches(
    path: Path | str,
    *,
    option: str = "INPUT",
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_bytes: int = BATCH_BYTES,
) -> Iterator[ContactBatch]:
    """A contacts CSV in batches cut at record ends; a small file is one batch.

    Every batch is parsed by :func:`parse_contacts` with the file's header and its own
    line numbers, so the rows (and malformed-row reports) are those of a whole-file read.
    Files with CR-only line endings are read whole.
    """
    source = str(path)
    fh, size = open_input(path, option=option, max_bytes=max_bytes)
    with fh:
        buf = fh.read(batch_bytes)
        newline = buf.find(b"\n")
        if len(buf) < batch_bytes or newline < 0:  # small, or CR-only / no line at all
            rest = fh.read(max_bytes + 1 - len(buf))
            data = buf + rest
            if len(data) > max_bytes:
                raise ValidationError(
                    f"{option} {path}: over the limit of {max_bytes:,} bytes",
                    field=option,
                    fix="split the file, or raise the limit (--max-input-mb)",
                )
            yield ContactBatch(parse_contacts(data, source), len(data), max(size, len(data)))
            return
        header = buf[: newline + 1]
        consumed = len(header)
        buf = buf[newline + 1 :]
        lines_before = 1
        eof = False
        while buf or not eof:
            while not eof and len(buf) < batch_bytes:
                more = fh.read(batch_bytes - len(buf))
                eof = not more
                buf += more
            if eof and not buf:
                if lines_before == 1:  # a header and nothing else
                    yield ContactBatch(parse_contacts(header, source), consumed, size)
                return
            cut = len(buf) if eof else _record_end(buf)
            if cut is None:  # no safe cut yet: read on (a pathological run of quotes)
                more = fh.read(batch_bytes)
                if not more:
                    cut = len(buf)
                    eof = True
                else:
                    buf += more
                    continue
            piece, buf = buf[:cut], buf[cut:]
            if consumed + len(piece) > max_bytes:
                raise ValidationError(
                    f"{option} {path}: over the limit of {max_bytes:,} bytes",
                    field=option,
                    fix="split the file, or raise the limit (--max-input-mb)",
                )
            frame = parse_contacts(
                header + piece,
                source,
                line_offset=lines_before - 1,
                byte_offset=consumed - len(header),
            )
            consumed += len(piece)
            lines_before += piece.count(b"\n")
            yield ContactBatch(frame, consumed, max(size, consumed))
            if eof and not buf:
                return


def _record_end(buf: bytes) -> int | None:
    """An offset just after a line end of ``buf`` where a record ends (None: none yet).

    ``buf`` starts where a record starts. The records are those :func:`_records` reads:
    only a line with an odd number of quotes opens a record spanning lines (at most
    :data:`MAX_FIELD_LINES`). From the last line end with no such line among the lines
    before it, the record logic runs forward to the last record known to be complete.
    """
    end = buf.rfind(b"\n") + 1
    if end == 0:
        return None
    begin = _quiet_end(buf, end)
    if begin == end:
        return end
    lines = buf[begin:end].split(b"\n")[:-1]
    i = done = 0
    while i < len(lines):
        start = i
        quotes = lines[i].count(b'"')
        i += 1
        while quotes % 2 and i < len(lines) and i - start < MAX_FIELD_LINES:
            quotes += lines[i].count(b'"')
            i += 1
        if quotes % 2:
            if i == len(lines) and i - start < MAX_FIELD_LINES:
                break  # may close beyond this buffer
            i = start + 1  # never closed: a one-line bad record
        done = i
    cut = begin + sum(len(line) + 1 for line in lines[:done])
    return cut if cut > 0 else None


def _quiet_end(buf: bytes, end: int) -> int:
    """The last line end at or before ``end`` that no record can span (0: the start)."""
    cut = end
    while cut > 0:
        start, odd = cut, -1
        for _ in range(MAX_FIELD_LINES + 1):
            if start == 0:
                break
            prev = buf.rfind(b"\n", 0, start - 1) + 1
            if buf.count(b'"', prev, start) % 2:
                odd = prev
            start = prev
        if odd < 0:
            return cut
        cut = odd
    return 0
