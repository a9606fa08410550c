"""Skills: create, read, update, start and stop (cxone-api.md §3.1)."""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, create_model

from cxdial.emulator.credentials import DEMO_TENANT_ID
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Skill
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.common import (
    CxoneRoute,
    accepted,
    api_version,
    filter_items,
    find_skill,
    listing,
    since,
)
from cxdial.emulator.routes.dispositions import skill_disposition_items
from cxdial.emulator.telephony import end_contact
from cxdial.emulator.validation import StrictModel, parse_body, query_flag
from cxdial.emulator.world import CALLER_IDS

__all__ = ["SKILL_FIELDS", "router", "skill_json"]

router = APIRouter(prefix=ACD_PREFIX, route_class=CxoneRoute)
_VIEW = Depends(acd("Skills View"))
_EDIT = Depends(acd("Skills Edit"))


_INT: Any = (int | None, None)
_BOOL: Any = (bool | None, None)
_STR: Any = (str | None, None)
_COMMON_FIELDS: dict[str, Any] = {
    **{
        name: _INT
        for name in [
            "divisionNo",
            "campaignId",
            "scriptId",
            "reskillHours",
            "minWFIAgents",
            "minWFIAvailableAgents",
            "minWorkingTime",
            "agentlessPorts",
            "acwTypeId",
            "stateIdACW",
            "maxSecondsACW",
            "agentRestTime",
            "callSuppressionScriptId",
            "screenPopTriggerEvent",
            "initialPriority",
            "acceleration",
            "maxPriority",
            "serviceLevelThreshold",
            "serviceLevelGoal",
            "shortAbandonThreshold",
            "chatWarningThreshold",
            "smsTransportCodeId",
            "messageTemplateId",
            "acwPostTimeoutStateId",
            "outboundTelecomRouteId",
            "evaluationCriteria",
            "EquityLevel",
            "FallbackTime",
            "FocusLock",
            "FocusMetric",
        ]
    },
    **{
        name: _BOOL
        for name in [
            "emailFromEditable",
            "requireManualAccept",
            "interruptible",
            "enableParking",
            "agentless",
            "requireDisposition",
            "allowSecondaryDisposition",
            "displayThankyou",
            "popThankYou",
            "makeTranscriptAvailable",
            "priorityBlending",
            "useScreenPops",
            "useCustomScreenPops",
            "enableShortAbandon",
            "countShortAbandons",
            "agentTypingIndicator",
            "deliverMultipleNumbersSerially",
            "cradleToGrave",
            "priorityInterrupt",
            "isActive",
        ]
    },
    **{
        name: _STR
        for name in [
            "skillName",
            "callerIdOverride",
            "emailFromAddress",
            "emailBccAddress",
            "notes",
            "thankYouLink",
            "transcriptFromAddress",
            "screenPopType",
            "screenPopDetails",
        ]
    },
    "dispositions": (list[dict[str, Any]] | None, None),
}
SkillFields: type[BaseModel] = create_model(
    "SkillFields",
    __base__=StrictModel,
    __doc__="One skill of POST /skills: the spec's ~60 fields (CJ postSkills), CXone's types.",
    mediaTypeId=_INT,
    isOutbound=_BOOL,
    outboundStrategy=_STR,
    popThankYouURL=_STR,
    patronTypingPreview=_BOOL,
    workItemQueueType=_STR,
    **_COMMON_FIELDS,
)
SkillChanges: type[BaseModel] = create_model(
    "SkillChanges",
    __base__=StrictModel,
    __doc__="The skill of PUT /skills/{id} (CJ putSkillsId: ``mediatypeid`` in lower case).",
    mediatypeid=_INT,
    popThankYouUrl=_STR,
    patronTypingIndicator=_BOOL,
    **_COMMON_FIELDS,
)


class _CreateBody(StrictModel):
    skills: list[SkillFields]


class _UpdateBody(StrictModel):
    skill: SkillChanges


