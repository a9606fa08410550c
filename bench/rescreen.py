"""Benchmark the re-screen job's gate on a store of many unrelated consent records.

Every pass of ``RescreenJob.drain`` builds a gate from the store. It used to read every
consent record and every internal do-not-call entry (what ``RescreenJob.gate(ledger)``
still does for the whole-list timer run); a pass over handed-over numbers now reads only
theirs (``RescreenJob.gate(ledger, phones)``, ``IN`` queries). Both are timed in the same
run on a store of ``--consents`` unrelated records (default 100,000) and a tenth as many
internal DNC entries, for ``--handed`` handed-over numbers (default 10), on SQLite and,
when it answers at 127.0.0.1:5432, PostgreSQL. Run:
``.venv/bin/python bench/rescreen.py [--consents 100000] [--handed 10] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from cxdial.service.rescreen import RescreenJob
from cxdial.store import create_schema, make_engine
from cxdial.store.db import session_scope
from cxdial.store.rescreen_tables import InternalDncRow
from cxdial.store.tables import ConsentRow

if TYPE_CHECKING:
    from cxdial.cxone import Client

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
AT = datetime(2026, 11, 1, tzinfo=UTC)


def fill(engine: Engine, consents: int) -> None:
    """``consents`` revoked records of unrelated numbers, a tenth as many DNC entries."""
    create_schema(engine)
    rows = [
        {
            "phone": f"{3120000000 + n}",
            "seller": None,
            "purposes": "",
            "channels": "live;autodialed;prerecorded",
            "level": "express",
            "method": "bench",
            "evidence_id": f"bench-{n}",
            "given_at": AT - timedelta(days=90),
            "revoked_at": AT,
            "revocation_channel": "call",
            "matter": None,
        }
        for n in range(consents)
    ]
    dnc = [
        {"phone": f"{3120000000 + n}", "added_at": AT, "channel": "call", "evidence_id": f"d{n}"}
        for n in range(0, consents, 10)
    ]
    with session_scope(engine) as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(ConsentRow), rows[start : start + 5000])
        for start in range(0, len(dnc), 5000):
            session.execute(insert(InternalDncRow), dnc[start : start + 5000])


def timed(fn: Callable[[], object], rounds: int) -> float:
    """The median wall time of ``rounds`` calls (after one warm-up), in seconds."""
    fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


@contextmanager
def sqlite_store() -> Iterator[Engine]:
    """A store in a temporary SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        yield engine
        engine.dispose()


@contextmanager
def postgres_store() -> Iterator[Engine | None]:
    """A store in a throw-away PostgreSQL schema (None when PostgreSQL does not answer)."""
    schema = f"bench_rescreen_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG, poolclass=NullPool)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError:
        yield None
        return
    engine = create_engine(PG, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def measure(engine: Engine, consents: int, handed: int, rounds: int) -> tuple[float, float]:
    """(whole-table gate, handed-over gate) median seconds on a filled store."""
    fill(engine, consents)
    job = RescreenJob(
        engine, cast("Client", None), (), environ={}, clock=lambda: AT + timedelta(days=1)
    )
    phones = [f"+1212555{n:04d}" for n in range(handed - 1)] + ["+13120000010"]
    gate = job.gate(None, phones)
    assert gate.dnc.hits("3120000010") == {"internal"}  # the one listed number is in play
    assert len(gate.consents.all()) == 1
    return (
        timed(lambda: job.gate(None), rounds),
        timed(lambda: job.gate(None, phones), rounds),
    )


def main() -> None:
    """Print the two gate builds side by side for each database."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--consents", type=int, default=100_000)
    parser.add_argument("--handed", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    table = Table(title=f"re-screen gate, {args.consents:,} unrelated consents")
    for column in ("store", "every record (before)", f"{args.handed} numbers (after)", "ratio"):
        table.add_column(column, justify="right")
    with sqlite_store() as engine:
        before, after = measure(engine, args.consents, args.handed, args.rounds)
        table.add_row(
            "SQLite", f"{before * 1000:.0f} ms", f"{after * 1000:.1f} ms", f"{before / after:.0f}x"
        )
    with postgres_store() as pg:
        if pg is not None:
            before, after = measure(pg, args.consents, args.handed, args.rounds)
            table.add_row(
                "PostgreSQL",
                f"{before * 1000:.0f} ms",
                f"{after * 1000:.1f} ms",
                f"{before / after:.0f}x",
            )
    Console().print(table)


if __name__ == "__main__":
    main()
