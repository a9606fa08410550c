"""``cxdial serve``: the webhook receiver, the queue workers and the poller.

Contract (stable): ``cxdial serve [--host 127.0.0.1] [--port 8080]
[--role receiver|worker|poller|deliverer|rescreener|monitor|all]`` (repeat ``--role`` to
combine). Reads ``CXDIAL_WEBHOOK_SECRET`` (comma-separated ``whsec_`` secrets),
``CXDIAL_WEBHOOK_TOKENS`` (``source=token,…``: the Studio token-header mode),
``CXDIAL_DATABASE_URL``, ``CXDIAL_QUEUE_URL`` (default embedded; ``redis://…``),
``CXDIAL_API_TOKEN``, the outbound delivery's ``CXDIAL_OUTBOUND_*``, the reconciliation's
``CXDIAL_RECONCILE_*``, the dispositions' ``CXDIAL_REVOCATION_DISPOSITIONS`` /
``CXDIAL_DNC_DISPOSITIONS`` and the re-screen job's and the monitor's
``CXDIAL_CAMPAIGN_SPECS``, ``CXDIAL_RESCREEN_*`` and ``CXDIAL_MONITOR_INTERVAL``
(docs/events.md).
``GET /healthz`` answers 200 once events are accepted. No secret or token exits 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from cxdial.cli.app import console_err, state_of
from cxdial.errors import ValidationError

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable

__all__ = ["register", "serve"]

_ROLES = ("receiver", "worker", "poller", "deliverer", "rescreener", "monitor", "all")


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", envvar="CXDIAL_SERVE_HOST"),
    port: int = typer.Option(8080, "--port", envvar="CXDIAL_SERVE_PORT"),
    role: list[str] = typer.Option(
        ["all"],
        "--role",
        help="receiver, worker, poller, deliverer, rescreener, monitor or all (repeat)",
    ),
    poll_interval: float = typer.Option(30.0, "--poll-interval", help="seconds between polls"),
) -> None:
    """Receive call events, queue them durably, apply them once, poll CXone for the rest,
    reconcile calls with gaps, deliver outbound webhooks to the subscribers, and keep the
    campaigns' calling lists re-screened."""
    bad = [r for r in role if r not in _ROLES]
    if bad:
        raise ValidationError(
            f"unknown role {bad[0]!r}",
            field="--role",
            fix="receiver, worker, poller, deliverer, rescreener, monitor or all",
        )
    import asyncio

    from cxdial.events.backends import open_queue
    from cxdial.service.config import ServiceConfig
    from cxdial.service.runtime import ROLES, Service
    from cxdial.store import make_engine

    settings = state_of(ctx).settings()
    config = ServiceConfig.from_env()
    roles = ROLES if "all" in role else tuple(r for r in ROLES if r in role)
    engine = make_engine(config.database_url or settings.database_url)

    async def main() -> None:
        service = Service(
            config,
            engine,
            open_queue(config.queue_url, engine),
            roles,
            host=host,
            port=port,
            settings=settings,
            poll_interval=poll_interval,
            settle_heap=True,
        )
        if "receiver" in roles:
            console_err.print(
                f"cxdial service on http://{host}:{port} ({', '.join(roles)}); Ctrl-C stops it",
                markup=False,
                highlight=False,
            )
        await service.serve()

    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(main())


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (the ``service`` extra), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def register(app: typer.Typer) -> None:
    """Add ``cxdial serve`` to ``app``."""
    app.command("serve")(serve)
