"""``create_app``: the emulated CXone tenant as one FastAPI application."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from cxdial.emulator import auth_routes, control
from cxdial.emulator.config import EmulatorConfig
from cxdial.emulator.errors import install_error_handlers
from cxdial.emulator.middleware import EmulatorMiddleware
from cxdial.emulator.routes import ROUTERS
from cxdial.emulator.webhooks import WebhookSender
from cxdial.emulator.world import World
from cxdial.pacing.policy import PacingPolicy

__all__ = ["create_app"]

log = logging.getLogger("cxdial.emulator")


def create_app(
    config: EmulatorConfig | None = None, *, policy: PacingPolicy | None = None
) -> FastAPI:
    """A fresh emulator; ``policy`` replaces the built-in progressive pacing."""
    config = config or EmulatorConfig()
    world = World(config, policy)
    sender = WebhookSender(world)

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
    app.include_router(auth_routes.router)
    app.include_router(control.router)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(EmulatorMiddleware, world=world, after=sender.kick)
    return app


async def _tick(world: World, sender: WebhookSender) -> None:
    """Under a server: keep the world moving and webhooks flowing between requests."""
    while True:
        await asyncio.sleep(world.config.tick_interval)
        try:
            world.advance()
            sender.kick()
        except Exception:  # a bug in one event must not stop the clock for everyone
            log.exception("emulator tick failed")
