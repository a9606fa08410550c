"""Campaign versions, the snapshots taken around each apply, and each campaign's run state.

Tables of their own metadata (made by the store's migrations, beside the ledger's):

- ``campaign_versions``: every applied spec as (campaign, number, content hash, spec JSON,
  the platform config it maps to), with who applied it, when, and its status —
  ``applying`` while the write runs, then ``applied`` or ``rolled_back``;
- ``campaign_snapshots``: the managed fields of the live skill ``before`` and ``after``
  each apply (``before`` is what a rollback restores; the ``after`` of the last applied
  version is what drift and the pre-write conflict check compare against);
- ``campaign_runs``: the lifecycle state cxdial remembers (the platform has no "paused");
- ``campaign_list_screens``: every screening of a calling list by the compliance gate (an
  upload or a re-screen) with the rule-set version it ran under (pre-flight reads it);
- ``campaign_list_records``: what cxdial uploaded to each list: the gate's input columns of
  each record, its allowed window, and when and why it was removed
  (:mod:`cxdial.store.list_screens` reads and writes these two);
- ``campaign_monitor``: what the monitor remembers per campaign — whether its success rate
  is degraded (the hysteresis state) and the backup it failed over to.

The store knows no campaign types: specs and configs are plain JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Engine,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cxdial.store.db import locked_transaction, make_engine, session_scope
from cxdial.store.integrity import utc
from cxdial.store.schema import create_schema

__all__ = [
    "CampaignRun",
    "CampaignStore",
    "CampaignTables",
    "MonitorState",
    "StoredSnapshot",
    "StoredVersion",
    "VersionMoved",
]

_ID = BigInteger().with_variant(Integer(), "sqlite")


class CampaignTables(DeclarativeBase):
    """Declarative base of the campaign tables (their own metadata)."""


class VersionRow(CampaignTables):
    """One version of one campaign's spec."""

    __tablename__ = "campaign_versions"
    __table_args__ = (UniqueConstraint("campaign", "number", name="uq_campaign_version"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    campaign: Mapped[str] = mapped_column(String(64), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    skill_id: Mapped[int] = mapped_column(_ID)
    status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SnapshotRow(CampaignTables):
    """The live managed fields before or after one apply."""

    __tablename__ = "campaign_snapshots"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    campaign: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RunRow(CampaignTables):
    """The lifecycle state cxdial remembers for one campaign."""

    __tablename__ = "campaign_runs"

    campaign: Mapped[str] = mapped_column(String(64), primary_key=True)
    skill_id: Mapped[int] = mapped_column(_ID)
    state: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ListScreenRow(CampaignTables):
    """One screening of a calling list by the gate: an upload or a re-screen."""

    __tablename__ = "campaign_list_screens"
    __table_args__ = (Index("ix_campaign_list_screens_list", "campaign", "list_name"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    campaign: Mapped[str] = mapped_column(String(64))
    list_name: Mapped[str] = mapped_column(String(100))
    list_id: Mapped[int | None] = mapped_column(_ID, nullable=True)
    skill_id: Mapped[int] = mapped_column(_ID)
    kind: Mapped[str] = mapped_column(String(16))
    rule_set_version: Mapped[str] = mapped_column(String(64))
    screened_for: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    records: Mapped[int] = mapped_column(Integer)
    removed: Mapped[int] = mapped_column(Integer)
    job_id: Mapped[int | None] = mapped_column(_ID, nullable=True)


class ListRecordRow(CampaignTables):
    """One record cxdial uploaded to a list: the gate's inputs, its window, its removal."""

    __tablename__ = "campaign_list_records"
    __table_args__ = (
        Index("ix_campaign_list_records_list", "campaign", "list_name", "external_id"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    campaign: Mapped[str] = mapped_column(String(64))
    list_name: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str] = mapped_column(String(200))
    phone_e164: Mapped[str | None] = mapped_column(String(20), index=True, nullable=True)
    contact: Mapped[dict[str, Any]] = mapped_column(JSON)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    window_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    removed_reasons: Mapped[str | None] = mapped_column(Text, nullable=True)


class MonitorRow(CampaignTables):
    """The monitor's memory of one campaign (hysteresis and failover)."""

    __tablename__ = "campaign_monitor"

    campaign: Mapped[str] = mapped_column(String(64), primary_key=True)
    degraded: Mapped[bool] = mapped_column(Boolean, default=False)
    backup: Mapped[str | None] = mapped_column(String(64), nullable=True)
    failed_over_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class MonitorState:
    """Whether a campaign's success rate is degraded, and where it failed over to."""

    campaign: str
    degraded: bool
    backup: str | None
    failed_over_at: datetime | None


@dataclass(frozen=True)
class StoredVersion:
    """A version as read back."""

    campaign: str
    number: int
    content_hash: str
    spec: dict[str, Any]
    config: dict[str, Any]
    skill_id: int
    status: str
    actor: str
    created_at: datetime


@dataclass(frozen=True)
class StoredSnapshot:
    """A snapshot as read back."""

    campaign: str
    version: int
    kind: str
    config: dict[str, Any]
    taken_at: datetime


@dataclass(frozen=True)
class CampaignRun:
    """A campaign's remembered lifecycle state."""

    campaign: str
    skill_id: int
    state: str
    updated_at: datetime


def _version(row: VersionRow) -> StoredVersion:
    at = utc(row.created_at)
    assert at is not None
    return StoredVersion(
        row.campaign,
        row.number,
        row.content_hash,
        dict(row.spec),
        dict(row.config),
        int(row.skill_id),
        row.status,
        row.actor,
        at,
    )


class CampaignStore:
    """Versions, snapshots and run states of campaigns, in one database.

    A URL makes an engine that :meth:`close` disposes; an ``Engine`` passed in stays the
    caller's.
    """

    def __init__(self, engine: Engine | str) -> None:
        self._owns_engine = not isinstance(engine, Engine)
        self.engine = engine if isinstance(engine, Engine) else make_engine(engine)
        create_schema(self.engine)

    def close(self) -> None:
        """Dispose of the engine if this store made it."""
        if self._owns_engine:
            self.engine.dispose()

    def __enter__(self) -> CampaignStore:
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.close()

    # --- versions --------------------------------------------------------------------

    def begin_version(
        self,
        campaign: str,
        *,
        content_hash: str,
        spec: dict[str, Any],
        config: dict[str, Any],
        skill_id: int,
        actor: str,
        expect: int | None = None,
    ) -> StoredVersion:
        """Number the next version (status ``applying``) under the campaign's write lock.

        ``expect`` is the version the caller saw as the newest applied one; another number
        means someone applied in between and None is returned (the caller's conflict).
        """
        now = datetime.now(UTC)
        with locked_transaction(self.engine, f"campaign:{campaign}") as conn:
            table = cast(Table, VersionRow.__table__)
            rows = conn.execute(
                select(table.c.number, table.c.status)
                .where(table.c.campaign == campaign)
                .order_by(table.c.number.desc())
            ).all()
            top = rows[0][0] if rows else 0
            applied = next((int(n) for n, s in rows if s == "applied"), 0)
            if expect is not None and applied != expect:
                raise VersionMoved(applied)
            values = {
                "campaign": campaign,
                "number": int(top) + 1,
                "content_hash": content_hash,
                "spec": spec,
                "config": config,
                "skill_id": skill_id,
                "status": "applying",
                "actor": actor,
                "created_at": now,
            }
            conn.execute(table.insert().values(**values))
        return StoredVersion(**values)  # type: ignore[arg-type]

    def finish_version(self, campaign: str, number: int, status: str) -> None:
        """Mark a version ``applied`` or ``rolled_back``."""
        with session_scope(self.engine) as session:
            row = session.scalars(
                select(VersionRow).where(
                    VersionRow.campaign == campaign, VersionRow.number == number
                )
            ).one()
            row.status = status

    def latest(self, campaign: str, *, status: str | None = "applied") -> StoredVersion | None:
        """The newest version (of ``status``, by default the newest applied one)."""
        stmt = select(VersionRow).where(VersionRow.campaign == campaign)
        if status is not None:
            stmt = stmt.where(VersionRow.status == status)
        with session_scope(self.engine) as session:
            row = session.scalars(stmt.order_by(VersionRow.number.desc()).limit(1)).first()
            return _version(row) if row is not None else None

    def version(self, campaign: str, number: int) -> StoredVersion | None:
        """One version by number."""
        with session_scope(self.engine) as session:
            row = session.scalars(
                select(VersionRow).where(
                    VersionRow.campaign == campaign, VersionRow.number == number
                )
            ).first()
            return _version(row) if row is not None else None

    def versions(self, campaign: str) -> list[StoredVersion]:
        """Every version, oldest first."""
        with session_scope(self.engine) as session:
            rows = session.scalars(
                select(VersionRow)
                .where(VersionRow.campaign == campaign)
                .order_by(VersionRow.number)
            )
            return [_version(r) for r in rows]

    # --- snapshots -------------------------------------------------------------------

    def save_snapshot(self, campaign: str, version: int, kind: str, config: dict[str, Any]) -> None:
        """Keep the live managed fields ``before`` or ``after`` version ``version``."""
        with session_scope(self.engine) as session:
            session.add(
                SnapshotRow(
                    campaign=campaign,
                    version=version,
                    kind=kind,
                    config=config,
                    taken_at=datetime.now(UTC),
                )
            )

    def snapshot(self, campaign: str, version: int, kind: str) -> StoredSnapshot | None:
        """The newest snapshot of that kind for that version."""
        with session_scope(self.engine) as session:
            row = session.scalars(
                select(SnapshotRow)
                .where(
                    SnapshotRow.campaign == campaign,
                    SnapshotRow.version == version,
                    SnapshotRow.kind == kind,
                )
                .order_by(SnapshotRow.id.desc())
                .limit(1)
            ).first()
            if row is None:
                return None
            at = utc(row.taken_at)
            assert at is not None
            return StoredSnapshot(row.campaign, row.version, row.kind, dict(row.config), at)

    # --- run state -------------------------------------------------------------------

    def run(self, campaign: str) -> CampaignRun | None:
        """The remembered lifecycle state, if any."""
        with session_scope(self.engine) as session:
            row = session.get(RunRow, campaign)
            if row is None:
                return None
            at = utc(row.updated_at)
            assert at is not None
            return CampaignRun(row.campaign, int(row.skill_id), row.state, at)

    def set_run(self, campaign: str, skill_id: int, state: str) -> None:
        """Remember the campaign's lifecycle state."""
        with session_scope(self.engine) as session:
            row = session.get(RunRow, campaign)
            now = datetime.now(UTC)
            if row is None:
                row = RunRow(campaign=campaign, skill_id=skill_id, state=state, updated_at=now)
                session.add(row)
            else:
                row.skill_id, row.state, row.updated_at = skill_id, state, now

    # --- monitor -------------------------------------------------------------------

    def monitor_state(self, campaign: str) -> MonitorState:
        """What the monitor remembers (not degraded, no failover, when it never ran)."""
        with session_scope(self.engine) as session:
            row = session.get(MonitorRow, campaign)
            if row is None:
                return MonitorState(campaign, False, None, None)
            return MonitorState(campaign, row.degraded, row.backup, utc(row.failed_over_at))

    def set_monitor_state(self, state: MonitorState) -> None:
        """Remember the monitor's state of one campaign."""
        with session_scope(self.engine) as session:
            row = session.get(MonitorRow, state.campaign)
            now = datetime.now(UTC)
            if row is None:
                row = MonitorRow(campaign=state.campaign, updated_at=now)
                session.add(row)
            row.degraded, row.backup = state.degraded, state.backup
            row.failed_over_at, row.updated_at = state.failed_over_at, now


class VersionMoved(Exception):
    """Raised by :meth:`CampaignStore.begin_version` when ``expect`` is not the newest."""

    def __init__(self, applied: int) -> None:
        super().__init__(applied)
        self.applied = applied
