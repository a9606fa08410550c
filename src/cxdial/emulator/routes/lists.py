"""Calling lists: mapping, asynchronous upload jobs, records, attempts (cxone-api.md §3.2)."""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803, N815

from __future__ import annotations

import base64
import binascii
import csv
import io
from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, create_model

from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import CallList, CallRecord, UploadJob
from cxdial.emulator.errors import ApiError
from cxdial.emulator.routes.common import find_skill, page
from cxdial.emulator.validation import StrictModel, parse_body, query_flag
from cxdial.emulator.world import World

__all__ = ["normalize_phone", "router"]

router = APIRouter(prefix=ACD_PREFIX)
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


class _UploadBody(StrictModel):
    listFile: str
    fileName: str
    skillId: int
    defaultTimeZone: str | None = None
    forceOverwrite: bool = False
    expirationDate: str | None = None
    startSkill: bool = False
    sendEmail: bool = False


class _Prospect(StrictModel):
    externalId: str


class _RemoveBody(StrictModel):
    prospectsToRemove: list[_Prospect]


def normalize_phone(text: str) -> str | None:
    """E.164 for a North American number (10 digits, or 11 starting with 1), else None."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10 and digits[0] not in "01":
        return "+1" + digits
    return None


def _find_list(ctx: Ctx, list_id: int) -> CallList:
    found = ctx.world.lists.get(list_id)
    if found is None:
        raise ApiError(404, "ListNotFound", f"No calling list with listId {list_id}")
    return found


def _list_json(world: World, lst: CallList) -> dict[str, Any]:
    return {
        "listId": lst.list_id,
        "listName": lst.name,
        "status": "Active" if lst.records else "New",
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
    """Calling lists, paged."""
    chunk, meta = page(ctx, list(ctx.world.lists.values()), top, skip)
    return {"callingLists": [_list_json(ctx.world, lst) for lst in chunk], **meta}


@router.post("/lists/call-lists")
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


@router.post("/lists/call-lists/{list_id}/upload")
async def upload(list_id: int, ctx: Ctx = _EDIT) -> dict[str, int]:
    """Queue a base64 CSV for a skill; the job completes a few simulated seconds later."""
    lst = _find_list(ctx, list_id)
    body = await parse_body(ctx.request, _UploadBody)
    skill = find_skill(ctx, body.skillId)
    if not skill.is_pc:
        raise ApiError(400, "InvalidParameter", f"skillId {skill.skill_id} is not a PC skill")
    try:
        text = base64.b64decode(body.listFile, validate=True).decode("utf-8-sig")
    except (binascii.Error, UnicodeDecodeError):
        raise ApiError(
            400, "InvalidParameter", "listFile must be a base64-encoded UTF-8 CSV"
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    needed = [lst.external_id_column, *(m["fieldValue"] for m in lst.destination_mappings)]
    missing = [c for c in needed if c not in header]
    if missing:
        raise ApiError(
            400,
            "InvalidParameter",
            f"listFile has no column '{missing[0]}' required by the "
            f"list mapping; its columns are: {', '.join(header) or '(none)'}",
        )
    world = ctx.world
    rows = [dict(row) for row in reader]
    job = UploadJob(
        job_id=world.next_id("job"),
        list_id=list_id,
        skill_id=skill.skill_id,
        file_name=body.fileName,
        rows=rows,
        start_skill=body.startSkill,
        force_overwrite=body.forceOverwrite,
        submitted=world.now,
        complete_at=world.now + 2.0 + len(rows) / 1000,
    )
    world.jobs[job.job_id] = job
    world.schedule(job.complete_at, lambda: _complete(world, job))
    return {"jobId": job.job_id}


def _complete(world: World, job: UploadJob) -> None:
    lst = world.lists.get(job.list_id)
    skill = world.skills.get(job.skill_id)
    if job.is_cancelled or lst is None or skill is None:
        return
    if job.force_overwrite:
        for record in lst.records:
            record.removed = record.skill_id == job.skill_id and not record.in_flight
        lst.records = [r for r in lst.records if not r.removed]
    caller_col = lst.columns.get("callerIdColumn")
    for row in job.rows:
        external = (row.get(lst.external_id_column) or "").strip()
        phone = next(
            (
                p
                for m in lst.destination_mappings
                if (p := normalize_phone(row.get(m["fieldValue"]) or ""))
            ),
            None,
        )
        if not external or phone is None:
            job.invalid += 1
            job.errors.append(f"record '{external}': no valid phone number or external id")
            continue
        job.valid += 1
        record = CallRecord(
            record_id=world.next_id("record"),
            list_id=lst.list_id,
            skill_id=skill.skill_id,
            external_id=external,
            phone=phone,
            fields=row,
            caller_id=normalize_phone(row.get(caller_col, "")) if caller_col else None,
        )
        lst.records.append(record)
        world.enqueue(record)
    lst.invalid_records += job.invalid
    lst.skill_ids.add(skill.skill_id)
    lst.uploaded = lst.updated = world.now
    job.is_complete, job.completed = True, world.now
    if job.start_skill and skill.is_active:
        skill.is_running = True


def _job_json(world: World, job: UploadJob) -> dict[str, Any]:
    lst = world.lists.get(job.list_id)
    status = "Cancelled" if job.is_cancelled else "Completed" if job.is_complete else "Processing"
    return {
        "jobId": job.job_id,
        "listId": job.list_id,
        "listName": lst.name if lst else None,
        "skillId": job.skill_id,
        "fileName": job.file_name,
        "status": status,
        "submitDate": world.iso(job.submitted),
        "startDate": world.iso(job.submitted),
        "isComplete": job.is_complete,
        "isCancelled": job.is_cancelled,
        "completedDate": world.iso(job.completed),
        "totalRecords": len(job.rows),
        "validRecords": job.valid,
        "invalidRecords": job.invalid,
        "errors": job.errors[:100],
    }


@router.get("/lists/call-lists/jobs")
async def list_jobs(ctx: Ctx = _VIEW, top: int | None = None, skip: int | None = None) -> Any:
    """Upload jobs, paged."""
    chunk, meta = page(ctx, list(ctx.world.jobs.values()), top, skip)
    return {"uploadJobs": [_job_json(ctx.world, j) for j in chunk], **meta}


def _find_job(ctx: Ctx, job_id: int) -> UploadJob:
    job = ctx.world.jobs.get(job_id)
    if job is None:
        raise ApiError(404, "JobNotFound", f"No upload job with jobId {job_id}")
    return job


@router.get("/lists/call-lists/jobs/{job_id}")
async def get_job(job_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """One upload job's progress."""
    return {"uploadJobs": [_job_json(ctx.world, _find_job(ctx, job_id))]}


