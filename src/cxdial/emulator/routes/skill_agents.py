"""Skill-agent assignments beyond :mod:`.skill_activity`'s GET/POST/DELETE: modify them
(PUT), remove one agent, list unassigned agents, and ``GET /skills/agents``.

Shapes: calljacob/nice-cxone-api @28a1bd4b, ``AdminSkillsService.ts``
(``modifyAssignmentsSkill`` → ``{resultSet:{errorCount, agentResults}}``,
``deleteSkillsIdAgentsId``, ``AdminSkills_getSkillAgentsUnassignedResponse``
→ ``{resultSet:{_links, totalRecords, agents[]}}``, ``getAgentsAllSkills``
→ ``{lastPollTime, businessUnitId, agentSkillAssignments[], invalidSkills[{skillId}]}``).
Bodies: the spec's ``{agents:[{agentId: string, isActive?, proficiency?}]}``; the
bare array outboundani/cxone-mcp @17439bd6 sends (``assign_skill_agents``) is accepted
too, and ``agentId`` may be a number or a numeric string.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N815

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import TypeAdapter

from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Agent, Skill
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.admin_common import listing_page, read_json, validate_as
from cxdial.emulator.routes.common import find_skill
from cxdial.emulator.validation import StrictModel

__all__ = ["assignment_record", "router"]

router = APIRouter(prefix=ACD_PREFIX)
_VIEW = Depends(acd("Skills View"))
_EDIT = Depends(acd("Skills Edit"))
_PROFICIENCY = range(1, 21)
"""CXone proficiency levels: 1 (highest) to 20 (lowest)."""


class _AgentItem(StrictModel):
    agentId: int | str
    isActive: bool | None = None
    proficiency: int | None = None


class _AgentsBody(StrictModel):
    agents: list[_AgentItem]


_ITEMS = TypeAdapter(list[_AgentItem])


async def _agent_items(ctx: Ctx) -> list[_AgentItem]:
    data = await read_json(ctx)
    if isinstance(data, dict):
        if set(data) - {"agents"}:
            unknown = sorted(set(data) - {"agents"})[0]
            raise ApiError(400, "InvalidParameter", f"Unknown field '{unknown}'; expected agents")
        if "agents" not in data:
            raise ApiError(400, "InvalidParameter", "Missing required field 'agents'")
        data = data["agents"]
    if not isinstance(data, list):
        raise ApiError(400, "InvalidParameter", "'agents' must be an array")
    return validate_as(_ITEMS, data, "agents")


def _agent_id(value: int | str) -> int | None:
    if isinstance(value, int):
        return value
    return int(value) if value.strip().isdigit() else None


def assignment_record(ctx: Ctx, skill: Skill, agent: Agent) -> dict[str, Any]:
    """An ``agentSkillAssignments`` item (spec field set)."""
    admin = ctx.world.admin
    key = (skill.skill_id, agent.agent_id)
    proficiency = admin.proficiency_of(*key)
    campaign = admin.campaigns.get(skill.campaign_id)
    return {
        "agentId": agent.agent_id,
        "agentName": f"{agent.first_name} {agent.last_name}",
        "agentProficiencyValue": proficiency,
        "agentProficiencyName": str(proficiency),
        "campaignId": skill.campaign_id,
        "campaignName": campaign.name if campaign else None,
        "emailFromAddress": None,
        "internalId": str(agent.agent_id),
        "isActive": admin.assignment_active.get(key, True),
        "isSkillActive": skill.is_active,
        "isNaturalCalling": False,
        "isNaturalCallingRunning": False,
        "isOutbound": skill.is_outbound,
        "lastUpdateTime": ctx.world.iso(max(skill.updated, agent.updated)),
        "mediaType": skill.media_type_id,
        "mediaTypeName": "Phone Call" if skill.media_type_id == 4 else "Other",
        "notes": None,
        "outboundStrategy": skill.outbound_strategy if skill.is_outbound else None,
        "priorityBlending": False,
        "requireDispositions": skill.require_disposition,
        "scriptDisposition": False,
        "skillId": skill.skill_id,
        "skillName": skill.name,
        "useACW": True,
        "useDisposition": True,
        "useSecondaryDisposition": False,
        "screenPopTriggerEvent": None,
        "isAssigned": True,
    }


@router.get("/skills/agents")
async def agents_of_skills(ctx: Ctx = _VIEW, skills: str | None = None) -> Any:
    """Assignments of the comma-separated ``skills``; unknown ids go to ``invalidSkills``."""
    if skills is None or not skills.strip():
        raise ApiError(
            400,
            "InvalidParameter",
            "Missing required query parameter 'skills' (skill ids, comma-separated)",
        )
    world, found, invalid = ctx.world, [], []
    for part in skills.split(","):
        text = part.strip()
        skill = world.skills.get(int(text)) if text.isdigit() else None
        if skill is None:
            invalid.append({"skillId": int(text) if text.isdigit() else text})
            continue
        for agent_id in sorted(skill.agent_ids):
            if agent_id in world.agents:
                found.append(assignment_record(ctx, skill, world.agents[agent_id]))
    return {
        "lastPollTime": world.iso(world.now),
        "businessUnitId": DEMO_BUSINESS_UNIT,
        "agentSkillAssignments": found,
        "invalidSkills": invalid,
    }


@router.put(
    "/skills/{skill_id}/agents", openapi_extra=request_body(_AgentsBody, array_of=_AgentItem)
)
async def modify_assignments(skill_id: int, ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Change proficiency or the active flag of existing assignments; 200 with a result per
    agent (an agent not assigned to the skill fails its item)."""
    skill = find_skill(ctx, skill_id)
    items = await _agent_items(ctx)
    admin = ctx.world.admin
    results: list[dict[str, Any]] = []
    for item in items:
        agent_id = _agent_id(item.agentId)
        error = None
        if agent_id is None or agent_id not in ctx.world.agents:
            error = "Agent not found"
        elif agent_id not in skill.agent_ids:
            error = "Agent is not assigned to this skill; POST assigns it"
        elif item.proficiency is not None and item.proficiency not in _PROFICIENCY:
            error = "proficiency must be 1 (highest) to 20 (lowest)"
        if error:
            results.append({"agentId": item.agentId, "success": False, "error": error})
            continue
        assert agent_id is not None
        if item.proficiency is not None:
            admin.proficiency[(skill_id, agent_id)] = item.proficiency
        if item.isActive is not None:
            admin.assignment_active[(skill_id, agent_id)] = item.isActive
        results.append({"agentId": agent_id, "success": True, "error": None})
    skill.updated = ctx.world.now
    errors = sum(1 for r in results if not r["success"])
    return {"resultSet": {"errorCount": errors, "agentResults": results}}


