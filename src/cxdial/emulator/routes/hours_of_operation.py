"""Hours-of-operation profiles: list, create, read, update, delete, and their skills.

Shapes: calljacob/nice-cxone-api @28a1bd4b ``AdminGeneralService.ts``
(``getHoursOfOperation`` → ``{businessUnit, totalRecords, hoursOfOperation[{…ProfileId,
…ProfileName, description, isDeleted}]}``, ``postHoursOfOperation`` → ``{profileId,
profileName}``, ``getHoursOfOperationById``, ``updateHoursOfOperation`` (name, days and
holidays required), ``deleteHoursOfOperation``, ``updateHoursOfOperationSkills``
``{assign?, all?, skills:[ids]}``); outboundani/cxone-mcp @17439bd6 ``src/tools.js``
(used against a live tenant). Days are ``Sunday``…``Saturday`` with ``HH:MM`` times
(emulator check). Deleting marks the profile ``isDeleted`` (listed with ``isDeleted=true``).
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803, N815

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Response

from cxdial.emulator.admin_state import HoursProfile
from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.admin_common import listing_page, read_json, validate
from cxdial.emulator.validation import StrictModel, query_flag

__all__ = ["router"]

router = APIRouter(prefix=ACD_PREFIX)
_VIEW = Depends(acd("Hours of Operation View"))
_EDIT = Depends(acd("Hours of Operation Edit"))
_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")


class _Day(StrictModel):
    day: str | None = None
    openTime: str | None = None
    closeTime: str | None = None
    hasAdditionalHours: bool | None = None
    additionalOpenTime: str | None = None
    additionalCloseTime: str | None = None
    isClosedAllDay: bool | None = None


class _Holiday(StrictModel):
    holidayName: str | None = None
    date: str | None = None
    openTime: str | None = None
    closeTime: str | None = None
    hasAdditionalHours: bool | None = None
    additionalOpenTime: str | None = None
    additionalCloseTime: str | None = None
    isClosedAllDay: bool | None = None


class _SkillRef(StrictModel):
    skillId: int


class _CreateBody(StrictModel):
    profileName: str
    description: str | None = None
    notes: str | None = None
    days: list[_Day] | None = None
    holidays: list[_Holiday] | None = None
    overrideBranch: str | None = None
    overrideExpirationDate: str | None = None
    skills: list[_SkillRef] | None = None


class _UpdateBody(StrictModel):
    hoursOfOperationProfileName: str
    description: str | None = None
    notes: str | None = None
    overrideBranch: str | None = None
    overrideExpirationDate: str | None = None
    days: list[_Day]
    holidays: list[_Holiday]


class _SkillsBody(StrictModel):
    assign: bool | None = None
    all: bool | None = None
    skills: list[int] | None = None


def _find(ctx: Ctx, profile_id: int) -> HoursProfile:
    found = ctx.world.admin.hours.get(profile_id)
    if found is None or found.is_deleted:
        raise ApiError(404, "NotFound", f"No hours-of-operation profile with id {profile_id}")
    return found


def _days(days: list[_Day]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    for i, d in enumerate(days):
        if d.day is None or d.day.capitalize() not in _DAYS:
            raise ApiError(
                400, "InvalidParameter", f"days[{i}].day must be one of {', '.join(_DAYS)}"
            )
        if d.day.capitalize() in seen:
            raise ApiError(400, "InvalidParameter", f"days[{i}].day {d.day} is given twice")
        seen.add(d.day.capitalize())
        _times(d, f"days[{i}]")
    return [d.model_dump(exclude_none=True) for d in days]


def _times(item: _Day | _Holiday, where: str) -> None:
    for name in ("openTime", "closeTime", "additionalOpenTime", "additionalCloseTime"):
        value = getattr(item, name)
        if value is not None and not _TIME.match(value):
            raise ApiError(400, "InvalidParameter", f"{where}.{name} must be HH:MM, got '{value}'")


def _holidays(holidays: list[_Holiday]) -> list[dict[str, Any]]:
    out = []
    for i, h in enumerate(holidays):
        _times(h, f"holidays[{i}]")
        item = h.model_dump(exclude_none=True)
        if "holidayName" in item:
            item["name"] = item.pop("holidayName")  # GET spells it ``name`` (spec)
        out.append(item)
    return out


def _check_name(ctx: Ctx, name: str, own: int | None, field: str) -> str:
    if not name.strip():
        raise ApiError(400, "InvalidParameter", f"'{field}' must not be empty")
    for p in ctx.world.admin.hours.values():
        if not p.is_deleted and p.name.lower() == name.strip().lower() and p.profile_id != own:
            raise ApiError(409, "DuplicateName", f"A profile named '{name.strip()}' already exists")
    return name.strip()


def _detail(ctx: Ctx, p: HoursProfile) -> dict[str, Any]:
    skills = ctx.world.skills
    return {
        "hoursOfOperationProfileId": p.profile_id,
        "hoursOfOperationProfileName": p.name,
        "description": p.description,
        "notes": p.notes,
        "overrideBranch": p.override_branch,
        "overrideExpirationDate": p.override_expiration,
        "lastUpdateTime": ctx.world.iso(p.updated),
        "days": p.days,
        "holidays": p.holidays,
        "skills": [
            {"skillId": s, "skillName": skills[s].name} for s in sorted(p.skill_ids) if s in skills
        ],
        "scripts": [],
    }


@router.get("/hours-of-operation")
async def list_profiles(
    ctx: Ctx = _VIEW,
    isDeleted: str | None = None,
    searchString: str | None = None,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """Profiles (deleted ones only with ``isDeleted=true``); 204 when the page is empty."""
    deleted = query_flag(isDeleted, "isDeleted")
    text = (searchString or "").strip().lower()
    items = [
        p
        for p in sorted(ctx.world.admin.hours.values(), key=lambda p: p.profile_id)
        if p.is_deleted == deleted and text in p.name.lower()
    ]
    paged = listing_page(ctx, items, top, skip)
    if isinstance(paged, Response):
        return paged
    chunk, meta = paged
    return {
        "businessUnit": DEMO_BUSINESS_UNIT,
        "totalRecords": meta["totalRecords"],
        "hoursOfOperation": [
            {
                "hoursOfOperationProfileId": p.profile_id,
                "hoursOfOperationProfileName": p.name,
                "description": p.description,
                "isDeleted": p.is_deleted,
            }
            for p in chunk
        ],
    }


@router.post("/hours-of-operation", openapi_extra=request_body(_CreateBody))
async def create_profile(ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Create a profile; answers its id and name."""
    body = validate(_CreateBody, await read_json(ctx))
    name = _check_name(ctx, body.profileName, None, "profileName")
    skills = [s.skillId for s in body.skills or []]
    unknown = [s for s in skills if s not in ctx.world.skills]
    if unknown:
        raise ApiError(400, "InvalidParameter", f"skills[].skillId {unknown[0]} is not a skill")
    admin = ctx.world.admin
    profile = HoursProfile(
        admin.next_id("hours"),
        name,
        description=body.description,
        notes=body.notes,
        days=_days(body.days or []),
        holidays=_holidays(body.holidays or []),
        override_branch=body.overrideBranch,
        override_expiration=body.overrideExpirationDate,
        skill_ids=set(skills),
        updated=ctx.world.now,
    )
    admin.hours[profile.profile_id] = profile
    return {"profileId": str(profile.profile_id), "profileName": profile.name}


