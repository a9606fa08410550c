"""Each uploaded record's allowed window, written into the calling list's own columns.

The platform dials a record later than cxdial screened it, so every cleared record carries
the span in which the gate allows it: from the screening instant to the first instant the
gate's window rules would block it (callee local time in every candidate zone, state hours,
restricted days and holidays, emergencies, the gate's guard), capped at
:data:`MAX_RECORD_HOURS` (a record the rules never close still gets re-screened). The span
goes into four columns cxdial adds to the uploaded CSV and maps on the calling list
(``cxone-api.md`` §3.2):

==========================  ===============================  =================================
column                      mapping field                    value
==========================  ===============================  =================================
``cxdial_time_zone``        ``timeZoneColumn``               the record's zone (CXone name)
``cxdial_call_after``       ``callRequestTimeColumn``        window start, ISO-8601 UTC
``cxdial_call_stale_min``   ``callRequestStaleColumn``       whole minutes from start to end
``cxdial_expires_at``       ``expirationDateColumn``         window end, ISO-8601 UTC
==========================  ===============================  =================================

A record cleared at 20:55 in New York therefore expires at 21:00 local and the platform
retires it instead of dialing it at 21:05. Attempt limits and revocations that arise after
the upload are the re-screen job's (:mod:`cxdial.campaigns.rescreen`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from cxdial.compliance.parsing import zone_info

if TYPE_CHECKING:
    import polars as pl

    from cxdial.compliance import Gate
    from cxdial.compliance.result import ScreenResult

__all__ = [
    "CXONE_ZONE_NAMES",
    "MAX_RECORD_HOURS",
    "WINDOW_COLUMNS",
    "cxone_zone",
    "record_windows",
]

MAX_RECORD_HOURS = 24.0
"""The longest window a record gets; a later dial needs a new upload or re-screen."""

WINDOW_COLUMNS = {
    "time_zone_column": "cxdial_time_zone",
    "call_request_time_column": "cxdial_call_after",
    "call_request_stale_column": "cxdial_call_stale_min",
    "expiration_date_column": "cxdial_expires_at",
}
"""Mapping field (snake case, :class:`~cxdial.cxone.models.lists.ListMapping`) → CSV column."""

CXONE_ZONE_NAMES = {
    "America/New_York": "Eastern Standard Time",
    "America/Detroit": "Eastern Standard Time",
    "America/Indiana/Indianapolis": "Eastern Standard Time",
    "America/Kentucky/Louisville": "Eastern Standard Time",
    "America/Chicago": "Central Standard Time",
    "America/Indiana/Knox": "Central Standard Time",
    "America/Menominee": "Central Standard Time",
    "America/North_Dakota/Center": "Central Standard Time",
    "America/Denver": "Mountain Standard Time",
    "America/Boise": "Mountain Standard Time",
    "America/Phoenix": "US Mountain Standard Time",
    "America/Los_Angeles": "Pacific Standard Time",
    "America/Anchorage": "Alaskan Standard Time",
    "Pacific/Honolulu": "Hawaiian Standard Time",
}
"""IANA zone → the Windows standard name CXone's ``/timezones`` lists (others stay IANA)."""


def cxone_zone(zone: str) -> str:
    """The name CXone knows ``zone`` by (its Windows standard name where one fits)."""
    return CXONE_ZONE_NAMES.get(zone, zone)


def _eastmost(zones: tuple[str, ...], at: datetime) -> str | None:
    """The zone whose local time is latest at ``at`` (its evening comes first)."""
    if not zones:
        return None
    return max(zones, key=lambda z: (at.astimezone(zone_info(z)).utcoffset() or timedelta(0), z))


def record_windows(
    result: ScreenResult,
    gate: Gate,
    *,
    max_hours: float = MAX_RECORD_HOURS,
) -> pl.DataFrame:
    """Per cleared row of ``result`` (in :meth:`ScreenResult.cleared` order): the window.

    Columns: ``window_start``, ``window_end`` (aware datetimes), the phone (``phone_e164``)
    and the four :data:`WINDOW_COLUMNS` as text.
    """
    import polars as pl

    at = result.at.astimezone(UTC)
    cap = at + timedelta(hours=max_hours)
    allowed = result.frame.filter(pl.col("allowed")).select("window_combo", "zones", "phone_e164")
    combos = allowed["window_combo"].unique().to_list()
    ends = []
    for combo in combos:
        zones, window_ids = result.window_combos[combo]
        closes = gate.window_closes_at(zones, window_ids, at)
        ends.append(min(closes, cap) if closes is not None else cap)
    texts = allowed["zones"].drop_nulls().unique().to_list()
    names = [cxone_zone(z) if (z := _eastmost(tuple(t.split(";")), at)) else None for t in texts]
    dt = pl.Datetime("us", "UTC")
    end = pl.col("window_end")
    iso = "%Y-%m-%dT%H:%M:%SZ"
    return (
        allowed.join(
            pl.DataFrame(
                {"window_combo": combos, "window_end": pl.Series(ends, dtype=dt)},
                schema_overrides={"window_combo": allowed.schema["window_combo"]},
            ),
            on="window_combo",
            how="left",
            maintain_order="left",
        )
        .with_columns(
            pl.lit(at, dtype=dt).alias("window_start"),
            pl.col("zones")
            .replace_strict(texts, names, default=None, return_dtype=pl.String)
            .alias(WINDOW_COLUMNS["time_zone_column"]),
        )
        .select(
            "window_start",
            "window_end",
            "phone_e164",
            WINDOW_COLUMNS["time_zone_column"],
            pl.col("window_start")
            .dt.strftime(iso)
            .alias(WINDOW_COLUMNS["call_request_time_column"]),
            ((end - pl.col("window_start")).dt.total_seconds() // 60)
            .clip(lower_bound=0)
            .cast(pl.Int64)
            .cast(pl.String)
            .alias(WINDOW_COLUMNS["call_request_stale_column"]),
            end.dt.strftime(iso).alias(WINDOW_COLUMNS["expiration_date_column"]),
        )
    )
