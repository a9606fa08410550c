"""Shipped place data: state/province -> zones, and Canadian area codes -> provinces and zones.

Both tables are YAML files in ``compliance/data/`` (sources in their headers), loaded on
first use. A Canadian NPA is placed in the zones its entry names, else in every zone of its
provinces (the conservative intersection, as a US state without a usable ZIP is).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

__all__ = ["CaArea", "ca_area", "ca_area_codes", "fallback_zones", "state_zones"]

_DATA = Path(__file__).with_name("data")


def _load(name: str) -> object:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present
    return yaml.load((_DATA / name).read_text(), Loader=loader)  # noqa: S506 - a safe loader


@cache
def _state_table() -> dict[str, tuple[str, ...]]:
    raw = _load("state_zones.yaml")
    assert isinstance(raw, dict)
    return {k: tuple(sorted(v)) for k, v in raw.items()}


def state_zones(state: str) -> tuple[str, ...]:
    """Every zone used in part of ``state`` (a US state or a Canadian province)."""
    return _state_table().get(state, ())


def fallback_zones() -> tuple[str, ...]:
    """Zones assumed when nothing places the number (the fifty states' main zones)."""
    return _state_table()["_fallback"]


@dataclass(frozen=True, slots=True)
class CaArea:
    """A Canadian area code: its provinces and the zones a number of it may be in."""

    npa: str
    provinces: tuple[str, ...]
    zones: tuple[str, ...]


@cache
def ca_area_codes() -> dict[str, CaArea]:
    """Canadian NPA -> :class:`CaArea` (``data/ca_area_codes.yaml``)."""
    raw = _load("ca_area_codes.yaml")
    assert isinstance(raw, dict)
    out: dict[str, CaArea] = {}
    for npa, entry in raw.items():
        provinces = tuple(entry["provinces"])
        zones = entry.get("zones") or [z for p in provinces for z in state_zones(p)]
        out[str(npa)] = CaArea(str(npa), provinces, tuple(sorted(set(zones))))
    return out


def ca_area(npa: str) -> CaArea | None:
    """The Canadian area code ``npa``, or None when it is not Canadian."""
    return ca_area_codes().get(npa)
