"""Skills: create, read, update, start and stop (cxone-api.md §3.1)."""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803, N815

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response

from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Skill
from cxdial.emulator.errors import ApiError
from cxdial.emulator.routes.common import accepted, find_skill, page
from cxdial.emulator.telephony import end_contact
from cxdial.emulator.validation import StrictModel, parse_body, query_flag
from cxdial.emulator.world import CALLER_IDS

__all__ = ["router", "skill_json"]

router = APIRouter(prefix=ACD_PREFIX)
_VIEW = Depends(acd("Skills View"))
_EDIT = Depends(acd("Skills Edit"))


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
