"""Calling lists: mappings, records, attempts and removal (cxone-api.md §3.2)."""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803, N815

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, create_model

from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import CallList
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.common import (
    CxoneRoute,
    business_unit_meta,
    find_list,
    no_content,
    page,
)
from cxdial.emulator.validation import StrictModel, parse_body, query_flag
from cxdial.emulator.world import World

__all__ = ["router"]

router = APIRouter(prefix=ACD_PREFIX, route_class=CxoneRoute)
_VIEW = Depends(acd("Calling Lists View"))
_EDIT = Depends(acd("Calling Lists Edit"))

COLUMNS = (  # noqa: SIM905 - one readable block of CXone column names
    "firstNameColumn lastNameColumn addressColumn cityColumn stateColumn zipColumn "
    "timeZoneColumn callerIdColumn priorityColumn scoreColumn customer1Column customer2Column "
    "complianceReqColumn confirmReqColumn overrideFinalizationColumn agentIdColumn "
    "callRequestTimeColumn callRequestStaleColumn notesColumn expirationDateColumn"
).split()
_LIST_QUERY = {"listName", "externalIdColumn", "listExpirationDate", *COLUMNS}


class _Mapping(StrictModel):
    fieldName: str
    fieldValue: str


_LIST_FIELDS: dict[str, Any] = {
    "listName": (str | None, None),
    "externalIdColumn": (str | None, None),
    "listExpirationDate": (str | None, None),
    "destinationMappings": (list[_Mapping] | None, None),
    "customFieldMappings": (list[_Mapping] | None, None),
    **{column: (str | None, None) for column in COLUMNS},
}
_ListBody: type[BaseModel] = create_model("_ListBody", __base__=StrictModel, **_LIST_FIELDS)
"""Body of POST /lists/call-lists (QA sends the columns here; CXone also takes query)."""


class _Prospect(StrictModel):
    """One record to remove: the spec types ``externalId`` a number (CJ); text is taken too."""

    externalId: int | str


class _RemoveBody(StrictModel):
    prospectsToRemove: list[_Prospect]


def _list_json(world: World, lst: CallList) -> dict[str, Any]:
    return {
        "listId": lst.list_id,
        "listName": lst.name,
        "status": "Active",
        "externalIdColumn": lst.external_id_column,
        "totalRecords": len(lst.records) + lst.invalid_records,
        "validRecords": len(lst.records),
        "invalidRecords": lst.invalid_records,
        "finalizedRecords": sum(1 for r in lst.records if r.finalized),
        "prospectiveContactCount": sum(1 for r in lst.records if not r.finalized),
        "createDate": world.iso(lst.created),
        "uploadDate": world.iso(lst.uploaded),
        "updateDate": world.iso(lst.updated),
        "removeDate": None,
        "skills": sorted(lst.skill_ids),
        "destinationMappings": lst.destination_mappings,
    }


@router.get("/lists/call-lists")
async def list_lists(ctx: Ctx = _VIEW, top: int | None = None, skip: int | None = None) -> Any:
    """Calling lists, paged; 204 when the page holds nothing."""
    chunk, meta = page(ctx, list(ctx.world.lists.values()), top, skip)
    if not chunk:
        return no_content()
    return {"callingLists": [_list_json(ctx.world, lst) for lst in chunk], **meta}


@router.post("/lists/call-lists", openapi_extra=request_body(_ListBody, required=False))
async def create_list(ctx: Ctx = _EDIT) -> dict[str, int]:
    """Create a list mapping (columns by query or body; destinations in the body)."""
    query = dict(ctx.request.query_params)
    unknown = sorted(set(query) - _LIST_QUERY)
    if unknown:
        raise ApiError(400, "InvalidParameter", f"Unknown query parameter '{unknown[0]}'")
    data = (await parse_body(ctx.request, _ListBody)).model_dump(exclude_none=True)
    destinations: list[dict[str, str]] = data.pop("destinationMappings", [])
    custom: list[dict[str, str]] = data.pop("customFieldMappings", [])
    merged: dict[str, str] = {**query, **data}
    if not merged.get("listName"):
        raise ApiError(400, "InvalidParameter", "Missing required field 'listName'")
    if not merged.get("externalIdColumn"):
        raise ApiError(
            400,
            "InvalidParameter",
            "Missing required field 'externalIdColumn' (the CSV column "
            "that uniquely identifies each record)",
        )
    if not destinations:
        raise ApiError(
            400,
            "InvalidParameter",
            "Missing required field 'destinationMappings': map at least "
            'one phone column, e.g. {"fieldName": "PhoneNumber", "fieldValue": "phone"}',
        )
    if any(lst.name == merged["listName"] for lst in ctx.world.lists.values()):
        raise ApiError(409, "DuplicateList", f"A calling list named '{merged['listName']}' exists")
    world = ctx.world
    lst = CallList(
        list_id=world.next_id("list"),
        name=merged["listName"],
        external_id_column=merged["externalIdColumn"],
        columns={k: v for k, v in merged.items() if k.endswith("Column")},
        destination_mappings=destinations,
        custom_field_mappings=custom,
        created=world.now,
        updated=world.now,
    )
    world.lists[lst.list_id] = lst
    return {"listId": lst.list_id}


