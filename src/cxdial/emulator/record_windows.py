"""When the PC dialer may dial a record: its own columns and the skill's calling hours.

A calling-list record can carry its time zone (``timeZoneColumn``), a call request time and
the minutes after which that request is stale (``callRequestTimeColumn``,
``callRequestStaleColumn``) and an expiration date (``expirationDateColumn``; the upload's
``expirationDate`` is the default). The dialer

- never dials a record before its call request time;
- retires it at its expiration or once its call request is stale (``Expired``,
  ``Call Request Stale``);
- dials a record with a time zone only inside the skill's window in that zone's local
  time: the day must be active in ``scheduleSettings`` (when ``isScheduled``); the hours
  are the zone's ``timeZoneSettings`` entry when it overrides the time
  (``overrideTime``), else the day's schedule; a zone entry with
  ``timeZoneActiveToCall: false`` is never dialed. A record without a time zone has no
  local window (CXone: PC applies time ranges only once a time zone is known).

Times are ISO-8601 (an offset or ``Z``; a naive time is UTC). Time zones are IANA names
or the Windows standard names ``GET /timezones`` lists (emulator design: which spellings a
tenant accepts in the column is not documented).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cxdial.emulator.entities import CallRecord, Skill

__all__ = ["WINDOWS_ZONES", "RecordWindow", "closed_until", "parse_window", "zone_of"]

WINDOWS_ZONES = {
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Alaskan Standard Time": "America/Anchorage",
    "Pacific Standard Time": "America/Los_Angeles",
    "US Mountain Standard Time": "America/Phoenix",
    "Mountain Standard Time": "America/Denver",
    "Central Standard Time": "America/Chicago",
    "Eastern Standard Time": "America/New_York",
    "Atlantic Standard Time": "America/Halifax",
    "UTC": "UTC",
    "GMT Standard Time": "Europe/London",
    "W. Europe Standard Time": "Europe/Berlin",
    "AUS Eastern Standard Time": "Australia/Sydney",
}
"""The Windows standard names of ``GET /timezones`` → IANA zones."""

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def zone_of(name: str) -> ZoneInfo | None:
    """The zone a time-zone value names (IANA or Windows standard name), else None."""
    key = WINDOWS_ZONES.get(name.strip(), name.strip())
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@dataclass(frozen=True)
class RecordWindow:
    """A record's own limits, in simulated seconds."""

    time_zone: str | None = None
    not_before: float | None = None
    expires_at: float | None = None
    expire_reason: str = "Expired"


def _instant(text: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{field} {text!r} is not an ISO-8601 date and time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_window(
    row: dict[str, str],
    columns: dict[str, str],
    *,
    epoch: datetime,
    default_zone: str | None = None,
    list_expiration: str | None = None,
) -> RecordWindow:
    """The window columns of one uploaded row; :class:`ValueError` names a bad value."""

    def value(column: str) -> str:
        name = columns.get(column)
        return (row.get(name) or "").strip() if name else ""

    def seconds(moment: datetime) -> float:
        try:
            return (moment - epoch).total_seconds()
        except OverflowError:
            raise ValueError(f"{moment.isoformat()} is out of range") from None

    zone = value("timeZoneColumn") or (default_zone or "")
    if zone and zone_of(zone) is None:
        raise ValueError(f"timeZone {zone!r} is not a known time zone")
    expires: float | None = None
    reason = "Expired"
    text = value("expirationDateColumn") or (list_expiration or "")
    if text:
        expires = seconds(_instant(text, "expirationDate"))
    not_before: float | None = None
    requested = value("callRequestTimeColumn")
    if requested:
        not_before = seconds(_instant(requested, "callRequestTime"))
        stale = value("callRequestStaleColumn")
        if stale:
            try:
                minutes = float(stale)
            except ValueError:
                raise ValueError(f"callRequestStale {stale!r} is not a number of minutes") from None
            if not math.isfinite(minutes) or minutes < 0:
                raise ValueError(f"callRequestStale {stale!r} is not a number of minutes")
            stale_at = not_before + minutes * 60
            if expires is None or stale_at < expires:
                expires, reason = stale_at, "Call Request Stale"
    return RecordWindow(zone or None, not_before, expires, reason)


def _hhmm(value: Any) -> time | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return time.fromisoformat(value.strip()[:5])
    except ValueError:
        return None


def _zone_entry(skill: Skill, zone: ZoneInfo) -> dict[str, Any] | None:
    for entry in skill.parameters.get("timeZoneSettings") or []:
        if isinstance(entry, dict):
            name = entry.get("standardName") or entry.get("name")
            if isinstance(name, str) and zone_of(name) == zone:
                return entry
    return None


def _hours(skill: Skill, entry: dict[str, Any] | None, day: int) -> tuple[time, time] | bool | None:
    """The day's (start, end); None = closed all day; True = no limit that day."""
    schedule = skill.parameters.get("scheduleSettings") or {}
    scheduled = bool(schedule.get("isScheduled"))
    name = _DAYS[day]
    if scheduled and not schedule.get(f"{name}IsActive"):
        return None
    if entry is not None and entry.get("overrideTime"):
        start, end = _hhmm(entry.get("startTime")), _hhmm(entry.get("endTime"))
        if start is not None and end is not None:
            return start, end
    if scheduled:
        start, end = _hhmm(schedule.get(f"{name}StartTime")), _hhmm(schedule.get(f"{name}EndTime"))
        if start is not None and end is not None:
            return start, end
    return True


def closed_until(skill: Skill, record: CallRecord, now: datetime) -> datetime | None:
    """None when the skill may dial ``record`` at ``now``; else when to look again."""
    if record.time_zone is None:
        return None
    zone = zone_of(record.time_zone)
    if zone is None:
        return None
    entry = _zone_entry(skill, zone)
    if entry is not None and entry.get("timeZoneActiveToCall") is False:
        return now + timedelta(minutes=15)  # the zone may be switched back on
    local = now.astimezone(zone)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        hours = _hours(skill, entry, day.weekday())
        if hours is True:
            return None if offset == 0 else datetime.combine(day, time(0), tzinfo=zone)
        if hours is None or hours is False:
            continue
        start, end = hours
        opens = datetime.combine(day, start, tzinfo=zone)
        closes = datetime.combine(day, end, tzinfo=zone)
        if offset == 0 and opens <= local < closes:
            return None
        if opens > local:
            return opens.astimezone(UTC)
    return now + timedelta(days=1)
