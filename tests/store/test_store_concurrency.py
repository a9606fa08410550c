"""Concurrent writers never fork the chain: 4 processes x 200 appends give one chain of 800."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.pool import NullPool
from store_support import Backend, record

from cxdial.store import Ledger, LedgerEntry, LedgerKey, Problem, create_schema

WRITERS = 4
APPENDS = 200

WRITER = """
import os, sys
from pathlib import Path
from cxdial.store import DecisionRecord, Ledger, LedgerKey

key = LedgerKey.from_hex(os.environ["LEDGER_TEST_KEY"])
writer = int(sys.argv[1])
with Ledger(sys.argv[2], key=key, checkpoint=Path(sys.argv[3])) as ledger:
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(int(sys.argv[4])):
        ledger.append(DecisionRecord(
            contact_id=f"w{writer}-{i}", allowed=True, reasons=(), rule_set_version="t",
            purpose="informational", inputs={"writer": writer, "i": i},
        ))
"""


def _race(backend: Backend, key: LedgerKey, checkpoints: list[Path]) -> None:
    """Start every writer, release them together, and wait for all of them."""
    env = {**os.environ, "LEDGER_TEST_KEY": key.sign(b"test-secret")}  # 32-byte hex key
    procs = [
        subprocess.Popen(  # noqa: S603 - our own interpreter running our own code
            [sys.executable, "-c", WRITER, str(w), backend.url, str(cp), str(APPENDS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        for w, cp in enumerate(checkpoints)
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.close()
    for proc in procs:
        assert proc.wait(timeout=300) == 0
        assert proc.stdout is not None
        proc.stdout.close()


@pytest.mark.slow
def test_four_writers_build_one_unbroken_chain(
    backend: Backend, key: LedgerKey, tmp_path: Path
) -> None:
    """Writers sharing a checkpoint, and writers with their own (other hosts), never fork."""
    shared = tmp_path / "shared.json"
    checkpoints = [shared, shared, tmp_path / "host-b.json", tmp_path / "host-c.json"]
    writer_key = LedgerKey.from_hex(key.sign(b"test-secret"))
    with Ledger(backend.url, key=writer_key, checkpoint=shared) as ledger:
        create_schema(ledger.engine)
        _race(backend, key, checkpoints)
        total = WRITERS * APPENDS
        with ledger.engine.connect() as conn:
            seqs = list(conn.scalars(select(LedgerEntry.seq).order_by(LedgerEntry.seq)))
            contacts = list(conn.scalars(select(LedgerEntry.contact_id)))
        per_writer = Counter(c.split("-")[0] for c in contacts)
        assert seqs == list(range(1, total + 1))
        assert per_writer == {f"w{w}": APPENDS for w in range(WRITERS)}
        report = ledger.verify()
        assert report.ok, report.reason
        assert report.entries_checked == total
    counts = []
    for checkpoint in set(checkpoints):
        with Ledger(backend.url, key=writer_key, checkpoint=checkpoint) as other:
            seen = other.verify()
            assert seen.ok, seen.reason
            counts.append(seen.checkpoint_count)
    assert max(c or 0 for c in counts) == total


@pytest.mark.services
def test_a_writer_that_skips_the_lock_cannot_fork_the_chain(
    pg_url: str, key: LedgerKey, tmp_path: Path
) -> None:
    """An entry slipped in after our head was read makes our insert retry and link after it."""
    engine = create_engine(pg_url)
    interloper = create_engine(pg_url, poolclass=NullPool)
    fired: list[int] = []

    def slip_in(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("INSERT INTO compliance_ledger") and not fired:
            fired.append(1)
            with interloper.begin() as conn:
                head = conn.execute(text("SELECT entry_hash FROM compliance_ledger")).scalar_one()
                conn.execute(text(INTERLOPER_ROW), {"prev": head})

    try:
        with Ledger(engine, key=key, checkpoint=tmp_path / "cp.json") as ledger:
            ledger.append(record(0))
            event.listen(engine, "before_cursor_execute", slip_in)
            mine = ledger.describe(ledger.append(record(1)))
            assert mine.seq == 3
            report = ledger.verify()
            assert (report.problem, report.first_bad_seq) == (Problem.HASH_MISMATCH, 2)
        with engine.connect() as conn:
            links = conn.execute(
                text("SELECT seq, prev_hash, entry_hash FROM compliance_ledger ORDER BY seq")
            ).all()
        assert [row.seq for row in links] == [1, 2, 3]
        assert links[2].prev_hash == links[1].entry_hash  # linked after the interloper: no fork
    finally:
        engine.dispose()
        interloper.dispose()


INTERLOPER_ROW = """
INSERT INTO compliance_ledger (ledger, seq, recorded_at, contact_id, purpose, allowed, reasons,
  rule_set_version, zones, details, inputs, prev_hash, entry_hash, key_id, mac)
VALUES ('default', 2, now(), 'x', 'informational', true, '', 't', '', '{}', '{}', :prev,
  repeat('a', 64), 'nokey', repeat('b', 64))
"""


def test_a_sqlite_writer_waits_for_another_writers_lock_instead_of_failing_at_once(
    tmp_path: Path,
) -> None:
    """A connection blocked by another's write transaction waits (up to 30 s) for it."""
    from cxdial.store import make_engine
    from cxdial.store.db import SQLITE_BUSY_TIMEOUT

    url = f"sqlite:///{tmp_path / 'busy.db'}"
    first, second = make_engine(url), make_engine(url)
    with first.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT * 1000
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
        conn.commit()
    holder = first.connect()
    holder.exec_driver_sql("BEGIN IMMEDIATE")
    holder.execute(text("INSERT INTO t VALUES (1)"))
    release = threading.Timer(0.5, holder.commit)  # longer than no wait, far shorter than 30 s
    release.start()
    with second.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (2)"))
    release.join()
    holder.close()
    with second.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
    first.dispose()
    second.dispose()
