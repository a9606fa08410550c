"""Contacts (active, completed, detail, state history, custom data), agents, dispositions.

Reporting follows CXone (cxone-api.md §3.6, §3.7): ``updatedSince`` + ``lastPollTime``
for incremental pulls, ``top``/``skip`` with ``totalRecords`` and ``_links``, and 204
when there is nothing to return.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response

from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Contact
from cxdial.emulator.errors import ApiError
from cxdial.emulator.routes.common import no_content, page, since
from cxdial.emulator.telephony import completed_json, end_contact
from cxdial.emulator.world import DISPOSITIONS

__all__ = ["router"]

router = APIRouter(prefix=ACD_PREFIX)
_CONTACTS = Depends(acd("Contacts View"))
_REPORT = Depends(acd("Reporting View"))
_AGENTS = Depends(acd("Agents View"))
_END = Depends(acd("Contacts Edit"))
_DISPOSITIONS = Depends(acd("Dispositions View"))
_STATE_IDS = {"Dialing": 3, "Ringing": 4, "Active": 5, "Disconnected": 11}


def _active_json(ctx: Ctx, c: Contact) -> dict[str, Any]:
    return {
        "contactId": c.contact_id,
        "masterContactId": c.contact_id,
        "skillId": c.skill_id,
        "stateId": _STATE_IDS.get(c.state, 0),
        "stateName": c.state,
        "isOutbound": True,
        "mediaTypeId": 4,
        "fromAddress": c.caller_id,
        "toAddress": c.to,
        "agentId": c.agent_id,
        "startDate": ctx.world.iso(c.created),
        "lastUpdateTime": ctx.world.iso(c.updated),
    }


def _find(ctx: Ctx, contact_id: int) -> Contact:
    contact = ctx.world.contacts.get(contact_id)
    if contact is None:
        raise ApiError(404, "ContactNotFound", f"No contact with contactId {contact_id}")
    return contact


def _ordered(items: list[Contact]) -> list[Contact]:
    return sorted(items, key=lambda c: (c.updated, c.contact_id))


@router.get("/contacts/active")
async def active(
    ctx: Ctx = _CONTACTS,
    updatedSince: str | None = None,
    skillId: int | None = None,
    agentId: int | None = None,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """Contacts in progress; 204 when none match."""
    after = since(ctx, updatedSince, "updatedSince")
    items = _ordered(
        [
            c
            for c in ctx.world.active.values()
            if (after is None or c.updated >= after)
            and (skillId is None or c.skill_id == skillId)
            and (agentId is None or c.agent_id == agentId)
        ]
    )
    if not items:
        return no_content()
    chunk, meta = page(ctx, items, top, skip)
    return {
        "activeContacts": [_active_json(ctx, c) for c in chunk],
        "lastPollTime": ctx.world.iso(ctx.world.now),
        **meta,
    }


@router.get("/contacts/completed")
async def completed(
    ctx: Ctx = _REPORT,
    updatedSince: str | None = None,
    startDate: str | None = None,
    endDate: str | None = None,
    skillId: int | None = None,
    toAddress: str | None = None,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """Completed contacts ordered by lastUpdateTime; 204 when none match."""
    after = since(ctx, updatedSince, "updatedSince")
    start, end = since(ctx, startDate, "startDate"), since(ctx, endDate, "endDate")
    items = _ordered(
        [
            c
            for c in ctx.world.contacts.values()
            if not c.active
            and (after is None or c.updated >= after)
            and (start is None or c.created >= start)
            and (end is None or c.created < end)
            and (skillId is None or c.skill_id == skillId)
            and (toAddress is None or c.to == toAddress)
        ]
    )
    if not items:
        return no_content()
    chunk, meta = page(ctx, items, top, skip, default_top=1000)
    return {
        "completedContacts": [completed_json(ctx.world, c) for c in chunk],
        "lastPollTime": ctx.world.iso(ctx.world.now),
        **meta,
    }


@router.get("/contacts/{contact_id}")
async def contact(contact_id: int, ctx: Ctx = _CONTACTS) -> dict[str, Any]:
    """One contact, active or completed."""
    c = _find(ctx, contact_id)
    if c.active:
        return {**_active_json(ctx, c), "isActive": True}
    return {**completed_json(ctx.world, c), "stateName": c.state, "isActive": False}


@router.get("/contacts/{contact_id}/state-history")
async def state_history(contact_id: int, ctx: Ctx = _CONTACTS) -> dict[str, Any]:
    """Each state the contact went through, with durations."""
    c = _find(ctx, contact_id)
    rows = []
    for i, (state, at) in enumerate(c.history):
        nxt = c.history[i + 1][1] if i + 1 < len(c.history) else None
        rows.append(
            {
                "stateIndex": i + 1,
                "contactStateId": _STATE_IDS.get(state, 0),
                "contactStateName": state,
                "startDate": ctx.world.iso(at),
                "agentId": c.agent_id,
                "skillId": c.skill_id,
                "duration": round(nxt - at, 3) if nxt is not None else 0,
            }
        )
    return {"contactStateHistory": rows}


@router.get("/contacts/{contact_id}/custom-data")
async def custom_data(contact_id: int, ctx: Ctx = _CONTACTS) -> list[dict[str, str]]:
    """Custom data the script or list attached to the contact: ``[{name, value}]``."""
    c = _find(ctx, contact_id)
    return [{"name": k, "value": v} for k, v in c.custom_data.items()]


@router.post("/contacts/{contact_id}/end")
async def end(contact_id: int, ctx: Ctx = _END) -> Response:
    """Force-end an active contact."""
    c = _find(ctx, contact_id)
    if not c.active:
        raise ApiError(409, "ContactEnded", f"Contact {contact_id} has already ended")
    end_contact(ctx.world, c, "Ended by API")
    return Response(status_code=202)


@router.get("/dispositions")
async def dispositions(ctx: Ctx = _DISPOSITIONS) -> dict[str, Any]:
    """The business unit's dispositions."""
    del ctx
    items = [
        {
            "dispositionId": i,
            "dispositionName": name,
            "classification": cls,
            "isContactFinal": final,
            "isActive": True,
            "isPreviewDisposition": False,
        }
        for i, name, cls, final in DISPOSITIONS
    ]
    return {"dispositions": items, "totalRecords": len(items)}