@router.delete("/lists/call-lists/jobs/{job_id}")
async def cancel_job(job_id: int, ctx: Ctx = _EDIT) -> Response:
    """Cancel a pending upload; a completed one cannot be cancelled (409)."""
    job = _find_job(ctx, job_id)
    if job.is_complete:
        raise ApiError(409, "JobComplete", f"Upload job {job_id} already completed")
    job.is_cancelled = True
    return Response(status_code=200)


@router.get("/lists/call-lists/{list_id}")
async def get_list(
    list_id: int,
    ctx: Ctx = _VIEW,
    finalized: str | None = None,
    includeRecords: str | None = None,
) -> dict[str, Any]:
    """One list; ``includeRecords=true`` adds its records (``finalized`` filters them)."""
    lst = _find_list(ctx, list_id)
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
    return {"resultSet": body}


@router.delete("/lists/call-lists/{list_id}")
async def delete_list(
    list_id: int,
    ctx: Ctx = _EDIT,
    forceInactive: str | None = None,
    forceDelete: str | None = None,
) -> Response:
    """Delete a list; refused (409) while its skills still dial it, unless forced."""
    lst = _find_list(ctx, list_id)
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
    lst = _find_list(ctx, list_id)
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


@router.delete("/lists/call-lists/{list_name}/removeProspects")
async def remove_prospects(list_name: str, ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Remove records by external id from the list named ``list_name``."""
    lst = next((x for x in ctx.world.lists.values() if x.name == list_name), None)
    if lst is None:
        raise ApiError(404, "ListNotFound", f"No calling list named '{list_name}'")
    body = await parse_body(ctx.request, _RemoveBody)
    ok: list[dict[str, str]] = []
    failed: list[dict[str, str]] = []
    for prospect in body.prospectsToRemove:
        hits = [r for r in lst.records if r.external_id == prospect.externalId and not r.in_flight]
        for record in hits:
            record.removed = True
        lst.records = [r for r in lst.records if not r.removed]
        target = ok if hits else failed
        code = "Removed" if target is ok else "NotFound"
        target.append({"externalId": prospect.externalId, "resultCode": code})
    return {"successfulRecords": ok, "failedRecords": failed}
