"""Fixtures of the event tests: isolated Redis prefixes, PostgreSQL schemas and stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from queue_support import postgres_engine, redis_prefix, sqlite_engine
from sqlalchemy import Engine


@pytest.fixture
def redis_key_prefix() -> Iterator[str]:
    """A unique key prefix on the machine's Redis, cleaned up."""
    yield from redis_prefix()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine on a throw-away PostgreSQL schema."""
    yield from postgres_engine()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    """A fresh store on SQLite or a throw-away PostgreSQL schema (a module may define its own)."""
    if request.param == "postgres":
        pg: Engine = request.getfixturevalue("pg_engine")
        return pg
    return sqlite_engine(tmp_path)
