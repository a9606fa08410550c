"""Current skill activity found by a filter: ``POST /skills/activity/search``.

Shapes: calljacob/nice-cxone-api @28a1bd4b ``RealtimedataRealtimeService.ts``
(``postSkillsActivitySearch`` body ``{fields, top, skip, filter{updatedSince, mediaTypeId,
isOutbound, skillIds, campaignIds}}``; ``skillActivity`` item fields); NICE's agent SDK
adds ``isPersonalConnection``. The spec types the answer as one item; the emulator answers
``GET /skills/activity``'s envelope (``skillActivity[]``, ``lastPollTime``, paging), since a
search finds many (emulator choice).
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N815

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response

from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Skill
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.admin_common import listing_page, read_json, validate
from cxdial.emulator.routes.common import since
from cxdial.emulator.skill_figures import (
    agent_counts,
    campaign_of,
    day_start,
    figures,
    queued,
    sla_targets,
)
from cxdial.emulator.validation import StrictModel, query_flag

__all__ = ["activity_record", "router"]

router = APIRouter(prefix=ACD_PREFIX)
_REPORT = Depends(acd("Reporting View"))


def activity_record(ctx: Ctx, skill: Skill) -> dict[str, Any]:
    """A ``skillActivity`` item (the spec's field set; ``isPersonalConnection`` is the SDK's)."""
    world = ctx.world
    agents = agent_counts(world, skill)
    goal, threshold = sla_targets(skill)
    campaign_id, campaign_name = campaign_of(world, skill)
    day = figures(world.contacts.values(), skill.skill_id, day_start(world), world.now + 1e-9)
    waiting = queued(world, skill)
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
        "queueCount": waiting,
        "serviceLevel": day.service_level,
        "serviceLevelGoal": goal,
        "serviceLevelThreshold": threshold,
        "skillName": skill.name,
        "skillId": skill.skill_id,
        "skillQueueCount": waiting,
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


@router.post("/skills/activity/search", openapi_extra=request_body(_SearchBody, required=False))
async def search_activity(ctx: Ctx = _REPORT) -> Any:
    """Current activity of the skills a filter selects; paged, 204 when the page is empty."""
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
