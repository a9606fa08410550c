"""The store's schema: alembic migrations, applied on open; ``cxdial db`` reads and runs them.

Every store object (``Ledger``, ``AttemptLog``, the event consumers, the queue, the
outbound webhooks, ``CampaignStore``) calls :func:`create_schema` before it writes. It reads
the one row of the version table and returns when the database is at :data:`SCHEMA_HEAD`
— a single ``SELECT``, and alembic is not imported. Otherwise it takes the store's
``schema`` write lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), runs the
pending revisions of ``cxdial/store/migrations/versions`` in that one transaction and
commits; a process that waited on the lock finds the work done. A database made by a
cxdial from before migrations (tables, no version table) is adopted by the baseline
revision: its tables are checked and kept, the missing ones created, and it is stamped.

Adding a table or a column means a new revision and a new :data:`SCHEMA_HEAD`
(docs/store.md); a test fails while the tables and the migrations disagree.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, MetaData, inspect
from sqlalchemy.exc import DBAPIError

from cxdial.errors import ConfigurationError
from cxdial.store.locks import locked_transaction

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

__all__ = [
    "MIGRATIONS",
    "SCHEMA_HEAD",
    "VERSION_TABLE",
    "Revision",
    "SchemaState",
    "alembic_config",
    "create_schema",
    "downgrade",
    "history",
    "schema_diff",
    "schema_state",
    "stored_revision",
    "upgrade",
]

SCHEMA_HEAD = "0004"
"""The newest revision in ``migrations/versions`` (a test checks; bump it with each one)."""

VERSION_TABLE = "cxdial_alembic_version"
"""Where the revision is kept: not ``alembic_version``, so that another application's
migrations in the same schema are never mistaken for cxdial's."""

MIGRATIONS = Path(__file__).with_name("migrations")
"""The alembic script directory shipped in the package (env.py, versions/)."""

_FIX = "point CXDIAL_DATABASE_URL at a new database; keep the old one to read"

_ALEMBIC = threading.Lock()
"""alembic's ``context`` and ``op`` are proxies global to the process: two threads migrating
two databases at once would swap them under each other. Taken after the database's own
schema lock, only while a migration runs (never on the at-head path)."""


def stored_revision(engine: Engine | Connection) -> str | None:
    """The database's revision, or None when it has no version table (new or pre-migration)."""
    if isinstance(engine, Connection):
        return _read_revision(engine)
    with engine.connect() as conn:
        return _read_revision(conn)


def _read_revision(conn: Connection, *, locked: bool = False) -> str | None:
    """The revision; ``locked``: inside the schema lock, which a failed statement would end."""
    if locked and not inspect(conn).has_table(VERSION_TABLE):
        return None
    try:
        rows = conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").all()  # noqa: S608
    except DBAPIError:
        if conn.in_transaction():
            conn.rollback()  # PostgreSQL: the failed statement aborted the transaction
        return None
    if len(rows) > 1:
        raise ConfigurationError(
            f"the database has {len(rows)} schema heads ({', '.join(r[0] for r in rows)})",
            field="database_url",
            fix=_FIX,
        )
    return str(rows[0][0]) if rows else None


def create_schema(engine: Engine) -> None:
    """Bring the database to :data:`SCHEMA_HEAD` (idempotent; one read when it is there)."""
    if stored_revision(engine) != SCHEMA_HEAD:
        upgrade(engine)


