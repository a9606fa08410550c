"""Calling lists: mapping, base64 CSV upload → job, job polling, attempts, removal."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from cxdial.cxone.models.base import parse_model, to_wire, validate_request
from cxdial.cxone.models.lists import (
    CallingList,
    CallingListPage,
    ListAttempts,
    ListCreated,
    ListMapping,
    ListUpload,
    ProspectRemoval,
    UploadJob,
    UploadJobPage,
    UploadStarted,
)
from cxdial.cxone.request import NOT_APPLIED, APIRequest, Verify
from cxdial.cxone.resources._base import AsyncResource, SyncResource, parse_none
from cxdial.cxone.versions import acd_path
from cxdial.errors import APITimeout

__all__ = ["AsyncLists", "ListRequests", "Lists"]


def _job(body: Any) -> UploadJob:
    if isinstance(body, dict) and isinstance(body.get("uploadJobs"), list) and body["uploadJobs"]:
        body = body["uploadJobs"][0]
    return UploadJob.model_validate(body or {})


class ListRequests:
    """I/O-free builders for the calling-list calls."""

    def all(self) -> APIRequest[list[CallingList]]:
        """``GET /lists/call-lists``."""
        return APIRequest(
            "GET",
            acd_path("/lists/call-lists"),
            parse=lambda b: parse_model(CallingListPage, b).calling_lists,
        )

    def create(self, mapping: ListMapping | Mapping[str, Any]) -> APIRequest[int]:
        """``POST /lists/call-lists``: the mapping (query columns + destination mappings body)."""
        wire = to_wire(validate_request(ListMapping, mapping))
        body = {k: wire.pop(k) for k in ("destinationMappings", "customFieldMappings") if k in wire}
        return APIRequest(
            "POST",
            acd_path("/lists/call-lists"),
            params=wire,
            json=body,
            parse=lambda b: parse_model(ListCreated, b).list_id,
        )

    def _job_named(self, list_id: int, file_name: str) -> Verify:
        response = yield self.jobs()
        for job in response.parsed:
            if job.file_name == file_name and job.list_id in (None, list_id):
                return {"jobId": job.job_id}
        return NOT_APPLIED

    def upload(self, list_id: int, upload: ListUpload | Mapping[str, Any]) -> APIRequest[int]:
        """``POST /lists/call-lists/{listId}/upload`` → job id; verified by the jobs' fileName."""
        model = validate_request(ListUpload, upload)
        path = acd_path("/lists/call-lists/{listId}/upload", listId=list_id)
        return APIRequest(
            "POST",
            path,
            json=to_wire(model),
            parse=lambda b: parse_model(UploadStarted, b).job_id,
            verify=lambda: self._job_named(list_id, model.file_name),
        )

    def jobs(self) -> APIRequest[list[UploadJob]]:
        """``GET /lists/call-lists/jobs``."""
        return APIRequest(
            "GET",
            acd_path("/lists/call-lists/jobs"),
            parse=lambda b: parse_model(UploadJobPage, b).upload_jobs,
        )

    def job(self, job_id: int) -> APIRequest[UploadJob]:
        """``GET /lists/call-lists/jobs/{jobId}``."""
        return APIRequest(
            "GET", acd_path("/lists/call-lists/jobs/{jobId}", jobId=job_id), parse=_job
        )

    def attempts(self, list_id: int, *, finalized: bool | None = None) -> APIRequest[ListAttempts]:
        """``GET /lists/call-lists/{listId}/attempts``."""
        path = acd_path("/lists/call-lists/{listId}/attempts", listId=list_id)
        return APIRequest(
            "GET",
            path,
            params={"finalized": finalized},
            parse=lambda b: parse_model(ListAttempts, b),
        )

    def delete(self, list_id: int, *, force_inactive: bool = False) -> APIRequest[None]:
        """``DELETE /lists/call-lists/{listId}``."""
        path = acd_path("/lists/call-lists/{listId}", listId=list_id)
        return APIRequest(
            "DELETE", path, params={"forceInactive": force_inactive}, parse=parse_none
        )

    def remove_prospects(self, source_name: str, external_ids: Sequence[str]) -> APIRequest[Any]:
        """``DELETE /lists/call-lists/{sourceName}/removeProspects``."""
        path = acd_path("/lists/call-lists/{sourceName}/removeProspects", sourceName=source_name)
        body = {
            "prospectsToRemove": [to_wire(ProspectRemoval(external_id=e)) for e in external_ids]
        }
        return APIRequest("DELETE", path, json=body, parse=lambda b: b)


def upload_of(
    csv_text: str | bytes, *, file_name: str, skill_id: int, **options: Any
) -> ListUpload:
    """A :class:`ListUpload` carrying ``csv_text`` base64-encoded, as CXone expects."""
    raw = csv_text.encode() if isinstance(csv_text, str) else csv_text
    encoded = base64.b64encode(raw).decode()
    return validate_request(
        ListUpload, {"listFile": encoded, "fileName": file_name, "skillId": skill_id, **options}
    )


