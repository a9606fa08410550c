"""Do-not-call groups, their records, search, scrubbed and contributing skills
(cxone-api.md §3.3).

Scrubbing happens at dial time: a skill scrubbed against a group never dials its numbers.
Contributing skills (skills whose dispositions add numbers to the group; calljacob/
nice-cxone-api @28a1bd4b ``AdminListsService.ts`` getDncGroupsContribSkills,
postDncGroupsContribSkillsById, deleteDncGroupsContribSkillsById, QA v12) are recorded and
listed; no disposition adds a number here (emulator design: the sources do not say which).
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803, N815

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response

from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import DncGroup
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.common import (
    CxoneRoute,
    find_skill,
    no_content,
    normalize_phone,
    page,
    since,
)
from cxdial.emulator.validation import StrictModel, parse_body, query_flag
from cxdial.emulator.world import World

__all__ = ["router"]

router = APIRouter(prefix=ACD_PREFIX, route_class=CxoneRoute)
_VIEW = Depends(acd("DNC View"))
_EDIT = Depends(acd("DNC Edit"))


class _GroupBody(StrictModel):
    dncGroupName: str
    dncGroupDescription: str | None = None


class _Record(StrictModel):
    """One number: the spec types ``phoneNumber`` a number (CJ), MCP sends ``Number(...)``."""

    phoneNumber: int | str
    expiredDate: str | None = None


class _RecordsBody(StrictModel):
    dncGroupRecords: list[_Record]


def _group_json(world: World, group: DncGroup) -> dict[str, Any]:
    return {
        "dncGroupId": group.group_id,
        "dncGroupName": group.name,
        "dncGroupDescription": group.description,
        "validRecords": len(group.records),
        "isActive": group.is_active,
        "isRemoved": False,
        "createDate": world.iso(group.created),
        "lastUpdateTime": world.iso(group.updated),
        "scrubbedSkills": sorted(group.scrubbed_skills),
    }


def _find(ctx: Ctx, group_id: int) -> DncGroup:
    group = ctx.world.dnc.get(group_id)
    if group is None:
        raise ApiError(404, "DncGroupNotFound", f"No DNC group with dncGroupId {group_id}")
    return group


@router.get("/dnc-groups")
async def list_groups(ctx: Ctx = _VIEW, top: int | None = None, skip: int | None = None) -> Any:
    """DNC groups, paged: ``resultSet{totalGroups, dncGroups}`` (CJ); 204 when empty.

    The top-level ``totalRecords`` and ``_links`` are the emulator's (harmless) additions.
    """
    chunk, meta = page(ctx, list(ctx.world.dnc.values()), top, skip)
    if not chunk:
        return no_content()
    groups = [_group_json(ctx.world, g) for g in chunk]
    return {"resultSet": {"totalGroups": meta["totalRecords"], "dncGroups": groups}, **meta}


@router.post("/dnc-groups", openapi_extra=request_body(_GroupBody))
async def create_group(ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Create a group."""
    body = await parse_body(ctx.request, _GroupBody)
    world = ctx.world
    if any(g.name == body.dncGroupName for g in world.dnc.values()):
        raise ApiError(409, "DuplicateDncGroup", f"A DNC group named '{body.dncGroupName}' exists")
    group = DncGroup(
        world.next_id("dnc"),
        body.dncGroupName,
        body.dncGroupDescription or "",
        world.now,
        world.now,
    )
    world.dnc[group.group_id] = group
    return {"dncGroups": [_group_json(world, group)]}


@router.post("/dnc-groups/search")
async def search(ctx: Ctx = _VIEW, phoneNumber: str | None = None) -> dict[str, Any]:
    """Which groups list a number (a pre-dial check)."""
    if not phoneNumber:
        raise ApiError(400, "InvalidParameter", "Missing required query parameter 'phoneNumber'")
    key = _key(phoneNumber)
    results = [
        {
            "dncGroupId": g.group_id,
            "dncGroupName": g.name,
            "dncGroupDescription": g.description,
            "formattedPhone": key,
            "expiredDate": g.records[key].get("expiredDate"),
            "dateCollected": g.records[key]["dateCollected"],
            "lastUpdateTime": ctx.world.iso(g.updated),
        }
        for g in ctx.world.dnc.values()
        if key in g.records
    ]
    return {"searchResults": results}


