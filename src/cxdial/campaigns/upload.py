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

Every uploaded record carries its allowed window in four columns cxdial adds and maps
(time zone, call request time and stale minutes, expiration: :mod:`.windows`). A list
with a ``segment`` takes only the records whose consent fits it (:mod:`.segments`); the
others are reported with source ``segment``. The screening (rule-set version, instant,
counts) and each uploaded record's gate inputs and window are kept in the store
(:class:`~cxdial.store.list_screens.ListScreenStore`) for pre-flight and the re-screen job.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxdial.campaigns.segments import GATE_PURPOSE
from cxdial.campaigns.spec import CampaignSpec, ListSource
from cxdial.campaigns.windows import WINDOW_COLUMNS
from cxdial.errors import ValidationError

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
    outside_segment: int = 0
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
                "outside_segment": self.outside_segment,
                "uploaded": self.cleared - self.outside_segment,
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
        "caller_id_column": cols.caller_id,
    }
    return ListMapping(
        list_name=source.name,
        external_id_column=cols.external_id,
        destination_mappings=[DestinationMapping(field_value=cols.phone)],
        **{k: v for k, v in optional.items() if v is not None},
        **WINDOW_COLUMNS,
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
    def polled(job: UploadJob) -> None:
        if progress is not None:
            progress("job", 1 if job.is_complete else 0, 1)

    return ctx.client.lists.wait_for_job(
        job_id, max_wait=max_wait, interval=interval, sleep=ctx.sleep, on_poll=polled
    )


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
    from cxdial.campaigns.segments import segment_mask
    from cxdial.campaigns.windows import record_windows
    from cxdial.compliance.csvfile import read_contacts
    from cxdial.compliance.models import Purpose

    source = choose_list(spec, list_name)
    raw = read_contacts(csv_path, option="LIST.csv")
    frame, added = _screen_frame(raw, source)
    clash = sorted(set(WINDOW_COLUMNS.values()) & set(frame.columns))
    if clash:
        raise ValidationError(
            f"list {source.name!r}: the CSV has a column {clash[0]!r} cxdial writes",
            field="LIST.csv",
            fix="rename or drop that column (cxdial fills it with the record's window)",
        )
    if progress is not None:
        progress("screen", 0, frame.height)
    purpose = Purpose(GATE_PURPOSE[spec.purpose])
    at = ctx.clock()
    seller = source.segment.seller if source.segment is not None else None
    result = gate.screen(frame, at, purpose=purpose, record=True, seller=seller)
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
    screened = result.cleared().hstack(record_windows(result, gate))
    if source.segment is not None:
        inside = segment_mask(screened, gate.consents, source.segment, at)
        for external_id in screened.filter(~inside)["id"].to_list():
            report.rejected.append(
                RejectedRow("segment", ("outside the list's segment",), external_id)
            )
        report.outside_segment = int((~inside).sum())
        screened = screened.filter(inside)
    upload_columns = [c for c in screened.columns if c not in added and c not in _KEPT_ONLY]
    if screened.height:
        _send(
            ctx,
            report,
            source,
            screened.select(upload_columns),
            csv_path,
            progress,
            max_wait,
            interval,
        )
        _keep(ctx, spec, source, report, screened, result.input_columns, at)
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
    invalid = job.invalid_records or 0
    report.job_cancelled = job.is_cancelled
    report.platform_rejected = invalid
    valid = job.valid_records
    report.accepted = (
        0 if job.is_cancelled else valid if valid is not None else cleared.height - invalid
    )
    for message in job.errors:
        report.rejected.append(RejectedRow("platform", (message,)))


_KEPT_ONLY = ("window_start", "window_end", "phone_e164")
"""Columns of the screened frame cxdial keeps but does not upload."""


def _keep(
    ctx: CampaignContext,
    spec: CampaignSpec,
    source: ListSource,
    report: UploadReport,
    screened: pl.DataFrame,
    gate_columns: list[str],
    at: datetime,
) -> None:
    """Remember the screening and each uploaded record (gate inputs and window)."""
    from cxdial.compliance.models import Contact
    from cxdial.store.list_screens import ListScreenStore, UploadedRecord

    store = ListScreenStore(ctx.store)
    known = set(Contact.model_fields)
    gate_columns = [c for c in gate_columns if c.strip().lower() in known]
    if not report.job_cancelled:
        records = [
            UploadedRecord(
                external_id=str(row["id"]),
                phone_e164=row["phone_e164"],
                contact={c: row[c] for c in gate_columns if row.get(c) is not None},
                window_start=row["window_start"],
                window_end=row["window_end"],
            )
            for row in screened.iter_rows(named=True)
        ]
        store.keep_records(spec.name, source.name, records, at)
    store.record_screen(
        spec.name,
        source.name,
        skill_id=report.skill_id,
        kind="upload",
        rule_set_version=report.rule_set_version,
        screened_for=at,
        records=report.accepted,
        list_id=report.list_id,
        job_id=report.job_id,
    )
