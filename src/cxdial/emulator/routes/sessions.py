"""Agent sessions: start/join/end, the event long poll, state, dialer login, dial-phone.

A contact dialed through ``dial-phone`` arrives as ``CallContactEvent`` items in
``get-next-event`` (cxone-api.md §3.4); an empty poll answers 304 (DOC ``/UsingEvents``).
With a manual clock nothing can happen while a poll waits, so it answers at once.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803, N815

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Agent, AgentSession
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.common import CxoneRoute, accepted, find_skill
from cxdial.emulator.routes.dialing import check_caller_id, check_e164
from cxdial.emulator.routes.dispositions import assigned_dispositions
from cxdial.emulator.telephony import end_contact, place_call
from cxdial.emulator.validation import StrictModel, parse_body, query_flag
from cxdial.emulator.world import CALLER_IDS

__all__ = ["router"]

router = APIRouter(prefix=ACD_PREFIX, route_class=CxoneRoute)
_SESSION = Depends(acd("Agent Sessions"))


class _StartBody(StrictModel):
    stationId: str | None = None
    stationPhoneNumber: str | None = None
    inactivityTimeout: int | None = None
    inactivityForceLogout: bool | None = None
    asAgentId: int | None = None


class _DialBody(StrictModel):
    """dial-phone (SDK ``dial-phone-request.d.ts``: ``callerId`` a number,
    ``parentContactId`` a string; both forms are taken)."""

    phoneNumber: str
    skillId: int
    parentContactId: int | str | None = None
    callerId: int | str | None = None
    customerId: str | None = None
    zipCode: str | None = None
    interactionId: str | None = None


class _DialerLogin(StrictModel):
    skillName: str | None = None


class _Disposition(StrictModel):
    primaryDispositionId: int
    primaryDispositionNotes: str | None = None
    primaryCommitmentAmount: float | None = None
    primaryCallbackTime: str | None = None
    primaryCallbackNumber: str | None = None
    secondaryDispositionId: int | None = None
    previewDispositionId: int | None = None


def _session(ctx: Ctx, session_id: str) -> AgentSession:
    session = ctx.world.sessions.get(session_id)
    if session is None or session.ended:
        raise ApiError(404, "SessionNotFound", f"No active agent session '{session_id}'")
    return session


def _agent_for(ctx: Ctx, as_agent: int | None) -> Agent:
    agent_id = as_agent or ctx.key.agent_id
    agent = ctx.world.agents.get(agent_id)
    if agent is None:
        if as_agent is not None:
            raise ApiError(404, "AgentNotFound", f"No agent with asAgentId {as_agent}")
        agent = Agent(agent_id, "Service", "User", simulated=False, state="LoggedOut")
        ctx.world.agents[agent_id] = agent
    return agent


@router.post("/agent-sessions", openapi_extra=request_body(_StartBody, required=False))
async def start_session(ctx: Ctx = _SESSION, asAgentId: int | None = None) -> dict[str, str]:
    """Start a session for the key's agent (or ``asAgentId``)."""
    body = await parse_body(ctx.request, _StartBody)
    agent = _agent_for(ctx, body.asAgentId or asAgentId)
    if agent.session_id and not ctx.world.sessions[agent.session_id].ended:
        raise ApiError(
            409, "SessionExists", f"Agent {agent.agent_id} already has a session; join it"
        )
    session = AgentSession(uuid.uuid4().hex, agent.agent_id, ctx.world.now)
    ctx.world.sessions[session.session_id] = session
    agent.session_id = session.session_id
    agent.set_state("Unavailable", ctx.world.now)
    return {"sessionId": session.session_id}


@router.post("/agent-sessions/join")
async def join_session(ctx: Ctx = _SESSION, asAgentId: int | None = None) -> dict[str, str]:
    """Join the running session of the key's agent (or ``asAgentId``)."""
    agent = ctx.world.agents.get(asAgentId or ctx.key.agent_id)
    if agent is None or agent.session_id is None or ctx.world.sessions[agent.session_id].ended:
        raise ApiError(404, "SessionNotFound", "That agent has no running session to join")
    return {"sessionId": agent.session_id}


@router.delete("/agent-sessions/{session_id}")
async def end_session(
    session_id: str,
    ctx: Ctx = _SESSION,
    endContacts: str | None = None,
    forceLogoff: str | None = None,
) -> Response:
    """End the session (``endContacts=true`` hangs up its calls)."""
    session = _session(ctx, session_id)
    query_flag(forceLogoff, "forceLogoff")
    if query_flag(endContacts, "endContacts"):
        for contact in list(ctx.world.contacts.values()):
            if contact.active and contact.session_id == session_id:
                end_contact(ctx.world, contact, "Ended by API")
    session.ended = True
    agent = ctx.world.agents[session.agent_id]
    agent.session_id = None
    agent.set_state("LoggedOut", ctx.world.now)
    return accepted()


