"""Benchmark opening the store: the at-head check, a first migration, and alembic's import.

Printed beside baselines measured in the same run: opening a database already at the head
(``create_schema``: one version read) against what every open cost before migrations
(``create_all`` with its existence checks and the trigger DDL, under the schema lock);
migrating an empty database against ``create_all`` of the same tables; and what importing
alembic adds to a fresh process that imports SQLAlchemy (the at-head path never imports it).
SQLite always; PostgreSQL too when it answers at 127.0.0.1:5432. Run:
``.venv/bin/python bench/schema.py [--rounds 30]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from cxdial.store import create_schema, make_engine
from cxdial.store.db import locked_transaction
from cxdial.store.migrations import store_metadata
from cxdial.store.schema import upgrade

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
OLD_TRIGGERS = {
    "sqlite": (
        "CREATE TRIGGER IF NOT EXISTS compliance_ledger_no_update BEFORE UPDATE ON "
        "compliance_ledger BEGIN SELECT RAISE(ABORT, 'append-only'); END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION cxdial_ledger_append_only() RETURNS trigger LANGUAGE "
        "plpgsql AS $$ BEGIN RAISE EXCEPTION 'append-only'; END $$",
        "CREATE OR REPLACE TRIGGER compliance_ledger_append_only BEFORE UPDATE OR DELETE ON "
        "compliance_ledger FOR EACH ROW EXECUTE FUNCTION cxdial_ledger_append_only()",
    ),
}


def old_open(engine: Engine) -> None:
    """What ``create_schema`` did on every open before migrations."""
    with locked_transaction(engine, "schema") as conn:
        for meta in store_metadata():
            meta.create_all(conn)
        inspect(conn).get_columns("compliance_ledger")
        for ddl in OLD_TRIGGERS[engine.dialect.name]:
            conn.exec_driver_sql(ddl)


def create_all(engine: Engine) -> None:
    """The tables alone, from the models (no migrations, no triggers)."""
    with locked_transaction(engine, "schema") as conn:
        for meta in store_metadata():
            meta.create_all(conn)


@contextmanager
def databases(tmp: Path) -> Iterator[Callable[[str], str]]:
    """A maker of fresh database URLs per backend (PostgreSQL schemas dropped afterwards)."""
    admin = create_engine(PG, poolclass=NullPool, connect_args={"connect_timeout": 3})
    schemas: list[str] = []

    def fresh(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp / uuid.uuid4().hex}.db"
        schema = f"cxdial_bench_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        return f"{PG}?options=-csearch_path%3D{schema}"

    try:
        yield fresh
    finally:
        if schemas:
            with admin.begin() as conn:
                for schema in schemas:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def timed(fn: Callable[[Engine], object], engine: Engine) -> float:
    start = time.perf_counter()
    fn(engine)
    return time.perf_counter() - start


def fresh_process(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    import alembic.command  # noqa: F401 - paid once here, so it is not in the first figure

    table = Table(title=f"opening the store, median of {args.rounds} rounds")
    for column in ("backend", "what", "ms", "baseline", "baseline ms", "ratio"):
        table.add_column(column, justify="left" if column in ("backend", "what") else "right")
    median = statistics.median
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp)) as fresh:
        backends = ["sqlite"]
        try:
            fresh("postgresql")
            backends.append("postgresql")
        except OperationalError:
            Console(stderr=True).print("PostgreSQL not reachable: SQLite only")
        for backend in backends:
            engine = make_engine(fresh(backend))
            upgrade(engine)
            head = [timed(create_schema, engine) for _ in range(args.rounds)]
            old = [timed(old_open, engine) for _ in range(args.rounds)]
            engine.dispose()
            first, plain = [], []
            for _ in range(max(3, args.rounds // 5)):
                for fn, out in ((upgrade, first), (create_all, plain)):
                    engine = make_engine(fresh(backend))
                    out.append(timed(fn, engine))
                    engine.dispose()
            for what, mine, base_name, base in (
                ("open at head", head, "open before migrations", old),
                ("migrate an empty db", first, "create_all, no triggers", plain),
            ):
                m, b = median(mine) * 1000, median(base) * 1000
                table.add_row(backend, what, f"{m:.2f}", base_name, f"{b:.2f}", f"{m / b:.2f}")
    bare, with_alembic = [], []
    for _ in range(7):
        bare.append(fresh_process("import sqlalchemy.orm"))
        with_alembic.append(fresh_process("import sqlalchemy.orm, alembic.command"))
    m, b = median(with_alembic) * 1000, median(bare) * 1000
    table.add_row(
        "—", "+ import alembic", f"{m - b:.0f}", "import sqlalchemy.orm", f"{b:.0f}", f"{m / b:.2f}"
    )
    Console().print(table)


if __name__ == "__main__":
    main()
