"""Skill parameter blocks: general, retry, schedule, time zones, delivery, CPA (§3.1, §4).

Field names are CXone's (from the official spec via cxone-api.md); unknown names are
refused with a 400 that names them. Defaults are the emulator's.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N815

from __future__ import annotations

import copy
from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, create_model

from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Skill
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.common import CxoneRoute, find_skill
from cxdial.emulator.validation import StrictModel, parse_body

__all__ = ["DEFAULTS", "router", "schedule_view", "zones_view"]

router = APIRouter(prefix=ACD_PREFIX, route_class=CxoneRoute)
_VIEW = Depends(acd("Skills View"))
_EDIT = Depends(acd("Skills Edit"))

Num = int | float


class GeneralSettings(StrictModel):
    """generalSettings (CJ AdminSkills_UpdateSkillGenral; several semantics undocumented)."""

    minimumRetryMinutes: int | None = None
    maximumAttempts: int | None = None
    defaultContactExpiration: int | None = None
    getPriorityContactsOnContactInsertion: bool | None = None
    loadCallbacks: bool | None = None
    loadFresh: bool | None = None
    loadNonFresh: bool | None = None
    overrideBusinessUnitAbandonRate: bool | None = None
    abandonRateThreshold: Num | None = None
    abandonRateCutoff: Num | None = None
    beginDampenPercentage: Num | None = None
    maximumRatio: Num | None = None
    aggressiveness: Num | str | None = None
    percentageOfAgentsBeforeOverdial: Num | None = None
    maxConcurrentCallsPerAgent: int | None = None
    maximumRingingDuration: int | None = None
    maxWaitTimeSeconds: int | None = None
    consecutiveAttemptsWithoutALiveConnect: int | None = None
    blockMultipleCalls: bool | None = None
    inactiveBlenderTimer: int | None = None
    enableDialingByProficiency: bool | None = None
    proficiencyFactor: Num | None = None
    waitTimeFactor: Num | bool | None = None
    endOfListNotificationsDelay: int | None = None
    notifyAgentsWhenListIsEmpty: bool | None = None
    deliverCallbacksOnDNCHolidays: bool | None = None
    deliverPrioritiesOnDNCHolidays: bool | None = None


class RetrySettings(StrictModel):
    """retrySettings: attempts and rest periods."""

    maximumAttempts: int | None = None
    minimumRetryMinutes: int | None = None
    restrictedCallingMinutes: int | None = None
    restrictedCallingMaxAttempts: int | None = None
    generalStaleMinutes: int | None = None
    callbackRestMinutes: int | None = None
    maximumNumberOfCallbacks: int | None = None
    callbackStaleMinutes: int | None = None
    finalizeWhenExhausted: bool | None = None
    maximumNumberOfHandledCalls: int | None = None
    releaseAgentSpecificCalls: bool | None = None
    loadNonFresh: bool | None = None


_DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
_DAY_FIELDS: dict[str, Any] = {
    f"{day}{suffix}": ((bool | None) if suffix == "IsActive" else (str | None), None)
    for day in _DAYS
    for suffix in ("IsActive", "StartTime", "EndTime")
}
ScheduleSettings: type[BaseModel] = create_model(
    "ScheduleSettings",
    __base__=StrictModel,
    __doc__="scheduleSettings: a weekly window with HH:MM times.",
    isScheduled=(bool | None, None),
    **_DAY_FIELDS,
)


class TimeZoneSetting(StrictModel):
    """One timeZoneSettings entry."""

    standardName: str
    startTime: str | None = None
    endTime: str | None = None
    timeZoneActiveToCall: bool | None = None
    overrideTime: bool | None = None


class DeliveryPreferences(StrictModel):
    """deliveryPreferences (CJ putSkillsIdParametersDeliveryPreferences; SDK v34 model)."""

    complianceRecordsDisabled: bool | None = None
    complianceRecordsDeliveryType: int | str | None = None
    complianceRecordsTimeout: int | None = None
    complianceRecordsTimeoutSubsequent: int | None = None
    complianceRecordsDefaultAccept: bool | None = None
    confirmationRequiredDisabled: bool | None = None
    confirmationRequiredDeliveryType: int | str | None = None
    confirmationRequiredTimeout: int | None = None
    confirmationRequiredTimeoutSubsequent: int | None = None
    confirmationRequiredDefaultAccept: bool | None = None
    confirmationRequiredDefault: bool | None = None
    showComplianceButtonReschedule: bool | None = None
    showComplianceButtonRequeue: bool | None = None
    showComplianceButtonSnooze: bool | None = None
    showComplianceButtonDisposition: bool | None = None
    showPreviewButtonReschedule: bool | None = None
    showPreviewButtonRequeue: bool | None = None
    showPreviewButtonSnooze: bool | None = None
    showPreviewButtonDisposition: bool | None = None


class CpaSettings(StrictModel):
    """cpaSettings (CJ putSkillsIdParametersCpaManagement; SDK v23 model)."""

    abandonTimeout: int | None = None
    abandonMessagePath: str | None = None
    abandonMsgMode: str | int | None = None
    ansMachineDetMode: str | int | None = None
    ansMachineMsg: str | None = None
    ansMachineOverrideSeconds: int | None = None
    preConnectCPAEnabled: bool | None = None
    preConnectCPARecording: bool | None = None
    treatProgressAsRinging: bool | None = None
    exceptions: list[dict[str, Any]] | None = None
    agentOverrideOptionFax: bool | None = None
    agentOverrideOptionAnsweringMachine: bool | None = None
    agentOverrideOptionBadNumber: bool | None = None
    utteranceMinimumSeconds: Num | None = None
    customerLiveSilenceSeconds: Num | None = None
    machineMinimumWithAgentSeconds: Num | None = None
    machineMinimumWithoutAgentSeconds: Num | None = None
    machineEndSilenceSeconds: Num | None = None
    machineEndTimeoutSeconds: Num | None = None
    agentResponseUtteranceMinimumSeconds: Num | None = None
    agentNoResponseSeconds: Num | None = None
    agentVoiceThreshold: Num | None = None
    customerVoiceThreshold: Num | None = None
    enableCPALogging: bool | str | None = None


class _TimeZones(StrictModel):
    """PUT …/parameters/time-zones: the whole list of zones."""

    timeZoneSettings: list[TimeZoneSetting]


_BLOCKS: dict[str, tuple[str, type[BaseModel]]] = {
    "general-settings": ("generalSettings", GeneralSettings),
    "retry-settings": ("retrySettings", RetrySettings),
    "schedule-settings": ("scheduleSettings", ScheduleSettings),
    "delivery-preferences": ("deliveryPreferences", DeliveryPreferences),
    "cpa-management": ("cpaSettings", CpaSettings),
}

DEFAULTS: dict[str, Any] = {
    "generalSettings": {
        "maximumRingingDuration": 30,
        "maximumRatio": 1.0,
        "abandonRateThreshold": 3.0,
        "maxConcurrentCallsPerAgent": 1,
    },
    "retrySettings": {
        "maximumAttempts": 3,
        "minimumRetryMinutes": 60,
        "finalizeWhenExhausted": True,
    },
    "scheduleSettings": {"isScheduled": False},
    "deliveryPreferences": {
        "complianceRecordsDisabled": True,
        "confirmationRequiredDisabled": True,
    },
    "cpaSettings": {
        "ansMachineDetMode": "Disabled",
        "abandonTimeout": 2,
        "ansMachineOverrideSeconds": 0,
    },
    "timeZoneSettings": [],
}
"""Emulator defaults for each block."""


def _blocks(skill: Skill) -> dict[str, Any]:
    for key, value in DEFAULTS.items():
        skill.parameters.setdefault(key, copy.deepcopy(value))
    return skill.parameters


_DAYS_OF = {day: day.capitalize() for day in _DAYS}


def schedule_view(block: dict[str, Any]) -> dict[str, Any]:
    """scheduleSettings as GET /parameters shows it: ``{isScheduled, schedules[]}`` (CJ).

    The items of ``schedules`` are untyped in the spec; ``{day, isActive, startTime,
    endTime}`` is the emulator's reading of the flat day fields (INFERRED).
    """
    return {
        "isScheduled": block.get("isScheduled", False),
        "schedules": [
            {
                "day": label,
                "isActive": block.get(f"{day}IsActive", False),
                "startTime": block.get(f"{day}StartTime"),
                "endTime": block.get(f"{day}EndTime"),
            }
            for day, label in _DAYS_OF.items()
        ],
    }


def zones_view(zones: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """GET spells a zone ``name`` (PUT: ``standardName``; CJ); both are sent (design)."""
    return [
        {
            "name": z.get("standardName"),
            "standardName": z.get("standardName"),
            "description": z.get("standardName"),
            "overrideTime": z.get("overrideTime", False),
            "timeZoneActiveToCall": z.get("timeZoneActiveToCall", True),
            "startTime": z.get("startTime"),
            "endTime": z.get("endTime"),
        }
        for z in zones
    ]


def _get_block(ctx: Ctx, skill_id: int, key: str) -> dict[str, Any]:
    """One parameter block, **unwrapped** as the spec answers it (CJ; SDK skill-service.js).

    ``time-zones`` stays ``{timeZoneSettings: [...]}`` (a list cannot be unwrapped).
    ``cpa-management`` also carries ``AnsMachineOverrideSeconds``, the one key the spec
    documents for its GET, beside the camelCase block (design).
    """
    value = copy.deepcopy(_blocks(find_skill(ctx, skill_id))[key])
    if key == "timeZoneSettings":
        return {key: zones_view(value)}
    if key == "cpaSettings":
        return {**value, "AnsMachineOverrideSeconds": value.get("ansMachineOverrideSeconds", 0)}
    assert isinstance(value, dict)
    return value


def _put_block(ctx: Ctx, skill_id: int, key: str, parsed: BaseModel) -> Response:
    """Merge the given fields into one parameter block (time zones: replace the list)."""
    skill = find_skill(ctx, skill_id)
    blocks = _blocks(skill)
    if isinstance(parsed, _TimeZones):
        blocks[key] = [z.model_dump(exclude_none=True) for z in parsed.timeZoneSettings]
    else:
        merged = {**blocks[key], **getattr(parsed, key).model_dump(exclude_none=True)}
        _check(key, merged)
        blocks[key] = merged
    skill.updated = ctx.world.now
    return Response(status_code=200)


def _wrapper(key: str, model: type[BaseModel]) -> type[BaseModel]:
    """The PUT body of a block: the block under its own name (``{retrySettings: {…}}``)."""
    fields: dict[str, Any] = {key: (model, ...)}
    name = key[0].upper() + key[1:] + "Body"
    return create_model(name, __base__=StrictModel, **fields)


def _add_block_routes(block: str, key: str, body: type[BaseModel]) -> None:
    """GET and PUT ``/skills/{skill_id}/parameters/<block>``: one route per block, so each
    PUT documents its own body and each block answers its own versions."""
    path = f"/skills/{{skill_id}}/parameters/{block}"
    slug = block.replace("-", "_")

    async def get_block(skill_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
        return _get_block(ctx, skill_id, key)

    async def put_block(skill_id: int, ctx: Ctx = _EDIT) -> Response:
        return _put_block(ctx, skill_id, key, await parse_body(ctx.request, body))

    get_block.__doc__ = f"The {key} block (CJ getSkillsIdParameters; unwrapped)."
    put_block.__doc__ = f"Merge fields into the {key} block (CJ PUT …/parameters/{block})."
    router.add_api_route(path, get_block, methods=["GET"], name=f"get_{slug}")
    router.add_api_route(
        path,
        put_block,
        methods=["PUT"],
        name=f"put_{slug}",
        openapi_extra=request_body(body),
    )


for _name, (_key, _model) in _BLOCKS.items():
    _add_block_routes(_name, _key, _wrapper(_key, _model))
_add_block_routes("time-zones", "timeZoneSettings", _TimeZones)


def _check(key: str, block: dict[str, Any]) -> None:
    if key == "retrySettings" and block.get("maximumAttempts", 1) < 1:
        raise ApiError(400, "InvalidParameter", "retrySettings.maximumAttempts must be 1 or more")
    if key == "generalSettings" and not 5 <= block.get("maximumRingingDuration", 30) <= 120:
        raise ApiError(
            400, "InvalidParameter", "generalSettings.maximumRingingDuration must be 5 to 120 s"
        )
