"""``cxdial db``: the store's schema — upgrade it, show where it stands, list the revisions.

Contract (stable): ``cxdial db upgrade [--revision R] [--json]`` applies the pending
migrations (a database from before migrations is adopted at the baseline) and prints
``{database, from, to, applied, adopted}``; ``cxdial db current [--json]`` prints
``{database, current, head, pending, status}`` with status ``head``, ``behind``, ``empty``
or ``legacy``; ``cxdial db history [--json]`` prints ``{head, revisions: [{revision,
down_revision, message, head}]}`` oldest first. The database is ``--database-url``, else
``CXDIAL_DATABASE_URL``, else the settings' default; its password is never printed.
Every store object also upgrades on open, so running ``upgrade`` by hand is only needed to
migrate ahead of a deploy or to see what runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from cxdial.cli.app import console, console_err, emit_json, state_of

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["db_app", "register"]

db_app = typer.Typer(
    help="The store's schema: upgrade, current revision, history.", no_args_is_help=True
)

_DB_HELP = "SQLAlchemy URL of the store (default: the settings' database_url)"


def _db_option() -> Any:
    return typer.Option(None, "--database-url", envvar="CXDIAL_DATABASE_URL", help=_DB_HELP)


def _engine(ctx: typer.Context, database_url: str | None) -> tuple[Engine, str]:
    """The engine for the chosen URL and that URL with its password hidden."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from cxdial.errors import ValidationError
    from cxdial.store import make_engine

    url = database_url or state_of(ctx).settings().database_url
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        raise ValidationError(
            "the database URL is not a SQLAlchemy URL",
            field="database_url",
            fix="e.g. sqlite:///path/to/cxdial.db or postgresql+psycopg://user@host/db",
        ) from None
    return make_engine(url), shown


@db_app.command("upgrade")
def upgrade(
    ctx: typer.Context,
    revision: str = typer.Option("head", "--revision", help="migrate up to this revision"),
    database_url: str | None = _db_option(),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Apply the pending migrations (adopting a database from before migrations)."""
    from cxdial.store.schema import schema_state
    from cxdial.store.schema import upgrade as run_upgrade

    state_of(ctx).json_output = as_json
    engine, shown = _engine(ctx, database_url)
    try:
        before = schema_state(engine)
        if as_json:
            applied = run_upgrade(engine, revision)
        else:
            with console_err.status(f"migrating {shown} …"):
                applied = run_upgrade(engine, revision)
        after = schema_state(engine)
    finally:
        engine.dispose()
    adopted = before.legacy and bool(applied)
    if as_json:
        emit_json(
            {
                "database": shown,
                "from": before.current,
                "to": after.current,
                "applied": applied,
                "adopted": adopted,
            }
        )
        return
    if not applied:
        console.print(f"{shown} is already at {after.current}", soft_wrap=True)
        return
    how = "adopted the existing tables and " if adopted else ""
    console.print(
        f"{shown}: {how}applied {', '.join(applied)} ({before.current or before.status} → "
        f"{after.current})",
        soft_wrap=True,
    )


@db_app.command("current")
def current(
    ctx: typer.Context,
    database_url: str | None = _db_option(),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """The database's revision, the newest this cxdial knows, and what is pending."""
    from cxdial.store.schema import schema_state

    state_of(ctx).json_output = as_json
    engine, shown = _engine(ctx, database_url)
    try:
        state = schema_state(engine)
    finally:
        engine.dispose()
    if as_json:
        emit_json({"database": shown, **state.as_dict()})
        return
    if state.status == "head":
        console.print(f"{shown}: {state.current} (the head)", soft_wrap=True)
        return
    console.print(
        f"{shown}: {state.current or 'no revision'} ({state.status}; head {state.head}; "
        f"pending: {', '.join(state.pending)})",
        soft_wrap=True,
    )


@db_app.command("history")
def history(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Every migration this cxdial ships, oldest first."""
    from cxdial.store.schema import SCHEMA_HEAD
    from cxdial.store.schema import history as revisions

    state_of(ctx).json_output = as_json
    found = revisions()
    if as_json:
        emit_json({"head": SCHEMA_HEAD, "revisions": [r.as_dict() for r in found]})
        return
    for rev in found:
        mark = "  (head)" if rev.is_head else ""
        console.print(
            f"{rev.down_revision or 'base'} → {rev.revision}{mark}  {rev.message}", soft_wrap=True
        )


def register(app: typer.Typer) -> None:
    """Add ``cxdial db`` to ``app``."""
    app.add_typer(db_app, name="db")
