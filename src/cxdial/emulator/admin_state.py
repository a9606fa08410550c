"""Tenant objects the campaign and event APIs manage: dispositions, campaigns, hours of
operation, skill-agent assignment details and script signals.

One :class:`AdminState` lives on the world (``world.admin``) and is rebuilt on reset.
It knows nothing of the web layer; the routes under ``emulator/routes`` read and change it.
Skill agents themselves stay on :attr:`Skill.agent_ids`; only the proficiency and
active flag of an assignment live here.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CLASSIFICATIONS",
    "AdminState",
    "Campaign",
    "Classification",
    "Disposition",
    "HoursProfile",
    "Signal",
]


@dataclass(frozen=True, slots=True)
class Classification:
    """A disposition classification: what an outcome means for the record and the list."""

    classification_id: int
    name: str
    is_contact_final: bool
    is_destination_final: bool
    dialing_outcome_id: int
    carryover_for_callback: bool
    show_reschedule_date: bool = False


CLASSIFICATIONS: tuple[Classification, ...] = (
    Classification(1, "Success", True, True, 1, False),
    Classification(2, "Contact Final", True, True, 2, False),
    Classification(3, "Callback", False, False, 3, True, show_reschedule_date=True),
    Classification(4, "Destination Final", False, True, 4, False),
    Classification(5, "System", False, False, 5, False),
)
"""The classifications the emulator offers (names CXone's; ids and the table ours)."""
_CLASSIFICATION_IDS = {c.name: c.classification_id for c in CLASSIFICATIONS}


@dataclass(slots=True)
class Disposition:
    """A disposition an agent, a script or the dialer can give a contact."""

    disposition_id: int
    name: str
    classification_id: int
    is_preview: bool = False
    is_active: bool = True
    notes: str | None = None
    system_outcome: str | None = None
    updated: float = 0.0


@dataclass(slots=True)
class Campaign:
    """A campaign: in CXone only a reporting group of skills (the skill is the dialer)."""

    campaign_id: int
    name: str
    description: str | None = None
    notes: str | None = None
    division_id: int | None = None
    is_active: bool = True
    updated: float = 0.0


@dataclass(slots=True)
class HoursProfile:
    """An hours-of-operation profile: weekly hours, holidays, and the skills it governs."""

    profile_id: int
    name: str
    description: str | None = None
    notes: str | None = None
    days: list[dict[str, Any]] = field(default_factory=list)
    holidays: list[dict[str, Any]] = field(default_factory=list)
    override_branch: str | None = None
    override_expiration: str | None = None
    skill_ids: set[int] = field(default_factory=set)
    is_deleted: bool = False
    updated: float = 0.0


@dataclass(frozen=True, slots=True)
class Signal:
    """Parameters a client signalled to the script running a contact (Studio ONSIGNAL)."""

    contact_id: int
    parameters: tuple[str, ...]
    at: float


class AdminState:
    """Dispositions, campaigns, hours profiles, assignment details and signals."""

    def __init__(self, dispositions: Iterable[tuple[int, str, str, bool]] = ()) -> None:
        """Seed the dispositions from ``(id, name, classification, final)`` rows."""
        self.dispositions: dict[int, Disposition] = {}
        for disposition_id, name, classification, _final in dispositions:
            self.dispositions[disposition_id] = Disposition(
                disposition_id,
                name,
                _CLASSIFICATION_IDS.get(classification, 5),
                system_outcome=name if classification == "System" else None,
            )
        self.seeded_dispositions = frozenset(self.dispositions)
        """Every skill has these unless told otherwise (emulator design)."""
        self.skill_dispositions: dict[int, set[int]] = {}
        self.campaigns: dict[int, Campaign] = {}
        self.hours: dict[int, HoursProfile] = {}
        self.proficiency: dict[tuple[int, int], int] = {}
        self.assignment_active: dict[tuple[int, int], bool] = {}
        self.signals: list[Signal] = []
        start = max(self.dispositions, default=0) + 1
        self._ids = {
            "disposition": itertools.count(max(start, 101)),
            "campaign": itertools.count(1),
            "hours": itertools.count(1),
        }

    def next_id(self, kind: str) -> int:
        """The next id of ``kind`` (disposition, campaign, hours)."""
        return next(self._ids[kind])

    def classification(self, classification_id: int) -> Classification | None:
        """The classification with this id, if any."""
        return next((c for c in CLASSIFICATIONS if c.classification_id == classification_id), None)

    def skill_disposition_ids(self, skill_id: int, declared: Any = None) -> set[int]:
        """Dispositions assigned to a skill: those set here, else the ones its definition
        lists (``dispositions[{dispositionId}]``), else the seeded set."""
        if skill_id in self.skill_dispositions:
            return self.skill_dispositions[skill_id]
        if isinstance(declared, list) and declared:
            ids = {
                item.get("dispositionId")
                for item in declared
                if isinstance(item, dict) and isinstance(item.get("dispositionId"), int)
            }
            return {i for i in ids if isinstance(i, int) and i in self.dispositions}
        return set(self.seeded_dispositions)

    def proficiency_of(self, skill_id: int, agent_id: int) -> int:
        """An assignment's proficiency (1 = highest, 20 = lowest; default 1)."""
        return self.proficiency.get((skill_id, agent_id), 1)
