"""Which API versions each ACD endpoint answers: one table, consulted by :func:`~deps.acd`.

CXone serves v1.0 through v34.0 side by side and each endpoint has its own range
(``cxone-api.md`` §2). A row names the lowest version a real source was seen calling and
the newest the emulator serves; endpoints without a row get :data:`DEFAULT_RANGE`.
Keys are ``"METHOD /path"`` or ``"/path"`` (any method) relative to the ACD prefix; path
parameters match whatever they are called (``{skillId}`` and ``{skill_id}`` are the same).
A version outside the range answers 404 ``UnsupportedVersion``, as a path the platform
does not route.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "DEFAULT_RANGE",
    "NEWEST",
    "VERSION_RANGES",
    "VersionRange",
    "canonical_version",
    "parse_version",
    "versions_for",
]

NEWEST = 34
"""The newest ACD API version (v34.0, what NICE's agent SDK calls at most)."""


@dataclass(frozen=True, slots=True)
class VersionRange:
    """Major versions ``low`` through ``high``, both included."""

    low: int
    high: int

    def __contains__(self, version: object) -> bool:
        return isinstance(version, int) and self.low <= version <= self.high

    def __str__(self) -> str:
        return f"v{self.low}.0 through v{self.high}.0"

    def pattern(self) -> str:
        """A regular expression matching the spellings of these versions (``v8.0``, ``V8.0``)."""
        numbers = "|".join(str(n) for n in range(self.high, self.low - 1, -1))
        return rf"^[vV]({numbers})\.0$"


DEFAULT_RANGE = VersionRange(12, NEWEST)
"""Endpoints without older evidence: v12.0 (the oldest version of the QA lab suite) on."""

_RANGES: dict[str, VersionRange] = {
    # reporting: QA's lab tests call contacts/completed on v6-v8 (returns-completed-contacts-v7.0)
    "/contacts/completed": VersionRange(6, NEWEST),
    # real-time data: QA calls it on v1-v8
    "/contacts/active": VersionRange(1, NEWEST),
    "/agents/states": VersionRange(1, NEWEST),
    "/skills/activity": VersionRange(1, NEWEST),
    "/skills/{}/activity": VersionRange(1, NEWEST),
    # calling lists: QA creates a mapping on v4.0 and uploads on v6.0/v7.0
    "POST /lists/call-lists": VersionRange(4, NEWEST),
    "/lists/call-lists/{}/upload": VersionRange(6, NEWEST),
    # what NICE's agent SDK calls (emulator design: the SDK's oldest version of each)
    "/agent-sessions/{}/dial-phone": VersionRange(23, NEWEST),
    "/skills/{}/parameters/delivery-preferences": VersionRange(23, NEWEST),
    "/skills/{}/parameters/cpa-management": VersionRange(23, NEWEST),
}
VERSION_RANGES: Mapping[str, VersionRange] = MappingProxyType(_RANGES)
"""The table itself (read-only); add a row here for an endpoint with its own range."""

_PARAM = re.compile(r"\{[^}]*\}")
_VERSION = re.compile(r"^[vV]([0-9]{1,3})\.0$")


def _shape(template: str) -> str:
    return _PARAM.sub("{}", template)


def versions_for(method: str, template: str) -> VersionRange:
    """The range of ``method template`` (``template`` relative to the ACD prefix)."""
    shape = _shape(template)
    found = VERSION_RANGES.get(f"{method.upper()} {shape}") or VERSION_RANGES.get(shape)
    return found or DEFAULT_RANGE


def parse_version(text: str) -> int | None:
    """The major version of ``v23.0`` / ``V23.0``; None for anything else."""
    match = _VERSION.match(text)
    return int(match.group(1)) if match else None


def canonical_version(segment: str) -> str:
    """``V23.0`` spelled as the routes declare it (``v23.0``); other text unchanged."""
    return "v" + segment[1:] if _VERSION.match(segment) else segment
