"""SQLAlchemy tables of the store: the compliance ledger, the attempt history, consent records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["AttemptRow", "Base", "ConsentRow", "LedgerEntry"]

_ID = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base of every cxdial table."""


class LedgerEntry(Base):
    """One compliance decision, never updated or deleted (append-only, hash-chained, signed).

    ``seq`` numbers the entries of one ``ledger`` from 1 without gaps; ``prev_hash`` is the
    previous entry's ``entry_hash`` (empty for the first); ``mac`` is the HMAC of
    ``entry_hash`` with a key the database does not hold, named by ``key_id``.
    """

    __tablename__ = "compliance_ledger"
    __table_args__ = (
        UniqueConstraint("ledger", "seq", name="uq_compliance_ledger_seq"),
        UniqueConstraint("ledger", "prev_hash", name="uq_compliance_ledger_prev"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    ledger: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(_ID)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    contact_id: Mapped[str] = mapped_column(String(200), index=True)
    phone_e164: Mapped[str | None] = mapped_column(String(20), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    allowed: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[str] = mapped_column(String(400))
    next_allowed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rule_set_version: Mapped[str] = mapped_column(String(64))
    override_reason: Mapped[str | None] = mapped_column(Text)
    zones: Mapped[str] = mapped_column(String(400))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    mac: Mapped[str] = mapped_column(String(64))


class AttemptRow(Base):
    """One call attempt (fed by call events); the frequency caps read these."""

    __tablename__ = "call_attempts"
    __table_args__ = (Index("ix_call_attempts_phone_at", "phone_e164", "at"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    phone_e164: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    debt_id: Mapped[str | None] = mapped_column(String(200), index=True)
    outcome: Mapped[str] = mapped_column(String(32))


class ConsentRow(Base):
    """One consent record (``cxdial.compliance.consent.Consent``), as the CSV has it.

    ``phone`` is the 10-digit national number; ``purposes`` and ``channels`` are
    ``;``-separated; instants are UTC. Several rows per number are normal.
    """

    __tablename__ = "consent_records"
    __table_args__ = (Index("ix_consent_records_phone", "phone"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    phone: Mapped[str] = mapped_column(String(10))
    seller: Mapped[str | None] = mapped_column(String(200))
    purposes: Mapped[str] = mapped_column(String(200), default="")
    channels: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(200))
    evidence_id: Mapped[str] = mapped_column(String(200), index=True)
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revocation_channel: Mapped[str | None] = mapped_column(String(200))
    matter: Mapped[str | None] = mapped_column(String(200))
