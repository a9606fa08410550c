"""Skill parameter blocks :mod:`.skill_parameters` does not serve: cadence, XS and list
management, and ``GET /skills/parameters`` (every skill's blocks).

Shapes: calljacob/nice-cxone-api @28a1bd4b, ``AdminSkillsService.ts``
(``putSkillsIdParametersCadenceSettings`` and ``putSkillsIdParametersListManagement`` take
**unwrapped** bodies; ``putSkillsIdParametersXsSettings`` takes ``{xsSettings:{…}}``;
``getSkillsParameters`` → ``{skills[{skillName, skillNo, …blocks}]}``;
``getSkillsIdParameters`` for the GET block names, e.g. ``cadenceMaximumAttempts`` and
``listManagementSettings.displayField2NAme`` (sic)). The spec types ``attemptMode`` a
string on PUT and a number on GET; both are accepted and kept as sent. PUT merges the
given fields into the block (whether CXone merges or replaces is UNVERIFIED). The blocks
live in :attr:`Skill.parameters` beside the other blocks.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N815

from __future__ import annotations

import copy
from typing import Any

from fastapi import APIRouter, Depends, Response

from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Skill
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.admin_common import read_json, validate
from cxdial.emulator.routes.common import find_skill
from cxdial.emulator.routes.skill_parameters import DEFAULTS, schedule_view, zones_view
from cxdial.emulator.validation import StrictModel

__all__ = ["BLOCK_DEFAULTS", "router", "skill_blocks"]

router = APIRouter(prefix=ACD_PREFIX)
_VIEW = Depends(acd("Skills View"))
_EDIT = Depends(acd("Skills Edit"))


class _FieldAttempts(StrictModel):
    fieldName: str
    attempts: int


class _Cadence(StrictModel):
    fieldName: str
    attempts: int | None = None
    timeConstraints: dict[str, Any] | list[Any] | None = None


class _CadenceBody(StrictModel):
    attemptMode: str | int | None = None
    recordRequestMode: str | int | None = None
    destinationRetryRestMinutes: int | None = None
    maximumAttempts: list[_FieldAttempts] | None = None
    cadences: list[_Cadence] | None = None


class _XsFields(StrictModel):
    xsScriptID: int | None = None
    xsCheckinScriptID: int | None = None
    externalOutboundSkill_No: str | None = None
    xsSkillChangedActive: bool | None = None
    xsGetContactsActive: bool | None = None
    xsFreshThreshold: int | None = None
    xsAvailableThreshold: int | None = None
    xsReadyThreshold: int | None = None
    xsNumberToRetrieve: int | None = None


class _XsBody(StrictModel):
    xsSettings: _XsFields


class _Ordering(StrictModel):
    orderType: str
    direction: str


class _ListManagementBody(StrictModel):
    displayField1Name: str | None = None
    displayField2Name: str | None = None
    listOrderingOptions: list[_Ordering] | None = None


BLOCK_DEFAULTS: dict[str, Any] = {
    "cadenceSettings": {
        "cadenceMaximumAttempts": [],
        "attemptMode": 0,
        "recordRequestMode": 0,
        "destinationRetryRestMinutes": 0,
        "cadences": [],
    },
    "xsSettings": {
        "xsScriptId": None,
        "xsCheckinScriptId": None,
        "externalOutboundSkill_No": None,
        "xsSkillChangedActive": False,
        "xsGetContactsActive": False,
        "xsFreshThreshold": 0,
        "xsAvailableThreshold": 0,
        "xsReadyThreshold": 0,
        "xsNumberToRetrieve": 0,
    },
    "listManagementSettings": {
        "displayField1Id": 0,
        "displayField1Name": None,
        "displayField2Id": 0,
        "displayField2NAme": None,
        "listOrderingOptions": [],
    },
    "filterSettings": {
        "isFilterActive": False,
        "excludePriority": False,
        "excludeCallback": False,
        "applyOptions": 0,
        "filterConditions": [],
    },
}
"""Emulator defaults of the blocks this module adds (names from the spec's GET)."""
_XS_GET_NAMES = {"xsScriptID": "xsScriptId", "xsCheckinScriptID": "xsCheckinScriptId"}
"""PUT spells ``…ID``, GET ``…Id`` (spec)."""


def _block(skill: Skill, key: str) -> dict[str, Any]:
    block = skill.parameters.get(key)
    if not isinstance(block, dict):
        block = skill.parameters[key] = copy.deepcopy(BLOCK_DEFAULTS[key])
    return block


def skill_blocks(ctx: Ctx, skill: Skill) -> dict[str, Any]:
    """Every parameter block of ``skill`` with its defaults, in the spec's GET shape
    (CJ getSkillsIdParameters, getSkillsParameters): ``scheduleSettings{isScheduled,
    schedules[]}``, ``timeZoneSettings[{name, …}]``, the calling lists feeding the skill."""
    blocks: dict[str, Any] = {}
    for key, value in {**DEFAULTS, **BLOCK_DEFAULTS}.items():
        blocks[key] = copy.deepcopy(skill.parameters.get(key, value))
    lists = [
        {"id": lst.list_id, "name": lst.name}
        for lst in ctx.world.lists.values()
        if skill.skill_id in lst.skill_ids
    ]
    return {
        "skillName": skill.name,
        "skillNo": skill.skill_id,
        **blocks,
        "scheduleSettings": schedule_view(blocks["scheduleSettings"]),
        "timeZoneSettings": zones_view(blocks["timeZoneSettings"]),
        "callingLists": lists,
    }


@router.get("/skills/parameters")
async def all_skills_parameters(ctx: Ctx = _VIEW) -> Any:
    """Parameter blocks of every outbound skill; 204 when there is none."""
    skills = [s for s in ctx.world.skills.values() if s.is_outbound]
    if not skills:
        return Response(status_code=204)
    return {"skills": [skill_blocks(ctx, s) for s in skills]}


@router.get("/skills/{skill_id}/parameters")
async def all_parameters(skill_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """Every parameter block of the skill with its defaults, cadence, XS, list management
    and filter included (CJ getSkillsIdParameters); ``skillId`` is kept beside the spec's
    ``skillNo`` (an emulator addition)."""
    return {**skill_blocks(ctx, find_skill(ctx, skill_id)), "skillId": skill_id}


@router.get("/skills/{skill_id}/parameters/cadence-settings")
async def get_cadence(skill_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """The cadence block, unwrapped."""
    return copy.deepcopy(_block(find_skill(ctx, skill_id), "cadenceSettings"))


@router.put(
    "/skills/{skill_id}/parameters/cadence-settings", openapi_extra=request_body(_CadenceBody)
)
async def put_cadence(skill_id: int, ctx: Ctx = _EDIT) -> Response:
    """Per-destination attempts and cadences; the body is the block itself."""
    skill = find_skill(ctx, skill_id)
    body = validate(_CadenceBody, await read_json(ctx))
    for item in body.maximumAttempts or []:
        if item.attempts < 1:
            raise ApiError(400, "InvalidParameter", "maximumAttempts[].attempts must be 1 or more")
    if body.destinationRetryRestMinutes is not None and body.destinationRetryRestMinutes < 0:
        raise ApiError(400, "InvalidParameter", "destinationRetryRestMinutes must be 0 or more")
    block = _block(skill, "cadenceSettings")
    given = body.model_dump(exclude_none=True)
    if "maximumAttempts" in given:
        block["cadenceMaximumAttempts"] = given.pop("maximumAttempts")
    block.update(given)
    skill.updated = ctx.world.now
    return Response(status_code=200)


@router.get("/skills/{skill_id}/parameters/xs-settings")
async def get_xs(skill_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """The Proactive XS block, wrapped in ``xsSettings`` as the PUT body is."""
    return {"xsSettings": copy.deepcopy(_block(find_skill(ctx, skill_id), "xsSettings"))}


@router.put("/skills/{skill_id}/parameters/xs-settings", openapi_extra=request_body(_XsBody))
async def put_xs(skill_id: int, ctx: Ctx = _EDIT) -> Response:
    """Proactive XS (records pulled from an external system) settings."""
    skill = find_skill(ctx, skill_id)
    body = validate(_XsBody, await read_json(ctx))
    given = body.xsSettings.model_dump(exclude_none=True)
    for name, value in given.items():
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise ApiError(400, "InvalidParameter", f"xsSettings.{name} must be 0 or more")
    block = _block(skill, "xsSettings")
    block.update({_XS_GET_NAMES.get(k, k): v for k, v in given.items()})
    skill.updated = ctx.world.now
    return Response(status_code=200)


@router.put(
    "/skills/{skill_id}/parameters/list-management",
    openapi_extra=request_body(_ListManagementBody),
)
async def put_list_management(skill_id: int, ctx: Ctx = _EDIT) -> Response:
    """Display fields and record ordering; the body is the block itself."""
    skill = find_skill(ctx, skill_id)
    body = validate(_ListManagementBody, await read_json(ctx))
    for option in body.listOrderingOptions or []:
        if option.direction.lower() not in ("ascending", "descending", "asc", "desc"):
            raise ApiError(
                400,
                "InvalidParameter",
                "listOrderingOptions[].direction must be Ascending or Descending",
            )
    block = _block(skill, "listManagementSettings")
    given = body.model_dump(exclude_none=True)
    if "displayField2Name" in given:
        block["displayField2NAme"] = given.pop("displayField2Name")  # the spec's GET spelling
    block.update(given)
    skill.updated = ctx.world.now
    return Response(status_code=200)