def alembic_config(
    connection: Connection | None = None, metadata: Sequence[MetaData] | None = None
) -> Config:
    """An alembic ``Config`` for the shipped migrations (no ``alembic.ini`` needed).

    ``connection`` is the one the migrations run on (``env.py`` reads it); ``metadata`` is
    only needed to autogenerate or compare.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("version_table", VERSION_TABLE)
    config.set_main_option("file_template", "v%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    config.attributes["target_metadata"] = list(metadata) if metadata is not None else None
    config.attributes["applied"] = []
    return config


def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def upgrade(engine: Engine, revision: str = "head") -> list[str]:
    """Apply the revisions up to ``revision`` under the schema lock; returns those applied."""
    return _migrate(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> list[str]:
    """Revert down to ``revision`` (``base`` drops every table); returns those reverted."""
    return _migrate(engine, "downgrade", revision)


def _migrate(engine: Engine, direction: str, revision: str) -> list[str]:
    from alembic import command
    from alembic.util import CommandError

    with locked_transaction(engine, "schema") as conn:
        config = alembic_config(conn)
        found = _read_revision(conn, locked=True)
        if found is not None and found not in {r.revision for r in _script().walk_revisions()}:
            raise ConfigurationError(
                f"the database schema is at revision {found}, which this cxdial does not "
                f"know (its newest is {SCHEMA_HEAD}): a newer cxdial migrated it",
                field="database_url",
                fix="upgrade cxdial, or point CXDIAL_DATABASE_URL at another database",
            )
        try:
            with _ALEMBIC:
                if direction == "upgrade":
                    command.upgrade(config, revision)
                else:
                    command.downgrade(config, revision)
        except CommandError as exc:
            raise ConfigurationError(
                f"cannot {direction} the schema to {revision!r}: {exc}",
                field="revision",
                fix="see `cxdial db history` for the revisions",
            ) from None
        applied: list[str] = config.attributes["applied"]
    return applied


@dataclass(frozen=True)
class Revision:
    """One migration: its id, the one it follows, its message, and whether it is the head."""

    revision: str
    down_revision: str | None
    message: str
    is_head: bool

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape ``cxdial db history --json`` prints."""
        return {
            "revision": self.revision,
            "down_revision": self.down_revision,
            "message": self.message,
            "head": self.is_head,
        }


def history() -> list[Revision]:
    """Every shipped revision, oldest first."""
    script = _script()
    heads = set(script.get_heads())
    out = []
    for rev in reversed(list(script.walk_revisions())):
        down = rev.down_revision
        if down is not None and not isinstance(down, str):  # a merge; cxdial stays linear
            down = ",".join(down)
        message = " ".join((rev.doc or "").split())
        out.append(Revision(rev.revision, down, message, rev.revision in heads))
    return out


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands: its revision, the head, what is pending, whether it is legacy.

    ``legacy`` is a database with cxdial tables and no version table (made before
    migrations): ``cxdial db upgrade`` adopts it at the baseline.
    """

    current: str | None
    head: str
    pending: tuple[str, ...]
    legacy: bool

    @property
    def status(self) -> str:
        """``head``, ``behind``, ``empty`` (no tables yet) or ``legacy``."""
        if self.current == self.head:
            return "head"
        if self.current is not None:
            return "behind"
        return "legacy" if self.legacy else "empty"

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape ``cxdial db current --json`` prints (without the URL)."""
        return {
            "current": self.current,
            "head": self.head,
            "pending": list(self.pending),
            "status": self.status,
        }


def schema_state(engine: Engine) -> SchemaState:
    """Read where ``engine``'s database stands; changes nothing."""
    with engine.connect() as conn:
        current = _read_revision(conn)
        tables = set(inspect(conn).get_table_names()) if current is None else set()
    known = [r.revision for r in history()]
    if current is not None and current not in known:
        raise ConfigurationError(
            f"the database schema is at revision {current}, which this cxdial does not know",
            field="database_url",
            fix="upgrade cxdial, or point CXDIAL_DATABASE_URL at another database",
        )
    done = known.index(current) + 1 if current is not None else 0
    legacy = current is None and bool(tables & _table_names())
    return SchemaState(current, known[-1], tuple(known[done:]), legacy)


def _table_names() -> set[str]:
    from cxdial.store.migrations import store_metadata

    return {name for meta in store_metadata() for name in meta.tables}


def schema_diff(engine: Engine) -> list[Any]:
    """What alembic's autogenerate finds between the database and the store's tables.

    Empty when the migrations (applied to this database) build exactly the tables the code
    declares; anything else needs a new revision.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from cxdial.store.migrations import store_metadata

    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE, "compare_type": True}
        )
        return list(compare_metadata(context, store_metadata()))  # type: ignore[arg-type]
