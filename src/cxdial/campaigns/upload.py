"""List upload through the compliance gate: screen a CSV, upload what it clears, poll the job.

:func:`upload_list` reads the CSV of one of the spec's lists, screens every row with the
gate it is given (a gate built with a ledger writes every decision, blocks and their
reasons included), creates the calling-list mapping from the spec's ``columns`` when the
tenant has no list of that name, uploads only the cleared rows to the campaign's Personal
Connection skill (``POST /lists/call-lists/{id}/upload``, answered 202 with a job) and
polls ``GET /lists/call-lists/jobs/{jobId}`` until the platform finishes it. The report
names every row not uploaded: the gate's blocks with their reason codes, malformed rows,
and the records the platform's job rejected.

The gate screens the columns ``id`` and ``phone``; a spec that maps ``external_id`` /
``phone`` to other columns has them copied under those names for the screen (and not
uploaded), so the gate judges exactly the number the platform will dial.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxdial.campaigns.spec import CampaignSpec, ListSource
from cxdial.errors import APITimeout, ValidationError

if TYPE_CHECKING:
    import polars as pl

    from cxdial.campaigns.context import CampaignContext
    from cxdial.compliance import Gate
    from cxdial.compliance.result import ScreenResult
    from cxdial.cxone.models.lists import ListMapping, UploadJob

__all__ = [
    "GATE_PURPOSE",
    "Progress",
    "RejectedRow",
    "UploadReport",
    "choose_list",
    "list_mapping",
    "upload_list",
]

Progress = Callable[[str, int, int | None], None]
"""``progress(stage, done, total)``: stages ``screen``, ``upload`` and ``job``."""

GATE_PURPOSE = {
    "marketing": "telemarketing",
    "informational": "informational",
    "debt_collection": "debt_collection",
    "political": "informational",
    "survey": "informational",
}
"""The gate's purpose for each spec purpose (political and survey calls sell nothing)."""

_GATE_COLUMNS = ("id", "phone")


@dataclass(frozen=True)
class RejectedRow:
    """A row that was not uploaded: who, by whom (``gate``, ``input``, ``platform``), why."""

    source: str
    reasons: tuple[str, ...]
    external_id: str | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data (no phone numbers)."""
        return {
            "source": self.source,
            "external_id": self.external_id,
            "line": self.line,
            "reasons": list(self.reasons),
        }


@dataclass
class UploadReport:
    """What one upload screened, sent and the platform accepted."""

    campaign: str
    list_name: str
    list_id: int | None
    skill_id: int
    rule_set_version: str
    rows: int = 0
    cleared: int = 0
    blocked: int = 0
    malformed: int = 0
    job_id: int | None = None
    accepted: int = 0
    platform_rejected: int = 0
    job_cancelled: bool = False
    created_list: bool = False
    reasons: dict[str, int] = field(default_factory=dict)
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every row of the CSV is now on the calling list."""
        return self.rows == self.accepted and not self.job_cancelled

    def as_dict(self) -> dict[str, Any]:
        """The counts and every rejected row, for ``--json``."""
        return {
            "campaign": self.campaign,
            "list": self.list_name,
            "list_id": self.list_id,
            "created_list": self.created_list,
            "skill_id": self.skill_id,
            "rule_set_version": self.rule_set_version,
            "job_id": self.job_id,
            "job_cancelled": self.job_cancelled,
            "counts": {
                "rows": self.rows,
                "cleared": self.cleared,
                "blocked": self.blocked,
                "malformed": self.malformed,
                "uploaded": self.cleared,
                "accepted": self.accepted,
                "platform_rejected": self.platform_rejected,
            },
            "reasons": dict(sorted(self.reasons.items())),
            "rejected": [r.as_dict() for r in self.rejected],
        }


def choose_list(spec: CampaignSpec, name: str | None) -> ListSource:
    """The spec's list called ``name`` (or its only list when ``name`` is ``None``)."""
    if not spec.lists:
        raise ValidationError(
            f"campaign {spec.name!r} has no lists",
            field="lists",
            fix="add a list with its name, source and columns to the spec",
        )
    if name is None:
        if len(spec.lists) > 1:
            names = ", ".join(lst.name for lst in spec.lists)
            raise ValidationError(
                f"campaign {spec.name!r} has {len(spec.lists)} lists",
                field="--list",
                fix=f"name one with --list: {names}",
            )
        return spec.lists[0]
    for lst in spec.lists:
        if lst.name == name:
            return lst
    raise ValidationError(
        f"campaign {spec.name!r} has no list {name!r}",
        field="--list",
        fix="one of: " + ", ".join(lst.name for lst in spec.lists),
    )


def list_mapping(source: ListSource) -> ListMapping:
    """The ``POST /lists/call-lists`` mapping of a spec list's ``columns``."""
    from cxdial.cxone.models.lists import DestinationMapping, ListMapping

    cols = source.columns
    optional = {
        "first_name_column": cols.first_name,
        "last_name_column": cols.last_name,
        "zip_column": cols.zip,
        "state_column": cols.state,
        "time_zone_column": cols.time_zone,
        "caller_id_column": cols.caller_id,
        "expiration_date_column": cols.expiration,
    }
    return ListMapping(
        list_name=source.name,
        external_id_column=cols.external_id,
        destination_mappings=[DestinationMapping(field_value=cols.phone)],
        **{k: v for k, v in optional.items() if v is not None},
    )


