"""The internal do-not-call list and the re-screen hand-off, both written by the event worker.

``internal_dnc`` holds the company-specific do-not-call requests (47 CFR 64.1200(d); the
CRTC's internal list) a call's disposition recorded: one row per request, the 10-digit
national number, when, how, and the event that carried it. The gate reads the numbers as
its ``internal`` registry (``cxdial call``, ``cxdial screen --dnc-from-store``, the
service's re-screen job).

``rescreen_pending`` is the durable hand-off from the worker to the ``rescreener`` role: a
number (and the list record, when the event named one) to screen again, and why
(``revocation``, ``dnc``, ``attempt``). The worker writes a row in the same transaction as
the event that caused it; the role deletes the rows only after the re-screen they fed
finished, so a crash in between loses nothing (the re-screen is idempotent: a record
already removed is not on the list any more).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Engine, Float, Index, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from cxdial.store.db import EngineHolder, session_scope
from cxdial.store.schema import create_schema
from cxdial.store.tables import Base

__all__ = [
    "TRIGGERS",
    "InternalDncRow",
    "InternalDncStore",
    "PendingRescreen",
    "RescreenPendingRow",
    "RescreenQueue",
]

TRIGGERS = ("revocation", "dnc", "attempt")
"""Why a number is screened again: a consent revocation, a DNC addition, a recorded attempt
(which may reach a frequency cap)."""

_ID = BigInteger().with_variant(Integer(), "sqlite")


class InternalDncRow(Base):
    """One do-not-call request on the company's internal list."""

    __tablename__ = "internal_dnc"
    __table_args__ = (Index("ix_internal_dnc_phone", "phone"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    phone: Mapped[str] = mapped_column(String(10))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(64))
    evidence_id: Mapped[str] = mapped_column(String(200))


class RescreenPendingRow(Base):
    """A number the ``rescreener`` role has yet to screen again."""

    __tablename__ = "rescreen_pending"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    phone_e164: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str | None] = mapped_column(String(200))
    trigger: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[float] = mapped_column(Float, index=True)


class InternalDncStore(EngineHolder):
    """The internal do-not-call list. A URL makes an engine :meth:`close` disposes."""

    def __init__(self, engine: Engine | str) -> None:
        super().__init__(engine)
        create_schema(self.engine)

    @staticmethod
    def add_in(
        session: Session, phone: str, at: datetime, *, channel: str, evidence_id: str
    ) -> None:
        """Add one request inside the caller's transaction (``phone``: 10 digits)."""
        session.add(
            InternalDncRow(
                phone=phone, added_at=at.astimezone(UTC), channel=channel, evidence_id=evidence_id
            )
        )

    def add(self, phone: str, at: datetime, *, channel: str, evidence_id: str) -> None:
        """Add one request (``phone``: the 10-digit national number)."""
        with session_scope(self.engine) as session:
            self.add_in(session, phone, at, channel=channel, evidence_id=evidence_id)

    def numbers(self, phone: str | None = None) -> list[str]:
        """The listed national numbers (only ``phone``'s rows when given), sorted, once each."""
        stmt = select(InternalDncRow.phone).distinct()
        if phone is not None:
            stmt = stmt.where(InternalDncRow.phone == phone)
        with session_scope(self.engine) as session:
            return sorted(session.scalars(stmt))

    def numbers_of(self, phones: Iterable[str]) -> list[str]:
        """Which of these national numbers are listed, sorted: ``IN`` queries of 500."""
        wanted = sorted(set(phones))
        found: set[str] = set()
        with session_scope(self.engine) as session:
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                stmt = select(InternalDncRow.phone).where(InternalDncRow.phone.in_(part))
                found.update(session.scalars(stmt.distinct()))
        return sorted(found)


@dataclass(frozen=True)
class PendingRescreen:
    """One pending hand-off row as read back."""

    id: int
    phone_e164: str
    external_id: str | None
    trigger: str
    event_id: str


class RescreenQueue(EngineHolder):
    """The pending re-screens: the worker adds in its transaction, the role drains."""

    def __init__(self, engine: Engine | str) -> None:
        super().__init__(engine)
        create_schema(self.engine)

    @staticmethod
    def add_in(
        session: Session,
        phone_e164: str,
        *,
        trigger: str,
        event_id: str,
        external_id: str | None,
        now: float,
    ) -> None:
        """Hand one number over inside the caller's (the event's) transaction."""
        if trigger not in TRIGGERS:
            raise ValueError(f"unknown re-screen trigger {trigger!r}")
        session.add(
            RescreenPendingRow(
                phone_e164=phone_e164,
                external_id=external_id,
                trigger=trigger,
                event_id=event_id,
                created_at=now,
            )
        )

    def pending(self, limit: int = 1000) -> list[PendingRescreen]:
        """The oldest ``limit`` rows."""
        stmt = select(RescreenPendingRow).order_by(RescreenPendingRow.id).limit(limit)
        with session_scope(self.engine) as session:
            return [
                PendingRescreen(int(r.id), r.phone_e164, r.external_id, r.trigger, r.event_id)
                for r in session.scalars(stmt)
            ]

    def done(self, ids: Iterable[int]) -> int:
        """Forget rows whose re-screen finished; how many were deleted."""
        wanted: Sequence[int] = sorted(set(ids))
        if not wanted:
            return 0
        deleted = 0
        with session_scope(self.engine) as session:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                result = session.execute(
                    delete(RescreenPendingRow).where(RescreenPendingRow.id.in_(chunk))
                )
                deleted += int(getattr(result, "rowcount", 0))
        return deleted

    def count(self) -> int:
        """Rows waiting."""
        from sqlalchemy import func

        with session_scope(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(RescreenPendingRow)) or 0)
