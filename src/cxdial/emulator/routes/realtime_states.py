"""Real-time states: one agent's state (``/agents/{id}/states``) and contact states
(``/contacts/states``), from the emulator's live agents and contacts.

Shapes: calljacob/nice-cxone-api @28a1bd4b ``RealtimedataRealtimeService.ts``
(``getAgentStateByid`` → ``{agentStates[{…, lastPollTime, mediaName, mediaType…}]}``,
``getContactsStates`` → ``{totalRecords, _links, businessUnitId, lastPollTime,
contactStates[…]}`` with ``updatedSince``, ``agentId``, ``top``, ``skip``).
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response

from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Agent, Contact
from cxdial.emulator.errors import ApiError
from cxdial.emulator.routes.admin_common import bu_meta, listing_page
from cxdial.emulator.routes.common import since

__all__ = ["CONTACT_STATE_IDS", "router"]

router = APIRouter(prefix=ACD_PREFIX)
_AGENTS = Depends(acd("Agents View"))
_CONTACTS = Depends(acd("Contacts View"))
CONTACT_STATE_IDS = {"Dialing": 3, "Ringing": 4, "Active": 5, "Disconnected": 11}
"""``contactStateId`` per state (the emulator's table, as :mod:`.contacts` uses)."""
_AGENT_STATE_IDS = {
    "LoggedOut": 0,
    "Available": 1,
    "Unavailable": 2,
    "InboundContact": 3,
    "OutboundContact": 4,
    "InboundConsult": 5,
    "OutboundConsult": 6,
    "Dialer": 7,
    "LoggedIn": 8,
}


def _skill_name(ctx: Ctx, skill_id: int | None) -> str | None:
    skill = ctx.world.skills.get(skill_id) if skill_id is not None else None
    return skill.name if skill else None


def _agent_state(ctx: Ctx, agent: Agent) -> dict[str, Any]:
    world = ctx.world
    contact = world.contacts.get(agent.contact_id) if agent.contact_id is not None else None
    return {
        "agentId": agent.agent_id,
        "agentStateId": _AGENT_STATE_IDS.get(agent.state, 0),
        "agentStateName": agent.state,
        "businessUnitId": DEMO_BUSINESS_UNIT,
        "contactId": agent.contact_id,
        "isACW": agent.state == "Unavailable" and agent.busy_until > world.now,
        "isOutbound": True,
        "firstName": agent.first_name,
        "fromAddress": contact.caller_id if contact else None,
        "lastName": agent.last_name,
        "lastPollTime": world.iso(world.now),
        "lastUpdateTime": world.iso(agent.updated),
        "mediaName": "Call" if contact else None,
        "mediaType": 4 if contact else None,
        "openContacts": 1 if contact else 0,
        "outStateDescription": None,
        "outStateId": 0,
        "skillId": agent.skill_id,
        "skillName": _skill_name(ctx, agent.skill_id),
        "startDate": world.iso(agent.updated),
        "stationId": 0,
        "stationPhoneNumber": None,
        "teamId": 1,
        "teamName": "Outbound",
        "toAddress": contact.to if contact else None,
    }


@router.get("/agents/{agent_id}/states")
async def agent_state(agent_id: int, ctx: Ctx = _AGENTS, updatedSince: str | None = None) -> Any:
    """One agent's current state; 204 when it has not changed since ``updatedSince``."""
    agent = ctx.world.agents.get(agent_id)
    if agent is None:
        raise ApiError(404, "AgentNotFound", f"No agent with agentId {agent_id}")
    after = since(ctx, updatedSince, "updatedSince")
    if after is not None and agent.updated <= after:
        return Response(status_code=204)
    return {"agentStates": [_agent_state(ctx, agent)]}


def _contact_state(ctx: Ctx, c: Contact) -> dict[str, Any]:
    world = ctx.world
    agent = world.agents.get(c.agent_id) if c.agent_id is not None else None
    skill = world.skills.get(c.skill_id)
    campaign = world.admin.campaigns.get(skill.campaign_id) if skill else None
    return {
        "agentId": c.agent_id,
        "campaignName": campaign.name if campaign else None,
        "campaignId": skill.campaign_id if skill else 0,
        "contactId": c.contact_id,
        "contactStateId": CONTACT_STATE_IDS.get(c.state, 0),
        "contactStateName": c.state,
        "firstName": agent.first_name if agent else None,
        "fromAddress": c.caller_id,
        "highProficiency": 1,
        "lastName": agent.last_name if agent else None,
        "lastUpdateTime": world.iso(c.updated),
        "lowProficiency": 20,
        "masterContactId": c.contact_id,
        "mediaTypeName": "Call",
        "mediaTypeId": 4,
        "mediaSubTypeId": 0,
        "mediaSubTypeName": None,
        "routingAttribute": 0,
        "skillName": skill.name if skill else None,
        "skillId": c.skill_id,
        "startDate": world.iso(c.history[-1][1] if c.history else c.created),
        "teamId": 1 if agent else 0,
        "teamName": "Outbound" if agent else None,
        "toAddress": c.to,
    }


@router.get("/contacts/states")
async def contact_states(
    ctx: Ctx = _CONTACTS,
    updatedSince: str | None = None,
    agentId: int | None = None,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """States of active contacts, and with ``updatedSince`` also of contacts that ended
    since then (so a poller sees the final state); 204 when the page holds nothing."""
    after = since(ctx, updatedSince, "updatedSince")
    items = sorted(
        (
            c
            for c in ctx.world.contacts.values()
            if (c.active if after is None else c.updated >= after)
            and (agentId is None or c.agent_id == agentId)
        ),
        key=lambda c: (c.updated, c.contact_id),
    )
    paged = listing_page(ctx, items, top, skip)
    if isinstance(paged, Response):
        return paged
    chunk, meta = paged
    return {**meta, **bu_meta(ctx), "contactStates": [_contact_state(ctx, c) for c in chunk]}
