"""Number normalisation and NPA-NXX time zones, from ``phonenumbers`` metadata.

:func:`national_number` is cxdial's one normaliser of NANP numbers (the gate, the screener,
DNC lists and attempt history all use it; :func:`national_number_expr` is the same rule as
a polars expression). Scalar helpers serve ``Gate.check``; the same patterns drive the
vectorised screener, so both entry points classify every number identically. Importing
this module is light: ``phonenumbers`` metadata and polars load only when first needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from cxdial.compliance.areas import ca_area_codes
from cxdial.compliance.parsing import zone_info

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "CLEAN_PATTERN",
    "NATIONAL_PATTERN",
    "NumberClass",
    "PhoneFacts",
    "classify",
    "geo_pattern",
    "national_number",
    "national_number_expr",
    "nongeo_pattern",
    "number_country",
    "prefix_tables",
    "zones_for_national",
]

#: US regions whose numbers the US rule set covers.
US_REGIONS = ("US", "PR", "VI", "GU", "AS", "MP")
#: Regions whose geographic numbers the gate places: the US's and Canada (CRTC rules). Other
#: NANP regions (the Caribbean) are refused as invalid for this gate.
GEO_REGIONS = (*US_REGIONS, "CA")
#: Separators dropped before a number is read: blanks, brackets, dots, dashes, slashes.
CLEAN_PATTERN = r"[ \t().\-/]"
#: Once cleaned: an optional ``+1`` or ``1``, then the ten NANP digits (group 1).
NATIONAL_PATTERN = r"^(?:\+1|1)?([0-9]{10})$"
_CLEAN = re.compile(CLEAN_PATTERN)
_NATIONAL = re.compile(NATIONAL_PATTERN)
NumberClass = Literal["geo", "nongeo", "invalid"]


def _union(patterns: list[str]) -> str:
    return "^(?:" + "|".join(dict.fromkeys(patterns)) + ")$"


@cache
def geo_pattern() -> str:
    """Anchored regex of geographic (fixed line or mobile) US and Canadian national numbers."""
    from phonenumbers.phonemetadata import PhoneMetadata

    pats: list[str] = []
    for region in GEO_REGIONS:
        meta = PhoneMetadata.metadata_for_region(region)
        assert meta is not None
        for desc in (meta.fixed_line, meta.mobile):
            if desc is not None and desc.national_number_pattern:
                pats.append(desc.national_number_pattern)
    return _union(pats)


@cache
def nongeo_pattern() -> str:
    """Anchored regex of non-geographic numbers: US and Canadian toll free, premium and
    personal numbers, and Canada's 600 (non-geographic services)."""
    from phonenumbers.phonemetadata import PhoneMetadata

    pats: list[str] = []
    for region in ("US", "CA"):
        meta = PhoneMetadata.metadata_for_region(region)
        assert meta is not None
        descs = [meta.toll_free, meta.premium_rate, meta.personal_number]
        if region == "CA":
            descs.append(meta.voip)
        pats += [
            d.national_number_pattern for d in descs if d is not None and d.national_number_pattern
        ]
    return _union(pats)


@cache
def _compiled() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return re.compile(geo_pattern()), re.compile(nongeo_pattern())


def national_number(text: str | None) -> str | None:
    """The 10-digit NANP national number of ``text``, or None when it cannot be one.

    Accepts ``+1NXXNXXXXXX``, ``1NXXNXXXXXX`` and ten digits, with blanks, brackets,
    dots, dashes or slashes anywhere (``+1 (212) 555-0142``); E.164 in, digits out.
    """
    if text is None:
        return None
    match = _NATIONAL.match(_CLEAN.sub("", text))
    return match.group(1) if match is not None else None


def national_number_expr(phone: pl.Expr) -> pl.Expr:
    """:func:`national_number` over a polars string column (null when it cannot be one)."""
    return phone.str.replace_all(CLEAN_PATTERN, "").str.extract(NATIONAL_PATTERN, 1)


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
    """Distinct zone sets, and per prefix length a map national prefix -> zone-set id.

    US prefixes come from phonenumbers' NPA-NXX data; Canadian NPAs from the shipped
    ``ca_area_codes.yaml`` (their provinces' zones), never from phonenumbers.
    """
    from phonenumbers.tzdata import TIMEZONE_DATA

    canada = ca_area_codes()
    zonesets: dict[tuple[str, ...], int] = {}
    by_len: dict[int, dict[str, int]] = {}
    for key, zones in TIMEZONE_DATA.items():
        if not key.startswith("1") or len(key) < 4 or key[1:4] in canada:
            continue
        valid = tuple(sorted(z for z in zones if _known_zone(z)))
        if not valid:
            continue
        zid = zonesets.setdefault(valid, len(zonesets))
        by_len.setdefault(len(key) - 1, {})[key[1:]] = zid
    for npa, area in canada.items():
        zid = zonesets.setdefault(area.zones, len(zonesets))
        by_len.setdefault(3, {})[npa] = zid
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
    """What the number alone tells: E.164 form, class, zones, NPA and country.

    ``country`` is ``US`` or ``CA`` for a geographic number (by its NPA), None otherwise.
    """

    e164: str | None
    kind: NumberClass
    zones: tuple[str, ...]
    npa: str | None
    country: str | None = None


def phone_facts(text: str | None) -> PhoneFacts:
    """Normalise, classify and place ``text`` (callers that repeat numbers memoise it)."""
    national = national_number(text)
    kind = classify(national)
    if national is None or kind == "invalid":
        return PhoneFacts(None, "invalid", (), None)
    zones = zones_for_national(national) if kind == "geo" else ()
    country = number_country(national) if kind == "geo" else None
    return PhoneFacts("+1" + national, kind, zones, national[:3], country)


def number_country(national: str) -> str:
    """``CA`` for a Canadian area code, else ``US`` (of a geographic national number)."""
    return "CA" if national[:3] in ca_area_codes() else "US"
