"""Engines, sessions and write locks for SQLite and PostgreSQL; the caller passes the URL.

The store never reads settings: callers pass ``Settings.database_url`` (or
:func:`cxdial.store.default_database_url`). Engines are not cached; close them with
``engine.dispose()`` (``Ledger.close()`` / ``AttemptLog.close()`` do). The tables come from
the migrations: ``create_schema`` (from :mod:`cxdial.store.schema`) brings a database to the
head; ``locked_transaction`` is :mod:`cxdial.store.locks`'.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from cxdial.store.locks import locked_transaction
from cxdial.store.schema import create_schema

__all__ = ["EngineHolder", "create_schema", "locked_transaction", "make_engine", "session_scope"]


SQLITE_BUSY_TIMEOUT = 30.0
"""Seconds a SQLite connection waits for another connection's write lock before failing
(Python's default, 5 s, was outlasted by a migration on a loaded machine)."""


def make_engine(url: str, **options: Any) -> Engine:
    """A new engine for ``url`` (``options`` go to ``create_engine``); no schema is created.

    SQLite files get their folder created (0700), WAL journaling and foreign keys (a listener on
    this engine only) and a :data:`SQLITE_BUSY_TIMEOUT` wait for locks.
    """
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database and parsed.database != ":memory:":
        # a new folder is private: the ledger holds phone numbers and contact inputs
        Path(parsed.database).expanduser().parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    options.setdefault("pool_pre_ping", not sqlite)
    if sqlite:  # a writer waits this long for another's lock (receiver, worker, CLI, migrations)
        options["connect_args"] = {
            "timeout": SQLITE_BUSY_TIMEOUT,
            **options.get("connect_args", {}),
        }
    engine = create_engine(url, **options)
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: object) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success, rolled back on error."""
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


class EngineHolder:
    """A store object's engine: one passed in stays the caller's; one made from a URL is
    disposed by :meth:`close` (or on leaving a ``with`` block)."""

    def __init__(self, engine: Engine | str) -> None:
        self._owns_engine = not isinstance(engine, Engine)
        self.engine = engine if isinstance(engine, Engine) else make_engine(engine)

    def close(self) -> None:
        """Dispose of the engine if this object made it."""
        if self._owns_engine:
            self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.close()
