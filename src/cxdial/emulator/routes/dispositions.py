"""Dispositions: create, read, update, status, classifications and skill assignment.

Shapes: calljacob/nice-cxone-api @28a1bd4b (NICE's OpenAPI), ``AdminSkillsService.ts``
(``postDispositions``, ``getDispositionsId``, ``putDispositionsId``,
``dispostionClassifications``, ``patchStatusByDispositionsId``, ``getDispositionsSkills``,
``dispositionList``, ``dispositionsNotAssignedSkill``) and ``getDispositions`` for the
listing (outboundani/cxone-mcp @17439bd6 ``list_dispositions`` reads it). Every route reads
the one table, ``world.admin.dispositions``; a contact's disposition is served by
:mod:`.contact_dispositions`.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803, N815

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from cxdial.emulator.admin_state import CLASSIFICATIONS, Disposition
from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Skill
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.admin_common import StatusBody, read_json, status_flag, validate
from cxdial.emulator.routes.common import filter_items, find_skill, listing, page, since
from cxdial.emulator.routes.shapes import DISPOSITION_FIELDS, disposition_record
from cxdial.emulator.validation import StrictModel, query_flag

__all__ = [
    "assigned_dispositions",
    "disposition_detail",
    "find_disposition",
    "router",
    "skill_disposition_items",
]

router = APIRouter(prefix=ACD_PREFIX)
_VIEW = Depends(acd("Dispositions View"))
_EDIT = Depends(acd("Dispositions Edit"))
_SKILLS = Depends(acd("Skills View"))


class _NewDisposition(StrictModel):
    dispositionName: str
    isPreviewDisposition: bool
    classificationId: int | None = None


class _CreateBody(StrictModel):
    dispositions: list[_NewDisposition]


class _UpdateBody(StrictModel):
    dispositionName: str | None = None
    classificationId: int | None = None
    isPreviewDisposition: bool | None = None
    isActive: bool | None = None
    notes: str | None = None


def find_disposition(ctx: Ctx, disposition_id: int) -> Disposition:
    """The disposition or a 404 naming it."""
    found = ctx.world.admin.dispositions.get(disposition_id)
    if found is None:
        raise ApiError(
            404, "DispositionNotFound", f"No disposition with dispositionId {disposition_id}"
        )
    return found


def disposition_detail(ctx: Ctx, d: Disposition) -> dict[str, Any]:
    """``GET /dispositions/{id}`` (the spec's field set)."""
    cls = ctx.world.admin.classification(d.classification_id)
    return {
        "dispositionId": d.disposition_id,
        "dispositionName": d.name,
        "classificationId": d.classification_id,
        "classificationName": cls.name if cls else None,
        "isActive": d.is_active,
        "dialerAgentOutcomeId": cls.dialing_outcome_id if cls else None,
        "dialerAgentOutcomeName": cls.name if cls else None,
        "reportingGroupId": 0,
        "showCommitmentAmount": False,
        "showRescheduleDate": bool(cls and cls.show_reschedule_date),
        "isAgentSpecific": False,
        "notes": d.notes,
        "lastUpdated": ctx.world.iso(d.updated),
        "systemOutcome": d.system_outcome,
        "isPreviewDisposition": d.is_preview,
    }


def _skill_item(ctx: Ctx, d: Disposition, order: int) -> dict[str, Any]:
    cls = ctx.world.admin.classification(d.classification_id)
    return {
        "dispositionId": d.disposition_id,
        "dispositionName": d.name,
        "displayOrder": order,
        "classification": cls.name if cls else None,
        "reportingGroup": None,
        "systemOutcome": d.system_outcome,
        "requireCommitmentAmount": False,
        "requireRescheduleDate": bool(cls and cls.show_reschedule_date),
        "agentSpecific": False,
        "isPreviewDisposition": d.is_preview,
        "dispositionCategoryName": cls.name if cls else None,
    }


def skill_disposition_items(ctx: Ctx, skill: Skill) -> list[dict[str, Any]]:
    """``dispositions[]`` of ``GET /skills/{id}`` (CJ getSkillsId: ``{dispositionId,
    dispositionName, priority, isPreviewDisposition}``): the skill's assigned ones, in
    order; ``priority`` is the position (emulator design)."""
    return [
        {
            "dispositionId": d.disposition_id,
            "dispositionName": d.name,
            "priority": i + 1,
            "isPreviewDisposition": d.is_preview,
        }
        for i, d in enumerate(assigned_dispositions(ctx, skill))
    ]


def assigned_dispositions(ctx: Ctx, skill: Skill) -> list[Disposition]:
    """The active dispositions assigned to ``skill``, by id."""
    admin = ctx.world.admin
    ids = admin.skill_disposition_ids(skill.skill_id, skill.extra.get("dispositions"))
    return [admin.dispositions[i] for i in sorted(ids) if admin.dispositions[i].is_active]


def _name_error(ctx: Ctx, name: str, own_id: int | None) -> str | None:
    if not name.strip():
        return "dispositionName must not be empty"
    for d in ctx.world.admin.dispositions.values():
        if d.name.lower() == name.strip().lower() and d.disposition_id != own_id:
            return f"A disposition named '{name.strip()}' already exists"
    return None


@router.get("/dispositions")
async def list_dispositions(
    ctx: Ctx = _VIEW,
    searchString: str | None = None,
    isActive: str | None = None,
    isPreviewDispositions: str | None = None,
    updatedSince: str | None = None,
    fields: str | None = None,
    orderBy: Annotated[str | None, Query(alias="orderBy")] = None,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """The business unit's dispositions, seeded and created alike: searched, filtered and
    paged (CJ getDispositions); 204 when the page holds nothing. ``orderby`` (QA's
    spelling) is read as ``orderBy``."""
    after = since(ctx, updatedSince, "updatedSince")
    chosen = [
        d for d in ctx.world.admin.dispositions.values() if after is None or d.updated >= after
    ]
    items = [disposition_record(ctx.world, d) for d in chosen]
    if searchString:
        items = [d for d in items if searchString.lower() in d["dispositionName"].lower()]
    items = filter_items(
        items, {"isActive": isActive, "isPreviewDisposition": isPreviewDispositions}
    )
    return listing(
        ctx,
        items,
        key="dispositions",
        known=DISPOSITION_FIELDS,
        top=top,
        skip=skip,
        fields=fields,
        order_by=orderBy if orderBy is not None else ctx.request.query_params.get("orderby"),
        extra={"businessUnitId": DEMO_BUSINESS_UNIT},
    )


@router.post("/dispositions", openapi_extra=request_body(_CreateBody))
async def create_dispositions(ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Batch create: 200 with ``dispositionResults`` per item, even when some fail."""
    body = validate(_CreateBody, await read_json(ctx))
    admin, results = ctx.world.admin, []
    for item in body.dispositions:
        error = _name_error(ctx, item.dispositionName, None)
        cls_id = item.classificationId if item.classificationId is not None else 2
        if error is None and admin.classification(cls_id) is None:
            error = f"classificationId {cls_id} is not a classification"
        if error:
            results.append({"dispositionId": 0, "success": False, "error": error})
            continue
        new = Disposition(
            admin.next_id("disposition"),
            item.dispositionName.strip(),
            cls_id,
            is_preview=item.isPreviewDisposition,
            updated=ctx.world.now,
        )
        admin.dispositions[new.disposition_id] = new
        results.append({"dispositionId": new.disposition_id, "success": True, "error": None})
    errors = sum(1 for r in results if not r["success"])
    return {"errorCount": errors, "dispositionResults": results}


@router.get("/dispositions/classifications")
async def classifications(
    ctx: Ctx = _VIEW, isPreviewDisposition: str | None = None
) -> dict[str, Any]:
    """The disposition classifications (``classificationResults``)."""
    preview = query_flag(isPreviewDisposition, "isPreviewDisposition")
    items = [
        {
            "classificationId": c.classification_id,
            "businessUnitId": DEMO_BUSINESS_UNIT,
            "classificationName": c.name,
            "classificationTypeID": 1,
            "direction": 2,
            "dialingOutcomeId": c.dialing_outcome_id,
            "reportingGroupId": 0,
            "description": c.name,
            "showCommitmentAmount": False,
            "showRescheduleDate": c.show_reschedule_date,
            "isAgentSpecific": False,
            "isDestinationFinal": c.is_destination_final,
            "isContactFinal": c.is_contact_final,
            "excludeFromSerialDelivery": False,
            "carryoverForCallback": c.carryover_for_callback,
            "reportingGroupName": None,
            "isPreviewDisposition": preview,
        }
        for c in CLASSIFICATIONS
    ]
    del ctx
    return {
        "totalRecords": len(items),
        "businessUnitId": DEMO_BUSINESS_UNIT,
        "classificationResults": items,
    }


@router.get("/dispositions/skills")
async def dispositions_with_skills(ctx: Ctx = _VIEW) -> Any:
    """Every disposition with the skills it is assigned to (the spec types one item; a
    list of them is served, since a business unit has many)."""
    by_id: dict[int, list[Skill]] = {}
    for skill in ctx.world.skills.values():
        for d in assigned_dispositions(ctx, skill):
            by_id.setdefault(d.disposition_id, []).append(skill)
    items = [
        {
            "dispositionId": d.disposition_id,
            "dispositionName": d.name,
            "isActive": d.is_active,
            "skills": [
                {
                    "skillId": s.skill_id,
                    "mediaTypeId": s.media_type_id,
                    "mediaTypeName": "Phone Call",
                }
                for s in by_id.get(d.disposition_id, [])
            ],
        }
        for d in ctx.world.admin.dispositions.values()
    ]
    return {"totalRecords": len(items), "businessUnitId": DEMO_BUSINESS_UNIT, "dispositions": items}


@router.get("/dispositions/{disposition_id}")
async def get_disposition(disposition_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """One disposition (a flat object, as the spec has it)."""
    return disposition_detail(ctx, find_disposition(ctx, disposition_id))


@router.put("/dispositions/{disposition_id}", openapi_extra=request_body(_UpdateBody))
async def update_disposition(disposition_id: int, ctx: Ctx = _EDIT) -> Response:
    """Update name, classification, preview flag, active flag or notes."""
    d = find_disposition(ctx, disposition_id)
    body = validate(_UpdateBody, await read_json(ctx))
    if body.dispositionName is not None:
        error = _name_error(ctx, body.dispositionName, d.disposition_id)
        if error:
            raise ApiError(400, "InvalidParameter", error)
    cls_id = body.classificationId
    if cls_id is not None and ctx.world.admin.classification(cls_id) is None:
        raise ApiError(
            400,
            "InvalidParameter",
            f"classificationId {cls_id} is not a classification; "
            "GET /dispositions/classifications lists them",
        )
    if body.dispositionName is not None:
        d.name = body.dispositionName.strip()
    if cls_id is not None:
        d.classification_id = cls_id
    if body.isPreviewDisposition is not None:
        d.is_preview = body.isPreviewDisposition
    if body.isActive is not None:
        d.is_active = body.isActive
    if body.notes is not None:
        d.notes = body.notes
    d.updated = ctx.world.now
    return Response(status_code=200)


@router.patch(
    "/dispositions/{disposition_id}/status",
    openapi_extra=request_body(StatusBody, required=False),
)
async def disposition_status(
    disposition_id: int, ctx: Ctx = _EDIT, isActive: str | None = None
) -> Response:
    """Activate or deactivate: ``isActive`` in the JSON body or the query (the spec
    names no input; both are accepted)."""
    d = find_disposition(ctx, disposition_id)
    d.is_active = await status_flag(ctx, isActive)
    d.updated = ctx.world.now
    return Response(status_code=200)


@router.get("/skills/{skill_id}/dispositions")
async def skill_dispositions(skill_id: int, ctx: Ctx = _SKILLS) -> Any:
    """Dispositions assigned to a skill; 204 when it has none."""
    skill = find_skill(ctx, skill_id)
    items = assigned_dispositions(ctx, skill)
    if not items:
        return Response(status_code=204)
    chunk, meta = page(ctx, items, None, None, default_top=10_000)
    return {
        **meta,
        "skillId": skill.skill_id,
        "skillName": skill.name,
        "dispositions": [_skill_item(ctx, d, i + 1) for i, d in enumerate(chunk)],
    }


@router.get("/skills/{skill_id}/dispositions/unassigned")
async def skill_unassigned_dispositions(skill_id: int, ctx: Ctx = _SKILLS) -> Any:
    """Active dispositions not assigned to the skill; 204 when there are none."""
    skill = find_skill(ctx, skill_id)
    assigned = {d.disposition_id for d in assigned_dispositions(ctx, skill)}
    items = [
        d
        for d in ctx.world.admin.dispositions.values()
        if d.is_active and d.disposition_id not in assigned
    ]
    if not items:
        return Response(status_code=204)
    return {
        "totalRecords": len(items),
        "dispositions": [_skill_item(ctx, d, i + 1) for i, d in enumerate(items)],
    }
