"""Calling-list uploads: base64 CSV in, an asynchronous job out (cxone-api.md §3.2).

A job completes a few simulated seconds after submission (2 s + 1 ms per row); its records
then join the skill's dialing queue. Registered before the lists router so
``/lists/call-lists/jobs`` is not read as a list id.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803, N815

from __future__ import annotations

import base64
import binascii
import csv
import io
from typing import Any

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse

from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import CallRecord, UploadJob
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.record_windows import parse_window, zone_of
from cxdial.emulator.routes.common import (
    CxoneRoute,
    business_unit_meta,
    find_list,
    find_skill,
    listing,
    normalize_phone,
    since,
)
from cxdial.emulator.validation import StrictModel, parse_body
from cxdial.emulator.world import World

__all__ = ["router"]

router = APIRouter(prefix=ACD_PREFIX, route_class=CxoneRoute)
_VIEW = Depends(acd("Calling Lists View"))
_EDIT = Depends(acd("Calling Lists Edit"))


class _UploadBody(StrictModel):
    """The spec's upload body (``AdminLists_postListUpload``): ``fileName`` and ``skillId``
    optional; ``expirationDate`` is required by the spec but optional here (design)."""

    listFile: str
    fileName: str | None = None
    skillId: int | str | None = None
    defaultTimeZone: str | None = None
    forceOverwrite: bool = False
    expirationDate: str | None = None
    startSkill: bool = False
    sendEmail: bool = False


def _skill_id(ctx: Ctx, given: int | str | None, skills: set[int]) -> int:
    """The upload's skill: the one named, else the one skill the list already feeds."""
    if given is None:
        if len(skills) == 1:
            return next(iter(skills))
        raise ApiError(
            400,
            "InvalidParameter",
            "Missing field 'skillId': name the PC skill the records are for",
        )
    try:
        return int(given)
    except ValueError:
        raise ApiError(400, "InvalidParameter", "'skillId' must be an integer") from None


@router.post("/lists/call-lists/{list_id}/upload", openapi_extra=request_body(_UploadBody))
async def upload(list_id: int, ctx: Ctx = _EDIT) -> JSONResponse:
    """Queue a base64 CSV for a skill: **202** "Accepted. Upload job queued" (QA v12)."""
    lst = find_list(ctx, list_id)
    body = await parse_body(ctx.request, _UploadBody)
    skill = find_skill(ctx, _skill_id(ctx, body.skillId, lst.skill_ids))
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
    if body.defaultTimeZone and zone_of(body.defaultTimeZone) is None:
        raise ApiError(
            400,
            "InvalidParameter",
            f"defaultTimeZone '{body.defaultTimeZone}' is not a time zone (GET /timezones)",
        )
    world = ctx.world
    rows = [dict(row) for row in reader]
    job = UploadJob(
        job_id=world.next_id("job"),
        list_id=list_id,
        skill_id=skill.skill_id,
        file_name=body.fileName or "upload.csv",
        rows=rows,
        start_skill=body.startSkill,
        force_overwrite=body.forceOverwrite,
        default_time_zone=body.defaultTimeZone,
        expiration_date=body.expirationDate,
        submitted=world.now,
        complete_at=world.now + 2.0 + len(rows) / 1000,
    )
    world.jobs[job.job_id] = job
    world.schedule(job.complete_at, lambda: _complete(world, job))
    return JSONResponse(
        {"jobId": job.job_id},
        status_code=202,
        headers={"icStatusDescription": "Accepted. Upload job queued"},
    )


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
        try:
            window = parse_window(
                row,
                lst.columns,
                epoch=world.clock.epoch,
                default_zone=job.default_time_zone,
                list_expiration=job.expiration_date,
            )
        except ValueError as exc:
            job.invalid += 1
            job.errors.append(f"record '{external}': {exc}")
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
            time_zone=window.time_zone,
            not_before=window.not_before,
            expires_at=window.expires_at,
            expire_reason=window.expire_reason,
        )
        if window.not_before is not None:
            record.next_ok_at = window.not_before
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


_JOB_FIELDS = [
    "jobId",
    "listId",
    "listName",
    "skillId",
    "fileName",
    "status",
    "submitDate",
    "startDate",
    "isComplete",
    "isCancelled",
    "completedDate",
    "totalRecords",
    "validRecords",
    "invalidRecords",
    "errors",
]


@router.get("/lists/call-lists/jobs")
async def list_jobs(
    ctx: Ctx = _VIEW,
    startDate: str | None = None,
    endDate: str | None = None,
    fields: str | None = None,
    orderBy: str | None = None,
    top: int | None = None,
    skip: int | None = None,
) -> Any:
    """Upload jobs submitted in [startDate, endDate), paged; 204 when the page is empty."""
    start, end = since(ctx, startDate, "startDate"), since(ctx, endDate, "endDate")
    jobs = [
        j
        for j in ctx.world.jobs.values()
        if (start is None or j.submitted >= start) and (end is None or j.submitted < end)
    ]
    return listing(
        ctx,
        [_job_json(ctx.world, j) for j in jobs],
        key="uploadJobs",
        known=_JOB_FIELDS,
        top=top,
        skip=skip,
        fields=fields,
        order_by=orderBy,
        extra=business_unit_meta(ctx),
    )


def _find_job(ctx: Ctx, job_id: int) -> UploadJob:
    job = ctx.world.jobs.get(job_id)
    if job is None:
        raise ApiError(404, "JobNotFound", f"No upload job with jobId {job_id}")
    return job


@router.get("/lists/call-lists/jobs/{job_id}")
async def get_job(job_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """One upload job's progress."""
    return {**business_unit_meta(ctx), "uploadJobs": [_job_json(ctx.world, _find_job(ctx, job_id))]}


@router.delete("/lists/call-lists/jobs/{job_id}")
async def cancel_job(job_id: int, ctx: Ctx = _EDIT) -> Response:
    """Cancel a pending upload; a completed one cannot be cancelled (409)."""
    job = _find_job(ctx, job_id)
    if job.is_complete:
        raise ApiError(409, "JobComplete", f"Upload job {job_id} already completed")
    job.is_cancelled = True
    return Response(status_code=200)
