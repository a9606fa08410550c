"""Skill agents, real-time skill activity and the skill summary (cxone-api.md §3.1, §3.6, §3.7).

Registered before the skills router so ``/skills/activity`` is not read as a skill id.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803, N815

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Skill
from cxdial.emulator.routes.common import find_skill, since
from cxdial.emulator.validation import StrictModel, parse_body, query_flag

__all__ = ["router"]

router = APIRouter(prefix=ACD_PREFIX)
_VIEW = Depends(acd("Skills View"))
_EDIT = Depends(acd("Skills Edit"))
_REPORT = Depends(acd("Reporting View"))


class _AgentItem(StrictModel):
    agentId: int
    isActive: bool | None = None
    proficiency: int | None = None


class _AgentsBody(StrictModel):
    agents: list[_AgentItem]


@router.get("/skills/activity")
async def all_activity(ctx: Ctx = _REPORT, isOutbound: str | None = None) -> Any:
    """Real-time activity of every skill."""
    outbound = None if isOutbound is None else query_flag(isOutbound, "isOutbound")
    skills = [s for s in ctx.world.skills.values() if outbound is None or s.is_outbound == outbound]
    return {
        "skillActivity": [_activity(ctx, s) for s in skills],
        "serverTime": ctx.world.iso(ctx.world.now),
    }


@router.get("/skills/{skill_id}/agents")
async def skill_agents(skill_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """Agents assigned to the skill."""
    skill = find_skill(ctx, skill_id)
    agents = [ctx.world.agents[a] for a in sorted(skill.agent_ids) if a in ctx.world.agents]
    items = [
        {
            "agentId": a.agent_id,
            "firstName": a.first_name,
            "lastName": a.last_name,
            "isActive": True,
            "proficiency": 1,
        }
        for a in agents
    ]
    return {"agents": items, "totalRecords": len(items)}


@router.api_route("/skills/{skill_id}/agents", methods=["POST", "DELETE"])
async def change_skill_agents(skill_id: int, ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Assign (POST) or unassign (DELETE) agents; 200 with a result per agent."""
    skill = find_skill(ctx, skill_id)
    body = await parse_body(ctx.request, _AgentsBody)
    adding = ctx.request.method == "POST"
    results = []
    for item in body.agents:
        if item.agentId not in ctx.world.agents:
            results.append({"agentId": item.agentId, "success": False, "error": "Agent not found"})
            continue
        if adding:
            skill.agent_ids.add(item.agentId)
        else:
            skill.agent_ids.discard(item.agentId)
        results.append({"agentId": item.agentId, "success": True, "error": None})
    errors = sum(1 for r in results if not r["success"])
    return {"resultSet": {"errorCount": errors, "agentResults": results}}


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
        "skillId": skill.skill_id,
        "skillName": skill.name,
        "isOutbound": skill.is_outbound,
        "isNaturalCalling": False,
        "isPersonalConnection": skill.is_pc,
        "isRunning": skill.is_running,
        "agentsLoggedIn": sum(1 for a in agents if a.state != "LoggedOut"),
        "agentsAvailable": sum(1 for a in agents if a.state == "Available"),
        "agentsWorking": sum(1 for a in agents if a.state == "OutboundContact"),
        "agentsACW": sum(1 for a in agents if a.state == "Unavailable"),
        "queueCount": queued,
        "contactsActive": sum(
            1 for c in world.contacts.values() if c.active and c.skill_id == skill.skill_id
        ),
    }


@router.get("/skills/{skill_id}/activity")
async def skill_activity(skill_id: int, ctx: Ctx = _REPORT) -> dict[str, Any]:
    """Real-time activity of one skill."""
    return {"skillActivity": [_activity(ctx, find_skill(ctx, skill_id))]}


@router.get("/skills/{skill_id}/summary")
async def skill_summary(
    skill_id: int,
    ctx: Ctx = _REPORT,
    startDate: str | None = None,
    endDate: str | None = None,
) -> dict[str, Any]:
    """Dials, connects, abandons and handle time over a date range (default: everything)."""
    find_skill(ctx, skill_id)
    start, end = since(ctx, startDate, "startDate"), since(ctx, endDate, "endDate")
    done = [
        c
        for c in ctx.world.contacts.values()
        if c.skill_id == skill_id
        and not c.active
        and c.outcome != "dnc"
        and (start is None or c.created >= start)
        and (end is None or c.created < end)
    ]
    connects = [c for c in done if c.answered_at is not None and c.outcome == "answered"]
    handled = [c for c in connects if c.agent_id is not None or c.via == "script"]
    abandons = sum(1 for c in done if c.abandoned)
    aht = sum((c.ended_at or 0) - (c.answered_at or 0) for c in handled) / max(len(handled), 1)
    return {
        "skillSummaries": [
            {
                "skillId": skill_id,
                "dials": len(done),
                "connects": len(connects),
                "contactsHandled": len(handled),
                "rightPartyConnects": len(handled),
                "abandonCount": abandons,
                "abandonRate": round(100.0 * abandons / len(connects), 2) if connects else 0.0,
                "connectsAHT": round(aht, 1),
            }
        ]
    }
