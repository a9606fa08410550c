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
from cxdial.emulator.routes.common import find_skill
from cxdial.emulator.validation import StrictModel, parse_body

__all__ = ["DEFAULTS", "router"]

router = APIRouter(prefix=ACD_PREFIX)
_VIEW = Depends(acd("Skills View"))
_EDIT = Depends(acd("Skills Edit"))

Num = int | float


class GeneralSettings(StrictModel):
    """generalSettings (pacing knobs; semantics of several are undocumented by CXone)."""

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
    waitTimeFactor: Num | None = None
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
    """deliveryPreferences: compliance-record and confirmation-required delivery."""

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


class CpaSettings(StrictModel):
    """cpaSettings: call-progress analysis and answering-machine detection."""

    abandonTimeout: int | None = None
    abandonMessagePath: str | None = None
    abandonMsgMode: str | int | None = None
    ansMachineDetMode: str | int | None = None
    ansMachineMsg: str | None = None
    ansMachineOverrideSeconds: int | None = None
    preConnectCPAEnabled: bool | None = None


class _TimeZones(StrictModel):
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
    "cpaSettings": {"ansMachineDetMode": "Disabled", "abandonTimeout": 2},
    "timeZoneSettings": [],
}
"""Emulator defaults for each block."""


def _blocks(skill: Skill) -> dict[str, Any]:
    for key, value in DEFAULTS.items():
        skill.parameters.setdefault(key, copy.deepcopy(value))
    return skill.parameters


@router.get("/skills/{skill_id}/parameters")
async def all_parameters(skill_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """Every parameter block of the skill."""
    blocks = _blocks(find_skill(ctx, skill_id))
    return {"skillId": skill_id, **copy.deepcopy(blocks), "callingLists": _lists(ctx, skill_id)}


def _lists(ctx: Ctx, skill_id: int) -> list[dict[str, Any]]:
    return [
        {"listId": lst.list_id, "listName": lst.name}
        for lst in ctx.world.lists.values()
        if skill_id in lst.skill_ids
    ]


def _block(name: str) -> tuple[str, type[BaseModel] | None]:
    if name == "time-zones":
        return "timeZoneSettings", None
    if name not in _BLOCKS:
        valid = ", ".join([*_BLOCKS, "time-zones"])
        raise ApiError(404, "NotFound", f"No parameter block '{name}'; expected one of {valid}")
    return _BLOCKS[name]


@router.get("/skills/{skill_id}/parameters/{block}")
async def get_block(skill_id: int, block: str, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """One parameter block."""
    key, _ = _block(block)
    return {key: copy.deepcopy(_blocks(find_skill(ctx, skill_id))[key])}


@router.put("/skills/{skill_id}/parameters/{block}")
async def put_block(skill_id: int, block: str, ctx: Ctx = _EDIT) -> Response:
    """Merge the given fields into one parameter block."""
    key, model = _block(block)
    skill = find_skill(ctx, skill_id)
    blocks = _blocks(skill)
    if model is None:
        zones = await parse_body(ctx.request, _TimeZones)
        blocks[key] = [z.model_dump(exclude_none=True) for z in zones.timeZoneSettings]
    else:
        fields: dict[str, Any] = {key: (model, ...)}
        wrapper: type[BaseModel] = create_model(f"{key}Body", __base__=StrictModel, **fields)
        parsed = await parse_body(ctx.request, wrapper)
        merged = {**blocks[key], **getattr(parsed, key).model_dump(exclude_none=True)}
        _check(key, merged)
        blocks[key] = merged
    skill.updated = ctx.world.now
    return Response(status_code=200)


def _check(key: str, block: dict[str, Any]) -> None:
    if key == "retrySettings" and block.get("maximumAttempts", 1) < 1:
        raise ApiError(400, "InvalidParameter", "retrySettings.maximumAttempts must be 1 or more")
    if key == "generalSettings" and not 5 <= block.get("maximumRingingDuration", 30) <= 120:
        raise ApiError(
            400, "InvalidParameter", "generalSettings.maximumRingingDuration must be 5 to 120 s"
        )
