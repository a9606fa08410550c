"""Candidate locations: where the called person may be (offline data only).

Zones come from the number's NPA-NXX (phonenumbers; a Canadian NPA from the shipped area
code table), the address (``zipcodes`` ZIP -> zone, else the shipped state/province -> zones
table) and an explicit ``timezone``; states from the address, the ZIP and the FL/OK/CT
area-code presumptions in the rules; countries (``US``, ``CA``) from the number's NPA and
the address's states and provinces. A call must be allowed in every candidate (most
restrictive wins), under the rules of every candidate country.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import zipcodes

from cxdial.compliance.areas import fallback_zones, state_zones
from cxdial.compliance.parsing import CA_PROVINCES, postal_province
from cxdial.compliance.phones import PhoneFacts
from cxdial.compliance.ruleset import RuleSet

__all__ = [
    "AddressFacts",
    "Location",
    "address_facts",
    "address_parts",
    "default_cache_dir",
    "fallback_zones",
    "locate",
    "presumed_state",
    "state_zones",
    "zip_table",
]

#: Bumped when the cached ZIP table's layout or meaning changes.
_ZIP_CACHE_VERSION = b"zip-table-v1"


def default_cache_dir() -> Path:
    """Where derived compliance data is cached: the user cache dir (platformdirs)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cxdial")) / "compliance"


@cache
def zip_table(cache_dir: Path | None = None) -> dict[str, tuple[str | None, str | None]]:
    """ZIP -> (IANA zone or None, state), from the offline ``zipcodes`` data.

    Building it from ``zipcodes`` takes ~0.8 s, so the result is kept in ``cache_dir``
    (default :func:`default_cache_dir`) as JSON named by a hash of the ``zipcodes``
    package files: a new release of the data is a new file. A cache that cannot be read
    or written is rebuilt (or skipped) silently.
    """
    folder = cache_dir if cache_dir is not None else default_cache_dir()
    path = folder / f"zip-table-{_zipcodes_digest()}.json"
    try:
        rows = json.loads(path.read_text())
        return {z: (zone, state) for z, zone, state in rows}
    except (OSError, ValueError, TypeError):
        pass
    table = _build_zip_table()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps([[z, zone, state] for z, (zone, state) in table.items()]))
        tmp.replace(path)
    except OSError:
        pass
    return table


def _zipcodes_digest() -> str:
    """A hash of the installed ``zipcodes`` package files (its data ships inside them)."""
    digest = hashlib.sha256(_ZIP_CACHE_VERSION)
    package = Path(zipcodes.__file__).parent
    for file in sorted(p for p in package.iterdir() if p.is_file()):
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def _build_zip_table() -> dict[str, tuple[str | None, str | None]]:
    from cxdial.compliance.phones import _known_zone

    out: dict[str, tuple[str | None, str | None]] = {}
    rows: list[dict[str, Any]] = zipcodes.list_all()  # type: ignore[no-untyped-call]
    for row in rows:
        zone = row.get("timezone") or None
        if zone is not None and not _known_zone(zone):
            zone = None
        out[row["zip_code"]] = (zone, row.get("state") or None)
    return out


@dataclass(frozen=True, slots=True)
class AddressFacts:
    """Zones, states and countries the address gives."""

    zones: tuple[str, ...]
    states: tuple[str, ...]
    countries: tuple[str, ...] = ()


def address_facts(postal_code: str | None, state: str | None, timezone: str | None) -> AddressFacts:
    """Zones/states of the address: ZIP zone (else the state's zones), plus ``timezone``.

    A Canadian postal code gives its province (and, with no zone of its own, the
    province's zones).
    """
    if postal_code and len(postal_code) == 7:
        return address_parts(None, postal_province(postal_code), state, timezone)
    zip_zone, zip_state = (
        zip_table().get(postal_code, (None, None)) if postal_code else (None, None)
    )
    return address_parts(zip_zone, zip_state, state, timezone)


@lru_cache(maxsize=65536)
def address_parts(
    zip_zone: str | None, zip_state: str | None, state: str | None, timezone: str | None
) -> AddressFacts:
    """Address candidates once the ZIP has been looked up."""
    zones: set[str] = set()
    states: set[str] = set()
    if state:
        states.add(state)
    if zip_state:
        states.add(zip_state)
    if zip_zone:
        zones.add(zip_zone)
    elif state:
        zones.update(state_zones(state))
    if not zip_zone and zip_state in CA_PROVINCES:  # a Canadian postal code's province
        zones.update(state_zones(zip_state))
    if timezone:
        zones.add(timezone)
    countries = {"CA" if st in CA_PROVINCES else "US" for st in states}
    return AddressFacts(tuple(sorted(zones)), tuple(sorted(states)), tuple(sorted(countries)))


@dataclass(frozen=True, slots=True)
class Location:
    """Candidate zones, states and countries; ``unplaced`` when only the fallback zones were
    used. A number nothing places in a country (toll free, no address) is a US call."""

    zones: tuple[str, ...]
    states: tuple[str, ...]
    unplaced: bool
    countries: tuple[str, ...] = ("US",)


def presumed_state(rules: RuleSet, phone: PhoneFacts) -> str | None:
    """The state an area-code presumption (FL, OK, CT) adds, if any."""
    if phone.kind != "geo" or phone.npa is None:
        return None
    return rules.presumed_state.get(phone.npa)


@lru_cache(maxsize=65536)
def locate(
    number_zones: tuple[str, ...],
    presumed: str | None,
    address: AddressFacts,
    country: str | None = None,
) -> Location:
    """Union of the number's and the address's candidates (``country``: the number's)."""
    zones = set(number_zones) | set(address.zones)
    states = set(address.states)
    if presumed:
        states.add(presumed)
    unplaced = not zones
    if unplaced:
        zones.update(fallback_zones())
    countries = set(address.countries)
    if country:
        countries.add(country)
    return Location(
        tuple(sorted(zones)), tuple(sorted(states)), unplaced, tuple(sorted(countries or {"US"}))
    )