def _screen_frame(frame: pl.DataFrame, source: ListSource) -> tuple[pl.DataFrame, list[str]]:
    """``frame`` with ``id``/``phone`` from the mapped columns; the names added for the gate."""
    import polars as pl

    lowered = {c.strip().lower(): c for c in frame.columns}
    mapped = {"id": source.columns.external_id, "phone": source.columns.phone}
    for column in mapped.values():
        if column not in frame.columns:
            raise ValidationError(
                f"list {source.name!r}: the CSV has no column {column!r}",
                field="lists.columns",
                fix="map the column the CSV has, or add it to the CSV",
            )
    added: list[str] = []
    for gate_name, column in mapped.items():
        present = lowered.get(gate_name)
        if present is None:
            frame = frame.with_columns(pl.col(column).alias(gate_name))
            added.append(gate_name)
        elif present != column:
            raise ValidationError(
                f"list {source.name!r}: the CSV's {present!r} column is not the mapped "
                f"{gate_name} column {column!r}",
                field=f"lists.columns.{'external_id' if gate_name == 'id' else gate_name}",
                fix=f"map {present!r}, or rename that column so the gate screens what is dialed",
            )
    return frame, added


def _find_or_create(ctx: CampaignContext, source: ListSource) -> tuple[int, bool]:
    for lst in ctx.client.lists.all():
        if lst.list_name == source.name:
            return lst.list_id, False
    return ctx.client.lists.create(list_mapping(source)), True


def _wait(
    ctx: CampaignContext, job_id: int, max_wait: float, interval: float, progress: Progress | None
) -> UploadJob:
    sleep = ctx.sleep or time.sleep
    waited = 0.0
    while True:
        job = ctx.client.lists.job(job_id)
        if progress is not None:
            progress("job", 1 if job.is_complete else 0, 1)
        if job.is_complete or job.is_cancelled:
            return job
        if waited >= max_wait:
            raise APITimeout(
                f"upload job {job_id} not complete after {waited:.0f}s",
                fix="raise --max-wait or check the job in CXone (Calling Lists > Jobs)",
            )
        sleep(interval)
        waited += interval


def _gate_rejections(result: ScreenResult) -> list[RejectedRow]:
    import polars as pl

    blocked = result.frame.filter(pl.col("decision") != "ALLOW")
    return [
        RejectedRow("gate", tuple(r for r in row["reasons"].split(";") if r), row["__id"])
        for row in blocked.select("__id", "reasons").iter_rows(named=True)
    ]


def upload_list(
    ctx: CampaignContext,
    spec: CampaignSpec,
    csv_path: Path,
    gate: Gate,
    *,
    skill_id: int,
    list_name: str | None = None,
    progress: Progress | None = None,
    max_wait: float = 300.0,
    interval: float = 1.0,
) -> UploadReport:
    """Screen ``csv_path``, upload the cleared rows to ``skill_id``, wait for the job.

    Every decision goes to the gate's ledger when it has one. Nothing is sent to CXone
    when no row is cleared. Raises :class:`ValidationError` for a CSV that does not fit
    the list's mapping, :class:`APITimeout` when the job outlasts ``max_wait`` seconds.
    """
    from cxdial.compliance.csvfile import read_contacts
    from cxdial.compliance.models import Purpose

    source = choose_list(spec, list_name)
    raw = read_contacts(csv_path, option="LIST.csv")
    frame, added = _screen_frame(raw, source)
    if progress is not None:
        progress("screen", 0, frame.height)
    purpose = Purpose(GATE_PURPOSE[spec.purpose])
    result = gate.screen(frame, ctx.clock(), purpose=purpose, record=True)
    if progress is not None:
        progress("screen", frame.height, frame.height)
    summary = result.summary()
    report = UploadReport(
        campaign=spec.name,
        list_name=source.name,
        list_id=None,
        skill_id=skill_id,
        rule_set_version=result.rule_set_version,
        rows=summary["rows"],
        cleared=summary["decisions"]["ALLOW"],
        blocked=summary["decisions"]["BLOCK"],
        malformed=summary["malformed"],
        reasons=dict(summary["reasons"]),
    )
    report.rejected.extend(_gate_rejections(result))
    report.rejected.extend(
        RejectedRow("input", (f"{e.field}: {e.message}",), line=e.line) for e in result.errors
    )
    cleared = result.cleared().drop(added)
    if cleared.height:
        _send(ctx, report, source, cleared, csv_path, progress, max_wait, interval)
    ctx.record(
        "list.uploaded",
        spec.name,
        detail={k: v for k, v in report.as_dict().items() if k != "rejected"},
    )
    return report


def _send(
    ctx: CampaignContext,
    report: UploadReport,
    source: ListSource,
    cleared: pl.DataFrame,
    csv_path: Path,
    progress: Progress | None,
    max_wait: float,
    interval: float,
) -> None:
    """Upload ``cleared`` as CSV to the list (created if missing) and fold in the job."""
    report.list_id, report.created_list = _find_or_create(ctx, source)
    text = cleared.write_csv()
    if progress is not None:
        progress("upload", 0, cleared.height)
    report.job_id = ctx.client.lists.upload(
        report.list_id,
        text,
        file_name=f"{csv_path.stem}-{uuid.uuid4().hex[:8]}.csv",
        skill_id=report.skill_id,
        default_time_zone=source.default_time_zone,
    )
    if progress is not None:
        progress("upload", cleared.height, cleared.height)
    job = _wait(ctx, report.job_id, max_wait, interval, progress)
    extra = job.model_extra or {}
    invalid = int(extra.get("invalidRecords") or 0)
    report.job_cancelled = job.is_cancelled
    report.platform_rejected = invalid
    report.accepted = int(extra.get("validRecords", cleared.height - invalid) or 0)
    errors = extra.get("errors")
    for message in errors if isinstance(errors, list) else []:
        report.rejected.append(RejectedRow("platform", (str(message),)))
