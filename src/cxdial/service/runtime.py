"""Running ``cxdial serve``: the receiver, workers and the poller in one process or split.

Roles: ``receiver`` (the HTTP app), ``worker`` (drains the queue into the store),
``poller`` (``/contacts/completed`` into the queue), or ``all``. Each role is stateless
apart from the store and the queue, so any number of each can run on many machines
with the Redis backend.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import uvicorn
from sqlalchemy import Engine

from cxdial.config import Settings
from cxdial.events.consumer import Processor
from cxdial.events.queue import EventQueue
from cxdial.events.worker import Worker
from cxdial.service.app import create_app
from cxdial.service.config import ServiceConfig

__all__ = ["ROLES", "Role", "Service"]

log = logging.getLogger("cxdial.service")
Role = Literal["receiver", "worker", "poller"]
ROLES: tuple[Role, ...] = ("receiver", "worker", "poller")


@dataclass
class Service:
    """The roles to run, over one store engine and one queue."""

    config: ServiceConfig
    engine: Engine
    queue: EventQueue
    roles: Sequence[Role] = ROLES
    host: str = "127.0.0.1"
    port: int = 8080
    settings: Settings | None = None
    """CXone settings the poller's client is built from (needed for the poller role)."""
    poll_interval: float = 30.0
    consumer: str = f"worker-{socket.gethostname()}"

    def __post_init__(self) -> None:
        if "receiver" in self.roles:
            self.config.require_auth()
        self.server: uvicorn.Server | None = None

    async def serve(self, stop: asyncio.Event | None = None) -> None:
        """Run every role until ``stop`` is set (or SIGINT/SIGTERM); then close the queue."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, stop.set)
        tasks = []
        if "receiver" in self.roles:
            tasks.append(asyncio.create_task(self._receiver(stop)))
        if "worker" in self.roles:
            worker = Worker(self.queue, Processor(self.engine), consumer=self.consumer)
            tasks.append(asyncio.create_task(worker.run(stop)))
        if "poller" in self.roles:
            tasks.append(asyncio.create_task(self._poller(stop)))
        try:
            await asyncio.gather(*tasks)
        finally:
            stop.set()
            await self.queue.close()

    async def _receiver(self, stop: asyncio.Event) -> None:
        app = create_app(self.config, self.queue, self.engine)
        config = uvicorn.Config(
            app, host=self.host, port=self.port, log_level="warning", lifespan="off"
        )
        server = uvicorn.Server(config)
        self.server = server
        watcher = asyncio.create_task(self._stop_server(stop, server))
        try:
            await server.serve()
        finally:
            stop.set()
            await watcher

    @staticmethod
    async def _stop_server(stop: asyncio.Event, server: uvicorn.Server) -> None:
        await stop.wait()
        server.should_exit = True

    async def _poller(self, stop: asyncio.Event) -> None:
        from cxdial.cxone.client import AsyncClient
        from cxdial.events.poller import Poller

        if self.settings is None:
            raise RuntimeError("the poller role needs CXone settings")
        async with AsyncClient.from_settings(self.settings) as client:
            poller = Poller(client, self.queue, self.engine)
            while not stop.is_set():
                try:
                    result = await poller.poll_once()
                    log.info("polled %d completed contacts", result.records)
                except Exception:  # the next pass retries from the same watermark
                    log.warning("poll pass failed", exc_info=True)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.poll_interval)
