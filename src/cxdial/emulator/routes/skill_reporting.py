"""Skill reporting computed from the emulator's real contacts: ``/skills/summary``,
``sla-summary``, ``call-data``, ``wfm-data/skills/dialer-contacts`` and
``POST /skills/activity/search``.

Shapes: calljacob/nice-cxone-api @28a1bd4b (CJ) ``ReportingReportingService.ts``
(``getFullSkillSummaries``, ``getFullSLASummaries``, ``getFullSLASkillSummary``,
``wfmDailerContactStatistics`` → ``wfM_OB_StatsV9``), ``AdminSkillsService.ts``
(``AdminSkills_getSkillsCallDataResponse``), ``RealtimedataRealtimeService.ts``
(``postSkillsActivitySearch``, ``skillActivity`` fields); singer-io/tap-nice-incontact
@e437854 (TAP, API v21) ``streams.py``/``schemas/*.json``: camelCase SLA items,
``outboundStats``, summary times as whole-second strings (TAP ``int()``s them) and every
integer field present. So v21-v23 answers use TAP's names and newer versions the spec's
(PascalCase SLA items, ``wfM_OB_StatsV9``) — a documented choice where the sources differ.

What counts (emulator design): a *dial* is a completed contact placed in the range (a
DNC-scrubbed one was never dialed); a *connect* a live answer; a *right-party connect* a
connect that reached an agent or the script; an *abandon* a live answer with no agent;
*within SLA* a connect that was not abandoned.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803, N815

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Contact, Skill
from cxdial.emulator.errors import ApiError
from cxdial.emulator.routes.admin_common import (
    BUSINESS_UNIT_NAME,
    LEGACY_MAX,
    date_range,
    listing_page,
    read_json,
    validate,
)
from cxdial.emulator.routes.common import find_skill, since
from cxdial.emulator.telephony import WRAP_SECONDS
from cxdial.emulator.validation import StrictModel, query_flag

__all__ = ["SkillFigures", "activity_record", "figures", "router", "summary_record"]

router = APIRouter(prefix=ACD_PREFIX)
_REPORT = Depends(acd("Reporting View"))
_HOUR = 3600.0
_DEFAULT_GOAL, _DEFAULT_THRESHOLD = 80, 30
DateParam = Annotated[str, Query(description="ISO-8601 date-time (required)")]


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


def _seconds(value: float) -> str:
    """Whole seconds as text (the spec types times as strings; TAP ``int()``s them)."""
    return str(round(value))


def _agents(ctx: Ctx, skill: Skill) -> dict[str, int]:
    world = ctx.world
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


def _queued(ctx: Ctx, skill: Skill) -> int:
    return sum(
        1
        for lst in ctx.world.lists.values()
        for r in lst.records
        if r.skill_id == skill.skill_id and not r.finalized and not r.removed
    )


def _sla(skill: Skill) -> tuple[int, int]:
    goal = skill.extra.get("serviceLevelGoal", _DEFAULT_GOAL)
    threshold = skill.extra.get("serviceLevelThreshold", _DEFAULT_THRESHOLD)
    return int(goal), int(threshold)


def _campaign(ctx: Ctx, skill: Skill) -> tuple[int, str | None]:
    found = ctx.world.admin.campaigns.get(skill.campaign_id)
    return skill.campaign_id, found.name if found else None


def summary_record(ctx: Ctx, skill: Skill, start: float, end: float) -> dict[str, Any]:
    """A ``skillSummaries`` item (the spec's and TAP's field set)."""
    f = figures(ctx.world.contacts.values(), skill.skill_id, start, end)
    goal, threshold = _sla(skill)
    campaign_id, campaign_name = _campaign(ctx, skill)
    talk = f.talk(f.handled)
    return {
        "businessUnitId": DEMO_BUSINESS_UNIT,
        "businessUnitName": BUSINESS_UNIT_NAME,
        "abandonCount": len(f.abandons),
        "abandonRate": round(100.0 * len(f.abandons) / len(f.connects), 2) if f.connects else 0,
        **_agents(ctx, skill),
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
        "queueCount": _queued(ctx, skill),
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
    now = ctx.world.clock.to_datetime(ctx.world.now)
    midnight = ctx.world.clock.from_iso(now.strftime("%Y-%m-%dT00:00:00+00:00"))
    f = figures(ctx.world.contacts.values(), skill.skill_id, midnight, ctx.world.now + 1e-9)
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


def activity_record(ctx: Ctx, skill: Skill) -> dict[str, Any]:
    """A ``skillActivity`` item (the spec's field set; ``isPersonalConnection`` is the SDK's)."""
    world = ctx.world
    agents = _agents(ctx, skill)
    goal, threshold = _sla(skill)
    campaign_id, campaign_name = _campaign(ctx, skill)
    day = figures(world.contacts.values(), skill.skill_id, 0.0, world.now + 1e-9)
    queued = _queued(ctx, skill)
    return {
        "serverTime": world.iso(world.now),
        "businessUnitId": DEMO_BUSINESS_UNIT,
        "agentsACW": agents["agentsAcw"],
        "agentsAvailable": agents["agentsAvailable"],
        "agentsIdle": agents["agentsIdle"],
        "agentsLoggedIn": agents["agentsLoggedIn"],
        "agentsUnavailable": agents["agentsUnavailable"],
        "agentsWorking": agents["agentsWorking"],
        "campaignId": campaign_id,
        "campaignName": campaign_name,
        "contactsActive": sum(1 for c in world.active.values() if c.skill_id == skill.skill_id),
        "earliestQueueTime": None,
        "emailFromAddress": None,
        "isActive": skill.is_active,
        "inSLA": len(day.handled),
        "isNaturalCalling": False,
        "isOutbound": skill.is_outbound,
        "isPersonalConnection": skill.is_pc,
        "mediaTypeId": skill.media_type_id,
        "mediaTypeName": "Phone Call" if skill.media_type_id == 4 else "Other",
        "outSLA": len(day.connects) - len(day.handled),
        "queueCount": queued,
        "serviceLevel": day.service_level,
        "serviceLevelGoal": goal,
        "serviceLevelThreshold": threshold,
        "skillName": skill.name,
        "skillId": skill.skill_id,
        "skillQueueCount": queued,
        "personalQueueCount": 0,
        "parkedCount": 0,
    }


class _Filter(StrictModel):
    updatedSince: str | None = None
    mediaTypeId: int | str | None = None
    isOutbound: bool | str | None = None
    skillIds: list[int] | None = None
    campaignIds: list[int] | None = None


class _SearchBody(StrictModel):
    fields: str | None = None
    top: int | None = None
    skip: int | None = None
    filter: _Filter | None = None


def _flag(value: bool | str | None) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    return query_flag(value, "filter.isOutbound")


def _media(value: int | str | None) -> int | None:
    if value is None or isinstance(value, int):
        return value
    if value.strip().isdigit():
        return int(value)
    raise ApiError(400, "InvalidParameter", "'filter.mediaTypeId' must be a number")


@router.post("/skills/activity/search")
async def search_activity(ctx: Ctx = _REPORT) -> Any:
    """Current activity of the skills a filter selects; paged, 204 when the page is empty.
    The spec types the answer as one item; the emulator answers GET /skills/activity's
    envelope (``skillActivity[]``, ``lastPollTime``), since a search finds many."""
    body = validate(_SearchBody, await read_json(ctx))
    f = body.filter or _Filter()
    after = since(ctx, f.updatedSince, "filter.updatedSince")
    outbound, media = _flag(f.isOutbound), _media(f.mediaTypeId)
    world = ctx.world

    def changed(skill: Skill) -> bool:
        if after is None or skill.updated >= after:
            return True
        return any(
            c.skill_id == skill.skill_id and c.updated >= after for c in world.contacts.values()
        )

    skills = [
        s
        for s in world.skills.values()
        if (f.skillIds is None or s.skill_id in f.skillIds)
        and (f.campaignIds is None or s.campaign_id in f.campaignIds)
        and (outbound is None or s.is_outbound == outbound)
        and (media is None or s.media_type_id == media)
        and changed(s)
    ]
    paged = listing_page(ctx, skills, body.top, body.skip)
    if isinstance(paged, Response):
        return paged
    chunk, meta = paged
    return {
        **meta,
        "lastPollTime": world.iso(world.now),
        "skillActivity": [activity_record(ctx, s) for s in chunk],
    }
