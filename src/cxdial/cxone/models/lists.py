"""Calling lists: mapping, upload jobs, attempts (``cxone-api.md`` §3.2)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from cxdial.cxone.models.base import RequestModel, ResponseModel

__all__ = [
    "CallingList",
    "CallingListPage",
    "DestinationMapping",
    "ListAttempts",
    "ListCreated",
    "ListMapping",
    "ListUpload",
    "ProspectRemoval",
    "UploadJob",
    "UploadJobPage",
    "UploadStarted",
]


class DestinationMapping(RequestModel):
    """Which CSV column holds a phone number (``fieldName`` is ``PhoneNumber`` in every source)."""

    field_name: str = "PhoneNumber"
    field_value: str


class ListMapping(RequestModel):
    """``POST /lists/call-lists``: the list's name, columns and destination mappings."""

    list_name: str = Field(min_length=1)
    external_id_column: str = Field(min_length=1)
    destination_mappings: list[DestinationMapping] = Field(min_length=1)
    first_name_column: str | None = None
    last_name_column: str | None = None
    address_column: str | None = None
    city_column: str | None = None
    state_column: str | None = None
    zip_column: str | None = None
    time_zone_column: str | None = None
    caller_id_column: str | None = None
    priority_column: str | None = None
    compliance_req_column: str | None = None
    confirm_req_column: str | None = None
    agent_id_column: str | None = None
    call_request_time_column: str | None = None
    call_request_stale_column: str | None = None
    notes_column: str | None = None
    expiration_date_column: str | None = None
    list_expiration_date: str | None = None
    custom_field_mappings: list[dict[str, str]] | None = None


class ListCreated(ResponseModel):
    """The answer to a mapping create."""

    list_id: int


class ListUpload(RequestModel):
    """``POST /lists/call-lists/{listId}/upload`` (``listFile`` is the base64 CSV)."""

    list_file: str
    file_name: str = Field(min_length=1)
    skill_id: int
    default_time_zone: str | None = None
    force_overwrite: bool = False
    expiration_date: str | None = None
    start_skill: bool = False
    send_email: bool = False


class UploadStarted(ResponseModel):
    """The answer to an upload: the job to poll."""

    job_id: int


class UploadJob(ResponseModel):
    """An upload job (``GET /lists/call-lists/jobs[/{id}]``).

    ``total_records``, ``valid_records``, ``invalid_records`` and ``errors`` are the job's
    outcome once complete (what the platform accepted and rejected, with its messages).
    """

    job_id: int
    list_id: int | None = None
    list_name: str | None = None
    file_name: str | None = None
    is_complete: bool = False
    is_cancelled: bool = False
    submit_date: str | None = None
    completed_date: str | None = None
    total_records: int | None = None
    valid_records: int | None = None
    invalid_records: int | None = None
    errors: list[str] = Field(default_factory=list)

    @field_validator("errors", mode="before")
    @classmethod
    def _messages(cls, value: Any) -> list[str]:
        """Each error as text (a tenant may send objects); anything not a list is none."""
        if not isinstance(value, list):
            return []
        return [v if isinstance(v, str) else str(v) for v in value]


class UploadJobPage(ResponseModel):
    """Upload jobs, newest first as CXone returns them."""

    upload_jobs: list[UploadJob] = Field(default_factory=list)


class CallingList(ResponseModel):
    """A calling list summary."""

    list_id: int
    list_name: str | None = None
    status: str | None = None
    total_records: int | None = None
    valid_records: int | None = None
    invalid_records: int | None = None


class CallingListPage(ResponseModel):
    """``GET /lists/call-lists``."""

    calling_lists: list[CallingList] = Field(default_factory=list)
    total_records: int | None = None


class ListAttempts(ResponseModel):
    """``GET /lists/call-lists/{id}/attempts``: the per-record dial history."""

    result_set: dict[str, Any] = Field(default_factory=dict)

    @property
    def attempts(self) -> list[dict[str, Any]]:
        """Each dial attempt of each record."""
        items = self.result_set.get("contactAttempts", [])
        return [a for a in items if isinstance(a, dict)] if isinstance(items, list) else []


class ProspectRemoval(RequestModel):
    """``DELETE /lists/call-lists/{source}/removeProspects`` body item."""

    external_id: str