@router.get("/agents")
async def agents(ctx: Ctx = _AGENTS, top: int | None = None, skip: int | None = None) -> Any:
    """Agents of the business unit."""
    chunk, meta = page(ctx, list(ctx.world.agents.values()), top, skip)
    items = [
        {
            "agentId": a.agent_id,
            "firstName": a.first_name,
            "lastName": a.last_name,
            "userName": f"{a.first_name.lower()}.{a.last_name.lower()}@emulator.local",
            "isActive": True,
            "teamId": 1,
            "teamName": "Outbound",
        }
        for a in chunk
    ]
    return {"agents": items, **meta}


@router.get("/agents/states")
async def agent_states(
    ctx: Ctx = _AGENTS,
    updatedSince: str | None = None,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """Agent states; 204 when nothing changed since ``updatedSince``."""
    after = since(ctx, updatedSince, "updatedSince")
    items = [a for a in ctx.world.agents.values() if after is None or a.updated > after]
    if not items:
        return no_content()
    chunk, meta = page(ctx, items, top, skip)
    states = [
        {
            "agentId": a.agent_id,
            "agentStateName": a.state,
            "contactId": a.contact_id,
            "skillId": a.skill_id,
            "isOutbound": True,
            "outStateId": 0,
            "lastUpdateTime": ctx.world.iso(a.updated),
        }
        for a in chunk
    ]
    return {"agentStates": states, "lastPollTime": ctx.world.iso(ctx.world.now), **meta}
