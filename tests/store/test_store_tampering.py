"""Every kind of tampering with the ledger or its checkpoint is detected by ``verify()``.

Each attack runs as someone who can write the database (and remove its append-only
triggers) but does not hold the ledger key: on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool
from store_support import Backend, record

from cxdial.store import CheckpointError, Ledger, LedgerEntry, LedgerKey, LedgerTampered, Problem
from cxdial.store.integrity import HASHED_FIELDS, entry_hash

ENTRIES = 6  # the SQL of the attacks below counts on it


def _rechain(backend: Backend, from_seq: int) -> None:
    """Recompute hashes and links from ``from_seq`` on, as an attacker without the key can."""
    engine = create_engine(backend.url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            table = LedgerEntry.__table__  # the published schema gives typed values
            rows = [dict(r) for r in conn.execute(select(table).order_by(text("seq"))).mappings()]
            prev = ""
            for row in rows:
                row["prev_hash"] = prev
                if row["seq"] >= from_seq:
                    row["entry_hash"] = entry_hash({k: row[k] for k in HASHED_FIELDS})
                    conn.execute(
                        text(
                            "UPDATE compliance_ledger SET prev_hash = :p, entry_hash = :h "
                            "WHERE id = :id"
                        ),
                        {"p": prev, "h": row["entry_hash"], "id": row["id"]},
                    )
                prev = row["entry_hash"]
    finally:
        engine.dispose()


def _edit_and_rechain(backend: Backend, seq: int) -> None:
    engine = create_engine(backend.url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE compliance_ledger SET allowed = true, reasons = '' WHERE seq = :s"),
                {"s": seq},
            )
    finally:
        engine.dispose()
    _rechain(backend, seq)


def _truncate(backend: Backend) -> None:
    if backend.sqlite_file is None:
        backend.execute("TRUNCATE compliance_ledger")
        return
    for suffix in ("-wal", "-shm"):
        Path(f"{backend.sqlite_file}{suffix}").unlink(missing_ok=True)
    os.truncate(backend.sqlite_file, 0)  # the database file itself, emptied


ATTACKS: dict[str, tuple[Callable[[Backend], None], Problem, int]] = {
    "delete the last entry": (
        lambda b: b.execute("DELETE FROM compliance_ledger WHERE seq = 6"),
        Problem.TRUNCATED,
        ENTRIES,
    ),
    "delete the last 3 entries": (
        lambda b: b.execute("DELETE FROM compliance_ledger WHERE seq > 3"),
        Problem.TRUNCATED,
        ENTRIES - 2,
    ),
    "delete every entry": (
        lambda b: b.execute("DELETE FROM compliance_ledger"),
        Problem.TRUNCATED,
        1,
    ),
    "truncate (PostgreSQL: the table; SQLite: the database file)": (
        _truncate,
        Problem.TRUNCATED,
        1,
    ),
    "drop the table": (
        lambda b: b.execute("DROP TABLE compliance_ledger"),
        Problem.TABLE_MISSING,
        1,
    ),
    "delete an entry in the middle": (
        lambda b: b.execute("DELETE FROM compliance_ledger WHERE seq = 3"),
        Problem.SEQUENCE_GAP,
        3,
    ),
    "edit an entry": (
        lambda b: b.execute("UPDATE compliance_ledger SET allowed = true WHERE seq = 2"),
        Problem.HASH_MISMATCH,
        2,
    ),
    "edit an entry to ALLOW and recompute the chain": (
        lambda b: _edit_and_rechain(b, 2),
        Problem.BAD_SIGNATURE,
        2,
    ),
    "edit the last entry and recompute its hash": (
        lambda b: _edit_and_rechain(b, ENTRIES),
        Problem.BAD_SIGNATURE,
        ENTRIES,
    ),
    "relink around a deleted entry": (
        lambda b: (b.execute("DELETE FROM compliance_ledger WHERE seq = 3"), _rechain(b, 4)),
        Problem.SEQUENCE_GAP,
        3,
    ),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_tampering_is_detected(attack: str, ledger: Ledger, backend: Backend) -> None:
    """The attack is reported with its kind and the first entry it touched."""
    ledger.append_many([record(i, allowed=i % 2 == 0) for i in range(ENTRIES)])
    assert ledger.verify().ok
    run, problem, first_bad = ATTACKS[attack]
    backend.drop_guards()
    ledger.engine.dispose()
    run(backend)
    if attack.startswith("truncate") and backend.sqlite_file is not None:
        problem = Problem.TABLE_MISSING  # an emptied SQLite file has no tables at all
    report = ledger.verify()
    assert not report.ok
    assert report.problem is problem, report.reason
    assert report.first_bad_seq == first_bad
    with pytest.raises(LedgerTampered, match="failed verification"):
        report.raise_for_tampering()


def test_a_missing_checkpoint_is_reported(ledger: Ledger) -> None:
    """Entries without their checkpoint file fail verification."""
    ledger.append_many([record(i) for i in range(3)])
    ledger.checkpoint_path.unlink()
    report = ledger.verify()
    assert report.problem is Problem.CHECKPOINT_MISSING
    assert str(ledger.checkpoint_path) in report.reason


def test_an_edited_checkpoint_is_reported(ledger: Ledger) -> None:
    """A checkpoint whose count was lowered to match a truncation fails its signature."""
    ledger.append_many([record(i) for i in range(3)])
    body = json.loads(ledger.checkpoint_path.read_text())
    body["count"] = 1
    ledger.checkpoint_path.write_text(json.dumps(body))
    report = ledger.verify()
    assert report.problem is Problem.CHECKPOINT_INVALID
    assert "signature" in report.reason


def test_a_forged_checkpoint_is_never_overwritten(ledger: Ledger) -> None:
    """Appending refuses to replace a bad checkpoint, which would hide the tampering."""
    ledger.append(record())
    ledger.checkpoint_path.write_text("{}")
    with pytest.raises(CheckpointError, match="malformed"):
        ledger.append(record(1))
    assert ledger.checkpoint_path.read_text() == "{}"


def test_another_key_is_named(make_ledger: Callable[..., Ledger], ledger: Ledger) -> None:
    """Verifying with the wrong key names both key ids rather than crying tampering blindly."""
    ledger.append(record())
    other = make_ledger(key_=LedgerKey(b"k" * 32))
    report = other.verify()
    assert report.problem is Problem.WRONG_KEY
    assert other.describe(ledger.query()[0].id).signature_ok is False


def test_entries_after_the_checkpoint_still_verify(
    make_ledger: Callable[..., Ledger], ledger: Ledger, tmp_path: Path
) -> None:
    """Entries another host appended (its own checkpoint) verify here as unconfirmed."""
    ledger.append_many([record(i) for i in range(3)])
    elsewhere = make_ledger(checkpoint=tmp_path / "other-host.json")
    elsewhere.append_many([record(i) for i in range(2)])
    report = ledger.verify()
    assert report.ok
    assert (report.entries_checked, report.checkpoint_count, report.unconfirmed) == (5, 3, 2)
    assert elsewhere.verify().checkpoint_count == 5


def test_the_checkpoint_only_advances(ledger: Ledger, key: LedgerKey) -> None:
    """A checkpoint for fewer entries never replaces one for more (writers race to write)."""
    from datetime import UTC, datetime

    from cxdial.store import Checkpoint, CheckpointFile

    ledger.append_many([record(i) for i in range(4)])
    file = CheckpointFile(ledger.checkpoint_path, key)
    stale = Checkpoint("default", 2, "x" * 64, datetime.now(UTC), key.key_id)
    assert file.advance(stale) is False
    current = file.read("default")
    assert current is not None
    assert current.count == 4
    assert oct(ledger.checkpoint_path.stat().st_mode & 0o777) == "0o600"
