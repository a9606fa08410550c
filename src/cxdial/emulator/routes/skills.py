"""Skills: create, read, update, start/stop (cxone-api.md §3.1), agents, activity, summary."""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803, N815

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response

from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Skill
from cxdial.emulator.errors import ApiError
from cxdial.emulator.routes.common import accepted, find_skill, page, since
from cxdial.emulator.telephony import end_contact
from cxdial.emulator.validation import StrictModel, parse_body, query_flag
from cxdial.emulator.world import CALLER_IDS

__all__ = ["router", "skill_json"]

router = APIRouter(prefix=ACD_PREFIX)
_VIEW = Depends(acd("Skills View"))
_EDIT = Depends(acd("Skills Edit"))
_REPORT = Depends(acd("Reporting View"))


class SkillFields(StrictModel):
    """Writable skill fields (CXone names, abbreviated)."""

    skillName: str | None = None
    mediaTypeId: int | None = None
    isOutbound: bool | None = None
    outboundStrategy: str | None = None
    campaignId: int | None = None
    callerIdOverride: str | None = None
    scriptId: int | None = None
    agentless: bool | None = None
    agentlessPorts: int | None = None
    outboundTelecomRouteId: int | None = None
    callSuppressionScriptId: int | None = None
    requireDisposition: bool | None = None
    deliverMultipleNumbersSerially: bool | None = None
    isActive: bool | None = None
    notes: str | None = None


class _CreateBody(StrictModel):
    skills: list[SkillFields]


class _UpdateBody(StrictModel):
    skill: SkillFields


class _AgentItem(StrictModel):
    agentId: int
    isActive: bool | None = None
    proficiency: int | None = None


class _AgentsBody(StrictModel):
    agents: list[_AgentItem]


def skill_json(ctx: Ctx, skill: Skill) -> dict[str, Any]:
    """A skill as CXone lists it."""
    return {
        "skillId": skill.skill_id,
        "skillName": skill.name,
        "mediaTypeId": skill.media_type_id,
        "mediaTypeName": "Phone Call" if skill.media_type_id == 4 else "Other",
        "isActive": skill.is_active,
        "isOutbound": skill.is_outbound,
        "outboundStrategy": skill.outbound_strategy if skill.is_outbound else None,
        "isRunning": skill.is_running,
        "campaignId": skill.campaign_id,
        "callerIdOverride": skill.caller_id_override,
        "scriptId": skill.script_id,
        "agentless": skill.agentless,
        "agentlessPorts": skill.agentless_ports,
        "requireDisposition": skill.require_disposition,
        "dispositions": [],
        "lastUpdateTime": ctx.world.iso(skill.updated),
        **skill.extra,
    }


def _apply(skill: Skill, fields: SkillFields) -> None:
    data = fields.model_dump(exclude_none=True)
    mapping = {
        "skillName": "name",
        "mediaTypeId": "media_type_id",
        "isOutbound": "is_outbound",
        "outboundStrategy": "outbound_strategy",
        "campaignId": "campaign_id",
        "callerIdOverride": "caller_id_override",
        "scriptId": "script_id",
        "agentless": "agentless",
        "agentlessPorts": "agentless_ports",
        "requireDisposition": "require_disposition",
        "isActive": "is_active",
    }
    for key, value in data.items():
        if key in mapping:
            setattr(skill, mapping[key], value)
        else:
            skill.extra[key] = value


def _item_error(ctx: Ctx, fields: SkillFields, creating: bool) -> str | None:
    if creating and not fields.skillName:
        return "skillName is required"
    if fields.skillName and any(s.name == fields.skillName for s in ctx.world.skills.values()):
        return f"A skill named '{fields.skillName}' already exists"
    if fields.mediaTypeId is not None and fields.mediaTypeId not in (1, 3, 4, 5, 6):
        return f"mediaTypeId {fields.mediaTypeId} is not a media type (4 = phone call)"
    strategy = fields.outboundStrategy
    if strategy is not None and strategy not in ("Personal Connection", "Manual"):
        return "outboundStrategy must be 'Personal Connection' or 'Manual'"
    if fields.callerIdOverride is not None and fields.callerIdOverride not in CALLER_IDS:
        return f"callerIdOverride {fields.callerIdOverride} is not a number this business unit owns"
    return None


