"""The Personal Connection dialer: started PC skills dial their calling-list records.

How many calls to launch is decided by the same :class:`~cxdial.pacing.policy.PacingPolicy`
the simulator uses (``EmulatorConfig.pacing``, one instance per skill; progressive by
default); which record to dial next, DNC
scrubbing, ``maximumAttempts`` / ``minimumRetryMinutes`` and each record's window (its
call request time, expiration and the skill's hours in its time zone,
:mod:`.record_windows`) are handled here.
:class:`PersonalConnectionDialer` is the :class:`~cxdial.emulator.world.Dialer` the app
gives its world; the telephony reaches it only through ``world.dialer``.
"""

from __future__ import annotations

import heapq

from cxdial.emulator.entities import CallRecord, Contact, Skill
from cxdial.emulator.record_windows import closed_until
from cxdial.emulator.telephony import place_call, scrubbed_by
from cxdial.emulator.world import World
from cxdial.pacing.policy import DialerState

__all__ = ["PersonalConnectionDialer", "connect_agent", "dialer_state", "record_result", "step"]

DEFAULT_CALLER_ID = "+18005550100"


def _retry(skill: Skill) -> tuple[int, float]:
    retry = skill.parameters.get("retrySettings", {})
    attempts = retry.get("maximumAttempts", 3)
    minutes = retry.get("minimumRetryMinutes", 60)
    max_attempts = attempts if isinstance(attempts, int) and attempts > 0 else 3
    rest = float(minutes) * 60 if isinstance(minutes, int | float) and minutes >= 0 else 3600.0
    return max_attempts, rest


def _skill_agents(world: World, skill: Skill) -> list[int]:
    return [
        a
        for a in sorted(skill.agent_ids)
        if a in world.agents and world.agents[a].simulated and world.agents[a].state != "LoggedOut"
    ]


def _is_busy(world: World, agent_id: int) -> bool:
    agent = world.agents[agent_id]
    return agent.contact_id is not None or agent.busy_until > world.now


def dialer_state(world: World, skill: Skill) -> DialerState:
    """What the pacing policy sees for ``skill`` now."""
    agents = _skill_agents(world, skill)
    in_flight = sum(
        1
        for c in world.active.values()
        if c.active and c.skill_id == skill.skill_id and c.via == "dialer" and c.answered_at is None
    )
    counts = world.dialer_counts.setdefault(skill.skill_id, {"dials": 0, "live": 0, "abandoned": 0})
    return DialerState(
        now=world.now,
        agents=len(agents),
        busy=sum(1 for a in agents if _is_busy(world, a)),
        in_flight=in_flight,
        dials=counts["dials"],
        live_answers=counts["live"],
        abandoned=counts["abandoned"],
    )


def _next_record(world: World, skill: Skill) -> CallRecord | None:
    """The next due record of the skill's queue (a heap by next allowed time)."""
    max_attempts, _ = _retry(skill)
    queue = world.queues.get(skill.skill_id, [])
    while queue and queue[0][0] <= world.now:
        _, record_id = heapq.heappop(queue)
        record = world.records.get(record_id)
        if record is None or record.removed or record.finalized or record.in_flight:
            continue
        if record.attempts >= max_attempts:
            record.finalized, record.final_reason = True, "Max Attempts"
            continue
        if record.expires_at is not None and world.now >= record.expires_at:
            record.finalized, record.final_reason = True, record.expire_reason
            continue
        if record.not_before is not None and world.now < record.not_before:
            heapq.heappush(queue, (record.not_before, record.record_id))
            continue
        if scrubbed_by(world, skill.skill_id, record.phone) is not None:
            record.finalized, record.final_reason = True, "DNC Scrubbed"
            continue
        reopens = closed_until(skill, record, world.clock.to_datetime(world.now))
        if reopens is not None:
            later = max(world.now + 1.0, (reopens - world.clock.epoch).total_seconds())
            heapq.heappush(queue, (later, record.record_id))
            continue
        return record
    return None


def step(world: World) -> None:
    """Let every running PC skill launch what its pacing policy asks for."""
    for skill in world.skills.values():
        if not (skill.is_running and skill.is_pc):
            continue
        launch = world.policy_for(skill.skill_id).dials_to_launch(dialer_state(world, skill))
        for _ in range(launch):
            record = _next_record(world, skill)
            if record is None:
                break
            record.in_flight = True
            record.attempts += 1
            world.dialer_counts[skill.skill_id]["dials"] += 1
            caller = record.caller_id or skill.caller_id_override or DEFAULT_CALLER_ID
            place_call(
                world,
                skill_id=skill.skill_id,
                to=record.phone,
                caller_id=caller,
                via="dialer",
                record_id=record.record_id,
                custom_data=dict(record.fields),
            )


def connect_agent(world: World, contact: Contact) -> bool:
    """Give a live answer a free agent of its skill; False means it is abandoned."""
    skill = world.skills.get(contact.skill_id)
    counts = world.dialer_counts.setdefault(
        contact.skill_id, {"dials": 0, "live": 0, "abandoned": 0}
    )
    counts["live"] += 1
    if skill is not None:
        for agent_id in _skill_agents(world, skill):
            if not _is_busy(world, agent_id):
                agent = world.agents[agent_id]
                agent.contact_id = contact.contact_id
                agent.skill_id = contact.skill_id
                agent.set_state("OutboundContact", world.now)
                contact.agent_id = agent_id
                return True
    counts["abandoned"] += 1
    return False


def record_result(world: World, contact: Contact, result: str) -> None:
    """Log the attempt on its calling-list record; finalize it or queue its retry."""
    record = world.records.get(contact.record_id) if contact.record_id is not None else None
    if record is None:
        return
    record.in_flight = False
    record.attempt_log.append(
        {
            "contactId": contact.contact_id,
            "attemptDate": world.clock.iso(contact.created),
            "phoneNumber": record.phone,
            "outcome": result,
            "endReason": contact.end_reason,
        }
    )
    skill = world.skills.get(record.skill_id)
    max_attempts, rest = _retry(skill) if skill else (3, 3600.0)
    if result in ("answered", "failed", "dnc"):
        record.finalized, record.final_reason = True, contact.end_reason
    elif record.attempts >= max_attempts:
        record.finalized, record.final_reason = True, "Max Attempts"
    elif not record.removed:
        record.next_ok_at = world.now + rest
        world.enqueue(record)


class PersonalConnectionDialer:
    """The emulator's dialer collaborator: the functions above, bound as a :class:`Dialer`."""

    def step(self, world: World) -> None:
        """Launch what every running PC skill's pacing asks for."""
        step(world)

    def connect_agent(self, world: World, contact: Contact) -> bool:
        """Connect a live answer to a free agent, or report it abandoned."""
        return connect_agent(world, contact)

    def record_result(self, world: World, contact: Contact, result: str) -> None:
        """Finalize or requeue the attempt's calling-list record."""
        record_result(world, contact, result)
