"""Benchmark the compliance ledger on SQLite and PostgreSQL.

Prints appends/s for one writer and for 4 writer processes (each append: lock, read head,
insert, commit, advance the signed checkpoint), beside a baseline of bare one-row insert
transactions on the same database in the same run; then batch appends/s (``append_many``)
and ``verify()`` time per 10k entries. Run:
``.venv/bin/python bench/ledger.py [--appends 400] [--verify 10000]``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from cxdial.store import DecisionRecord, Ledger, LedgerKey, create_schema, make_engine

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WRITERS = 4

WRITER = """
import os, sys, time
from pathlib import Path
from cxdial.store import DecisionRecord, Ledger, LedgerKey
key = LedgerKey.from_hex(os.environ["LEDGER_BENCH_KEY"])
with Ledger(sys.argv[1], key=key, checkpoint=Path(sys.argv[2])) as ledger:
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(int(sys.argv[3])):
        ledger.append(DecisionRecord(contact_id=f"c{i}", allowed=True, reasons=(),
                      rule_set_version="bench", purpose="informational", inputs={"i": i}))
"""


def record(i: int) -> DecisionRecord:
    """A typical decision: a few reasons, zones and the contact's inputs."""
    return DecisionRecord(
        contact_id=f"c{i}",
        allowed=i % 3 != 0,
        reasons=() if i % 3 else ("OUTSIDE_HOURS",),
        rule_set_version="2026.11",
        purpose="telemarketing",
        phone_e164="+12125550142",
        zones=("America/New_York",),
        details={} if i % 3 else {"OUTSIDE_HOURS": "21:07 local"},
        inputs={"contact": {"id": f"c{i}", "phone": "212-555-0142", "state": "NY"}},
    )


@contextmanager
def databases(tmp: Path) -> Iterator[list[tuple[str, str]]]:
    """A fresh SQLite file and a fresh PostgreSQL schema (dropped afterwards)."""
    schema = f"cxdial_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield [
            ("SQLite", f"sqlite:///{tmp / 'bench.db'}"),
            ("PostgreSQL", f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"),
        ]
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def bare_inserts(url: str, n: int) -> float:
    """Baseline: ``n`` one-row insert transactions into a plain table; rows/s."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE bench_bare (id INTEGER PRIMARY KEY, body TEXT)")
    start = time.perf_counter()
    for i in range(n):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO bench_bare (id, body) VALUES (:i, 'x')"), {"i": i})
    rate = n / (time.perf_counter() - start)
    engine.dispose()
    return rate


def single_writer(url: str, key: LedgerKey, checkpoint: Path, n: int) -> float:
    """One writer, ``n`` appends; appends/s."""
    with Ledger(url, key=key, checkpoint=checkpoint, name="single") as ledger:
        ledger.append(record(0))  # schema and connection warm-up
        start = time.perf_counter()
        for i in range(n):
            ledger.append(record(i))
        return n / (time.perf_counter() - start)


def many_writers(url: str, key_hex: str, checkpoint: Path, n: int) -> float:
    """``WRITERS`` processes released together, ``n`` appends in all; appends/s."""
    env = {**os.environ, "LEDGER_BENCH_KEY": key_hex}
    per = n // WRITERS
    procs = [
        subprocess.Popen(  # noqa: S603 - our own interpreter running our own code
            [sys.executable, "-c", WRITER, url, str(checkpoint), str(per)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        for _ in range(WRITERS)
    ]
    for proc in procs:
        assert proc.stdout is not None
        proc.stdout.readline()
    start = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.close()
    for proc in procs:
        if proc.wait() != 0:
            raise SystemExit("a writer failed")
        assert proc.stdout is not None
        proc.stdout.close()
    return per * WRITERS / (time.perf_counter() - start)


def batch_and_verify(url: str, key: LedgerKey, checkpoint: Path, n: int) -> tuple[float, float]:
    """``append_many`` of ``n`` entries (entries/s), then ``verify()`` seconds per 10k."""
    with Ledger(url, key=key, checkpoint=checkpoint, name="verify") as ledger:
        start = time.perf_counter()
        for lo in range(0, n, 5000):
            ledger.append_many([record(i) for i in range(lo, min(n, lo + 5000))])
        rate = n / (time.perf_counter() - start)
        start = time.perf_counter()
        report = ledger.verify()
        elapsed = time.perf_counter() - start
        assert report.ok, report.reason
        assert report.entries_checked == n
        return rate, elapsed * 10_000 / n


def main() -> None:
    """Run every measurement on both databases and print one table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appends", type=int, default=400, help="appends per writer setup")
    parser.add_argument("--verify", type=int, default=10_000, help="entries to verify")
    args = parser.parse_args()
    key_hex = secrets.token_hex(32)
    key = LedgerKey.from_hex(key_hex)
    table = Table(title=f"ledger: {args.appends} appends, verify of {args.verify} entries")
    for column in (
        "database",
        "bare insert txn/s",
        "1 writer appends/s",
        f"{WRITERS} writers appends/s",
        "1 writer / bare",
        f"{WRITERS} / 1 writer",
        "append_many entries/s",
        "verify s / 10k",
    ):
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp)) as dbs:
        for label, url in dbs:
            with Ledger(url, key=key, checkpoint=Path(tmp) / "warm.json") as warm:
                create_schema(warm.engine)
            bare = bare_inserts(url, args.appends)
            one = single_writer(url, key, Path(tmp) / f"{label}-1.json", args.appends)
            four = many_writers(url, key_hex, Path(tmp) / f"{label}-4.json", args.appends)
            batch, per_10k = batch_and_verify(url, key, Path(tmp) / f"{label}-v.json", args.verify)
            table.add_row(
                label,
                f"{bare:,.0f}",
                f"{one:,.0f}",
                f"{four:,.0f}",
                f"{one / bare:.2f}",
                f"{four / one:.2f}",
                f"{batch:,.0f}",
                f"{per_10k:.3f}",
            )
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