@router.get("/skills")
async def list_skills(
    ctx: Ctx = _VIEW,
    mediaTypeId: int | None = None,
    outboundStrategy: str | None = None,
    isOutbound: str | None = None,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """Skills, filtered and paged."""
    outbound = None if isOutbound is None else query_flag(isOutbound, "isOutbound")
    skills = [
        s
        for s in ctx.world.skills.values()
        if (mediaTypeId is None or s.media_type_id == mediaTypeId)
        and (outboundStrategy is None or s.outbound_strategy == outboundStrategy)
        and (outbound is None or s.is_outbound == outbound)
    ]
    chunk, meta = page(ctx, skills, top, skip)
    return {"skills": [skill_json(ctx, s) for s in chunk], **meta}


@router.post("/skills")
async def create_skills(ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Batch create: 200 with a result per item, even when some fail."""
    body = await parse_body(ctx.request, _CreateBody)
    world, results = ctx.world, []
    for fields in body.skills:
        error = _item_error(ctx, fields, creating=True)
        if error:
            results.append({"success": False, "error": error, "skillId": None})
            continue
        skill = Skill(world.next_id("skill"), fields.skillName or "", created=world.now)
        _apply(skill, fields)
        skill.updated = world.now
        if skill.is_pc:
            skill.agent_ids = {a.agent_id for a in world.agents.values() if a.simulated}
        world.skills[skill.skill_id] = skill
        results.append({"success": True, "error": None, "skillId": skill.skill_id})
    errors = sum(1 for r in results if not r["success"])
    return {"errorCount": errors, "skillsResults": results}


@router.get("/skills/activity")
async def all_activity(ctx: Ctx = _REPORT, isOutbound: str | None = None) -> Any:
    """Real-time activity of every skill."""
    outbound = None if isOutbound is None else query_flag(isOutbound, "isOutbound")
    skills = [s for s in ctx.world.skills.values() if outbound is None or s.is_outbound == outbound]
    return {
        "skillActivity": [_activity(ctx, s) for s in skills],
        "serverTime": ctx.world.iso(ctx.world.now),
    }


@router.get("/skills/{skill_id}")
async def get_skill(skill_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """One skill."""
    return {"skills": [skill_json(ctx, find_skill(ctx, skill_id))]}


@router.put("/skills/{skill_id}")
async def update_skill(skill_id: int, ctx: Ctx = _EDIT) -> Response:
    """Update a skill's fields."""
    skill = find_skill(ctx, skill_id)
    body = await parse_body(ctx.request, _UpdateBody)
    if body.skill.skillName == skill.name:
        body.skill.skillName = None
    error = _item_error(ctx, body.skill, creating=False)
    if error:
        raise ApiError(400, "InvalidParameter", error)
    _apply(skill, body.skill)
    skill.updated = ctx.world.now
    return Response(status_code=200)


@router.post("/skills/{skill_id}/start")
async def start_skill(skill_id: int, ctx: Ctx = _EDIT) -> Response:
    """Start a Personal Connection skill: its records become dialable."""
    skill = find_skill(ctx, skill_id)
    if not skill.is_pc:
        raise ApiError(
            400, "InvalidSkill", f"Skill {skill_id} is not an outbound Personal Connection skill"
        )
    if not skill.is_active:
        raise ApiError(409, "SkillInactive", f"Skill {skill_id} is inactive; activate it first")
    skill.is_running = True
    skill.updated = ctx.world.now
    ctx.world.advance()
    return accepted()


@router.post("/skills/{skill_id}/stop")
async def stop_skill(skill_id: int, ctx: Ctx = _EDIT, force: str | None = None) -> Response:
    """Stop dialing; ``force=true`` also ends the skill's active calls."""
    skill = find_skill(ctx, skill_id)
    if not skill.is_pc:
        raise ApiError(
            400, "InvalidSkill", f"Skill {skill_id} is not an outbound Personal Connection skill"
        )
    skill.is_running = False
    skill.updated = ctx.world.now
    if query_flag(force, "force"):
        for contact in list(ctx.world.contacts.values()):
            if contact.active and contact.skill_id == skill_id and contact.via == "dialer":
                end_contact(ctx.world, contact, "Skill Force Stopped")
    return accepted()


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
