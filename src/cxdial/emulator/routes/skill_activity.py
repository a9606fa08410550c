"""Skill agents and real-time skill activity (cxone-api.md §3.1, §3.7).

Registered before the skills router so ``/skills/activity`` is not read as a skill id.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803, N815

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Skill
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.common import (
    CxoneRoute,
    business_unit_meta,
    filter_items,
    find_skill,
    listing,
    since,
)
from cxdial.emulator.routes.shapes import TEAM
from cxdial.emulator.validation import StrictModel, parse_body

__all__ = ["router"]

router = APIRouter(prefix=ACD_PREFIX, route_class=CxoneRoute)
_VIEW = Depends(acd("Skills View"))
_EDIT = Depends(acd("Skills Edit"))
_REPORT = Depends(acd("Reporting View"))


class _AgentItem(StrictModel):
    """One agent: the spec types ``agentId`` a string (CJ), MCP sends numbers."""

    agentId: int | str
    isActive: bool | None = None
    proficiency: int | None = None


class _AgentsBody(StrictModel):
    agents: list[_AgentItem]


_ACTIVITY_FIELDS = [
    "serverTime",
    "businessUnitId",
    "skillId",
    "skillName",
    "campaignId",
    "campaignName",
    "mediaTypeId",
    "mediaTypeName",
    "isActive",
    "isOutbound",
    "isNaturalCalling",
    "isPersonalConnection",
    "isRunning",
    "agentsLoggedIn",
    "agentsAvailable",
    "agentsIdle",
    "agentsWorking",
    "agentsACW",
    "agentsUnavailable",
    "queueCount",
    "skillQueueCount",
    "personalQueueCount",
    "parkedCount",
    "contactsActive",
    "earliestQueueTime",
    "inSLA",
    "outSLA",
    "serviceLevel",
    "serviceLevelGoal",
    "serviceLevelThreshold",
    "emailFromAddress",
]


@router.get("/skills/activity")
async def all_activity(
    ctx: Ctx = _REPORT,
    IsOutbound: str | None = None,
    isOutbound: str | None = None,
    mediaTypeId: str | None = None,
    updatedSince: str | None = None,
    fields: str | None = None,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """Real-time activity of every skill (the spec's query name is ``IsOutbound``).

    Every skill is reported whatever ``updatedSince`` says (validated, not filtered): the
    counts change with every call, and an over-answer is safe for a poller (design).
    """
    since(ctx, updatedSince, "updatedSince")
    flag = IsOutbound if IsOutbound is not None else isOutbound
    items = [_activity(ctx, s) for s in ctx.world.skills.values()]
    items = filter_items(items, {"isOutbound": flag, "mediaTypeId": mediaTypeId})
    return listing(
        ctx,
        items,
        key="skillActivity",
        known=_ACTIVITY_FIELDS,
        top=top,
        skip=skip,
        fields=fields,
        extra={"lastPollTime": ctx.world.iso(ctx.world.now)},
    )


_ASSIGNMENT_FIELDS = [
    "agentId",
    "firstName",
    "middleName",
    "lastName",
    "agentProficiencyValue",
    "agentProficiencyName",
    "campaignId",
    "campaignName",
    "isActive",
    "isSkillActive",
    "isDialer",
    "isNaturalCalling",
    "isOutbound",
    "lastUpdateTime",
    "mediaTypeId",
    "mediaTypeName",
    "outboundStrategy",
    "skillId",
    "skillName",
    "teamId",
    "teamName",
    "requireDisposition",
]


@router.get("/skills/{skill_id}/agents")
async def skill_agents(
    skill_id: int,
    ctx: Ctx = _VIEW,
    fields: str | None = None,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """Agents assigned to the skill: ``agentSkillAssignments`` (CJ getSkillAgentsResponse),
    with the proficiency and active flag ``PUT /skills/{id}/agents`` set (``world.admin``)."""
    skill = find_skill(ctx, skill_id)
    admin = ctx.world.admin
    agents = [ctx.world.agents[a] for a in sorted(skill.agent_ids) if a in ctx.world.agents]
    campaign = admin.campaigns.get(skill.campaign_id)
    items = [
        {
            "agentId": a.agent_id,
            "firstName": a.first_name,
            "middleName": None,
            "lastName": a.last_name,
            "agentProficiencyValue": admin.proficiency_of(skill_id, a.agent_id),
            "agentProficiencyName": str(admin.proficiency_of(skill_id, a.agent_id)),
            "campaignId": skill.campaign_id,
            "campaignName": campaign.name if campaign else None,
            "isActive": admin.assignment_active.get((skill_id, a.agent_id), True),
            "isSkillActive": skill.is_active,
            "isDialer": skill.is_pc,
            "isNaturalCalling": False,
            "isOutbound": skill.is_outbound,
            "lastUpdateTime": ctx.world.iso(skill.updated),
            "mediaTypeId": skill.media_type_id,
            "mediaTypeName": "Phone Call",
            "outboundStrategy": skill.outbound_strategy,
            "skillId": skill.skill_id,
            "skillName": skill.name,
            "teamId": TEAM[0],
            "teamName": TEAM[1],
            "requireDisposition": skill.require_disposition,
        }
        for a in agents
    ]
    return listing(
        ctx,
        items,
        key="agentSkillAssignments",
        known=_ASSIGNMENT_FIELDS,
        top=top,
        skip=skip,
        fields=fields,
        extra={**business_unit_meta(ctx), "hiddenAgents": 0},
    )


@router.api_route(
    "/skills/{skill_id}/agents",
    methods=["POST", "DELETE"],
    openapi_extra=request_body(_AgentsBody, array_of=_AgentItem),
)
async def change_skill_agents(skill_id: int, ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Assign (POST) or unassign (DELETE) agents; 200 with a result per agent.

    The body is ``{agents: [...]}`` (spec) or a bare array (MCP); ``agentId`` a string
    (spec) or a number (MCP).
    """
    skill = find_skill(ctx, skill_id)
    body = await parse_body(ctx.request, _AgentsBody, list_key="agents")
    adding = ctx.request.method == "POST"
    results: list[dict[str, Any]] = []
    for item in body.agents:
        agent_id = _agent_id(item.agentId)
        if agent_id is None or agent_id not in ctx.world.agents:
            results.append({"agentId": item.agentId, "success": False, "error": "Agent not found"})
            continue
        if adding:
            skill.agent_ids.add(agent_id)
        else:
            skill.agent_ids.discard(agent_id)
        results.append({"agentId": agent_id, "success": True, "error": None})
    errors = sum(1 for r in results if not r["success"])
    return {"resultSet": {"errorCount": errors, "agentResults": results}}


def _agent_id(value: int | str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _activity(ctx: Ctx, skill: Skill) -> dict[str, Any]:
    world = ctx.world
    agents = [world.agents[a] for a in skill.agent_ids if a in world.agents]
    queued = sum(
        1
        for lst in world.lists.values()
        for r in lst.records
        if r.skill_id == skill.skill_id and not r.finalized
    )
    return {
        "serverTime": world.iso(world.now),
        "businessUnitId": DEMO_BUSINESS_UNIT,
        "skillId": skill.skill_id,
        "skillName": skill.name,
        "campaignId": skill.campaign_id,
        "campaignName": None,
        "mediaTypeId": skill.media_type_id,
        "mediaTypeName": "Phone Call",
        "isActive": skill.is_active,
        "isOutbound": skill.is_outbound,
        "isNaturalCalling": False,
        "isPersonalConnection": skill.is_pc,
        "isRunning": skill.is_running,
        "agentsLoggedIn": sum(1 for a in agents if a.state != "LoggedOut"),
        "agentsAvailable": sum(1 for a in agents if a.state == "Available"),
        "agentsIdle": sum(1 for a in agents if a.state == "Available"),
        "agentsWorking": sum(1 for a in agents if a.state == "OutboundContact"),
        "agentsACW": sum(1 for a in agents if a.state == "Unavailable"),
        "agentsUnavailable": sum(1 for a in agents if a.state == "Unavailable"),
        "queueCount": queued,
        "skillQueueCount": queued,
        "personalQueueCount": 0,
        "parkedCount": 0,
        "contactsActive": sum(
            1 for c in world.contacts.values() if c.active and c.skill_id == skill.skill_id
        ),
        "earliestQueueTime": None,
        "inSLA": 0,
        "outSLA": 0,
        "serviceLevel": 0,
        "serviceLevelGoal": 80,
        "serviceLevelThreshold": 30,
        "emailFromAddress": None,
    }


@router.get("/skills/{skill_id}/activity")
async def skill_activity(skill_id: int, ctx: Ctx = _REPORT) -> dict[str, Any]:
    """Real-time activity of one skill (CJ skillActivityById: with ``lastPollTime``)."""
    activity = _activity(ctx, find_skill(ctx, skill_id))
    return {"lastPollTime": ctx.world.iso(ctx.world.now), "skillActivity": [activity]}
