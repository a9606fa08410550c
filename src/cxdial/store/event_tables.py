"""Tables the event consumers write: seen ids and business keys, call state, counters, marks.

Everything a consumer changes for one event is written in one transaction with the
dedupe rows, so a redelivered event finds itself already seen and changes nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Connection,
    CursorResult,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    Result,
    String,
    Table,
    bindparam,
    insert,
    select,
)
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Mapped, Session, mapped_column

from cxdial.store.schema import create_schema
from cxdial.store.tables import Base

__all__ = [
    "COUNTERS",
    "CallStateRow",
    "EventCounter",
    "ReconcileCheck",
    "SeenEvent",
    "SeenKey",
    "Watermark",
    "bump",
    "counters",
    "create_event_schema",
    "rowcount",
]

COUNTERS = ("received", "duplicates", "processed", "reconciled")


class EventCounter(Base):
    """A pipeline counter (received, duplicates, processed, reconciled)."""

    __tablename__ = "event_counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class SeenEvent(Base):
    """An event id already handled (pushes: ``webhook-id``; polls: contact + update time)."""

    __tablename__ = "event_seen_ids"

    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    seen_at: Mapped[float] = mapped_column(Float, index=True)


class SeenKey(Base):
    """A business key (contact id + event type) already handled, and when."""

    __tablename__ = "event_seen_keys"

    contact_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    type: Mapped[str] = mapped_column(String(32), primary_key=True)
    seen_at: Mapped[float] = mapped_column(Float, index=True)


class CallStateRow(Base):
    """Where one call stands, after every event seen for it, in sequence-and-time order."""

    __tablename__ = "event_call_state"
    __table_args__ = (Index("ix_event_call_state_skill_at", "skill_id", "started_at"),)

    contact_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    skill_id: Mapped[int] = mapped_column(BigInteger)
    phone_e164: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(16))
    disposition: Mapped[str | None] = mapped_column(String(200))
    disposition_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    """As of when ``disposition`` holds (a pushed ``disposition.set``'s time, a polled record's
    ``lastUpdateTime``): an older, different disposition arriving later is stale."""
    agent_id: Mapped[int | None] = mapped_column(BigInteger)
    duration_s: Mapped[float | None] = mapped_column(Float)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_sequence: Mapped[int | None] = mapped_column(Integer)
    sequences: Mapped[list[int]] = mapped_column(JSON, default=list)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    reconciled: Mapped[bool] = mapped_column(Boolean, default=False)
    attempt_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    """The ``call_attempts`` row this call's completion wrote (its time follows ``started_at``)."""
    extras: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ReconcileCheck(Base):
    """A call the reconciliation pass looked up: how often, when next, and how it ended.

    ``status``: ``open`` (still active on the platform or not found yet; ``next_at`` says
    when to look again), ``filled`` (the platform's record was applied), ``given_up``
    (not found after the pass's last lookup).
    """

    __tablename__ = "event_reconcile_checks"

    contact_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    checks: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[float] = mapped_column(Float)
    last_error: Mapped[str | None] = mapped_column(String(400), default=None)


class Watermark(Base):
    """A poller's resume point: the ``lastPollTime`` of its last complete pass."""

    __tablename__ = "event_watermarks"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(64))


def create_event_schema(engine: Engine) -> None:
    """Bring the store to the head revision (the consumer tables and the attempt history)."""
    create_schema(engine)


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE touched."""
    return int(cast(CursorResult[Any], result).rowcount)


_COUNTERS = cast(Table, EventCounter.__table__)
#: The counter statements, built once (immutable; the engine caches their compiled form).
_BUMP = (
    sql_update(_COUNTERS)
    .where(_COUNTERS.c.name == bindparam("counter"))
    .values(value=_COUNTERS.c.value + bindparam("delta"))
)
_NEW_COUNTER = insert(_COUNTERS)


def bump(session: Session | Connection, **deltas: int) -> None:
    """Add ``deltas`` to the named counters inside the session's or connection's
    transaction (Core statements: no ORM unit of work on the hot path)."""
    for name, delta in deltas.items():
        if not delta:
            continue
        result = session.execute(_BUMP, {"counter": name, "delta": delta})
        if rowcount(result) == 0:
            session.execute(_NEW_COUNTER, {"name": name, "value": delta})


def counters(session: Session) -> dict[str, int]:
    """Every counter (zero when never bumped)."""
    values = {name: 0 for name in COUNTERS}
    values.update({r.name: int(r.value) for r in session.scalars(select(EventCounter))})
    return values
