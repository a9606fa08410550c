"""alembic's environment for the store: migrations run on the connection they are handed.

:mod:`cxdial.store.schema` passes a connection that already holds the schema lock inside
an open transaction (``config.attributes["connection"]``), so every pending revision and
the version row commit together. Without one (a developer running the ``alembic`` command
with an ini naming ``sqlalchemy.url``), an engine is made from that URL and locked the
same way. Offline (``--sql``) mode is not supported: the baseline inspects the database.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext, MigrationInfo

from cxdial.errors import ConfigurationError
from cxdial.store.db import locked_transaction, make_engine
from cxdial.store.schema import VERSION_TABLE

config = context.config


def _record(
    ctx: MigrationContext, step: MigrationInfo, heads: Collection[Any], run_args: Mapping[str, Any]
) -> None:
    del ctx, heads, run_args
    applied = config.attributes.setdefault("applied", [])
    applied.append(step.up_revision_id)  # on a downgrade: the revision reverted


def _run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=config.attributes.get("target_metadata"),
        version_table=VERSION_TABLE,
        render_as_batch=True,  # SQLite alters a table by copying it; batch mode does that
        compare_type=True,
        on_version_apply=_record,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise ConfigurationError(
        "the store's migrations run online only",
        field="sql",
        fix="run `cxdial db upgrade` against the database",
    )
if config.attributes.get("connection") is not None:
    _run(config.attributes["connection"])
else:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise ConfigurationError(
            "no database to migrate", field="sqlalchemy.url", fix="run `cxdial db upgrade`"
        )
    engine = make_engine(url)
    try:
        with locked_transaction(engine, "schema") as conn:
            _run(conn)
    finally:
        engine.dispose()
