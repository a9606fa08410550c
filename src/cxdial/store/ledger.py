"""The append-only compliance ledger: every decision, its inputs and the rule-set version.

Each entry is numbered (``seq``), hash-chained to the one before and signed with an HMAC
key the database does not hold; every append also advances a signed checkpoint kept in a
file outside the database. ``verify()`` therefore detects edited, forged, deleted and
truncated entries and a dropped table (threat model: docs/ledger.md). Appends are
serialised per ledger on SQLite and PostgreSQL, so concurrent writers never fork the chain.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, Table, inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError

from cxdial.errors import CxdialError, ValidationError
from cxdial.store.checkpoints import Checkpoint, CheckpointError, CheckpointFile
from cxdial.store.db import EngineHolder, locked_transaction, session_scope
from cxdial.store.explain import EntryReport, describe_entry
from cxdial.store.integrity import Problem, VerifyReport, entry_hash, mac_message, utc
from cxdial.store.keys import LedgerKey
from cxdial.store.records import DecisionRecord
from cxdial.store.schema import create_schema
from cxdial.store.tables import LedgerEntry

__all__ = ["Ledger"]

_TABLE = cast(Table, LedgerEntry.__table__)
_MAX_TRIES = 12


class Ledger(EngineHolder):
    """Append decisions, then query, explain and verify them.

    ``key`` signs entries and checkpoints; ``checkpoint`` is the file (or
    :class:`CheckpointFile`) outside the database; ``name`` selects one ledger when several
    share a table. A URL makes an engine that :meth:`close` disposes; an ``Engine`` passed in
    stays the caller's.
    """

    def __init__(
        self,
        engine: Engine | str,
        *,
        key: LedgerKey,
        checkpoint: Path | CheckpointFile,
        name: str = "default",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if not name or len(name) > 64:
            raise ValidationError(
                "a ledger name needs 1 to 64 characters", field="name", fix="pick a short name"
            )
        super().__init__(engine)
        self.name = name
        self._key = key
        self._checkpoints = (
            checkpoint
            if isinstance(checkpoint, CheckpointFile)
            else CheckpointFile(checkpoint, key)
        )
        self._clock = clock
        self._schema_ready = False

    @property
    def checkpoint_path(self) -> Path:
        """Where this ledger's signed checkpoint lives."""
        return self._checkpoints.path

    # --- writing ---------------------------------------------------------------------

    def append(self, record: DecisionRecord) -> int:
        """Record one decision; returns the entry id."""
        return self.append_many([record])[0]

    def append_many(self, records: Sequence[DecisionRecord]) -> list[int]:
        """Record several decisions in one transaction, chained in order; returns their ids.

        The head is read and the entries inserted under the ledger's write lock; a conflict
        (another writer without the lock, a busy database) is retried with backoff.
        """
        if not records:
            return []
        if not self._schema_ready:
            create_schema(self.engine)
            self._schema_ready = True
        for attempt in range(1, _MAX_TRIES + 1):
            try:
                ids, head = self._append_once(records)
                break
            except (IntegrityError, OperationalError) as exc:
                if attempt == _MAX_TRIES or not _retryable(exc):
                    raise
                time.sleep(min(0.5, 0.005 * 2**attempt) * random.uniform(0.5, 1.0))
        self._checkpoints.advance(head)
        return ids

    def _append_once(self, records: Sequence[DecisionRecord]) -> tuple[list[int], Checkpoint]:
        now = self._clock().astimezone(UTC)
        with locked_transaction(self.engine, f"ledger:{self.name}") as conn:
            last = conn.execute(
                select(_TABLE.c.seq, _TABLE.c.entry_hash)
                .where(_TABLE.c.ledger == self.name)
                .order_by(_TABLE.c.seq.desc())
                .limit(1)
            ).first()
            seq, prev = (int(last[0]), str(last[1])) if last else (0, "")
            rows = []
            for record in records:
                seq += 1
                row = self._row(record, seq, prev, now)
                prev = row["entry_hash"]
                rows.append(row)
            stmt = _TABLE.insert().returning(_TABLE.c.id, sort_by_parameter_order=True)
            ids = [int(i) for i in conn.execute(stmt, rows).scalars()]
        return ids, Checkpoint(self.name, seq, prev, now, self._key.key_id)

    def _row(self, record: DecisionRecord, seq: int, prev: str, now: datetime) -> dict[str, Any]:
        row: dict[str, Any] = {
            "ledger": self.name,
            "seq": seq,
            "prev_hash": prev,
            "recorded_at": now,
            "decided_for": utc(record.decided_for),
            "contact_id": record.contact_id,
            "phone_e164": record.phone_e164,
            "purpose": record.purpose,
            "allowed": record.allowed,
            "reasons": ";".join(record.reasons),
            "next_allowed_at": utc(record.next_allowed_at),
            "rule_set_version": record.rule_set_version,
            "override_reason": record.override_reason,
            "zones": ";".join(record.zones),
            "details": _json({str(k): str(v) for k, v in record.details.items()}, "details"),
            "inputs": _json(dict(record.inputs), "inputs"),
            "key_id": self._key.key_id,
        }
        row["entry_hash"] = entry_hash(row)
        row["mac"] = self._key.sign(mac_message(row["entry_hash"]))
        return row

    # --- reading ---------------------------------------------------------------------

    def _has_table(self) -> bool:
        with self.engine.connect() as conn:
            return inspect(conn).has_table(LedgerEntry.__tablename__)

    def query(
        self,
        *,
        contact_id: str | None = None,
        phone_e164: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[LedgerEntry]:
        """Entries, newest first, filtered by contact, number and time."""
        if not self._has_table():
            return []
        stmt = (
            select(LedgerEntry)
            .where(LedgerEntry.ledger == self.name)
            .order_by(LedgerEntry.seq.desc())
            .limit(limit)
        )
        if contact_id is not None:
            stmt = stmt.where(LedgerEntry.contact_id == contact_id)
        if phone_e164 is not None:
            stmt = stmt.where(LedgerEntry.phone_e164 == phone_e164)
        if since is not None:
            stmt = stmt.where(LedgerEntry.recorded_at >= since)
        with session_scope(self.engine) as session:
            return list(session.scalars(stmt))

    def describe(self, entry_id: int) -> EntryReport:
        """One past decision with its hashes and whether its hash and signature hold."""
        entry = None
        if self._has_table():
            with session_scope(self.engine) as session:
                entry = session.get(LedgerEntry, entry_id)
        if entry is None or entry.ledger != self.name:
            raise CxdialError(
                f"no ledger entry {entry_id}",
                field="entry_id",
                fix="list entries with Ledger.query() or run `cxdial ledger verify`",
            )
        return describe_entry(entry, self._key)

    def explain(self, entry_id: int) -> str:
        """A human explanation of one past decision."""
        return self.describe(entry_id).text()

    # --- proving ---------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Check every entry (sequence, chain, hash, signature) and the checkpoint."""
        checkpoint: Checkpoint | None = None
        bad_checkpoint = ""
        try:
            checkpoint = self._checkpoints.read(self.name)
        except CheckpointError as exc:
            bad_checkpoint = exc.message
        base: dict[str, Any] = {
            "ledger": self.name,
            "checkpoint_count": checkpoint.count if checkpoint else None,
            "checkpoint_at": checkpoint.at if checkpoint else None,
        }
        has_table = self._has_table()
        checked = 0
        if has_table:
            checked, failure = self._scan(checkpoint)
            if failure is not None:
                return VerifyReport(ok=False, entries_checked=checked, **base, **failure)
        if bad_checkpoint:
            return VerifyReport(
                ok=False,
                entries_checked=checked,
                problem=Problem.CHECKPOINT_INVALID,
                reason=bad_checkpoint,
                **base,
            )
        if checkpoint is None and checked:
            return VerifyReport(
                ok=False,
                entries_checked=checked,
                problem=Problem.CHECKPOINT_MISSING,
                reason=f"{checked} entries but no checkpoint at {self.checkpoint_path}",
                **base,
            )
        if checkpoint is not None and checked < checkpoint.count:
            missing = Problem.TRUNCATED if has_table else Problem.TABLE_MISSING
            where = "the ledger holds" if has_table else "the ledger table is gone:"
            return VerifyReport(
                ok=False,
                entries_checked=checked,
                problem=missing,
                first_bad_seq=checked + 1,
                reason=f"{where} {checked} entries but the checkpoint of "
                f"{checkpoint.at.isoformat()} vouches for {checkpoint.count}",
                **base,
            )
        return VerifyReport(ok=True, entries_checked=checked, **base)

    def _scan(self, checkpoint: Checkpoint | None) -> tuple[int, dict[str, Any] | None]:
        stmt = select(_TABLE).where(_TABLE.c.ledger == self.name).order_by(_TABLE.c.seq)
        prev, checked = "", 0
        with self.engine.connect() as conn:
            result = conn.execution_options(yield_per=2000).execute(stmt)
            try:
                for row in result.mappings():
                    seq = checked + 1
                    failure = _check_row(row, seq, prev, self._key, checkpoint)
                    if failure is not None:
                        return checked, failure
                    prev = row["entry_hash"]
                    checked = seq
            finally:
                result.close()  # a server-side cursor (PostgreSQL) left open warns
        return checked, None


def _check_row(
    row: Mapping[Any, Any],
    seq: int,
    prev: str,
    key: LedgerKey,
    checkpoint: Checkpoint | None,
) -> dict[str, Any] | None:
    """The first thing wrong with ``row`` as the ``seq``-th entry, or None."""
    bad: tuple[Problem, str] | None = None
    if row["seq"] != seq:
        bad = Problem.SEQUENCE_GAP, f"entry {seq} is missing (the next one is {row['seq']})"
    elif row["prev_hash"] != prev:
        bad = Problem.CHAIN_BROKEN, f"entry {seq} does not link to entry {seq - 1}"
    elif entry_hash(row) != row["entry_hash"]:
        bad = Problem.HASH_MISMATCH, f"entry {seq} was changed after it was written"
    elif row["key_id"] != key.key_id:
        bad = (
            Problem.WRONG_KEY,
            (f"entry {seq} names key {row['key_id']}, not this key ({key.key_id})"),
        )
    elif not key.verifies(mac_message(row["entry_hash"]), row["mac"]):
        bad = Problem.BAD_SIGNATURE, f"entry {seq} is not signed by the ledger key"
    elif (
        checkpoint is not None
        and seq == checkpoint.count
        and row["entry_hash"] != checkpoint.head_hash
    ):
        bad = (
            Problem.CHECKPOINT_MISMATCH,
            (
                f"entry {seq} differs from the one the checkpoint of "
                f"{checkpoint.at.isoformat()} vouches for"
            ),
        )
    if bad is None:
        return None
    return {"problem": bad[0], "reason": bad[1], "first_bad_seq": seq, "first_bad_id": row["id"]}


def _json(value: Mapping[str, Any], field: str) -> Any:
    try:
        return json.loads(json.dumps(value, default=str, allow_nan=False))
    except ValueError as exc:
        raise ValidationError(
            f"ledger {field} are not valid JSON: {exc}", field=field, fix="drop NaN/Infinity"
        ) from None


def _retryable(exc: IntegrityError | OperationalError) -> bool:
    text = str(exc.orig).lower()
    if isinstance(exc, IntegrityError):  # another writer took this seq / this head first
        return "compliance_ledger" in text and ("unique" in text or "duplicate" in text)
    if getattr(exc.orig, "sqlstate", None) in {"40001", "40P01", "55P03"}:
        return True  # PostgreSQL serialization failure, deadlock, lock not available
    return "locked" in text or "busy" in text  # SQLite: busy beyond its timeout