@router.get("/hours-of-operation/{profile_id}")
async def get_profile(profile_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """One profile with its days, holidays and skills."""
    return _detail(ctx, _find(ctx, profile_id))


@router.put("/hours-of-operation/{profile_id}", openapi_extra=request_body(_UpdateBody))
async def update_profile(profile_id: int, ctx: Ctx = _EDIT) -> Response:
    """Replace a profile's name, days and holidays (all three required by the spec)."""
    profile = _find(ctx, profile_id)
    body = validate(_UpdateBody, await read_json(ctx))
    profile.name = _check_name(
        ctx, body.hoursOfOperationProfileName, profile_id, "hoursOfOperationProfileName"
    )
    profile.days = _days(body.days)
    profile.holidays = _holidays(body.holidays)
    for attr, value in (
        ("description", body.description),
        ("notes", body.notes),
        ("override_branch", body.overrideBranch),
        ("override_expiration", body.overrideExpirationDate),
    ):
        if value is not None:
            setattr(profile, attr, value)
    profile.updated = ctx.world.now
    return Response(status_code=200)


@router.delete("/hours-of-operation/{profile_id}")
async def delete_profile(profile_id: int, ctx: Ctx = _EDIT) -> Response:
    """Delete a profile (it is kept, marked ``isDeleted``)."""
    profile = _find(ctx, profile_id)
    profile.is_deleted = True
    profile.skill_ids.clear()
    profile.updated = ctx.world.now
    return Response(status_code=200)


@router.put("/hours-of-operation/{profile_id}/skills", openapi_extra=request_body(_SkillsBody))
async def profile_skills(profile_id: int, ctx: Ctx = _EDIT) -> Response:
    """Assign (``assign: true``, the default) or unassign skills, or ``all`` of them."""
    profile = _find(ctx, profile_id)
    body = validate(_SkillsBody, await read_json(ctx))
    if body.all:
        wanted = list(ctx.world.skills)
    elif body.skills is not None:
        wanted = body.skills
    else:
        raise ApiError(400, "InvalidParameter", "Missing required field 'skills' (or all)")
    unknown = [s for s in wanted if s not in ctx.world.skills]
    if unknown:
        raise ApiError(400, "InvalidParameter", f"skills: {unknown[0]} is not a skill")
    if body.assign is False:
        profile.skill_ids.difference_update(wanted)
    else:
        profile.skill_ids.update(wanted)
    profile.updated = ctx.world.now
    return Response(status_code=200)
