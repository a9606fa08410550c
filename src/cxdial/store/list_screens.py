"""What cxdial screened and uploaded to each calling list, and under which rule set.

Two of the campaign store's tables (:mod:`cxdial.store.campaigns`):
``campaign_list_screens`` (one row per upload or re-screen: the rule-set version the gate
ran under, when, how many records, how many removed) and ``campaign_list_records`` (each
uploaded record: the gate's input columns, its allowed window, and its removal). The
re-screen job reads the records back to screen them again; pre-flight reads the newest
screening of each list the skill dials. The store knows no compliance types: a record's
inputs are a plain ``{column: text}`` mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, or_, select, update

from cxdial.store.campaigns import CampaignStore, ListRecordRow, ListScreenRow
from cxdial.store.db import session_scope
from cxdial.store.integrity import utc

__all__ = ["ListScreenStore", "StoredListRecord", "StoredScreen", "UploadedRecord"]


@dataclass(frozen=True)
class StoredScreen:
    """One screening of a list as read back."""

    campaign: str
    list_name: str
    list_id: int | None
    skill_id: int
    kind: str
    rule_set_version: str
    screened_for: datetime
    records: int
    removed: int
    job_id: int | None


@dataclass(frozen=True)
class UploadedRecord:
    """A record about to be kept: its external id, number, gate inputs and window."""

    external_id: str
    phone_e164: str | None
    contact: dict[str, Any]
    window_start: datetime
    window_end: datetime | None


@dataclass(frozen=True)
class StoredListRecord:
    """A record cxdial uploaded and has not removed."""

    external_id: str
    phone_e164: str | None
    contact: dict[str, Any]
    window_start: datetime
    window_end: datetime | None
    uploaded_at: datetime


def _aware(value: datetime | None) -> datetime | None:
    return utc(value) if value is not None else None


class ListScreenStore:
    """Screenings and uploaded records, in the campaign store's database."""

    def __init__(self, store: CampaignStore) -> None:
        self.engine = store.engine

    def record_screen(
        self,
        campaign: str,
        list_name: str,
        *,
        skill_id: int,
        kind: str,
        rule_set_version: str,
        screened_for: datetime,
        records: int,
        removed: int = 0,
        list_id: int | None = None,
        job_id: int | None = None,
    ) -> None:
        """Remember one screening (``kind``: ``upload`` or ``rescreen``)."""
        with session_scope(self.engine) as session:
            session.add(
                ListScreenRow(
                    campaign=campaign,
                    list_name=list_name,
                    list_id=list_id,
                    skill_id=skill_id,
                    kind=kind,
                    rule_set_version=rule_set_version,
                    screened_for=screened_for.astimezone(UTC),
                    recorded_at=datetime.now(UTC),
                    records=records,
                    removed=removed,
                    job_id=job_id,
                )
            )

    def latest_screen(self, list_name: str, campaign: str | None = None) -> StoredScreen | None:
        """The newest screening of the list called ``list_name`` (of ``campaign``, if given)."""
        stmt = select(ListScreenRow).where(ListScreenRow.list_name == list_name)
        if campaign is not None:
            stmt = stmt.where(ListScreenRow.campaign == campaign)
        with session_scope(self.engine) as session:
            row = session.scalars(stmt.order_by(ListScreenRow.id.desc()).limit(1)).first()
            if row is None:
                return None
            at = utc(row.screened_for)
            assert at is not None
            return StoredScreen(
                row.campaign,
                row.list_name,
                int(row.list_id) if row.list_id is not None else None,
                int(row.skill_id),
                row.kind,
                row.rule_set_version,
                at,
                row.records,
                row.removed,
                int(row.job_id) if row.job_id is not None else None,
            )

    def keep_records(
        self, campaign: str, list_name: str, records: Sequence[UploadedRecord], at: datetime
    ) -> None:
        """Remember uploaded records; a record uploaded again replaces its earlier copy."""
        if not records:
            return
        table = cast(Table, ListRecordRow.__table__)
        ids = [r.external_id for r in records]
        with session_scope(self.engine) as session:
            for start in range(0, len(ids), 500):
                session.execute(
                    table.delete().where(
                        table.c.campaign == campaign,
                        table.c.list_name == list_name,
                        table.c.external_id.in_(ids[start : start + 500]),
                    )
                )
            session.execute(
                table.insert(),
                [
                    {
                        "campaign": campaign,
                        "list_name": list_name,
                        "external_id": r.external_id,
                        "phone_e164": r.phone_e164,
                        "contact": r.contact,
                        "window_start": r.window_start.astimezone(UTC),
                        "window_end": r.window_end.astimezone(UTC) if r.window_end else None,
                        "uploaded_at": at.astimezone(UTC),
                        "removed_at": None,
                        "removed_reasons": None,
                    }
                    for r in records
                ],
            )

    def active_records(
        self,
        campaign: str,
        list_name: str,
        *,
        phones: Iterable[str] | None = None,
        external_ids: Iterable[str] | None = None,
    ) -> list[StoredListRecord]:
        """The records still on the list (optionally only those numbers or ids), by id."""
        stmt = select(ListRecordRow).where(
            ListRecordRow.campaign == campaign,
            ListRecordRow.list_name == list_name,
            ListRecordRow.removed_at.is_(None),
        )
        if phones is not None or external_ids is not None:
            wanted = []
            if phones is not None:
                wanted.append(ListRecordRow.phone_e164.in_(sorted(set(phones))))
            if external_ids is not None:
                wanted.append(ListRecordRow.external_id.in_(sorted(set(external_ids))))
            stmt = stmt.where(or_(*wanted))
        with session_scope(self.engine) as session:
            rows = session.scalars(stmt.order_by(ListRecordRow.id)).all()
            out = []
            for row in rows:
                start, uploaded = utc(row.window_start), utc(row.uploaded_at)
                assert start is not None
                assert uploaded is not None
                out.append(
                    StoredListRecord(
                        row.external_id,
                        row.phone_e164,
                        dict(row.contact),
                        start,
                        _aware(row.window_end),
                        uploaded,
                    )
                )
            return out

    def mark_removed(
        self, campaign: str, list_name: str, reasons: dict[str, str], at: datetime
    ) -> None:
        """Record that the records named in ``reasons`` (external id → why) were removed."""
        table = cast(Table, ListRecordRow.__table__)
        with session_scope(self.engine) as session:
            for external_id, why in reasons.items():
                session.execute(
                    update(table)
                    .where(
                        table.c.campaign == campaign,
                        table.c.list_name == list_name,
                        table.c.external_id == external_id,
                        table.c.removed_at.is_(None),
                    )
                    .values(removed_at=at.astimezone(UTC), removed_reasons=why)
                )
