"""Do-not-call lists: national registry, state lists, the company's internal list.

File format (``--dnc``): an optional first line
``# registry: national|state:XX|internal|dncl, fetched: YYYY-MM-DD`` (``dncl``: Canada's
National Do Not Call List) then one number or
wildcard pattern per line (``X`` matches any digit, e.g. ``201XXXXXXX``); ``#`` lines
and blank lines are ignored. A file without the header is an internal list.

A large list (over :data:`FAST_BYTES`) is read by polars: its plain numbers stay a sorted
integer column that the batch screener joins against, and become a Python set only if a
single ``Gate.check`` asks. Wildcard lines and any line polars cannot read as a number go
through the same per-line parser as a small list, so errors name the same line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from cxdial.compliance.files import DEFAULT_MAX_BYTES, read_input
from cxdial.compliance.models import Registry
from cxdial.compliance.phones import CLEAN_PATTERN, national_number
from cxdial.errors import ValidationError

if TYPE_CHECKING:
    import polars as pl

__all__ = ["FAST_BYTES", "DncIndex", "DncSnapshot", "Registry"]

#: Lists larger than this are read with polars (1 MiB, some 90,000 numbers).
FAST_BYTES = 1 << 20

log = logging.getLogger(__name__)
_HEADER = re.compile(
    r"#\s*registry:\s*(national|internal|dncl|state:([A-Za-z]{2}))\s*"
    r"(?:,\s*fetched:\s*(\d{4}-\d{2}-\d{2}))?\s*",
    re.IGNORECASE,
)
_CLEAN = re.compile(CLEAN_PATTERN)
_PATTERN = re.compile(r"1?([0-9Xx]{10})")


@dataclass(frozen=True)
class DncSnapshot:
    """One loaded list: which registry, when it was fetched, where from, how many entries."""

    registry: Registry
    label: str
    fetched: date | None
    source: str
    entries: int


@dataclass
class _Entries:
    exact: set[str] = field(default_factory=set)
    prefixes: dict[int, set[str]] = field(default_factory=dict)
    patterns: list[str] = field(default_factory=list)
    bulk: list[pl.Series] = field(default_factory=list)
    """Exact numbers read by polars (Int64), not yet in ``exact``."""

    def add(self, pattern: str) -> None:
        if "X" not in pattern:
            self.exact.add(pattern)
            return
        head = pattern.rstrip("X")
        if "X" not in head:
            self.prefixes.setdefault(len(head), set()).add(head)
        else:
            self.patterns.append(pattern.replace("X", "[0-9]"))

    @cached_property
    def regex(self) -> re.Pattern[str] | None:
        return re.compile("^(?:" + "|".join(self.patterns) + ")$") if self.patterns else None

    def hit(self, national: str) -> bool:
        if self.bulk:  # a single check: the numbers polars read join the set once
            for part in self.bulk:
                self.exact.update(f"{n:010d}" for n in part.to_list())
            self.bulk.clear()
        if national in self.exact:
            return True
        if any(national[:n] in heads for n, heads in self.prefixes.items()):
            return True
        return self.regex is not None and self.regex.match(national) is not None

    @cached_property
    def int_sets(self) -> tuple[pl.Series, dict[int, pl.Series]]:
        import polars as pl

        exact = pl.concat(
            [pl.Series([int(n) for n in self.exact], dtype=pl.Int64), *self.bulk]
        ).unique().sort()  # fmt: skip
        heads = {
            n: pl.Series(sorted(int(h) for h in hs), dtype=pl.Int64)
            for n, hs in self.prefixes.items()
        }
        return exact, heads

    def expr(self, col: pl.Expr, as_int: pl.Expr | None = None) -> pl.Expr:
        import polars as pl

        exact, heads = self.int_sets
        if not exact.len() and not heads and not self.patterns:
            return pl.lit(False)
        nat = as_int if as_int is not None else col.cast(pl.Int64, strict=False)
        out = nat.is_in(exact.implode())
        for n, values in heads.items():
            out = out | (nat // 10 ** (10 - n)).is_in(values.implode())
        if self.patterns:
            out = out | col.str.contains("^(?:" + "|".join(self.patterns) + ")$")
        return out.fill_null(False)


def _fetched(text: str, source: str) -> date:
    """The header's ``fetched:`` date, or an error naming the header and the fix."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"{source}:1: header '# registry: …, fetched: {text}' is not a real date",
            field="--dnc fetched",
            fix="write the fetch date as YYYY-MM-DD, e.g. fetched: 2026-11-20",
        ) from None


