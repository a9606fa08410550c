"""Reading and validating a contact table: malformed rows are reported, never guessed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from cxdial.compliance.csvfile import BAD, LINE, read_contacts
from cxdial.compliance.models import ConsentLevel, Contact, PhoneType
from cxdial.compliance.parsing import (
    CA_POSTAL_PATTERN,
    STATE_CODES,
    ZIP_PATTERN,
    parse_instant,
    parse_zone,
)
from cxdial.errors import ValidationError

__all__ = ["BAD", "DATE_FIELDS", "FIELDS", "LINE", "RowError", "prepare", "read_contacts"]

FIELDS = tuple(Contact.model_fields)
DATE_FIELDS = ("consent_at", "revoked_at", "ebr_at", "inquiry_at")
_PARSERS: dict[str, tuple[Callable[[str], Any], pl.DataType]] = {
    "timezone": (parse_zone, pl.String()),
    **{f: (parse_instant, pl.Datetime("us", "UTC")) for f in DATE_FIELDS},
}
#: Prefix of the per-field problem columns computed beside the fixes.
_CHECK = "__check_"
_ENUMS: dict[str, tuple[set[str], str]] = {
    "phone_type": ({p.value for p in PhoneType}, PhoneType.UNKNOWN.value),
    "consent": ({c.value for c in ConsentLevel}, ConsentLevel.NONE.value),
}


@dataclass(frozen=True)
class RowError:
    """A malformed input row: its line number, the field at fault and why."""

    line: int
    field: str
    value: str | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


def _map_unique(
    name: str, uniques: list[str], fn: Callable[[str], Any], dtype: pl.DataType
) -> tuple[pl.Expr, pl.Expr]:
    """Parse each distinct value once; expressions for the parsed column and its errors."""
    good_k: list[str] = []
    good_v: list[Any] = []
    bad_k: list[str] = []
    bad_m: list[str] = []
    for raw in uniques:
        try:
            good_v.append(fn(raw))
            good_k.append(raw)
        except ValueError as exc:
            bad_k.append(raw)
            bad_m.append(str(exc))
    col = pl.col(name)
    values = col.replace_strict(good_k, good_v, default=None, return_dtype=dtype)
    if not bad_k:
        return values.alias(name), pl.lit(None, dtype=pl.String).alias(name)
    errors = col.replace_strict(bad_k, bad_m, default=None, return_dtype=pl.String)
    return values.alias(name), errors.alias(name)


def prepare(table: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series, list[RowError]]:
    """Typed columns (by lower-case name) for every row, the well-formed mask, the errors."""
    lowered: dict[str, str] = {}
    for name in (c for c in table.columns if c not in (LINE, BAD)):
        key = name.strip().lower()
        if key in FIELDS:
            if key in lowered:
                raise ValidationError(
                    f"column {key!r} appears twice", field=key, fix="keep one such column"
                )
            lowered[key] = name
    for need in ("id", "phone"):
        if need not in lowered:
            raise ValidationError(
                f"input has no {need!r} column", field=need, fix="add the column to the header"
            )
    if LINE not in table.columns:
        table = table.with_columns(pl.int_range(2, table.height + 2, dtype=pl.Int64).alias(LINE))
    height = table.height
    clean: list[pl.Expr] = [pl.col(LINE)]
    for f in FIELDS:
        if f not in lowered:
            dtype = _PARSERS[f][1] if f in _PARSERS else pl.String()
            default = _ENUMS[f][1] if f in _ENUMS else None
            clean.append(pl.repeat(default, height, dtype=dtype).alias(f))
            continue
        col = pl.col(lowered[f]).cast(pl.String)
        if f not in ("id", "phone"):
            col = col.str.strip_chars().replace("", None)  # blank -> missing
        if f in _ENUMS:
            col = col.str.to_lowercase()
        elif f == "state":
            col = col.str.to_uppercase()
        clean.append(col.alias(f))
    cleaned = table.select(clean)
    parsed = [f for f in FIELDS if f in lowered and f in _PARSERS]
    distinct = cleaned.select(pl.col(f).drop_nulls().unique().implode() for f in parsed)
    uniques = {f: distinct[f][0].to_list() for f in parsed}
    fixes: list[pl.Expr] = []
    checks: list[pl.Expr] = []
    for f in FIELDS:
        if f not in lowered:
            continue
        col = pl.col(f)
        if f in _ENUMS:
            allowed, default = _ENUMS[f]
            bad = col.is_not_null() & ~col.is_in(sorted(allowed))
            checks.append(
                pl.when(bad)
                .then(pl.lit(f"unknown value; use one of {'|'.join(sorted(allowed))}"))
                .alias(f)
            )
            fixes.append(col.fill_null(default))
        elif f == "state":
            checks.append(
                pl.when(col.is_not_null() & ~col.is_in(sorted(STATE_CODES)))
                .then(
                    pl.lit(
                        "unknown US state code (use the two-letter USPS code, "
                        "or a Canadian province's: ON, QC, BC …)"
                    )
                )
                .alias(f)
            )
        elif f == "postal_code":
            five = col.str.extract(ZIP_PATTERN, 1)
            upper = col.str.to_uppercase()
            canadian = (
                upper.str.extract(CA_POSTAL_PATTERN, 1)
                + pl.lit(" ")
                + upper.str.extract(CA_POSTAL_PATTERN, 2)
            )
            code = pl.coalesce(five, canadian)
            checks.append(
                pl.when(col.is_not_null() & code.is_null())
                .then(pl.lit("not a US ZIP code (use 5 digits or ZIP+4, or a Canadian A1A 1A1)"))
                .alias(f)
            )
            fixes.append(code.alias(f))
        elif f in _PARSERS:
            fn, dtype = _PARSERS[f]
            values, msgs = _map_unique(f, uniques[f], fn, dtype)
            checks.append(msgs)
            fixes.append(values)
        elif f == "id":
            checks.append(
                pl.when(col.is_null() | (col.str.len_chars() == 0))
                .then(pl.lit("missing id"))
                .alias(f)
            )
    # one lazy pass: the checks and the fixes share their sub-expressions (postal patterns)
    both = cleaned.lazy().with_columns(*fixes, *(c.name.prefix(_CHECK) for c in checks)).collect()
    frame = both.select(cleaned.columns)
    problems = {
        name.removeprefix(_CHECK): both[name] for name in both.columns if name.startswith(_CHECK)
    }
    order = {f: i for i, f in enumerate(FIELDS)}
    parts: list[pl.DataFrame] = []  # (line, field, value, message, rank): sorted by polars
    unreadable = pl.Series("bad", np.zeros(table.height, dtype=bool))
    if BAD in table.columns:  # rows the CSV reader could not split into fields
        unreadable = table[BAD].is_not_null()
        if unreadable.any():
            split = table[BAD].filter(unreadable).cast(pl.String).str.split_exact("\t", 1)
            parts.append(
                pl.DataFrame(
                    {
                        "line": table[LINE].filter(unreadable).cast(pl.Int64),
                        "field": split.struct.field("field_0"),
                        "value": pl.repeat(None, len(split), dtype=pl.String, eager=True),
                        "message": split.struct.field("field_1"),
                    }
                ).with_columns(
                    pl.col("message").fill_null(""),
                    pl.col("field")
                    .replace_strict(order, default=len(FIELDS), return_dtype=pl.Int64)
                    .alias("rank"),
                )
            )
    bad_rows = unreadable
    for f, messages in problems.items():
        flagged = messages.is_not_null() & ~unreadable
        if not flagged.any():
            continue
        bad_rows = bad_rows | flagged
        parts.append(
            pl.DataFrame(
                {
                    "line": table[LINE].filter(flagged).cast(pl.Int64),
                    "field": pl.repeat(f, int(flagged.sum()), dtype=pl.String, eager=True),
                    "value": table[lowered[f]].cast(pl.String).filter(flagged),
                    "message": messages.filter(flagged).cast(pl.String),
                    "rank": pl.repeat(order[f], int(flagged.sum()), dtype=pl.Int64, eager=True),
                }
            )
        )
    errors = (
        [
            RowError(line, field, value, message)
            for line, field, value, message, _ in pl.concat(parts)
            .sort("line", "rank", maintain_order=True)
            .iter_rows()
        ]
        if parts
        else []
    )
    return frame, ~bad_rows, errors
