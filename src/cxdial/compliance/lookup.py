"""Dense look-up tables for the vectorised screener (built once from the same data).

Numbers and ZIPs become array indices: NPA-NXX prefix -> zone-set id (longest prefix
already resolved), NPA -> presumed state, ZIP -> zone and state. Everything else the
screener does with these ids goes back through the scalar functions.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

from cxdial.compliance.areas import ca_area_codes
from cxdial.compliance.locate import zip_table
from cxdial.compliance.parsing import CA_PROVINCES, STATE_CODES
from cxdial.compliance.phones import prefix_tables
from cxdial.compliance.ruleset import RuleSet

__all__ = [
    "canada_lut",
    "presumed_lut",
    "relevant_lut",
    "state_ids",
    "zip_luts",
    "zone_names",
    "zoneset_lut",
]

IntArray = npt.NDArray[np.int64]


@cache
def zoneset_lut() -> IntArray:
    """6-digit national prefix -> zone-set id (-1 when phonenumbers has none)."""
    _, by_len = prefix_tables()
    lut = np.full(1_000_000, -1, dtype=np.int64)
    for length in sorted(by_len):  # shorter first: longer prefixes overwrite
        scale = 10 ** (6 - length)
        for prefix, zid in by_len[length].items():
            start = int(prefix) * scale
            lut[start : start + scale] = zid
    return lut


@cache
def state_ids() -> tuple[str, ...]:
    """State codes by id; id 0 is "no state"."""
    codes = set(STATE_CODES) | {s for _, s in zip_table().values() if s}
    return ("", *sorted(codes))


@cache
def zone_names() -> tuple[str, ...]:
    """ZIP zones by id; id 0 is "no zone"."""
    return ("", *sorted({z for z, _ in zip_table().values() if z}))


@cache
def zip_luts() -> tuple[IntArray, IntArray]:
    """ZIP (as an integer) -> zone id, and -> state id."""
    zone_id = {z: i for i, z in enumerate(zone_names())}
    state_id = {s: i for i, s in enumerate(state_ids())}
    zones = np.zeros(100_000, dtype=np.int64)
    states = np.zeros(100_000, dtype=np.int64)
    for code, (zone, state) in zip_table().items():
        zones[int(code)] = zone_id[zone or ""]
        states[int(code)] = state_id[state or ""]
    return zones, states


def presumed_lut(rules: RuleSet) -> IntArray:
    """NPA -> state id of the area-code presumption (0 when none)."""
    state_id = {s: i for i, s in enumerate(state_ids())}
    lut = np.zeros(1000, dtype=np.int64)
    for npa, state in rules.presumed_state.items():
        lut[int(npa)] = state_id[state]
    return lut


def relevant_lut(rules: RuleSet) -> npt.NDArray[np.bool_]:
    """State id -> whether it matters besides its zones: the rule set has rules for that
    state, or it is a Canadian province (its country's rules apply)."""
    return np.array([s in rules.state_codes or s in CA_PROVINCES for s in state_ids()], dtype=bool)


@cache
def canada_lut() -> IntArray:
    """NPA -> 1 for a Canadian area code, else 0."""
    lut = np.zeros(1000, dtype=np.int64)
    for npa in ca_area_codes():
        lut[int(npa)] = 1
    return lut