@router.get("/agent-sessions/{session_id}/get-next-event")
async def next_event(
    session_id: str, ctx: Ctx = _SESSION, wait: Annotated[int, Query(alias="timeout")] = 0
) -> Any:
    """Queued events, or 304 when ``timeout`` seconds pass with none."""
    if not 0 <= wait <= 60:
        raise ApiError(400, "InvalidParameter", "'timeout' must be 0 to 60 seconds")
    session = _session(ctx, session_id)
    deadline = time.monotonic() + (0 if ctx.world.clock.manual else wait)
    while not session.events and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        ctx.world.advance()
    if not session.events:
        return Response(status_code=304)
    events = list(session.events)
    session.events.clear()
    return {"sessionId": session_id, "events": events}


@router.post("/agent-sessions/{session_id}/state")
async def set_state(
    session_id: str, ctx: Ctx = _SESSION, state: str | None = None, reason: str | None = None
) -> Response:
    """Set the agent Available or Unavailable."""
    del reason
    session = _session(ctx, session_id)
    if state not in ("Available", "Unavailable"):
        raise ApiError(400, "InvalidParameter", "'state' must be Available or Unavailable")
    ctx.world.agents[session.agent_id].set_state(state, ctx.world.now)
    return accepted()


@router.post(
    "/agent-sessions/{session_id}/dialer-login",
    openapi_extra=request_body(_DialerLogin, required=False),
)
async def dialer_login(
    session_id: str, ctx: Ctx = _SESSION, skillName: str | None = None
) -> Response:
    """Log the session's agent in to a PC skill by name."""
    session = _session(ctx, session_id)
    name = (await parse_body(ctx.request, _DialerLogin)).skillName or skillName
    skill = next((s for s in ctx.world.skills.values() if s.name == name), None)
    if skill is None or not skill.is_pc:
        raise ApiError(400, "InvalidParameter", f"'skillName' {name!r} is not a PC skill")
    session.dialer_skill_id = skill.skill_id
    return accepted()


@router.post("/agent-sessions/{session_id}/dialer-logout")
async def dialer_logout(session_id: str, ctx: Ctx = _SESSION) -> Response:
    """Log the session's agent out of its PC skill."""
    _session(ctx, session_id).dialer_skill_id = None
    return accepted()


def _e164(value: int | str) -> str:
    """A caller ID sent as a number (``18005550100``) in E.164 text."""
    if isinstance(value, int):
        return f"+{value}"
    return value


@router.post("/agent-sessions/{session_id}/dial-phone", openapi_extra=request_body(_DialBody))
async def dial_phone(session_id: str, ctx: Ctx = _SESSION) -> Response:
    """Dial for the session's agent; the contact arrives as a CallContactEvent."""
    session = _session(ctx, session_id)
    body = await parse_body(ctx.request, _DialBody)
    skill = find_skill(ctx, body.skillId)
    phone = check_e164(body.phoneNumber, "phoneNumber")
    caller = (
        check_caller_id(_e164(body.callerId))
        if body.callerId
        else (skill.caller_id_override or CALLER_IDS[0])
    )
    agent = ctx.world.agents[session.agent_id]
    if agent.contact_id is not None:
        raise ApiError(
            409, "AgentBusy", f"Agent {agent.agent_id} is already on contact {agent.contact_id}"
        )
    place_call(
        ctx.world,
        skill_id=skill.skill_id,
        to=phone,
        caller_id=caller,
        via="agent",
        idempotency_key=ctx.idempotency_key,
        agent_id=agent.agent_id,
        session_id=session_id,
        custom_data={"customerId": body.customerId} if body.customerId else None,
    )
    return accepted()


@router.post(
    "/agent-sessions/{session_id}/interactions/{contact_id}/disposition",
    openapi_extra=request_body(_Disposition),
)
async def disposition(session_id: str, contact_id: int, ctx: Ctx = _SESSION) -> Response:
    """Disposition a contact the session's agent handled."""
    session = _session(ctx, session_id)
    body = await parse_body(ctx.request, _Disposition)
    contact = ctx.world.contacts.get(contact_id)
    if contact is None or contact.session_id != session_id:
        raise ApiError(
            404, "ContactNotFound", f"Contact {contact_id} is not in session {session.session_id}"
        )
    skill = ctx.world.skills.get(contact.skill_id)
    known = {d.disposition_id for d in assigned_dispositions(ctx, skill)} if skill else set()
    for field in ("primaryDispositionId", "secondaryDispositionId"):
        value = getattr(body, field)
        if value is not None and value not in known:
            raise ApiError(
                400,
                "InvalidParameter",
                f"'{field}' {value} is not an active disposition of skill {contact.skill_id}; "
                f"GET /skills/{contact.skill_id}/dispositions lists them",
            )
    contact.disposition_id = body.primaryDispositionId
    contact.disposition_notes = body.primaryDispositionNotes or ""
    contact.updated = ctx.world.now
    return accepted()
