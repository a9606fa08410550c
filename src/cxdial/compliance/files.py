"""Files the gate reads and writes: refused when hostile, neutralised when written.

Inputs must be regular files under a size limit (``/dev/zero``, FIFOs and sockets are
refused before any byte is read); outputs must go to an existing folder and never over an
input. CSV outputs neutralise spreadsheet formulas (OWASP "CSV injection"): a free-text
cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
``'``. E.164 numbers (``+12025550143``) are left exactly as they are, since CXone must
receive them so.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from cxdial.errors import ValidationError

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "DEFAULT_MAX_BYTES",
    "E164_PATTERN",
    "FORMULA_PATTERN",
    "check_output",
    "neutralise_formulas",
    "open_input",
    "read_input",
]

#: Inputs larger than this are refused unless the caller raises the limit (2 GiB).
DEFAULT_MAX_BYTES = 2 * 1024**3
#: A cell a spreadsheet would evaluate: leading ``=``, ``+``, ``-``, ``@``, tab or CR.
FORMULA_PATTERN = r"^[=+\-@\t\r]"
#: A bare E.164 number, never neutralised.
E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"


def open_input(
    path: Path | str, *, option: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[BinaryIO, int]:
    """An input file opened for reading, and its size; refused as :func:`read_input` says."""
    p = Path(path)
    fix = "pass an existing regular file"
    try:
        info = p.stat()
    except FileNotFoundError:
        raise ValidationError(f"{option} {p}: no such file", field=option, fix=fix) from None
    except OSError as exc:
        raise ValidationError(
            f"{option} {p}: cannot read ({exc.strerror})", field=option, fix=fix
        ) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise ValidationError(f"{option} {p}: {kind}", field=option, fix=fix)
    if info.st_size > max_bytes:
        raise _too_big(option, p, max_bytes, info.st_size)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise ValidationError(
            f"{option} {p}: cannot read ({exc.strerror})", field=option, fix=fix
        ) from None
    fh = os.fdopen(fd, "rb")
    now = os.fstat(fh.fileno())
    if not stat.S_ISREG(now.st_mode):  # swapped since the stat
        fh.close()
        raise ValidationError(f"{option} {p}: not a regular file", field=option, fix=fix)
    return fh, now.st_size


def _too_big(option: str, path: Path, max_bytes: int, size: int | None = None) -> ValidationError:
    what = f"{size:,} bytes, over" if size is not None else "over"
    return ValidationError(
        f"{option} {path}: {what} the limit of {max_bytes:,}"
        + ("" if size is not None else " bytes"),
        field=option,
        fix="split the file, or raise the limit (--max-input-mb)",
    )


def read_input(path: Path | str, *, option: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of an input file, or :class:`ValidationError` naming ``option`` and the file.

    Missing files, folders, devices, FIFOs and files over ``max_bytes`` are refused.
    """
    fh, _ = open_input(path, option=option, max_bytes=max_bytes)
    with fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(option, Path(path), max_bytes)
    return data


def check_output(path: Path, *, option: str, inputs: Iterable[Path]) -> None:
    """Refuse, before any work, an output whose folder is missing or that is an input."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(
            f"{option} {path}: folder {folder} does not exist",
            field=option,
            fix=f"create {folder} first, or write elsewhere",
        )
    if path.is_dir():
        raise ValidationError(f"{option} {path} is a folder", field=option, fix="name a file")
    target = path.resolve()
    for source in inputs:
        same = source.resolve() == target
        if not same and path.exists() and source.exists():
            same = os.path.samefile(source, path)
        if same:
            raise ValidationError(
                f"{option} {path} is also an input; it would be overwritten",
                field=option,
                fix="write the output to another file",
            )


def neutralise_formulas(frame: pl.DataFrame, *, keep: Iterable[str] = ()) -> pl.DataFrame:
    """Prefix ``'`` to formula-leading string cells, except E.164 numbers and ``keep``."""
    import polars as pl

    exempt = set(keep)
    columns = [
        name for name, dtype in frame.schema.items() if name not in exempt and dtype == pl.String
    ]
    if not columns:
        return frame
    risky = [
        pl.when(pl.col(c).str.contains(FORMULA_PATTERN) & ~pl.col(c).str.contains(E164_PATTERN))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in columns
    ]
    return frame.with_columns(risky)