@router.get("/lists/call-lists/{list_id}")
async def get_list(
    list_id: int,
    ctx: Ctx = _VIEW,
    finalized: str | None = None,
    includeRecords: str | None = None,
) -> dict[str, Any]:
    """One list; ``includeRecords=true`` adds its records (``finalized`` filters them)."""
    lst = find_list(ctx, list_id)
    body = _list_json(ctx.world, lst)
    if query_flag(includeRecords, "includeRecords"):
        want = None if finalized is None else query_flag(finalized, "finalized")
        body["contactRecords"] = [
            {
                "externalId": r.external_id,
                "phoneNumber": r.phone,
                "skillId": r.skill_id,
                "attempts": r.attempts,
                "finalized": r.finalized,
                "finalReason": r.final_reason,
                "fields": r.fields,
            }
            for r in lst.records
            if want is None or r.finalized == want
        ]
    body["listExpirationDate"] = lst.columns.get("listExpirationDate")
    return {"resultSet": {**business_unit_meta(ctx), **body}}


@router.delete("/lists/call-lists/{list_id}")
async def delete_list(
    list_id: int,
    ctx: Ctx = _EDIT,
    forceInactive: str | None = None,
    forceDelete: str | None = None,
) -> Response:
    """Delete a list; refused (409) while its skills still dial it, unless forced."""
    lst = find_list(ctx, list_id)
    running = any(ctx.world.skills[s].is_running for s in lst.skill_ids if s in ctx.world.skills)
    forced = query_flag(forceInactive, "forceInactive") or query_flag(forceDelete, "forceDelete")
    if running and not forced:
        raise ApiError(
            409,
            "ListInUse",
            f"List {list_id} feeds a running skill; stop it or pass forceInactive=true",
        )
    for record in lst.records:
        record.removed = True
    del ctx.world.lists[list_id]
    return Response(status_code=200)


@router.get("/lists/call-lists/{list_id}/attempts")
async def attempts(list_id: int, ctx: Ctx = _VIEW, finalized: str | None = None) -> Any:
    """Each record's dial history."""
    lst = find_list(ctx, list_id)
    want = None if finalized is None else query_flag(finalized, "finalized")
    items = [
        {
            "externalId": r.external_id,
            "phoneNumber": r.phone,
            "skillId": r.skill_id,
            "attempts": r.attempts,
            "finalized": r.finalized,
            "finalReason": r.final_reason,
            "contactAttempts": r.attempt_log,
        }
        for r in lst.records
        if want is None or r.finalized == want
    ]
    return {"resultSet": {"listId": list_id, "listName": lst.name, "contactAttempts": items}}


@router.delete(
    "/lists/call-lists/{list_name}/removeProspects", openapi_extra=request_body(_RemoveBody)
)
async def remove_prospects(list_name: str, ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Remove records by external id from the list named ``list_name``."""
    lst = next((x for x in ctx.world.lists.values() if x.name == list_name), None)
    if lst is None:
        raise ApiError(404, "ListNotFound", f"No calling list named '{list_name}'")
    body = await parse_body(ctx.request, _RemoveBody)
    ok: list[dict[str, str]] = []
    failed: list[dict[str, str]] = []
    for prospect in body.prospectsToRemove:
        external = str(prospect.externalId)
        hits = [r for r in lst.records if r.external_id == external and not r.in_flight]
        for record in hits:
            record.removed = True
        lst.records = [r for r in lst.records if not r.removed]
        target = ok if hits else failed
        code = "Removed" if target is ok else "NotFound"
        target.append({"externalId": external, "resultCode": code})
    return {"successfulRecords": ok, "failedRecords": failed}
