"""Field parsers shared by the ``Contact`` model and the batch reader (one meaning of each)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "CA_POSTAL_PATTERN",
    "CA_PROVINCES",
    "STATE_CODES",
    "US_STATES",
    "ZIP_PATTERN",
    "months_before",
    "parse_instant",
    "parse_postal_code",
    "parse_state",
    "parse_zone",
    "postal_province",
]

# fmt: off
US_STATES = frozenset([
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
    "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
    "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
    "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "VI", "GU", "AS", "MP",
])
# fmt: on
#: Canadian provinces and territories (Canada Post codes; none is also a US code).
CA_PROVINCES = frozenset(
    ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
)
#: Every code the ``state`` column accepts.
STATE_CODES = US_STATES | CA_PROVINCES
#: A 5-digit ZIP or ZIP+4; group 1 is the five digits (also used by the batch reader).
ZIP_PATTERN = r"^([0-9]{5})(?:-?[0-9]{4})?$"
_ZIP = re.compile(ZIP_PATTERN)
#: A Canadian postal code, ``A1A 1A1`` (the blank optional; letters D F I O Q U never appear,
#: W and Z not first). Groups: the forward sortation area and the local delivery unit.
CA_POSTAL_PATTERN = r"^([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z]) ?([0-9][ABCEGHJ-NPRSTV-Z][0-9])$"
_CA_POSTAL = re.compile(CA_POSTAL_PATTERN)
#: A postal code's first letter -> province (Canada Post); ``X`` is split below.
_POSTAL_LETTER = {
    "A": "NL", "B": "NS", "C": "PE", "E": "NB", "G": "QC", "H": "QC", "J": "QC",
    "K": "ON", "L": "ON", "M": "ON", "N": "ON", "P": "ON", "R": "MB", "S": "SK",
    "T": "AB", "V": "BC", "Y": "YT",
}  # fmt: skip
#: Forward sortation areas of ``X`` in Nunavut; the other ``X`` areas are the Northwest
#: Territories (X0E, X0G, X1A) [M: Canada Post FSA lists].
_NUNAVUT_FSA = frozenset({"X0A", "X0B", "X0C"})


#: Instants the gate reasons about: anything else is a typing error, not a date.
YEARS = range(1900, 2200)


@lru_cache(maxsize=65536)
def parse_instant(text: str) -> datetime:
    """ISO-8601 date or date-time in 1900–2199; a date means 00:00 UTC, a naive time is UTC."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            value = datetime.combine(date.fromisoformat(raw), datetime.min.time(), tzinfo=UTC)
        else:
            value = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"not an ISO-8601 date or date-time: {text!r}") from None
    if value.year not in YEARS:
        raise ValueError(
            f"{text!r} is outside {YEARS.start}–{YEARS.stop - 1}; is the year mistyped?"
        )
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_state(text: str) -> str:
    """A two-letter US state or territory, or Canadian province or territory, upper-cased."""
    code = text.strip().upper()
    if code not in STATE_CODES:
        raise ValueError(
            f"unknown US state code: {text!r} (use the two-letter USPS code, "
            "or a Canadian province's: ON, QC, BC …)"
        )
    return code


def parse_postal_code(text: str) -> str:
    """A 5-digit ZIP (ZIP+4 is cut to its first five digits), or a Canadian postal code
    written ``A1A 1A1`` (upper case, one blank)."""
    raw = text.strip()
    match = _ZIP.match(raw)
    if match is not None:
        return match.group(1)
    ca = _CA_POSTAL.match(raw.upper())
    if ca is None:
        raise ValueError(
            f"not a US ZIP code: {text!r} (use 5 digits or ZIP+4, or a Canadian A1A 1A1)"
        )
    return f"{ca.group(1)} {ca.group(2)}"


def postal_province(code: str) -> str | None:
    """The province of a Canadian postal code as :func:`parse_postal_code` writes it."""
    if len(code) != 7:
        return None
    if code[0] == "X":
        return "NU" if code[:3] in _NUNAVUT_FSA else "NT"
    return _POSTAL_LETTER.get(code[0])


@lru_cache(maxsize=1024)
def zone_info(name: str) -> ZoneInfo:
    """The IANA zone (cached)."""
    return ZoneInfo(name)


def parse_zone(text: str) -> str:
    """An IANA time-zone name (never a fixed offset)."""
    name = text.strip()
    try:
        zone_info(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA time zone: {text!r} (e.g. America/Chicago)") from None
    return name


def months_before(at: datetime, months: int) -> datetime:
    """``at`` moved back by calendar ``months`` (day clamped to the month's end)."""
    total = at.year * 12 + (at.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    for day in (at.day, 30, 29, 28):
        try:
            return at.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover
