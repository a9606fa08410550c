"""The telephony model: a dial gets a seeded outcome and moves through its states in time.

Magic destinations (last four digits, emulator design): ``0001`` no answer, ``0002``
busy, ``0003`` answering machine, ``0004`` failed (intercept), ``0005`` answered with a
long talk (15 simulated minutes), ``0000`` answered quickly; anything else is drawn from
the seeded RNG, with the skill's own weights when the control API set them
(``world.outcome_mix``). States: Dialing → Ringing → Active → completed.
"""

from __future__ import annotations

import logging
from typing import Any

from cxdial.emulator.entities import Contact
from cxdial.emulator.stats import DialEntry
from cxdial.emulator.world import World

__all__ = [
    "DRAWN_OUTCOMES",
    "END_REASONS",
    "SEEDABLE",
    "end_contact",
    "mask_phone",
    "place_call",
    "scrubbed_by",
    "seed_completed",
]

log = logging.getLogger("cxdial.emulator.calls")

WRAP_SECONDS = 5.0
_MAGIC = {
    "0000": ("answered", 2.0, 5.0),
    "0001": ("no_answer", None, 0.0),
    "0002": ("busy", 2.0, 0.0),
    "0003": ("machine", 4.0, 12.0),
    "0004": ("failed", 0.0, 0.0),
    "0005": ("answered", 3.0, 900.0),
}
_WEIGHTS = (("answered", 0.45), ("no_answer", 0.25), ("busy", 0.08), ("machine", 0.17))
DRAWN_OUTCOMES = tuple(name for name, _ in _WEIGHTS)
"""The outcomes a weight can be given to (the rest of the probability is ``failed``)."""
END_REASONS = {
    "answered": "Contact Hung Up",
    "no_answer": "No Answer",
    "busy": "Busy",
    "machine": "Answering Machine",
    "failed": "Invalid Number",
    "abandoned": "Abandoned",
    "dnc": "DNC Scrubbed",
}
"""``endReason`` of a completed contact per outcome."""
SYSTEM_DISPOSITION = {"no_answer": 5, "machine": 6, "busy": 7, "failed": 8, "dnc": 8}


def _ringing_limit(world: World, skill_id: int) -> float:
    skill = world.skills.get(skill_id)
    general = skill.parameters.get("generalSettings", {}) if skill else {}
    value = general.get("maximumRingingDuration", 30)
    return float(value) if isinstance(value, int | float) and value > 0 else 30.0


def _draw(world: World, skill_id: int, to: str) -> tuple[str, float, float]:
    """Outcome, ring seconds and talk seconds (always three RNG draws, for stable replays)."""
    u, ring_u, talk_u = world.rng.random(), world.rng.random(), world.rng.random()
    limit = _ringing_limit(world, skill_id)
    magic = _MAGIC.get(to[-4:])
    if magic is not None:
        outcome, ring, talk = magic
        return outcome, limit if ring is None else ring, talk
    outcome = "failed"
    for name, weight in world.outcome_mix.get(skill_id, _WEIGHTS):
        if u < weight:
            outcome = name
            break
        u -= weight
    if outcome == "no_answer":
        return outcome, limit, 0.0
    if outcome in ("busy", "failed"):
        return outcome, 1.0 + ring_u * 2, 0.0
    ring = min(3.0 + ring_u * 17.0, limit)
    talk = 20.0 + talk_u * 220.0 if outcome == "answered" else 10.0 + talk_u * 10.0
    return outcome, ring, talk


def mask_phone(number: str) -> str:
    """A phone number fit for a log line: every digit but the last two hidden."""
    digits = sum(ch.isdigit() for ch in number)
    seen, out = 0, []
    for ch in number:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > digits - 2 else "*")
        else:
            out.append(ch)
    return "".join(out)


def scrubbed_by(world: World, skill_id: int, phone: str) -> int | None:
    """The id of an active DNC group that scrubs ``skill_id`` and lists ``phone``."""
    key = "".join(ch for ch in phone if ch.isdigit())[-10:]
    for group in world.dnc.values():
        if group.is_active and skill_id in group.scrubbed_skills:
            record = group.records.get(key)
            if record is None:
                continue
            expires = record.get("expiresAt")
            if expires is None or expires > world.now:
                return group.group_id
    return None


def place_call(
    world: World,
    *,
    skill_id: int,
    to: str,
    caller_id: str,
    via: str,
    context_id: str | None = None,
    idempotency_key: str | None = None,
    agent_id: int | None = None,
    record_id: int | None = None,
    session_id: str | None = None,
    custom_data: dict[str, str] | None = None,
) -> Contact:
    """Create a contact and schedule its life; numbers a scrubbed DNC group lists are skipped."""
    now = world.now
    contact = Contact(
        contact_id=world.next_id("contact"),
        skill_id=skill_id,
        to=to,
        caller_id=caller_id,
        via=via,
        created=now,
        outcome="dnc",
        ring_seconds=0.0,
        talk_seconds=0.0,
        context_id=context_id,
        agent_id=agent_id,
        record_id=record_id,
        session_id=session_id,
        updated=now,
        custom_data=dict(custom_data or {}),
        history=[("Dialing", now)],
    )
    world.contacts[contact.contact_id] = contact
    world.active[contact.contact_id] = contact
    if agent_id is not None and agent_id in world.agents:
        agent = world.agents[agent_id]
        agent.contact_id = contact.contact_id
        agent.set_state("OutboundContact", now)
    _session_event(world, contact, "Dialing")
    if scrubbed_by(world, skill_id, to) is not None:
        end_contact(world, contact, "dnc")
        return contact
    outcome, ring, talk = _draw(world, skill_id, to)
    contact.outcome, contact.ring_seconds, contact.talk_seconds = outcome, ring, talk
    world.stats.dials.append(
        DialEntry(
            contact.contact_id,
            to,
            caller_id,
            context_id,
            idempotency_key,
            via,
            skill_id,
            world.clock.iso(now),
        )
    )
    world.emit("call.dialed", contact_event(world, contact))
    log.info(
        "call %s to %s placed (%s, skill %s)", contact.contact_id, mask_phone(to), via, skill_id
    )
    if outcome == "failed":
        world.schedule(now + max(ring, 0.5), lambda: end_contact(world, contact, "failed"))
        return contact
    world.schedule(now + 1.0, lambda: _ringing(world, contact))
    if outcome in ("no_answer", "busy"):
        world.schedule(now + 1.0 + ring, lambda: end_contact(world, contact, outcome))
    else:
        world.schedule(now + 1.0 + ring, lambda: _answer(world, contact))
    return contact


_SEED_TIMES = {outcome: (ring, talk) for outcome, ring, talk in reversed(_MAGIC.values())}
"""Ring and talk seconds of a seeded contact per outcome: its magic number's (``0000`` for
an answer); ``None`` rings until the skill's limit."""
SEEDABLE = tuple(sorted(_SEED_TIMES))
"""Outcomes :func:`seed_completed` can give a contact."""


def seed_completed(
    world: World,
    *,
    skill_id: int,
    to: str,
    caller_id: str,
    outcome: str,
    context_ids: list[str | None],
) -> list[Contact]:
    """Contacts that already ran their course (emulator-only history, not dials): one per
    context id, each placed ``ring + talk`` seconds ago and completed now with ``outcome``,
    its custom data as ``scripts/start`` stores it. No dial is logged, no event emitted, no
    RNG drawn (so the seeded world replays like one without them)."""
    given_ring, talk = _SEED_TIMES[outcome]
    ring = _ringing_limit(world, skill_id) if given_ring is None else given_ring
    answered = outcome in ("answered", "machine")
    now = world.now
    placed = now - 1.0 - ring - talk
    history = [("Dialing", placed), ("Ringing", placed + 1.0)]
    if answered:
        history.append(("Active", now - talk))
    history.append(("Disconnected", now))
    made = []
    for context_id in context_ids:
        custom = {"callerId": caller_id, **({"cxdialContextId": context_id} if context_id else {})}
        contact = Contact(
            contact_id=world.next_id("contact"),
            skill_id=skill_id,
            to=to,
            caller_id=caller_id,
            via="script",
            created=placed,
            outcome=outcome,
            ring_seconds=ring,
            talk_seconds=talk,
            context_id=context_id,
            state="Disconnected",
            answered_at=now - talk if answered else None,
            ended_at=now,
            end_reason=END_REASONS[outcome],
            disposition_id=SYSTEM_DISPOSITION.get(outcome),
            updated=now,
            custom_data=custom,
            history=list(history),
        )
        world.contacts[contact.contact_id] = contact
        made.append(contact)
    return made


def _set_state(world: World, contact: Contact, state: str) -> None:
    contact.state = state
    contact.updated = world.now
    contact.history.append((state, world.now))
    _session_event(world, contact, state)


def _ringing(world: World, contact: Contact) -> None:
    if contact.active:
        _set_state(world, contact, "Ringing")


def _answer(world: World, contact: Contact) -> None:
    if not contact.active:
        return
    contact.answered_at = world.now
    needs_agent = contact.via == "dialer" and contact.agent_id is None
    if (
        contact.outcome == "answered"
        and needs_agent
        and not world.dialer.connect_agent(world, contact)
    ):
        contact.abandoned = True
        world.schedule(world.now + 2.0, lambda: end_contact(world, contact, "abandoned"))
        _set_state(world, contact, "Active")
        return
    _set_state(world, contact, "Active")
    world.emit("call.answered", contact_event(world, contact))
    world.schedule(world.now + contact.talk_seconds, lambda: end_contact(world, contact, None))


def end_contact(world: World, contact: Contact, reason: str | None) -> None:
    """Complete ``contact`` now (reason None = its drawn outcome ran its course)."""
    if not contact.active:
        return
    result = reason or contact.outcome
    world.active.pop(contact.contact_id, None)
    contact.ended_at = world.now
    contact.end_reason = END_REASONS.get(result, result)
    if contact.disposition_id is None and result in SYSTEM_DISPOSITION:
        contact.disposition_id = SYSTEM_DISPOSITION[result]
    _set_state(world, contact, "Disconnected")
    if contact.agent_id is not None and contact.agent_id in world.agents:
        agent = world.agents[contact.agent_id]
        if agent.contact_id == contact.contact_id:
            agent.contact_id = None
            wrap = WRAP_SECONDS if contact.answered_at is not None else 0.0
            agent.busy_until = world.now + wrap
            agent.set_state("Unavailable" if wrap else "Available", world.now)
            if wrap:
                world.schedule(agent.busy_until, lambda: _wrapped(world, agent.agent_id))
    world.dialer.record_result(world, contact, result)
    log.info(
        "call %s to %s ended: %s", contact.contact_id, mask_phone(contact.to), contact.end_reason
    )
    world.emit(
        "call.completed",
        {
            **completed_json(world, contact),
            "contextId": contact.context_id,
            "via": contact.via,
            "outcome": "abandoned" if contact.abandoned else result,
        },
    )


def _wrapped(world: World, agent_id: int) -> None:
    agent = world.agents.get(agent_id)
    if agent and agent.contact_id is None and agent.state == "Unavailable":
        agent.set_state("Available", world.now)


def _session_event(world: World, contact: Contact, status: str) -> None:
    session = world.sessions.get(contact.session_id or "")
    if session is None or session.ended:
        return
    session.events.append(
        {
            "Type": "CallContactEvent",
            "ContactID": str(contact.contact_id),
            "MasterID": str(contact.contact_id),
            "Status": status,
            "Skill": str(contact.skill_id),
            "IsInbound": False,
            "ToAddress": contact.to,
            "FromAddress": contact.caller_id,
            "DisconnectCode": contact.end_reason or "",
            "FinalState": status == "Disconnected",
            "IsLinked": True,
        }
    )


def contact_event(world: World, contact: Contact) -> dict[str, Any]:
    """The fields every call event carries."""
    return {
        "contactId": contact.contact_id,
        "skillId": contact.skill_id,
        "toAddress": contact.to,
        "fromAddress": contact.caller_id,
        "contextId": contact.context_id,
        "via": contact.via,
        "state": contact.state,
        "agentId": contact.agent_id,
        "at": world.clock.iso(world.now),
    }


def completed_json(world: World, contact: Contact) -> dict[str, Any]:
    """A ``completedContacts`` item (CXone field names, abbreviated)."""
    end = contact.ended_at if contact.ended_at is not None else world.now
    agent_seconds = 0.0
    if contact.agent_id is not None and contact.answered_at is not None:
        agent_seconds = end - contact.answered_at
    return {
        "contactId": contact.contact_id,
        "masterContactId": contact.contact_id,
        "skillId": contact.skill_id,
        "campaignId": 0,
        "agentId": contact.agent_id,
        "isOutbound": True,
        "mediaTypeId": 4,
        "fromAddress": contact.caller_id,
        "toAddress": contact.to,
        "contactStartDate": world.clock.iso(contact.created),
        "contactEndDate": world.clock.iso(end),
        "totalDurationSeconds": round(end - contact.created, 3),
        "agentSeconds": round(agent_seconds, 3),
        "inQueueSeconds": 0,
        "abandoned": contact.abandoned,
        "abandonSeconds": round(end - (contact.answered_at or end), 3) if contact.abandoned else 0,
        "isShortAbandon": False,
        "endReason": contact.end_reason,
        "primaryDispositionId": contact.disposition_id,
        "secondaryDispositionId": None,
        "dispositionNotes": contact.disposition_notes,
        "isLogged": False,
        "lastUpdateTime": world.clock.iso(contact.updated),
    }
