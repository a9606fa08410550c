"""A real cxdial service (receiver + worker) on a loopback port, for end-to-end tests."""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cxdial.emulator.testing import free_port, wait_healthy
from cxdial.events.embedded import EmbeddedQueue
from cxdial.service import ServiceConfig
from cxdial.service.runtime import Service
from cxdial.store import make_engine

__all__ = ["SECRET", "Running", "run_service"]

SECRET = "whsec_" + base64.b64encode(b"e2e-secret-0123456789abcdef").decode()


@dataclass(frozen=True)
class Running:
    """Where the service listens and the store it writes."""

    url: str
    db: str


def run_service(tmp_path: Path) -> Iterator[Running]:
    """Serve receiver + worker on a free port until the generator is closed."""
    db = f"sqlite:///{tmp_path / 'svc.db'}"
    port = free_port()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    engine = make_engine(db)

    async def main() -> None:
        service = Service(
            ServiceConfig(secrets=(SECRET,)),
            engine,
            EmbeddedQueue(engine),
            ("receiver", "worker"),
            port=port,
        )
        await service.serve(stop)

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url)
    yield Running(url, db)
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)
    loop.close()
