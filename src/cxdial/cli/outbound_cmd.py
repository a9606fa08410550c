"""``cxdial events outbound``: webhook subscriptions of CRM / WFM endpoints, and dead letters.

Contract (stable): ``cxdial events outbound list|subscribe URL --type T…|unsubscribe ID|
enable ID|dead-letters|replay ID…|--all``, each with ``--json`` (one object or array).
A subscription's ``whsec_`` secret is printed once, by ``subscribe``; ``list`` never shows
it. Targets are checked against the SSRF guard at once (``CXDIAL_OUTBOUND_ALLOW_NETWORKS``
allows private networks); a refused URL exits 2. Deliveries are made by
``cxdial serve --role deliverer`` (also in the default all-roles mode).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from cxdial.cli.app import console, emit_json, state_of
from cxdial.errors import ValidationError

if TYPE_CHECKING:
    from cxdial.events.outbound import Outbox, Subscription

__all__ = ["EVENT_TYPES", "outbound_app"]

T = TypeVar("T")
EVENT_TYPES = (
    "call.started",
    "call.answered",
    "call.completed",
    "call.abandoned",
    "disposition.set",
    "*",
)
"""What a subscription may ask for (``*``: every type)."""

outbound_app = typer.Typer(help="Outbound webhooks: subscriptions, dead letters, replay.")


def _with_outbox(ctx: typer.Context, work: Callable[[Outbox], T]) -> T:
    from cxdial.events.outbound import Outbox
    from cxdial.service.config import ServiceConfig
    from cxdial.store import make_engine

    config = ServiceConfig.from_env()
    engine = make_engine(config.database_url or state_of(ctx).settings().database_url)
    try:
        return work(Outbox(engine, config.outbound))
    finally:
        engine.dispose()


def _print(lines: list[str]) -> None:
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def _shown(sub: Subscription) -> dict[str, Any]:
    """A subscription without its secret."""
    return {
        "id": sub.id,
        "url": sub.url,
        "types": list(sub.event_types),
        "enabled": sub.enabled,
        "consecutive_failures": sub.consecutive_failures,
        "disabled_reason": sub.disabled_reason,
    }


@outbound_app.command("list")
def list_subscriptions(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="a JSON array")
) -> None:
    """Every subscription: id, URL, types, and whether it is enabled (no secrets)."""
    subs = [_shown(s) for s in _with_outbox(ctx, lambda o: o.subscriptions())]
    if as_json:
        emit_json(subs)
        return
    _print(
        [
            f"{s['id']}  {'enabled ' if s['enabled'] else 'DISABLED'}  {s['url']}  "
            f"{','.join(s['types'])}"
            + (f"  ({s['disabled_reason']})" if s["disabled_reason"] else "")
            for s in subs
        ]
        or ["no subscriptions"]
    )


@outbound_app.command("subscribe")
def subscribe(
    ctx: typer.Context,
    url: str = typer.Argument(..., help="the endpoint, http(s)://host/path"),
    types: list[str] = typer.Option(
        ..., "--type", help="event type to deliver (repeatable; '*' for all)"
    ),
    secret: str | None = typer.Option(
        None, "--secret", envvar="CXDIAL_OUTBOUND_SECRET", help="whsec_ secret (default: new)"
    ),
    as_json: bool = typer.Option(False, "--json", help="one JSON object"),
) -> None:
    """Subscribe an endpoint; its signing secret is printed this once, keep it."""
    bad = [t for t in types if t not in EVENT_TYPES]
    if bad:
        raise ValidationError(
            f"unknown event type {bad[0]!r}", field="--type", fix=", ".join(EVENT_TYPES)
        )
    sub = _with_outbox(ctx, lambda o: o.subscribe(url, list(dict.fromkeys(types)), secret=secret))
    shown = {**_shown(sub), "secret": sub.secret}
    if as_json:
        emit_json(shown)
        return
    _print(
        [
            f"subscribed {sub.id}: {sub.url} ({', '.join(sub.event_types)})",
            f"signing secret (shown once): {sub.secret}",
        ]
    )


@outbound_app.command("unsubscribe")
def unsubscribe(
    ctx: typer.Context,
    subscription_id: str = typer.Argument(..., metavar="ID", help="a subscription id"),
    as_json: bool = typer.Option(False, "--json", help="one JSON object"),
) -> None:
    """Remove a subscription and drop its undelivered messages."""
    dropped = _with_outbox(ctx, lambda o: o.unsubscribe(subscription_id))
    if as_json:
        emit_json({"unsubscribed": subscription_id, "dropped": dropped})
    else:
        _print([f"unsubscribed {subscription_id}; dropped {dropped} undelivered message(s)"])


@outbound_app.command("enable")
def enable(
    ctx: typer.Context,
    subscription_id: str = typer.Argument(..., metavar="ID", help="a subscription id"),
    as_json: bool = typer.Option(False, "--json", help="one JSON object"),
) -> None:
    """Turn a disabled endpoint back on (its dead letters stay; replay them)."""

    def run(outbox: Outbox) -> Subscription:
        outbox.enable(subscription_id)
        return outbox.subscription(subscription_id)

    sub = _with_outbox(ctx, run)
    if as_json:
        emit_json(_shown(sub))
    else:
        _print([f"enabled {sub.id}: {sub.url}"])


@outbound_app.command("dead-letters")
def dead_letters(
    ctx: typer.Context,
    limit: int = typer.Option(100, "--limit", min=1, help="at most this many"),
    as_json: bool = typer.Option(False, "--json", help="a JSON array"),
) -> None:
    """Deliveries that failed every attempt (or whose endpoint was disabled)."""
    letters = _with_outbox(ctx, lambda o: o.dead_letter_details(limit))
    if as_json:
        emit_json(letters)
        return
    _print(
        [
            f"{d['id']}  {d['type']}  {d['url']}  attempts={d['attempts']}  {d['error'] or ''}"
            for d in letters
        ]
        or ["no dead letters"]
    )


@outbound_app.command("replay")
def replay(
    ctx: typer.Context,
    ids: list[str] = typer.Argument(None, help="dead-letter ids (see dead-letters)"),
    replay_all: bool = typer.Option(False, "--all", help="replay every dead letter"),
    as_json: bool = typer.Option(False, "--json", help="one JSON object"),
) -> None:
    """Send dead letters again from their first attempt, with the same webhook-id."""
    if not ids and not replay_all:
        raise ValidationError("nothing to replay", field="ids", fix="pass dead-letter ids or --all")

    def run(outbox: Outbox) -> int:
        chosen = outbox.dead_letters() if replay_all else list(dict.fromkeys(ids))
        for delivery_id in chosen:
            outbox.replay(delivery_id)
        return len(chosen)

    count = _with_outbox(ctx, run)
    if as_json:
        emit_json({"replayed": count})
    else:
        _print([f"replayed {count} dead letter(s)"])