SKILL_FIELDS = [
    "skillId",
    "skillName",
    "mediaTypeId",
    "mediaTypeName",
    "workItemQueueType",
    "isActive",
    "campaignId",
    "campaignName",
    "notes",
    "acwTypeId",
    "TenantId",
    "stateIdACW",
    "maxSecondsACW",
    "requireDisposition",
    "allowSecondaryDisposition",
    "agentRestTime",
    "isOutbound",
    "outboundStrategy",
    "isRunning",
    "priorityBlending",
    "callerIdOverride",
    "scriptId",
    "scriptName",
    "interruptible",
    "callSuppressionScriptId",
    "reskillHours",
    "minWFIAgents",
    "minWFIAvailableAgents",
    "useScreenPops",
    "minWorkingTime",
    "agentless",
    "agentlessPorts",
    "initialPriority",
    "acceleration",
    "maxPriority",
    "serviceLevelThreshold",
    "serviceLevelGoal",
    "enableShortAbandon",
    "shortAbandonThreshold",
    "countShortAbandons",
    "dispositions",
    "deliverMultipleNumbersSerially",
    "cradleToGrave",
    "priorityInterrupt",
    "outboundTelecomRouteId",
    "requireManualAccept",
    "lastUpdateTime",
]
"""The fields of a skill as GET answers it (CJ getSkillsId; ``lastUpdateTime`` from GET /skills)."""


def skill_json(ctx: Ctx, skill: Skill) -> dict[str, Any]:
    """A skill as CXone lists it (spec field set; values the emulator sets or was given)."""
    extra = skill.extra
    return {
        "skillId": skill.skill_id,
        "skillName": skill.name,
        "mediaTypeId": skill.media_type_id,
        "mediaTypeName": "Phone Call" if skill.media_type_id == 4 else "Other",
        "workItemQueueType": None,
        "isActive": skill.is_active,
        "campaignId": skill.campaign_id,
        "campaignName": "Default" if skill.campaign_id == 0 else None,
        "notes": extra.get("notes"),
        "acwTypeId": extra.get("acwTypeId", 1),
        "TenantId": DEMO_TENANT_ID,
        "stateIdACW": extra.get("stateIdACW", 0),
        "maxSecondsACW": extra.get("maxSecondsACW", 0),
        "requireDisposition": skill.require_disposition,
        "allowSecondaryDisposition": extra.get("allowSecondaryDisposition", False),
        "agentRestTime": extra.get("agentRestTime", 0),
        "isOutbound": skill.is_outbound,
        "outboundStrategy": skill.outbound_strategy if skill.is_outbound else None,
        "isRunning": skill.is_running,
        "priorityBlending": extra.get("priorityBlending", False),
        "callerIdOverride": skill.caller_id_override,
        "scriptId": skill.script_id,
        "scriptName": None,
        "interruptible": extra.get("interruptible", False),
        "callSuppressionScriptId": extra.get("callSuppressionScriptId"),
        "reskillHours": extra.get("reskillHours", 0),
        "minWFIAgents": extra.get("minWFIAgents", 0),
        "minWFIAvailableAgents": extra.get("minWFIAvailableAgents", 0),
        "useScreenPops": extra.get("useScreenPops", False),
        "minWorkingTime": extra.get("minWorkingTime", 0),
        "agentless": skill.agentless,
        "agentlessPorts": skill.agentless_ports,
        "initialPriority": extra.get("initialPriority", 0),
        "acceleration": extra.get("acceleration", 1),
        "maxPriority": extra.get("maxPriority", 1000),
        "serviceLevelThreshold": extra.get("serviceLevelThreshold", 30),
        "serviceLevelGoal": extra.get("serviceLevelGoal", 80),
        "enableShortAbandon": extra.get("enableShortAbandon", False),
        "shortAbandonThreshold": extra.get("shortAbandonThreshold", 0),
        "countShortAbandons": extra.get("countShortAbandons", False),
        "dispositions": skill_disposition_items(ctx, skill),
        "deliverMultipleNumbersSerially": extra.get("deliverMultipleNumbersSerially", False),
        "cradleToGrave": extra.get("cradleToGrave", False),
        "priorityInterrupt": extra.get("priorityInterrupt", False),
        "outboundTelecomRouteId": extra.get("outboundTelecomRouteId"),
        "requireManualAccept": extra.get("requireManualAccept", False),
        "lastUpdateTime": ctx.world.iso(skill.updated),
        **{k: v for k, v in extra.items() if k not in _SHOWN},
    }


_SHOWN = set(SKILL_FIELDS)


