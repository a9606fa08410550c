"""``cxdial events``: pipeline counts, dead letters, and replaying them.

Contract (stable): ``cxdial events stats [--json]`` prints received, duplicates,
processed, reconciled, pending and dead_letters; ``cxdial events dead-letters [--limit N]
[--json]``; ``cxdial events replay [ID …] [--all] [--json]`` redelivers dead letters;
``cxdial events reconcile [--grace S] [--json]`` looks up calls with gaps or no end and
fills them (exit 1 when CXone is unreachable); ``cxdial events outbound …`` manages the
outbound webhooks (:mod:`cxdial.cli.outbound_cmd`). Reads ``CXDIAL_DATABASE_URL`` and
``CXDIAL_QUEUE_URL`` like ``cxdial serve``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from cxdial.cli.app import console, state_of
from cxdial.cli.outbound_cmd import outbound_app
from cxdial.errors import ValidationError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cxdial.events.queue import EventQueue

__all__ = ["events_app", "register"]

T = TypeVar("T")
events_app = typer.Typer(
    help="The event pipeline: counts, dead letters, replay, reconciliation, outbound webhooks."
)
events_app.add_typer(outbound_app, name="outbound")


def _with_queue(ctx: typer.Context, work: Callable[[EventQueue, Engine], Awaitable[T]]) -> T:
    import asyncio

    from cxdial.events.backends import open_queue
    from cxdial.service.config import ServiceConfig
    from cxdial.store import make_engine

    config = ServiceConfig.from_env()
    engine = make_engine(config.database_url or state_of(ctx).settings().database_url)

    async def main() -> T:
        queue = open_queue(config.queue_url, engine)
        try:
            return await work(queue, engine)
        finally:
            await queue.close()

    try:
        return asyncio.run(main())
    finally:
        engine.dispose()  # a PostgreSQL store's connections are closed, not left to the GC


def _emit(data: Any, as_json: bool, lines: list[str]) -> None:
    if as_json:
        typer.echo(json.dumps(data, sort_keys=True))
    else:
        for line in lines:
            console.print(line, markup=False, highlight=False)


@events_app.command("stats")
def stats(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="one JSON object")
) -> None:
    """Received, duplicates, processed, reconciled, pending and dead-letter counts."""
    from cxdial.events.stats import pipeline_stats

    counts = _with_queue(ctx, pipeline_stats)
    _emit(counts, as_json, [f"{k:>12}  {v}" for k, v in counts.items()])


@events_app.command("dead-letters")
def dead_letters(
    ctx: typer.Context,
    limit: int = typer.Option(100, "--limit", min=1, help="at most this many"),
    as_json: bool = typer.Option(False, "--json", help="a JSON array"),
) -> None:
    """Events that failed every attempt, with their last error."""

    async def read(queue: EventQueue, _engine: Engine) -> list[dict[str, Any]]:
        return [
            {"id": d.id, "attempts": d.attempts, "error": d.error, "body": d.body}
            for d in await queue.dead_letters(limit)
        ]

    letters = _with_queue(ctx, read)
    _emit(
        letters,
        as_json,
        [f"{d['id']}  attempts={d['attempts']}  {d['error'] or ''}" for d in letters]
        or ["no dead letters"],
    )


@events_app.command("replay")
def replay(
    ctx: typer.Context,
    ids: list[str] = typer.Argument(None, help="dead-letter ids (see dead-letters)"),
    replay_all: bool = typer.Option(False, "--all", help="replay every dead letter"),
    as_json: bool = typer.Option(False, "--json", help="one JSON object"),
) -> None:
    """Deliver dead letters again, from attempt one."""
    if not ids and not replay_all:
        raise ValidationError("nothing to replay", field="ids", fix="pass dead-letter ids or --all")

    async def run(queue: EventQueue, _engine: Engine) -> int:
        return await queue.replay(None if replay_all else ids)

    count = _with_queue(ctx, run)
    _emit({"replayed": count}, as_json, [f"replayed {count} dead letter(s)"])


@events_app.command("reconcile")
def reconcile(
    ctx: typer.Context,
    grace: float | None = typer.Option(
        None,
        "--grace",
        min=0,
        help="seconds since a call's last event before it is looked up (CXDIAL_RECONCILE_GRACE)",
    ),
    as_json: bool = typer.Option(False, "--json", help="one JSON object"),
) -> None:
    """Look up calls whose pushes have a gap or no end, and fill them from CXone."""
    import asyncio
    from datetime import timedelta

    from cxdial.cxone.client import AsyncClient
    from cxdial.events.consumer import Processor
    from cxdial.events.outbound import Outbox
    from cxdial.events.reconcile import Reconciler
    from cxdial.service.config import ServiceConfig
    from cxdial.store import make_engine

    settings = state_of(ctx).settings()
    config = ServiceConfig.from_env()
    engine = make_engine(config.database_url or settings.database_url)
    wait = timedelta(seconds=config.reconcile_grace if grace is None else grace)

    async def main() -> dict[str, int]:
        processor = Processor(engine, outbox=Outbox(engine, config.outbound))
        async with AsyncClient.from_settings(settings) as client:
            return (await Reconciler(client, processor, grace=wait).run_once()).as_dict()

    try:
        counts = asyncio.run(main())
    finally:
        engine.dispose()
    _emit(
        counts,
        as_json,
        [
            f"looked up {counts['candidates']} call(s): {counts['filled']} filled, "
            f"{counts['active']} still active, {counts['missing']} not found "
            f"({counts['given_up']} given up)"
        ],
    )


def register(app: typer.Typer) -> None:
    """Add ``cxdial events`` to ``app``."""
    app.add_typer(events_app, name="events")
