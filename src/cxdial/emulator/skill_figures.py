"""Figures of a skill counted from the emulator's contacts, agents and lists: what the
reporting and real-time routes report.

What counts (emulator design): a *dial* is a completed contact placed in the range (a
DNC-scrubbed one was never dialed); a *connect* a live answer; a *right-party connect* (and
*handled*, and *within SLA*) a connect that reached an agent or the script; an *abandon* a
live answer with no agent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cxdial.emulator.entities import Contact, Skill
from cxdial.emulator.telephony import WRAP_SECONDS
from cxdial.emulator.world import World

__all__ = [
    "SkillFigures",
    "agent_counts",
    "campaign_of",
    "day_start",
    "figures",
    "queued",
    "sla_targets",
]

_DEFAULT_GOAL, _DEFAULT_THRESHOLD = 80, 30


@dataclass(frozen=True, slots=True)
class SkillFigures:
    """The counted contacts of one skill over one range."""

    dials: list[Contact]
    connects: list[Contact]
    handled: list[Contact]
    abandons: list[Contact]

    @staticmethod
    def _mean(values: Iterable[float]) -> float:
        items = list(values)
        return sum(items) / len(items) if items else 0.0

    def talk(self, contacts: list[Contact]) -> float:
        """Mean seconds from answer to end."""
        return self._mean((c.ended_at or 0.0) - (c.answered_at or 0.0) for c in contacts)

    @property
    def wrap(self) -> float:
        """Mean after-call work of handled contacts (agents wrap up; scripts do not)."""
        return self._mean(WRAP_SECONDS if c.agent_id is not None else 0.0 for c in self.handled)

    @property
    def speed_to_answer(self) -> float:
        """Mean ring time of connects."""
        return self._mean((c.answered_at or c.created) - c.created for c in self.connects)

    @property
    def service_level(self) -> int:
        """Per cent of connects within SLA (0 when there were none)."""
        if not self.connects:
            return 0
        return round(100 * len(self.handled) / len(self.connects))


def figures(contacts: Iterable[Contact], skill_id: int, start: float, end: float) -> SkillFigures:
    """Dials, connects, handled and abandoned contacts of ``skill_id`` placed in [start, end)."""
    dials = [
        c
        for c in contacts
        if c.skill_id == skill_id
        and not c.active
        and c.outcome != "dnc"
        and start <= c.created < end
    ]
    connects = [c for c in dials if c.answered_at is not None and c.outcome == "answered"]
    handled = [
        c for c in connects if not c.abandoned and (c.agent_id is not None or c.via == "script")
    ]
    abandons = [c for c in dials if c.abandoned]
    return SkillFigures(dials, connects, handled, abandons)


def agent_counts(world: World, skill: Skill) -> dict[str, int]:
    """Real-time agent counts of the skill's agents (summary and activity names)."""
    agents = [world.agents[a] for a in skill.agent_ids if a in world.agents]
    acw = sum(1 for a in agents if a.state == "Unavailable" and a.busy_until > world.now)
    unavailable = sum(1 for a in agents if a.state == "Unavailable") - acw
    available = sum(1 for a in agents if a.state == "Available")
    return {
        "agentsAcw": acw,
        "agentsAvailable": available,
        "agentsIdle": available,
        "agentsLoggedIn": sum(1 for a in agents if a.state != "LoggedOut"),
        "agentsUnavailable": unavailable,
        "agentsWorking": sum(1 for a in agents if a.state == "OutboundContact"),
    }


def queued(world: World, skill: Skill) -> int:
    """Records of the skill still to be dialed."""
    return sum(
        1
        for lst in world.lists.values()
        for r in lst.records
        if r.skill_id == skill.skill_id and not r.finalized and not r.removed
    )


def sla_targets(skill: Skill) -> tuple[int, int]:
    """The skill's service-level goal (%) and threshold (s); defaults 80 and 30 (ours)."""
    goal = skill.extra.get("serviceLevelGoal", _DEFAULT_GOAL)
    threshold = skill.extra.get("serviceLevelThreshold", _DEFAULT_THRESHOLD)
    return int(goal), int(threshold)


def campaign_of(world: World, skill: Skill) -> tuple[int, str | None]:
    """The skill's campaign id and name (None when it has none)."""
    found = world.admin.campaigns.get(skill.campaign_id)
    return skill.campaign_id, found.name if found else None


def day_start(world: World) -> float:
    """Simulated time of the current simulated UTC day's midnight ("today" starts there)."""
    now = world.clock.to_datetime(world.now)
    return world.clock.from_iso(now.strftime("%Y-%m-%dT00:00:00+00:00"))
