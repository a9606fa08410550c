"""Skill reporting computed from the emulator's real contacts: ``/skills/summary`` (all
skills and ``/skills/{id}/summary``), ``sla-summary``, ``call-data``,
``wfm-data/skills/dialer-contacts``.

Shapes: calljacob/nice-cxone-api @28a1bd4b (CJ) ``ReportingReportingService.ts``
(``getFullSkillSummaries``, ``getFullSLASummaries``, ``getFullSLASkillSummary``,
``wfmDailerContactStatistics`` → ``wfM_OB_StatsV9``), ``AdminSkillsService.ts``
(``AdminSkills_getSkillsCallDataResponse``); singer-io/tap-nice-incontact
@e437854 (TAP, API v21) ``streams.py``/``schemas/*.json``: camelCase SLA items,
``outboundStats``, summary times as whole-second strings (TAP ``int()``s them) and every
integer field present. So v21-v23 answers use TAP's names and newer versions the spec's
(PascalCase SLA items, ``wfM_OB_StatsV9``) — a documented choice where the sources differ.

What counts is :mod:`cxdial.emulator.skill_figures`'s.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Skill
from cxdial.emulator.routes.admin_common import (
    BUSINESS_UNIT_NAME,
    LEGACY_MAX,
    date_range,
    listing_page,
)
from cxdial.emulator.routes.common import find_skill, project
from cxdial.emulator.skill_figures import (
    agent_counts,
    campaign_of,
    day_start,
    figures,
    queued,
    sla_targets,
)
from cxdial.emulator.validation import query_flag

__all__ = ["router", "summary_record"]

router = APIRouter(prefix=ACD_PREFIX)
_REPORT = Depends(acd("Reporting View"))
_HOUR = 3600.0
DateParam = Annotated[str, Query(description="ISO-8601 date-time (required)")]


def _seconds(value: float) -> str:
    """Whole seconds as text (the spec types times as strings; TAP ``int()``s them)."""
    return str(round(value))


def summary_record(ctx: Ctx, skill: Skill, start: float, end: float) -> dict[str, Any]:
    """A ``skillSummaries`` item (the spec's and TAP's field set)."""
    f = figures(ctx.world.contacts.values(), skill.skill_id, start, end)
    goal, threshold = sla_targets(skill)
    campaign_id, campaign_name = campaign_of(ctx.world, skill)
    talk = f.talk(f.handled)
    return {
        "businessUnitId": DEMO_BUSINESS_UNIT,
        "businessUnitName": BUSINESS_UNIT_NAME,
        "abandonCount": len(f.abandons),
        "abandonRate": round(100.0 * len(f.abandons) / len(f.connects), 2) if f.connects else 0,
        **agent_counts(ctx.world, skill),
        "averageHandleTime": _seconds(talk + f.wrap),
        "averageInqueueTime": "0",
        "averageSpeedToAnswer": _seconds(f.speed_to_answer),
        "averageTalkTime": _seconds(talk),
        "averageWrapTime": _seconds(f.wrap),
        "campaignId": campaign_id,
        "campaignName": campaign_name,
        "contactsActive": sum(1 for c in ctx.world.active.values() if c.skill_id == skill.skill_id),
        "contactsHandled": len(f.handled),
        "contactsOffered": len(f.dials),
        "contactsQueued": 0,
        "contactsOutOfSLA": len(f.connects) - len(f.handled),
        "contactsWithinSLA": len(f.handled),
        "holdTime": "0",
        "isOutbound": skill.is_outbound,
        "longestQueueDur": "0",
        "mediaTypeId": skill.media_type_id,
        "mediaTypeName": "Phone Call" if skill.media_type_id == 4 else "Other",
        "queueCount": queued(ctx.world, skill),
        "serviceLevel": f.service_level,
        "skillName": skill.name,
        "skillId": skill.skill_id,
        "serviceLevelGoal": goal,
        "serviceLevelThreshold": threshold,
        "totalContactTime": _seconds(sum((c.ended_at or c.created) - c.created for c in f.dials)),
        "dials": len(f.dials),
        "connects": len(f.connects),
        "connectsAHT": f"{f.talk(f.connects):.1f}",
        "rightPartyConnects": len(f.handled),
        "rightPartyConnectsAHT": f"{talk:.1f}",
    }


@router.get("/skills/summary")
async def skills_summary(
    startDate: DateParam,
    endDate: DateParam,
    ctx: Ctx = _REPORT,
    mediaTypeId: int | None = None,
    isOutbound: str | None = None,
) -> Any:
    """Statistics of every skill over a required date range; 204 when no skill matches."""
    start, end = date_range(ctx, startDate, endDate)
    outbound = None if isOutbound is None else query_flag(isOutbound, "isOutbound")
    skills = [
        s
        for s in ctx.world.skills.values()
        if (mediaTypeId is None or s.media_type_id == mediaTypeId)
        and (outbound is None or s.is_outbound == outbound)
    ]
    if not skills:
        return Response(status_code=204)
    return {"skillSummaries": [summary_record(ctx, s, start, end) for s in skills]}


@router.get("/skills/{skill_id}/summary")
async def skill_summary(
    skill_id: int,
    startDate: DateParam,
    endDate: DateParam,
    ctx: Ctx = _REPORT,
    fields: str | None = None,
) -> dict[str, Any]:
    """Statistics of one skill over a required date range (CJ getSkillsSkillIdSummary),
    counted as ``/skills/summary`` counts them; ``fields`` projects the item."""
    skill = find_skill(ctx, skill_id)
    start, end = date_range(ctx, startDate, endDate)
    record = summary_record(ctx, skill, start, end)
    [shown] = project([record], fields, list(record), "skillSummaries")
    return {"skillSummaries": [shown]}


def _sla_record(ctx: Ctx, skill: Skill, start: float, end: float) -> dict[str, Any]:
    f = figures(ctx.world.contacts.values(), skill.skill_id, start, end)
    record = {
        "BusinessUnitId": DEMO_BUSINESS_UNIT,
        "SkillId": skill.skill_id,
        "SkillName": skill.name,
        "ContactsWithinSLA": len(f.handled),
        "ContactsOutOfSLA": len(f.connects) - len(f.handled),
        "TotalContacts": len(f.connects),
        "ServiceLevel": f.service_level,
    }
    if ctx.version > LEGACY_MAX:
        return record
    return {key[0].lower() + key[1:]: value for key, value in record.items()}


@router.get("/skills/sla-summary")
async def sla_summaries(
    startDate: DateParam,
    endDate: DateParam,
    ctx: Ctx = _REPORT,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """Service level of every skill, paged (TAP follows ``_links.next``); 204 past the end."""
    start, end = date_range(ctx, startDate, endDate)
    paged = listing_page(ctx, list(ctx.world.skills.values()), top, skip)
    if isinstance(paged, Response):
        return paged
    chunk, meta = paged
    return {**meta, "serviceLevelSummaries": [_sla_record(ctx, s, start, end) for s in chunk]}


@router.get("/skills/{skill_id}/sla-summary")
async def sla_summary(
    skill_id: int, startDate: DateParam, endDate: DateParam, ctx: Ctx = _REPORT
) -> dict[str, Any]:
    """Service level of one skill over a required date range."""
    skill = find_skill(ctx, skill_id)
    start, end = date_range(ctx, startDate, endDate)
    return {"serviceLevelSummaries": [_sla_record(ctx, skill, start, end)]}


def _call_data(ctx: Ctx, skill: Skill) -> dict[str, Any]:
    """Today's (simulated UTC day) contact figures of one skill, PascalCase as the spec."""
    start = day_start(ctx.world)
    f = figures(ctx.world.contacts.values(), skill.skill_id, start, ctx.world.now + 1e-9)
    abandoned = sum((c.ended_at or 0.0) - (c.answered_at or 0.0) for c in f.abandons)
    return {
        "SkillName": skill.name,
        "SkillId": skill.skill_id,
        "BusinessUnitId": DEMO_BUSINESS_UNIT,
        "EnteredQueueContacts": len(f.connects),
        "OfferedContacts": len(f.dials),
        "AnsweredContacts": len(f.handled),
        "AnsweredServiceLevelContacts": len(f.handled),
        "AbandonedContacts": len(f.abandons),
        "AbandonedTime": round(abandoned, 1),
        "AverageAbandonedTime": round(abandoned / len(f.abandons), 1) if f.abandons else 0,
        "AverageACDTime": round(f.talk(f.handled), 1),
        "AverageHandleTime": round(f.talk(f.handled) + f.wrap, 1),
        "AverageSpeedAnswerTime": round(f.speed_to_answer, 1),
    }


