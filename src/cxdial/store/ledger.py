"""The append-only compliance ledger: every decision, its inputs and the rule-set version.

Entries are hash-chained (each stores the previous entry's hash), and the ORM refuses
updates and deletes of ledger rows, so any past dial can be explained and tampering shows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from cxdial.errors import CxdialError
from cxdial.store.db import make_engine, session_scope
from cxdial.store.tables import LedgerEntry

if TYPE_CHECKING:
    from cxdial.compliance.models import Decision

__all__ = ["Ledger", "LedgerEntry", "LedgerTampered"]


class LedgerTampered(CxdialError):
    """A ledger entry does not match its hash chain."""


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _ctx: object, _instances: object) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, LedgerEntry):
            raise CxdialError(
                "the compliance ledger is append-only", fix="append a new entry instead"
            )


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _digest(prev: str, payload: Mapping[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256((prev + body).encode()).hexdigest()


def _payload(e: LedgerEntry) -> dict[str, Any]:
    return {
        "recorded_at": _utc(e.recorded_at),
        "decided_for": _utc(e.decided_for),
        "contact_id": e.contact_id,
        "phone_e164": e.phone_e164,
        "purpose": e.purpose,
        "allowed": e.allowed,
        "reasons": e.reasons,
        "next_allowed_at": _utc(e.next_allowed_at),
        "rule_set_version": e.rule_set_version,
        "override_reason": e.override_reason,
        "zones": e.zones,
        "details": e.details,
        "inputs": e.inputs,
    }


class Ledger:
    """Append decisions; query and explain them later."""

    def __init__(self, engine: Engine | str | None = None) -> None:
        self.engine = engine if isinstance(engine, Engine) else make_engine(engine)

    def append(self, decision: Decision, inputs: Mapping[str, Any]) -> int:
        """Record one decision with the inputs it used; returns the entry id."""
        return self.append_many([(decision, inputs)])[0]

    def append_many(self, items: Sequence[tuple[Decision, Mapping[str, Any]]]) -> list[int]:
        """Record several decisions in one transaction (chained in order)."""
        with session_scope(self.engine) as session:
            last = session.scalars(
                select(LedgerEntry.entry_hash).order_by(LedgerEntry.id.desc()).limit(1)
            ).first()
            prev = last or ""
            entries = []
            now = datetime.now(UTC)
            for decision, inputs in items:
                entry = LedgerEntry(
                    recorded_at=now,
                    decided_for=_utc(decision.at),
                    contact_id=decision.contact_id,
                    phone_e164=decision.phone_e164,
                    purpose=str(decision.purpose),
                    allowed=decision.allowed,
                    reasons=";".join(decision.reasons),
                    next_allowed_at=_utc(decision.next_allowed_at),
                    rule_set_version=decision.rule_set_version,
                    override_reason=decision.override_reason,
                    zones=";".join(decision.zones),
                    details={str(k): v for k, v in decision.details.items()},
                    inputs=json.loads(json.dumps(dict(inputs), default=str)),
                    prev_hash=prev,
                    entry_hash="",
                )
                entry.entry_hash = _digest(prev, _payload(entry))
                prev = entry.entry_hash
                entries.append(entry)
            session.add_all(entries)
            session.flush()
            return [e.id for e in entries]

    def query(
        self,
        *,
        contact_id: str | None = None,
        phone_e164: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[LedgerEntry]:
        """Entries, newest first, filtered by contact, number and time."""
        stmt = select(LedgerEntry).order_by(LedgerEntry.id.desc()).limit(limit)
        if contact_id is not None:
            stmt = stmt.where(LedgerEntry.contact_id == contact_id)
        if phone_e164 is not None:
            stmt = stmt.where(LedgerEntry.phone_e164 == phone_e164)
        if since is not None:
            stmt = stmt.where(LedgerEntry.recorded_at >= since)
        with session_scope(self.engine) as session:
            return list(session.scalars(stmt))

    def explain(self, entry_id: int) -> str:
        """A human explanation of one past decision."""
        with session_scope(self.engine) as session:
            e = session.get(LedgerEntry, entry_id)
            if e is None:
                raise CxdialError(f"no ledger entry {entry_id}", fix="list entries with query()")
            verdict = "ALLOWED" if e.allowed else "BLOCKED"
            lines = [
                f"entry {e.id}: {verdict} {e.phone_e164 or '-'} (contact {e.contact_id}, "
                f"{e.purpose}) for {_utc(e.decided_for)}; rules {e.rule_set_version}",
                f"zones: {e.zones or '-'}",
            ]
            lines += [f"  {code}: {text}" for code, text in e.details.items()]
            if e.next_allowed_at is not None:
                lines.append(f"next allowed at: {_utc(e.next_allowed_at)}")
            if e.override_reason:
                lines.append(f"OVERRIDDEN: {e.override_reason}")
            return "\n".join(lines)

    def verify(self) -> int:
        """Re-hash the chain; raise :class:`LedgerTampered` at the first broken link."""
        prev = ""
        count = 0
        with session_scope(self.engine) as session:
            for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)):
                if e.prev_hash != prev or _digest(prev, _payload(e)) != e.entry_hash:
                    raise LedgerTampered(f"ledger entry {e.id} does not match its hash chain")
                prev = e.entry_hash
                count += 1
        return count
