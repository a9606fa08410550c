"""Queue backends for tests: SQLite and PostgreSQL tables, and the real Redis, all isolated."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, create_engine, text

from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.queue import EventQueue, QueueSettings
from cxdial.events.redis_queue import RedisQueue
from cxdial.store import make_engine

__all__ = ["POSTGRES_URL", "REDIS_URL", "QueueMaker", "postgres_engine", "redis_prefix"]

REDIS_URL = "redis://127.0.0.1:6379/0"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
QueueMaker = Callable[[QueueSettings], EventQueue]


def redis_prefix() -> Iterator[str]:
    """A unique key prefix on the real Redis, deleted afterwards; FAILS when Redis is down."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"the Redis service at 127.0.0.1:6379 is not reachable: {exc}")
    prefix = f"cxdial-test:{uuid.uuid4().hex}"
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def postgres_engine() -> Iterator[Engine]:
    """An engine on a fresh schema of the real PostgreSQL, dropped afterwards; FAILS when down."""
    schema = f"cxdial_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        pytest.fail(f"the PostgreSQL service at 127.0.0.1:5432 is not reachable: {exc}")
    engine = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def sqlite_engine(tmp_path: Path) -> Engine:
    """The store's own SQLite engine (WAL) on a file under ``tmp_path``."""
    return make_engine(f"sqlite:///{tmp_path / 'store.db'}")


def maker(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> QueueMaker:
    """A factory for one backend, called inside the test's event loop."""
    if kind == "redis":
        prefix = request.getfixturevalue("redis_key_prefix")
        return lambda s: RedisQueue.from_url(REDIS_URL, prefix, s)
    engine = request.getfixturevalue("pg_engine") if kind == "postgres" else sqlite_engine(tmp_path)
    return lambda s: EmbeddedQueue(engine, s)