@router.get("/skills/call-data")
async def all_call_data(ctx: Ctx = _REPORT) -> dict[str, Any]:
    """Today's figures of every skill. The spec types one object; a list of one per skill
    is served, since it cannot hold several (emulator choice)."""
    return {"SkillCallData": [_call_data(ctx, s) for s in ctx.world.skills.values()]}


@router.get("/skills/{skill_id}/call-data")
async def skill_call_data(skill_id: int, ctx: Ctx = _REPORT) -> dict[str, Any]:
    """Today's figures of one skill."""
    return {"SkillCallData": _call_data(ctx, find_skill(ctx, skill_id))}


@router.get("/wfm-data/skills/dialer-contacts")
async def dialer_contacts(
    startDate: DateParam,
    endDate: DateParam,
    ctx: Ctx = _REPORT,
    mediaTypeId: int | None = None,
) -> Any:
    """Dialer figures per skill and hour interval; 204 when nothing was dialed. The spec
    requires ``mediaTypeId``; TAP never sends it, so it is optional."""
    start, end = date_range(ctx, startDate, endDate)
    clock = ctx.world.clock
    first = clock.from_iso(clock.to_datetime(start).strftime("%Y-%m-%dT%H:00:00+00:00"))
    rows = []
    for skill in ctx.world.skills.values():
        if mediaTypeId is not None and skill.media_type_id != mediaTypeId:
            continue
        at = first
        while at < end:
            f = figures(
                ctx.world.contacts.values(), skill.skill_id, max(at, start), min(at + _HOUR, end)
            )
            if f.dials:
                rows.append(
                    {
                        "businessUnitId": DEMO_BUSINESS_UNIT,
                        "businessUnitName": BUSINESS_UNIT_NAME,
                        "intervalStartDate": ctx.world.iso(at),
                        "skillId": skill.skill_id,
                        "skillName": skill.name,
                        "mediaTypeId": skill.media_type_id,
                        "mediaTypeName": "Phone Call" if skill.media_type_id == 4 else "Other",
                        "dials": len(f.dials),
                        "connects": len(f.connects),
                        "connectsAHT": round(f.talk(f.connects), 1),
                        "rightPartyConnects": len(f.handled),
                        "rightPartyConnectsAHT": round(f.talk(f.handled), 1),
                        "abandons": len(f.abandons),
                    }
                )
            at += _HOUR
    if not rows:
        return Response(status_code=204)
    key = "outboundStats" if ctx.version <= LEGACY_MAX else "wfM_OB_StatsV9"
    return {key: rows}
