"""Contacts (active, completed, detail, state history, custom data) and agents.

Reporting follows CXone (cxone-api.md §3.6, §3.7; emulator-fidelity.md §1, §2):
``updatedSince`` + ``lastPollTime`` for incremental pulls, ``top``/``skip`` with
``totalRecords`` and ``_links``, ``orderBy``, ``fields``, the spec's filters, and 204
when a page holds nothing. ``completedContacts`` field names depend on the API version.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response

from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Contact
from cxdial.emulator.errors import ApiError
from cxdial.emulator.routes.common import (
    LEGACY_NAMES_MAX,
    MAX_TOP,
    CxoneRoute,
    ListQuery,
    api_version,
    business_unit_meta,
    filter_items,
    iso_duration,
    list_query,
    listing,
    project,
    report_window,
    since,
)
from cxdial.emulator.routes.shapes import (
    ACTIVE_FIELDS,
    AGENT_FIELDS,
    AGENT_STATE_FIELDS,
    STATE_IDS,
    active_record,
    agent_record,
    agent_state_record,
    completed_fields,
    completed_record,
)
from cxdial.emulator.telephony import end_contact

__all__ = ["router", "state_rows"]

router = APIRouter(prefix=ACD_PREFIX, route_class=CxoneRoute)
_CONTACTS = Depends(acd("Contacts View"))
_REPORT = Depends(acd("Reporting View"))
_AGENTS = Depends(acd("Agents View"))
_END = Depends(acd("Contacts Edit"))
_LIST = Depends(list_query)


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
    skillId: str | None = None,
    agentId: str | None = None,
    campaignId: str | None = None,
    teamId: str | None = None,
    mediaTypeId: str | None = None,
    stateId: str | None = None,
    contactId: str | None = None,
    toAddress: str | None = None,
    fromAddress: str | None = None,
    query: ListQuery = _LIST,
) -> Any:
    """Contacts in progress; 204 when the page holds nothing."""
    after = since(ctx, updatedSince, "updatedSince")
    contacts = [c for c in ctx.world.active.values() if after is None or c.updated >= after]
    filters = {
        "skillId": skillId,
        "agentId": agentId,
        "campaignId": campaignId,
        "teamId": teamId,
        "mediaTypeId": mediaTypeId,
        "stateId": stateId,
        "contactId": contactId,
        "toAddress": toAddress,
        "fromAddress": fromAddress,
    }
    items = filter_items((active_record(ctx.world, c) for c in _ordered(contacts)), filters)
    return query.listing(
        ctx, items, key="activeContacts", known=ACTIVE_FIELDS, extra=business_unit_meta(ctx)
    )


@router.get("/contacts/completed")
async def completed(
    ctx: Ctx = _REPORT,
    updatedSince: str | None = None,
    startDate: str | None = None,
    endDate: str | None = None,
    skillId: str | None = None,
    campaignId: str | None = None,
    agentId: str | None = None,
    teamId: str | None = None,
    mediaTypeId: str | None = None,
    toAddress: str | None = None,
    fromAddress: str | None = None,
    toAddr: str | None = None,
    fromAddr: str | None = None,
    isLogged: str | None = None,
    isRefused: str | None = None,
    isTakeover: str | None = None,
    query: ListQuery = _LIST,
) -> Any:
    """Completed contacts, ordered by lastUpdateTime unless ``orderBy`` says otherwise.

    v≤23 answers (and filters) with the old names ``fromAddr``, ``toAddr``, ``contactStart``,
    ``mediaType``, ``confSeconds``, ``ACWSeconds``; later versions with the v33 names.
    """
    window = report_window(ctx, startDate, endDate, updatedSince)
    version = api_version(ctx)
    legacy = version <= LEGACY_NAMES_MAX
    contacts = _ordered(
        [
            c
            for c in ctx.world.contacts.values()
            if not c.active and window.holds(c.created, c.updated)
        ]
    )
    filters = {
        "skillId": skillId,
        "campaignId": campaignId,
        "agentId": agentId,
        "teamId": teamId,
        "mediaType" if legacy else "mediaTypeId": mediaTypeId,
        "toAddr" if legacy else "toAddress": toAddr if legacy else toAddress,
        "fromAddr" if legacy else "fromAddress": fromAddr if legacy else fromAddress,
        "isLogged": isLogged,
        "isRefused": isRefused,
        "isTakeover": isTakeover,
    }
    items = filter_items((completed_record(ctx.world, c, version) for c in contacts), filters)
    return query.listing(
        ctx,
        items,
        key="completedContacts",
        known=completed_fields(version),
        default_top=MAX_TOP,  # TAP sees about 10k records per response
        extra=business_unit_meta(ctx),
    )


@router.get("/contacts/{contact_id}")
async def contact(contact_id: int, ctx: Ctx = _CONTACTS, fields: str | None = None) -> Any:
    """One contact, active or completed, nested under ``contactId`` as the spec has it.

    ``isActive`` is in the spec's completed record; on an active one it is the emulator's.
    """
    c = _find(ctx, contact_id)
    if c.active:
        record = {**active_record(ctx.world, c), "isActive": True}
        known = [*ACTIVE_FIELDS, "isActive"]
    else:
        version = api_version(ctx)
        record = {
            **completed_record(ctx.world, c, version),
            "stateId": STATE_IDS.get(c.state, 0),
            "stateName": c.state,
            "isActive": False,
        }
        known = [*completed_fields(version), "stateId", "stateName", "isActive"]
    [shown] = project([record], fields, known, "contact")
    return {**business_unit_meta(ctx), "contactId": shown}


def state_rows(ctx: Ctx, c: Contact) -> list[dict[str, Any]]:
    """``contactStateHistory`` rows of one contact (CJ contactStateHistory): one per state,
    ``duration`` an ISO-8601 duration (the spec types it a string)."""
    skill = ctx.world.skills.get(c.skill_id)
    rows = []
    for i, (state, at) in enumerate(c.history):
        nxt = c.history[i + 1][1] if i + 1 < len(c.history) else None
        rows.append(
            {
                "stateIndex": i + 1,
                "contactId": str(c.contact_id),
                "contactStateId": STATE_IDS.get(state, 0),
                "contactStateName": state,
                "startDate": ctx.world.iso(at),
                "isWarehoused": False,
                "agentId": c.agent_id,
                "skillId": c.skill_id,
                "skillName": skill.name if skill else None,
                "duration": iso_duration(nxt - at if nxt is not None else 0.0),
            }
        )
    return rows


@router.get("/contacts/{contact_id}/state-history")
@router.get("/contacts/{contact_id}/statehistory")
async def state_history(contact_id: int, ctx: Ctx = _CONTACTS) -> dict[str, Any]:
    """Each state the contact went through; ``statehistory`` is the v12 spelling (QA)."""
    return {"contactStateHistory": state_rows(ctx, _find(ctx, contact_id))}


@router.get("/contacts/{contact_id}/custom-data")
async def custom_data(contact_id: int, ctx: Ctx = _CONTACTS) -> dict[str, Any]:
    """Custom data the script or list attached: ``{contactCustomData: [{name, value}]}``."""
    c = _find(ctx, contact_id)
    return {"contactCustomData": [{"name": k, "value": v} for k, v in c.custom_data.items()]}


@router.post("/contacts/{contact_id}/end")
async def end(contact_id: int, ctx: Ctx = _END) -> Response:
    """Force-end an active contact."""
    c = _find(ctx, contact_id)
    if not c.active:
        raise ApiError(409, "ContactEnded", f"Contact {contact_id} has already ended")
    end_contact(ctx.world, c, "Ended by API")
    return Response(status_code=202)


@router.get("/agents")
async def agents(
    ctx: Ctx = _AGENTS,
    isActive: str | None = None,
    searchString: str | None = None,
    updatedSince: str | None = None,
    query: ListQuery = _LIST,
) -> Any:
    """Agents of the business unit, searched, filtered and paged."""
    after = since(ctx, updatedSince, "updatedSince")
    chosen = [a for a in ctx.world.agents.values() if after is None or a.updated >= after]
    items = [agent_record(ctx.world, a) for a in chosen]
    if searchString:
        needle = searchString.lower()
        items = [
            a
            for a in items
            if any(needle in str(a[k]).lower() for k in ("firstName", "lastName", "userName"))
        ]
    items = filter_items(items, {"isActive": isActive})
    return query.listing(
        ctx, items, key="agents", known=AGENT_FIELDS, extra={"businessUnitId": DEMO_BUSINESS_UNIT}
    )


@router.get("/agents/states")
async def agent_states(
    ctx: Ctx = _AGENTS,
    updatedSince: str | None = None,
    reqBUIds: str | None = None,
    query: ListQuery = _LIST,
) -> Any:
    """Agent states; 204 when nothing changed since ``updatedSince`` (exclusive)."""
    after = since(ctx, updatedSince, "updatedSince")
    if reqBUIds and str(DEMO_BUSINESS_UNIT) not in [b.strip() for b in reqBUIds.split(",")]:
        return listing(ctx, [], key="agentStates", known=AGENT_STATE_FIELDS)
    chosen = [a for a in ctx.world.agents.values() if after is None or a.updated > after]
    items = [agent_state_record(ctx.world, a) for a in chosen]
    return query.listing(
        ctx,
        items,
        key="agentStates",
        known=AGENT_STATE_FIELDS,
        extra={"lastPollTime": ctx.world.iso(ctx.world.now)},
    )