@router.get("/dnc-groups/{group_id}")
async def get_group(group_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """One group: ``{resultSet: {dncGroups: [...]}}`` (CJ getDNCGroupResponseById)."""
    return {"resultSet": {"dncGroups": [_group_json(ctx.world, _find(ctx, group_id))]}}


@router.put("/dnc-groups/{group_id}")
async def update_group(
    group_id: int,
    ctx: Ctx = _EDIT,
    dncGroupName: str | None = None,
    dncGroupDescription: str | None = None,
    isActive: str | None = None,
) -> dict[str, Any]:
    """Rename, describe or (de)activate a group; inputs are query parameters, as in CXone.

    Answers ``{dncGroups: [...]}`` with the updated group (CJ putDNCgroupByID).
    """
    group = _find(ctx, group_id)
    if dncGroupName is not None:
        group.name = dncGroupName
    if dncGroupDescription is not None:
        group.description = dncGroupDescription
    if isActive is not None:
        group.is_active = query_flag(isActive, "isActive")
    group.updated = ctx.world.now
    return {"dncGroups": [_group_json(ctx.world, group)]}


def _key(phone: str) -> str:
    normalized = normalize_phone(phone)
    digits = "".join(ch for ch in (normalized or phone) if ch.isdigit())
    return digits[-10:]


@router.get("/dnc-groups/{group_id}/records")
async def records(
    group_id: int, ctx: Ctx = _VIEW, top: int | None = None, skip: int | None = None
) -> Any:
    """A group's numbers, paged; 204 when the page holds nothing."""
    group = _find(ctx, group_id)
    chunk, meta = page(ctx, list(group.records.values()), top, skip)
    if not chunk:
        return no_content()
    items = [{k: v for k, v in r.items() if k != "expiresAt"} for r in chunk]
    return {"resultSet": {"totalRecords": meta["totalRecords"], "dncRecords": items}, **meta}


@router.api_route(
    "/dnc-groups/{group_id}/records",
    methods=["POST", "DELETE"],
    openapi_extra=request_body(_RecordsBody),
)
async def change_records(group_id: int, ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Add (POST) or expire (DELETE) numbers: 200 with a result per number.

    POST answers ``{resultSet: {errorCount, recordResults}}``, DELETE the same unwrapped
    (CJ AdminLists_deleteDNCGroupRecordsResponse).
    """
    group = _find(ctx, group_id)
    body = await parse_body(ctx.request, _RecordsBody)
    adding = ctx.request.method == "POST"
    results = []
    for record in body.dncGroupRecords:
        number = str(record.phoneNumber)
        normalized = normalize_phone(number)
        if normalized is None:
            results.append(
                {
                    "phoneNumber": record.phoneNumber,
                    "formattedPhone": None,
                    "success": False,
                    "error": "Not a valid 10-digit North American phone number",
                }
            )
            continue
        key = _key(normalized)
        if adding:
            expires = since(ctx, record.expiredDate, "expiredDate")
            group.records[key] = {
                "phoneNumber": key,
                "expiredDate": record.expiredDate,
                "expiresAt": expires,
                "dateCollected": ctx.world.iso(ctx.world.now),
            }
            error = None
        else:
            error = None if group.records.pop(key, None) else "Number is not in this group"
        results.append(
            {
                "phoneNumber": record.phoneNumber,
                "formattedPhone": key,
                "success": error is None,
                "error": error,
            }
        )
    group.updated = ctx.world.now
    errors = sum(1 for r in results if not r["success"])
    outcome = {"errorCount": errors, "recordResults": results}
    return {"resultSet": outcome} if adding else outcome


@router.get("/dnc-groups/{group_id}/scrubbed-skills")
async def scrubbed_skills(group_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """Skills whose dialing is scrubbed against the group."""
    return _skill_refs(ctx, _find(ctx, group_id).scrubbed_skills, "scrubbedSkills")


@router.api_route("/dnc-groups/{group_id}/scrubbed-skills/{skill_id}", methods=["POST", "DELETE"])
async def change_scrubbed_skill(group_id: int, skill_id: int, ctx: Ctx = _EDIT) -> Response:
    """Scrub (POST) or stop scrubbing (DELETE) a skill against the group."""
    group = _find(ctx, group_id)
    find_skill(ctx, skill_id)
    if ctx.request.method == "POST":
        group.scrubbed_skills.add(skill_id)
    else:
        group.scrubbed_skills.discard(skill_id)
    group.updated = ctx.world.now
    return Response(status_code=200)


def _skill_refs(ctx: Ctx, skill_ids: set[int], key: str) -> dict[str, Any]:
    """``{<key>: [{skillId, skillName}], totalRecords, _links}`` (CJ)."""
    skills = [
        {"skillId": s, "skillName": ctx.world.skills[s].name}
        for s in sorted(skill_ids)
        if s in ctx.world.skills
    ]
    links = {"self": str(ctx.request.url), "next": None, "previous": None}
    return {key: skills, "totalRecords": len(skills), "_links": links}


@router.get("/dnc-groups/{group_id}/contributing-skills")
async def contributing_skills(group_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """Skills contributing numbers to the group: ``{totalRecords, _links,
    contributingSkills[{skillId, skillName}]}`` (CJ getDNCGroupContributingSkillsResponse);
    200 with an empty list when there are none, as ``scrubbed-skills`` answers."""
    return _skill_refs(ctx, _find(ctx, group_id).contributing_skills, "contributingSkills")


@router.api_route(
    "/dnc-groups/{group_id}/contributing-skills/{skill_id}", methods=["POST", "DELETE"]
)
async def change_contributing_skill(group_id: int, skill_id: int, ctx: Ctx = _EDIT) -> Response:
    """Add (POST) or remove (DELETE) a contributing skill; 200 with no body (CJ types the
    answer ``any``). Removing a skill that does not contribute is a 404 naming it."""
    group = _find(ctx, group_id)
    find_skill(ctx, skill_id)
    if ctx.request.method == "POST":
        group.contributing_skills.add(skill_id)
    elif skill_id in group.contributing_skills:
        group.contributing_skills.discard(skill_id)
    else:
        raise ApiError(
            404,
            "SkillNotFound",
            f"Skill {skill_id} does not contribute to DNC group {group_id}",
        )
    group.updated = ctx.world.now
    return Response(status_code=200)
