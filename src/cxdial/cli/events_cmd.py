"""``cxdial events``: pipeline counts, dead letters, and replaying them.

Contract (stable): ``cxdial events stats [--json]`` prints received, duplicates,
processed, reconciled, pending and dead_letters; ``cxdial events dead-letters [--limit N]
[--json]``; ``cxdial events replay [ID …] [--all] [--json]`` redelivers dead letters.
Reads ``CXDIAL_DATABASE_URL`` and ``CXDIAL_QUEUE_URL`` like ``cxdial serve``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from cxdial.cli.app import console, state_of
from cxdial.errors import ValidationError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cxdial.events.queue import EventQueue

__all__ = ["events_app", "register"]

T = TypeVar("T")
events_app = typer.Typer(help="The event pipeline: counts, dead letters, replay.")


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

    return asyncio.run(main())


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


def register(app: typer.Typer) -> None:
    """Add ``cxdial events`` to ``app``."""
    app.add_typer(events_app, name="events")