def _apply(skill: Skill, fields: BaseModel) -> None:
    data = fields.model_dump(exclude_none=True)
    mapping = {
        "skillName": "name",
        "mediaTypeId": "media_type_id",
        "mediatypeid": "media_type_id",
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


def _item_error(ctx: Ctx, fields: BaseModel, creating: bool) -> str | None:
    data = fields.model_dump(exclude_none=True)
    name = data.get("skillName")
    if creating and not name:
        return "skillName is required"
    if name and any(s.name == name for s in ctx.world.skills.values()):
        return f"A skill named '{name}' already exists"
    media = data.get("mediaTypeId", data.get("mediatypeid"))
    if media is not None and media not in (1, 3, 4, 5, 6):
        return f"mediaTypeId {media} is not a media type (4 = phone call)"
    strategy = data.get("outboundStrategy")
    if strategy is not None and strategy not in ("Personal Connection", "Manual"):
        return "outboundStrategy must be 'Personal Connection' or 'Manual'"
    caller = data.get("callerIdOverride")
    if caller is not None and caller not in CALLER_IDS:
        return f"callerIdOverride {caller} is not a number this business unit owns"
    return None


@router.get("/skills")
async def list_skills(
    ctx: Ctx = _VIEW,
    mediaTypeId: str | None = None,
    outboundStrategy: str | None = None,
    isOutbound: str | None = None,
    isActive: str | None = None,
    searchString: str | None = None,
    updatedSince: str | None = None,
    fields: str | None = None,
    orderBy: str | None = None,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """Skills, searched, filtered and paged; 204 when the page holds nothing."""
    after = since(ctx, updatedSince, "updatedSince")
    chosen = [s for s in ctx.world.skills.values() if after is None or s.updated >= after]
    items = [skill_json(ctx, s) for s in chosen]
    if searchString:
        items = [s for s in items if searchString.lower() in s["skillName"].lower()]
    filters = {
        "mediaTypeId": mediaTypeId,
        "outboundStrategy": outboundStrategy,
        "isOutbound": isOutbound,
        "isActive": isActive,
    }
    known = list(dict.fromkeys([*SKILL_FIELDS, *(k for s in items for k in s)]))
    return listing(
        ctx,
        filter_items(items, filters),
        key="skills",
        known=known,
        top=top,
        skip=skip,
        fields=fields,
        order_by=orderBy,
    )


@router.post("/skills", openapi_extra=request_body(_CreateBody))
async def create_skills(ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Batch create: 200 with a result per item, even when some fail.

    Items are ``{success, error}`` as in the spec, plus the new ``skillId`` (which MCP
    reads and the spec omits: an emulator addition).
    """
    body = await parse_body(ctx.request, _CreateBody)
    world, results = ctx.world, []
    for fields in body.skills:
        error = _item_error(ctx, fields, creating=True)
        if error:
            results.append({"success": False, "error": error, "skillId": None})
            continue
        skill = Skill(world.next_id("skill"), "", created=world.now)
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
    """One skill, flat as in the spec (CJ getSkillsId)."""
    return skill_json(ctx, find_skill(ctx, skill_id))


@router.put("/skills/{skill_id}", openapi_extra=request_body(_UpdateBody))
async def update_skill(skill_id: int, ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Update a skill's fields: ``{success, skillId}`` (CJ putSkillsId)."""
    skill = find_skill(ctx, skill_id)
    body = await parse_body(ctx.request, _UpdateBody)
    changes = body.skill
    if getattr(changes, "skillName", None) == skill.name:
        changes.skillName = None  # type: ignore[attr-defined]
    error = _item_error(ctx, changes, creating=False)
    if error:
        raise ApiError(400, "InvalidParameter", error)
    _apply(skill, changes)
    skill.updated = ctx.world.now
    return {"success": True, "skillId": skill_id}


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


_GET_STOP_MAX = 12
"""QA's v12 lab tests stop a skill with GET; later versions only take POST (design)."""


@router.api_route("/skills/{skill_id}/stop", methods=["GET", "POST"])
async def stop_skill(skill_id: int, ctx: Ctx = _EDIT, force: str | None = None) -> Response:
    """Stop dialing (200, QA v12); ``force=true`` also ends the skill's active calls."""
    if ctx.request.method == "GET" and api_version(ctx) > _GET_STOP_MAX:
        raise ApiError(405, "MethodNotAllowed", "Stop a skill with POST (GET only up to v12.0)")
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
    return Response(status_code=200)