class DncIndex:
    """Every loaded list, queryable one number at a time or as a polars expression."""

    def __init__(self) -> None:
        self.snapshots: list[DncSnapshot] = []
        self._entries: dict[Registry, _Entries] = {
            "national": _Entries(),
            "state": _Entries(),
            "internal": _Entries(),
            "dncl": _Entries(),
        }

    @classmethod
    def empty(cls) -> DncIndex:
        """No lists loaded."""
        return cls()

    @classmethod
    def from_files(
        cls, paths: Iterable[Path | str], *, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> DncIndex:
        """Load ``--dnc`` files (regular UTF-8 files under ``max_bytes``)."""
        index = cls()
        for path in paths:
            data = read_input(path, option="--dnc", max_bytes=max_bytes)
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError(
                    f"--dnc {path}: not UTF-8 text (byte {exc.start})",
                    field="--dnc",
                    fix="one number or pattern per line, UTF-8",
                ) from None
            index.add_lines(text.splitlines(), source=str(path), bulk=len(data) > FAST_BYTES)
        return index

    def add_lines(
        self, lines: list[str], *, source: str = "<memory>", bulk: bool = False
    ) -> DncSnapshot:
        """Load one list from its lines (header first, if any); ``bulk``: with polars."""
        registry: Registry = "internal"
        label, fetched, start = "internal", None, 0
        if lines and lines[0].lstrip().startswith("#"):
            match = _HEADER.fullmatch(lines[0].strip())
            if match is not None:
                start = 1
                kind = match.group(1).lower()
                registry = "state" if kind.startswith("state") else kind  # type: ignore[assignment]
                label = f"state:{match.group(2).upper()}" if match.group(2) else registry
                fetched = _fetched(match.group(3), source) if match.group(3) else None
        if start == 0:
            log.info("%s has no '# registry:' header; loaded as the internal list", source)
        entries = self._entries[registry]
        count = 0
        rest: Iterable[tuple[int, str]] = enumerate(lines[start:], start=start + 1)
        if bulk:
            numbers, rest = _bulk_numbers(lines, start)
            entries.bulk.append(numbers)
            count += numbers.len()
        for lineno, raw in rest:
            text = raw.split("#", 1)[0].strip()
            if not text:
                continue
            entries.add(self._pattern(text, source, lineno))
            count += 1
        entries.__dict__.pop("regex", None)
        entries.__dict__.pop("int_sets", None)
        snap = DncSnapshot(registry, label, fetched, source, count)
        self.snapshots.append(snap)
        return snap

    @staticmethod
    def _pattern(text: str, source: str, lineno: int) -> str:
        if "x" in text.lower():
            match = _PATTERN.fullmatch(_CLEAN.sub("", text.lstrip("+")))
            if match is not None:
                return match.group(1).upper()
        else:
            national = national_number(text)
            if national is not None:
                return national
        raise ValidationError(
            f"{source}:{lineno}: not a US number or 10-digit wildcard pattern: {text!r}",
            field="--dnc",
            fix="one number (e.g. 2015550123) or pattern (e.g. 201XXXXXXX) per line",
        )

    def hits(self, national: str) -> set[Registry]:
        """Registries listing ``national`` (10-digit)."""
        return {reg for reg, entries in self._entries.items() if entries.hit(national)}

    def expr(self, registry: Registry, national: pl.Expr, as_int: pl.Expr | None = None) -> pl.Expr:
        """Boolean polars expression: is the national number on ``registry``.

        ``as_int`` is the same number as an integer column, when the caller has one (no
        parse per registry); a null or zero there is on no registry.
        """
        return self._entries[registry].expr(national, as_int)

    def stale(
        self, registry: Registry, on: date, max_age_days: int | None, require_snapshot: bool
    ) -> str | None:
        """Why the ``registry`` snapshot cannot be relied on at ``on`` (None when fine)."""
        snaps = [s for s in self.snapshots if s.registry == registry]
        if not snaps:
            return f"no {registry} registry snapshot loaded" if require_snapshot else None
        if max_age_days is None:
            return None
        if registry in ("national", "dncl"):  # one registry: the newest download counts
            dated = [s.fetched for s in snaps if s.fetched is not None]
            newest = max(dated) if dated else None
            if newest is None or (on - newest).days > max_age_days:
                return (
                    f"{registry} registry snapshot fetched {newest or 'at an unknown date'}: "
                    f"older than {max_age_days} days"
                )
            return None
        for s in snaps:
            if s.fetched is None or (on - s.fetched).days > max_age_days:
                return (
                    f"{s.label} list fetched {s.fetched or 'at an unknown date'}: "
                    f"older than {max_age_days} days"
                )
        return None


def _bulk_numbers(lines: list[str], start: int) -> tuple[pl.Series, list[tuple[int, str]]]:
    """Plain numbers of ``lines[start:]`` as Int64 (polars); the other lines, numbered.

    A line counts as a plain number when ``national_number`` would read it so (comment and
    blanks removed, no wildcard); every other non-blank line is left to the per-line parser.
    """
    import polars as pl

    from cxdial.compliance.phones import national_number_expr

    text = pl.Series("raw", lines[start:], dtype=pl.String)
    frame = pl.DataFrame(
        {
            "line": pl.int_range(start + 1, start + 1 + text.len(), eager=True),
            "text": text.str.split_exact("#", 1).struct.field("field_0").str.strip_chars(),
        }
    ).filter(pl.col("text").str.len_chars() > 0)
    wild = pl.col("text").str.contains("[xX]")
    frame = frame.with_columns(
        pl.when(~wild).then(national_number_expr(pl.col("text"))).alias("national")
    )
    plain = frame.filter(pl.col("national").is_not_null())
    other = frame.filter(pl.col("national").is_null())
    numbers = plain["national"].cast(pl.Int64)
    return numbers, list(other.select("line", "text").iter_rows())