def _timeout(job_id: int, waited: float) -> APITimeout:
    return APITimeout(
        f"upload job {job_id} not complete after {waited:.0f}s",
        fix="raise the timeout or check the job in CXone (Calling Lists > Jobs)",
    )


class Lists(SyncResource):
    """``client.lists``: calling lists."""

    requests = ListRequests()

    def all(self) -> list[CallingList]:
        """Every calling list."""
        return self._call(self.requests.all())

    def create(self, mapping: ListMapping | Mapping[str, Any]) -> int:
        """Create a list mapping; returns the list id."""
        return self._call(self.requests.create(mapping))

    def upload(
        self, list_id: int, csv_text: str | bytes, *, file_name: str, skill_id: int, **options: Any
    ) -> int:
        """Upload CSV records to a list for a skill; returns the job id."""
        upload = upload_of(csv_text, file_name=file_name, skill_id=skill_id, **options)
        return self._call(self.requests.upload(list_id, upload))

    def job(self, job_id: int) -> UploadJob:
        """One upload job."""
        return self._call(self.requests.job(job_id))

    def wait_for_job(
        self,
        job_id: int,
        *,
        max_wait: float = 300.0,
        interval: float = 1.0,
        sleep: Callable[[float], None] | None = None,
        on_poll: Callable[[UploadJob], None] | None = None,
    ) -> UploadJob:
        """Poll the job until complete (or cancelled); :class:`APITimeout` after ``max_wait``.

        ``sleep`` waits between polls (default: the client's clock, the same seam the retry
        policy sleeps on); a test against a manual-clock emulator passes one that advances
        the emulator's clock. ``max_wait`` counts the seconds slept, not wall time.
        ``on_poll`` sees every job state read (progress display).
        """
        wait, waited = sleep or self._http.core.clock.sleep, 0.0
        while True:
            job = self.job(job_id)
            if on_poll is not None:
                on_poll(job)
            if job.is_complete or job.is_cancelled:
                return job
            if waited >= max_wait:
                raise _timeout(job_id, waited)
            wait(interval)
            waited += interval

    def attempts(self, list_id: int, *, finalized: bool | None = None) -> ListAttempts:
        """The per-record dial history."""
        return self._call(self.requests.attempts(list_id, finalized=finalized))

    def delete(self, list_id: int, *, force_inactive: bool = False) -> None:
        """Delete a list."""
        self._call(self.requests.delete(list_id, force_inactive=force_inactive))

    def remove_prospects(self, source_name: str, external_ids: Sequence[str]) -> Any:
        """Remove records (by external id) from a list."""
        return self._call(self.requests.remove_prospects(source_name, external_ids))


class AsyncLists(AsyncResource):
    """``client.lists`` on the async client."""

    requests = ListRequests()

    async def all(self) -> list[CallingList]:
        """Every calling list."""
        return await self._call(self.requests.all())

    async def create(self, mapping: ListMapping | Mapping[str, Any]) -> int:
        """Create a list mapping; returns the list id."""
        return await self._call(self.requests.create(mapping))

    async def upload(
        self, list_id: int, csv_text: str | bytes, *, file_name: str, skill_id: int, **options: Any
    ) -> int:
        """Upload CSV records to a list for a skill; returns the job id."""
        upload = upload_of(csv_text, file_name=file_name, skill_id=skill_id, **options)
        return await self._call(self.requests.upload(list_id, upload))

    async def job(self, job_id: int) -> UploadJob:
        """One upload job."""
        return await self._call(self.requests.job(job_id))

    async def wait_for_job(
        self,
        job_id: int,
        *,
        max_wait: float = 300.0,
        interval: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        on_poll: Callable[[UploadJob], None] | None = None,
    ) -> UploadJob:
        """Poll the job until complete (or cancelled); :class:`APITimeout` after ``max_wait``.

        ``sleep`` (a coroutine function) waits between polls; default the client's clock.
        """
        wait, waited = sleep or self._http.core.clock.asleep, 0.0
        while True:
            job = await self.job(job_id)
            if on_poll is not None:
                on_poll(job)
            if job.is_complete or job.is_cancelled:
                return job
            if waited >= max_wait:
                raise _timeout(job_id, waited)
            await wait(interval)
            waited += interval

    async def attempts(self, list_id: int, *, finalized: bool | None = None) -> ListAttempts:
        """The per-record dial history."""
        return await self._call(self.requests.attempts(list_id, finalized=finalized))

    async def delete(self, list_id: int, *, force_inactive: bool = False) -> None:
        """Delete a list."""
        await self._call(self.requests.delete(list_id, force_inactive=force_inactive))

    async def remove_prospects(self, source_name: str, external_ids: Sequence[str]) -> Any:
        """Remove records (by external id) from a list."""
        return await self._call(self.requests.remove_prospects(source_name, external_ids))
