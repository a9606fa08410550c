"""Bulk history reports: agent state history, contact state history and contact custom data.

Shapes: calljacob/nice-cxone-api @28a1bd4b (CJ) ``ReportingReportingService.ts``:
``getAgentsStateHistory`` / ``getAgentsAgentIdStateHistory`` (``GET /agents/state-history``,
``/agents/{agentId}/state-history`` → ``{totalRecords, _links, businessUnitId, lastPollTime,
agentStateHistory[{stateIndex, startDate, agentId, agentStateId, agentStateName, …,
duration}]}``), ``getContactsStateHistory`` (``GET /contacts/state-history``, ``startDate``
and ``endDate`` required → ``{totalRecords, _links, lastPollTime, businessUnit,
contactStateHistory[]}``) and ``getContactsCustomData`` (``GET /contacts/custom-data``,
"any custom data by date range of maximum 15 days", ``startDate`` required →
``{_links, businessUnitId, lastPollTime, ContactCustomData[{contactId, name, value}]}``).

Agent states are recorded wherever the emulator changes one (sessions, dials, wrap-up; see
:attr:`~cxdial.emulator.entities.Agent.history`). Date rules are those of
``/contacts/completed`` (:func:`~cxdial.emulator.routes.common.report_window`). Emulator
choices: a row is in the range when its state *began* in it; ``updatedSince`` keeps rows
that began or ended since; ``duration`` is an ISO-8601 duration (the spec types it a
string), up to now for the current state; ``agentSessionId`` is None (the spec types it a
number, the emulator's session ids are text); ``totalRecords`` on the custom-data answer is
an addition.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends

from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Agent, AgentStateSpan
from cxdial.emulator.errors import ApiError
from cxdial.emulator.routes.common import (
    CxoneRoute,
    ListQuery,
    OrderBy,
    ReportWindow,
    business_unit_meta,
    iso_duration,
    list_query,
    listing,
    report_window,
)
from cxdial.emulator.routes.contacts import state_rows
from cxdial.emulator.routes.shapes import AGENT_STATE_IDS, TEAM

__all__ = ["AGENT_HISTORY_FIELDS", "CUSTOM_DATA_MAX_DAYS", "router"]

router = APIRouter(prefix=ACD_PREFIX, route_class=CxoneRoute)
_REPORT = Depends(acd("Reporting View"))
_CONTACTS = Depends(acd("Contacts View"))
CUSTOM_DATA_MAX_DAYS = 15
"""``/contacts/custom-data`` spans at most 15 days (CJ)."""
_LIST = Depends(list_query)
AGENT_HISTORY_FIELDS = [
    "stateIndex",
    "startDate",
    "agentId",
    "agentStateId",
    "agentStateName",
    "agentSessionId",
    "contactId",
    "skillId",
    "skillName",
    "mediaTypeId",
    "mediaTypeName",
    "fromAddress",
    "toAddress",
    "outStateId",
    "outStateDescription",
    "duration",
    "isOutbound",
    "isNaturalCalling",
    "stationId",
    "stationName",
    "teamId",
]
"""Fields of an ``agentStateHistory`` item (CJ getAgentsStateHistory)."""
_CONTACT_HISTORY_FIELDS = [
    "stateIndex",
    "contactId",
    "contactStateId",
    "contactStateName",
    "startDate",
    "isWarehoused",
    "agentId",
    "skillId",
    "skillName",
    "duration",
]
_CUSTOM_DATA_FIELDS = ["contactId", "name", "value"]


def _agent_rows(ctx: Ctx, agent: Agent, window: ReportWindow) -> list[dict[str, Any]]:
    world = ctx.world
    spans = agent.history
    rows = []
    for i, span in enumerate(spans):
        ended = spans[i + 1].start if i + 1 < len(spans) else None
        if window.holds(span.start, ended):
            rows.append(
                _agent_row(ctx, agent, i + 1, span, ended if ended is not None else world.now)
            )
    return rows


def _agent_row(
    ctx: Ctx, agent: Agent, index: int, span: AgentStateSpan, ended: float
) -> dict[str, Any]:
    world = ctx.world
    contact = world.contacts.get(span.contact_id) if span.contact_id is not None else None
    skill_id = contact.skill_id if contact else span.skill_id
    skill = world.skills.get(skill_id) if skill_id is not None else None
    return {
        "stateIndex": index,
        "startDate": world.iso(span.start),
        "agentId": agent.agent_id,
        "agentStateId": AGENT_STATE_IDS.get(span.state, 0),
        "agentStateName": span.state,
        "agentSessionId": None,
        "contactId": span.contact_id,
        "skillId": skill_id,
        "skillName": skill.name if skill else None,
        "mediaTypeId": 4 if contact else None,
        "mediaTypeName": "Phone Call" if contact else None,
        "fromAddress": contact.caller_id if contact else None,
        "toAddress": contact.to if contact else None,
        "outStateId": 0,
        "outStateDescription": None,
        "duration": iso_duration(ended - span.start),
        "isOutbound": True if contact else None,
        "isNaturalCalling": False,
        "stationId": 0,
        "stationName": None,
        "teamId": TEAM[0],
    }


@dataclass(frozen=True, slots=True)
class _AgentHistoryQuery:
    """The query of both agent state-history reports."""

    dates: tuple[str | None, str | None, str | None]
    search: str | None
    media_type_id: str | None
    listing: ListQuery


def _agent_history_query(
    startDate: str | None = None,
    endDate: str | None = None,
    updatedSince: str | None = None,
    searchString: str | None = None,
    mediaTypeId: str | None = None,
    outboundStrategy: str | None = None,
    listing: ListQuery = _LIST,
) -> _AgentHistoryQuery:
    """Dependency; ``outboundStrategy`` is accepted and ignored (every skill here dials out)."""
    del outboundStrategy
    return _AgentHistoryQuery(
        (startDate, endDate, updatedSince), searchString, mediaTypeId, listing
    )


_AGENT_HISTORY = Depends(_agent_history_query)


def _agent_history(ctx: Ctx, agents: list[Agent], query: _AgentHistoryQuery) -> Any:
    window = report_window(ctx, *query.dates)
    rows = [row for agent in agents for row in _agent_rows(ctx, agent, window)]
    media_type = query.media_type_id
    if query.search:
        needle = query.search.lower()
        rows = [
            r
            for r in rows
            if needle in r["agentStateName"].lower() or needle in str(r["skillName"]).lower()
        ]
    if media_type is not None:
        if not media_type.strip().isdigit():
            raise ApiError(400, "InvalidParameter", "'mediaTypeId' must be an integer")
        rows = [r for r in rows if r["mediaTypeId"] == int(media_type)]
    rows.sort(key=lambda r: (r["startDate"], r["agentId"], r["stateIndex"]))
    meta = business_unit_meta(ctx)
    return query.listing.listing(
        ctx, rows, key="agentStateHistory", known=AGENT_HISTORY_FIELDS, extra=meta
    )


@router.get("/agents/state-history")
async def agents_state_history(
    ctx: Ctx = _REPORT, query: _AgentHistoryQuery = _AGENT_HISTORY
) -> Any:
    """Every state every agent entered in the range (CJ getAgentsStateHistory); 204 when
    none did."""
    return _agent_history(ctx, sorted(ctx.world.agents.values(), key=lambda a: a.agent_id), query)


@router.get("/agents/{agent_id}/state-history")
async def agent_state_history(
    agent_id: int, ctx: Ctx = _REPORT, query: _AgentHistoryQuery = _AGENT_HISTORY
) -> Any:
    """The states one agent entered in the range (CJ getAgentsAgentIdStateHistory)."""
    agent = ctx.world.agents.get(agent_id)
    if agent is None:
        raise ApiError(404, "AgentNotFound", f"No agent with agentId {agent_id}")
    return _agent_history(ctx, [agent], query)


@router.get("/contacts/state-history")
async def contacts_state_history(
    ctx: Ctx = _CONTACTS,
    startDate: str | None = None,
    endDate: str | None = None,
    updatedSince: str | None = None,
    orderBy: OrderBy = None,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """State rows of every contact that began in the range (CJ getContactsStateHistory:
    ``startDate`` and ``endDate`` required); 204 when none did."""
    if not (endDate and endDate.strip()):
        raise ApiError(
            400, "InvalidParameter", "Invalid endDate - missing required query parameter"
        )
    window = report_window(ctx, startDate, endDate, updatedSince, need_start=True)
    rows = []
    for contact in sorted(ctx.world.contacts.values(), key=lambda c: c.contact_id):
        history = contact.history
        for i, row in enumerate(state_rows(ctx, contact)):
            ended = history[i + 1][1] if i + 1 < len(history) else contact.ended_at
            if window.holds(history[i][1], ended):
                rows.append(row)
    return listing(
        ctx,
        rows,
        key="contactStateHistory",
        known=_CONTACT_HISTORY_FIELDS,
        top=top,
        skip=skip,
        order_by=orderBy,
        extra={"lastPollTime": ctx.world.iso(ctx.world.now), "businessUnit": DEMO_BUSINESS_UNIT},
    )


@router.get("/contacts/custom-data")
async def contacts_custom_data(
    ctx: Ctx = _CONTACTS,
    startDate: str | None = None,
    endDate: str | None = None,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """Custom data of the contacts placed in a range of at most 15 days (CJ
    getContactsCustomData: ``startDate`` required, ``endDate`` defaults to now); one
    ``ContactCustomData`` row per name; 204 when there is none."""
    start, end, _ = report_window(
        ctx, startDate, endDate, None, max_days=CUSTOM_DATA_MAX_DAYS, need_start=True
    )
    rows = [
        {"contactId": c.contact_id, "name": name, "value": value}
        for c in sorted(ctx.world.contacts.values(), key=lambda c: c.contact_id)
        if start is not None and end is not None and start <= c.created <= end
        for name, value in c.custom_data.items()
    ]
    return listing(
        ctx,
        rows,
        key="ContactCustomData",
        known=_CUSTOM_DATA_FIELDS,
        top=top,
        skip=skip,
        extra=business_unit_meta(ctx),
    )
