"""The store's named write locks: one transaction that holds a lock until it ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

__all__ = ["locked_transaction"]


@contextmanager
def locked_transaction(engine: Engine, name: str) -> Iterator[Connection]:
    """One transaction that holds the write lock ``name`` until it commits or rolls back.

    SQLite: ``BEGIN IMMEDIATE`` (the database's write lock). PostgreSQL: a transaction-level
    advisory lock on ``name`` within the current schema. Other databases: no lock; the
    ledger's unique constraints and retries still keep the chain linear.
    """
    with engine.connect() as conn:
        dialect = engine.dialect.name
        if dialect == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif dialect == "postgresql":
            conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || :k, 0))"),
                {"k": f".cxdial:{name}"},
            )
        yield conn
        conn.commit()
