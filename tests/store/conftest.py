"""Store fixtures: a SQLite file and a throw-away PostgreSQL schema, ledgers closed after use.

PostgreSQL is a required service: when it is unreachable the tests FAIL, naming it and
the command that starts it (they never skip).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from store_support import PG_ADMIN_URL, PG_START, Backend

from cxdial.store import Ledger, LedgerKey


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL on a fresh schema of the machine's PostgreSQL, dropped afterwards (never skips)."""
    schema = f"cxdial_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, poolclass=NullPool, connect_args={"connect_timeout": 3})
    unreachable = ""
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        unreachable = str(exc.orig).strip()
    if unreachable:
        pytest.fail(
            f"PostgreSQL is required at {PG_ADMIN_URL} but is not reachable ({unreachable}). "
            f"Start it with: {PG_START}",
            pytrace=False,
        )
    try:
        yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """The ledger's database: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        return Backend("sqlite", f"sqlite:///{path}", path)
    return Backend("postgresql", request.getfixturevalue("pg_url"))


@pytest.fixture
def key() -> LedgerKey:
    """A fresh random ledger key."""
    return LedgerKey(secrets.token_bytes(32))


LedgerFactory = Callable[..., Ledger]


@pytest.fixture
def make_ledger(backend: Backend, key: LedgerKey, tmp_path: Path) -> Iterator[LedgerFactory]:
    """Ledgers on ``backend`` (default checkpoint ``tmp/checkpoint.json``), closed at the end."""
    made: list[Ledger] = []

    def make(
        *, checkpoint: Path | None = None, key_: LedgerKey | None = None, name: str = "default"
    ) -> Ledger:
        ledger = Ledger(
            backend.url,
            key=key_ or key,
            checkpoint=checkpoint or tmp_path / "checkpoint.json",
            name=name,
        )
        made.append(ledger)
        return ledger

    yield make
    for ledger in made:
        ledger.close()


@pytest.fixture
def ledger(make_ledger: LedgerFactory) -> Ledger:
    """A ledger on ``backend`` with its checkpoint in the test's folder."""
    return make_ledger()
