"""Fixtures of the event tests: isolated Redis prefixes and PostgreSQL schemas."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from queue_support import postgres_engine, redis_prefix
from sqlalchemy import Engine


@pytest.fixture
def redis_key_prefix() -> Iterator[str]:
    """A unique key prefix on the machine's Redis, cleaned up."""
    yield from redis_prefix()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine on a throw-away PostgreSQL schema."""
    yield from postgres_engine()