@router.delete("/skills/{skill_id}/agents/{agent_id}")
async def remove_agent(skill_id: int, agent_id: int, ctx: Ctx = _EDIT) -> Response:
    """Unassign one agent from the skill."""
    skill = find_skill(ctx, skill_id)
    if agent_id not in skill.agent_ids:
        raise ApiError(
            404, "AgentNotFound", f"Agent {agent_id} is not assigned to skill {skill_id}"
        )
    skill.agent_ids.discard(agent_id)
    ctx.world.admin.proficiency.pop((skill_id, agent_id), None)
    ctx.world.admin.assignment_active.pop((skill_id, agent_id), None)
    skill.updated = ctx.world.now
    return Response(status_code=200)


@router.get("/skills/{skill_id}/agents/unassigned")
async def unassigned_agents(
    skill_id: int, ctx: Ctx = _VIEW, top: int | None = None, skip: int | None = None
) -> Any:
    """Agents of the business unit not assigned to the skill; 204 when the page is empty."""
    skill = find_skill(ctx, skill_id)
    agents = [a for a in ctx.world.agents.values() if a.agent_id not in skill.agent_ids]
    paged = listing_page(ctx, agents, top, skip)
    if isinstance(paged, Response):
        return paged
    chunk, meta = paged
    items = [
        {
            "agentId": a.agent_id,
            "firstName": a.first_name,
            "lastName": a.last_name,
            "isActive": True,
            "teamId": 1,
            "teamName": "Outbound",
        }
        for a in chunk
    ]
    return {
        "resultSet": {
            "_links": meta["_links"],
            "totalRecords": meta["totalRecords"],
            "agents": items,
        }
    }
