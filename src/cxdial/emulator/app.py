"""``create_app``: the emulated CXone tenant as one FastAPI application.

Routers are plain lists (:data:`ROUTERS` of the ACD API, plus the auth and control
routers); their routes are installed as one list ordered so that fixed paths come before
path parameters (:func:`~cxdial.emulator.routing.install_routes`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, FastAPI

from cxdial.emulator import auth_routes, control
from cxdial.emulator.config import EmulatorConfig
from cxdial.emulator.deps import ACD_PREFIX
from cxdial.emulator.dialer import PersonalConnectionDialer
from cxdial.emulator.errors import install_error_handlers
from cxdial.emulator.middleware import EmulatorMiddleware
from cxdial.emulator.openapi import openapi_document
from cxdial.emulator.routes import ROUTERS
from cxdial.emulator.routing import install_routes
from cxdial.emulator.webhooks import WebhookSender
from cxdial.emulator.world import World
from cxdial.pacing.policy import PacingPolicy

__all__ = ["create_app"]

log = logging.getLogger("cxdial.emulator")

_OWN_ROUTERS: tuple[APIRouter, ...] = (auth_routes.router, control.router)
"""Not CXone's ACD API: discovery, tokens, and the emulator's control API."""


def create_app(
    config: EmulatorConfig | None = None, *, policy: PacingPolicy | None = None
) -> FastAPI:
    """A fresh emulator; ``policy`` replaces the built-in progressive pacing."""
    config = config or EmulatorConfig()
    world = World(config, policy, dialer=PersonalConnectionDialer())
    sender = WebhookSender(
        world, attempts=config.webhook_attempts, concurrency=config.webhook_concurrency
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.get_running_loop().create_task(_tick(world, sender))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(sender.flush(), timeout=5)

    app = FastAPI(
        title="cxdial CXone emulator",
        lifespan=lifespan,
        docs_url="/_emulator/docs",
        openapi_url="/_emulator/openapi.json",
        redoc_url=None,
    )
    app.state.world = world
    app.state.webhooks = sender
    install_error_handlers(app)
    install_routes(app, (*_OWN_ROUTERS, *ROUTERS))
    _complete_openapi(app)
    app.add_middleware(EmulatorMiddleware, world=world, after=sender.kick)
    return app


def _complete_openapi(app: FastAPI) -> None:
    """Serve :func:`~cxdial.emulator.openapi.openapi_document`, built once on demand."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_document(app, ACD_PREFIX)
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]


async def _tick(world: World, sender: WebhookSender) -> None:
    """Under a server: keep the world moving and webhooks flowing between requests."""
    while True:
        await asyncio.sleep(world.config.tick_interval)
        try:
            world.advance()
            sender.kick()
        except Exception:  # a bug in one event must not stop the clock for everyone
            log.exception("emulator tick failed")
