"""What a screen returns: per-row verdicts, malformed rows, the cleared input rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl

from cxdial.compliance.models import Decision, Purpose, ReasonCode
from cxdial.compliance.table import RowError

__all__ = ["REPORT_COLUMNS", "ScreenResult"]

REPORT_COLUMNS = (
    "id",
    "phone_e164",
    "decision",
    "reasons",
    "zones",
    "local_times",
    "next_allowed_at",
)


@dataclass
class ScreenResult:
    """Screened rows (input columns + verdict columns) and the malformed rows."""

    frame: pl.DataFrame
    errors: list[RowError]
    input_columns: list[str]
    source: pl.DataFrame
    cleared_mask: pl.Series
    rule_set_version: str
    at: datetime
    purpose: Purpose
    window_combos: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    """Per value of the frame's ``window_combo`` column: the row's candidate zones and the
    window rule ids that apply to it (what :meth:`Gate.window_closes_at` needs)."""

    def report(self) -> pl.DataFrame:
        """One row per screened contact: the report CSV columns."""
        return self.frame.select(pl.col("__id").alias("id"), *REPORT_COLUMNS[1:])

    def cleared(self) -> pl.DataFrame:
        """The allowed rows with their input columns, ready for upload."""
        return self.source.filter(self.cleared_mask).select(self.input_columns)

    def decisions(self) -> Iterator[Decision]:
        """Each screened row as a :class:`Decision` (reasons as codes; no per-reason text)."""
        for row in self.frame.iter_rows(named=True):
            nxt = row["next_allowed_at"]
            zones = tuple(row["zones"].split(";")) if row["zones"] else ()
            times = row["local_times"].split(";") if row["local_times"] else []
            reasons = tuple(ReasonCode(r) for r in row["reasons"].split(";") if r)
            yield Decision(
                allowed=row["allowed"],
                reasons=reasons,
                phone_e164=row["phone_e164"],
                zones=zones,
                local_times=tuple(datetime.fromisoformat(t) for t in times),
                next_allowed_at=datetime.fromisoformat(nxt) if nxt else None,
                rule_set_version=self.rule_set_version,
                details={r: "batch screen" for r in reasons},
                contact_id=row["__id"],
                purpose=self.purpose,
                at=self.at,
                evidence={"consent_evidence_id": row.get("consent_evidence_id")},
            )

    def summary(self) -> dict[str, Any]:
        """Counts by decision and reason (for ``--json``)."""
        decisions = {"ALLOW": 0, "BLOCK": 0}
        for value, n in self.frame["decision"].value_counts().iter_rows():
            decisions[value] = n
        reasons = {code.value: 0 for code in ReasonCode}
        exploded = self.frame["reasons"].str.split(";").explode().drop_nulls()
        for value, n in exploded.filter(exploded != "").value_counts().iter_rows():
            reasons[value] = n
        return {
            "rule_set_version": self.rule_set_version,
            "at": self.at.isoformat(),
            "purpose": self.purpose.value,
            "rows": self.frame.height + len({e.line for e in self.errors}),
            "screened": self.frame.height,
            "malformed": len({e.line for e in self.errors}),
            "decisions": decisions,
            "reasons": {k: v for k, v in reasons.items() if v},
        }
