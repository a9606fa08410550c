"""Reassigned Numbers Database (FCC RND) results: when a number was permanently disconnected.

Consent given before a number's permanent disconnection no longer reaches the person who
gave it (47 CFR 64.1200(m)); the gate then blocks with ``REASSIGNED_NUMBER``. Two file shapes
are read (CSV, header case ignored):

- ``phone,disconnected_at`` — the number and its permanent-disconnect date;
- the RND query result ``phone,date,result`` — ``result`` ``yes`` means "permanently
  disconnected since ``date``" (the date the caller queried with, normally the consent date),
  so consent given on or before that date no longer counts: the disconnection is recorded
  at the end of ``date`` (00:00 UTC the day after); ``no`` and ``no_data`` record nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from cxdial.compliance.parsing import parse_instant
from cxdial.compliance.phones import national_number
from cxdial.errors import ValidationError

if TYPE_CHECKING:  # polars loads only for the batch screener, never for one dial
    import polars as pl

__all__ = ["ReassignedNumbers"]

_RESULTS = {"yes": True, "no": False, "no_data": False, "no data": False}


class ReassignedNumbers:
    """Permanent-disconnect instants by national number (the latest one per number)."""

    def __init__(self, disconnects: Mapping[str, datetime] | None = None) -> None:
        self._at: dict[str, datetime] = {}
        for phone, when in (disconnects or {}).items():
            self.add(phone, when)

    def __len__(self) -> int:
        return len(self._at)

    def add(self, phone: str, when: datetime) -> None:
        """Record that ``phone`` was permanently disconnected at ``when`` (aware)."""
        national = national_number(phone)
        if national is None or when.tzinfo is None:
            raise ValidationError(
                "a reassigned-number entry needs a US number and an aware instant",
                field="rnd",
                fix="pass +1NXXNXXXXXX and a datetime with a time zone",
            )
        if national not in self._at or self._at[national] < when:
            self._at[national] = when

    def disconnected_at(self, national: str) -> datetime | None:
        """The number's latest permanent disconnection, if the database reported one."""
        return self._at.get(national)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]], *, source: str) -> ReassignedNumbers:
        """Rows of either shape; an error names the file, row and field with the fix."""
        out = cls()
        for n, raw in enumerate(rows, start=2):
            row = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            where = f"{source}:{n}"
            national = national_number(row.get("phone", ""))
            if national is None:
                raise ValidationError(
                    f"{where}: phone is not a US number",
                    field="rnd.phone",
                    fix="write +1NXXNXXXXXX or ten digits",
                )
            if "result" in row:
                result = row["result"].lower()
                if result not in _RESULTS:
                    raise ValidationError(
                        f"{where}: result {row['result']!r} is not an RND answer",
                        field="rnd.result",
                        fix="use yes, no or no_data",
                    )
                if not _RESULTS[result]:
                    continue
                text, later = row.get("date", ""), timedelta(days=1)
            else:
                text, later = row.get("disconnected_at", ""), timedelta(0)
            try:
                when = parse_instant(text)
            except ValueError as exc:
                raise ValidationError(
                    f"{where}: {exc}",
                    field="rnd.date",
                    fix="write the date as YYYY-MM-DD",
                ) from None
            out.add(national, when + later)
        return out

    @classmethod
    def from_text(cls, text: str, *, source: str) -> ReassignedNumbers:
        """An RND result file's text (row numbers are file lines, the header is line 1)."""
        return cls.from_rows(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))), source=source)

    @classmethod
    def from_csv(cls, path: Path | str) -> ReassignedNumbers:
        """An RND result file on disk."""
        return cls.from_text(Path(path).read_text(encoding="utf-8-sig"), source=str(path))

    def frame(self) -> pl.DataFrame:
        """``nat_i``, ``gone_at`` for the batch screener."""
        import polars as pl

        return pl.DataFrame(
            {
                "nat_i": pl.Series([int(k) for k in self._at], dtype=pl.Int64),
                "gone_at": pl.Series(list(self._at.values()), dtype=pl.Datetime("us", "UTC")),
            }
        )
