"""Number normalisation and NPA-NXX time zones, from ``phonenumbers`` metadata.

Scalar helpers serve ``Gate.check``; the same patterns drive the vectorised screener
(polars regular expressions), so both entry points classify every number identically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from phonenumbers.phonemetadata import PhoneMetadata
from phonenumbers.tzdata import TIMEZONE_DATA

from cxdial.compliance.parsing import zone_info

__all__ = [
    "CLEAN_PATTERN",
    "NumberClass",
    "PhoneFacts",
    "classify",
    "geo_pattern",
    "nongeo_pattern",
    "normalise",
    "prefix_tables",
    "zones_for_national",
]

#: US regions whose numbers the US rule set covers; other NANP regions (Canada, the
#: Caribbean) are not US calls and are refused as invalid for this gate.
US_REGIONS = ("US", "PR", "VI", "GU", "AS", "MP")
CLEAN_PATTERN = r"[ \t().\-/]"
_CLEAN = re.compile(CLEAN_PATTERN)
_DIGITS = re.compile(r"[0-9]+")
NumberClass = Literal["geo", "nongeo", "invalid"]


def _union(patterns: list[str]) -> str:
    return "^(?:" + "|".join(dict.fromkeys(patterns)) + ")$"


@cache
def geo_pattern() -> str:
    """Anchored regex of geographic (fixed line or mobile) US national numbers."""
    pats: list[str] = []
    for region in US_REGIONS:
        meta = PhoneMetadata.metadata_for_region(region)
        assert meta is not None
        for desc in (meta.fixed_line, meta.mobile):
            if desc is not None and desc.national_number_pattern:
                pats.append(desc.national_number_pattern)
    return _union(pats)


@cache
def nongeo_pattern() -> str:
    """Anchored regex of non-geographic US numbers (toll free, premium, personal)."""
    meta = PhoneMetadata.metadata_for_region("US")
    assert meta is not None
    pats = [
        d.national_number_pattern
        for d in (meta.toll_free, meta.premium_rate, meta.personal_number)
        if d is not None and d.national_number_pattern
    ]
    return _union(pats)


@cache
def _compiled() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return re.compile(geo_pattern()), re.compile(nongeo_pattern())


def normalise(text: str | None) -> str | None:
    """The 10-digit NANP national number of ``text``, or None when it cannot be one."""
    if text is None:
        return None
    cleaned = _CLEAN.sub("", text)
    if cleaned.startswith("+"):
        body = cleaned[1:]
        if not _DIGITS.fullmatch(body) or len(body) != 11 or body[0] != "1":
            return None
        return body[1:]
    if not _DIGITS.fullmatch(cleaned):
        return None
    if len(cleaned) == 11 and cleaned[0] == "1":
        return cleaned[1:]
    return cleaned if len(cleaned) == 10 else None


def classify(national: str | None) -> NumberClass:
    """``geo``, ``nongeo`` or ``invalid`` for a national number."""
    if national is None:
        return "invalid"
    geo, nongeo = _compiled()
    if geo.match(national):
        return "geo"
    if nongeo.match(national):
        return "nongeo"
    return "invalid"


@cache
def prefix_tables() -> tuple[tuple[tuple[str, ...], ...], dict[int, dict[str, int]]]:
    """Distinct zone sets, and per prefix length a map national prefix -> zone-set id."""
    zonesets: dict[tuple[str, ...], int] = {}
    by_len: dict[int, dict[str, int]] = {}
    for key, zones in TIMEZONE_DATA.items():
        if not key.startswith("1") or len(key) < 4:
            continue
        valid = tuple(sorted(z for z in zones if _known_zone(z)))
        if not valid:
            continue
        zid = zonesets.setdefault(valid, len(zonesets))
        by_len.setdefault(len(key) - 1, {})[key[1:]] = zid
    ordered = tuple(sorted(zonesets, key=zonesets.__getitem__))
    return ordered, dict(sorted(by_len.items(), reverse=True))


def _known_zone(name: str) -> bool:
    try:
        zone_info(name)
    except Exception:
        return False
    return True


def zones_for_national(national: str) -> tuple[str, ...]:
    """Zones of the longest matching NPA-NXX prefix (empty when phonenumbers has none)."""
    zonesets, by_len = prefix_tables()
    for length, table in by_len.items():
        zid = table.get(national[:length])
        if zid is not None:
            return zonesets[zid]
    return ()


@dataclass(frozen=True, slots=True)
class PhoneFacts:
    """What the number alone tells: E.164 form, class, zones and presumed state."""

    e164: str | None
    kind: NumberClass
    zones: tuple[str, ...]
    npa: str | None


@lru_cache(maxsize=65536)
def phone_facts(text: str | None) -> PhoneFacts:
    """Normalise, classify and place ``text`` (cached; numbers repeat)."""
    national = normalise(text)
    kind = classify(national)
    if national is None or kind == "invalid":
        return PhoneFacts(None, "invalid", (), None)
    zones = zones_for_national(national) if kind == "geo" else ()
    return PhoneFacts("+1" + national, kind, zones, national[:3])
