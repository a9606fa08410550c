"""Deliverers sharing one store: each due delivery is claimed once, and an endpoint that
stalls does not hold the others back."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from queue_support import sqlite_engine
from sqlalchemy import Engine, create_engine

from cxdial.events.outbound import OutboundSettings, Outbox

LOOPBACK = OutboundSettings(allowed_networks=("127.0.0.0/8",), timeout_s=5.0)


class Endpoint:
    """A loopback endpoint recording webhook ids; ``/slow`` answers once three ``/fast``
    requests were answered, or after ``delay`` s (a sequential sender waits it out)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.ids: list[str] = []
        self.paths: list[str] = []
        self.delay = delay
        self.fast_done = threading.Event()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["content-length"]))
                if self.path.startswith("/slow"):
                    endpoint.fast_done.wait(endpoint.delay)
                endpoint.ids.append(self.headers["webhook-id"])
                endpoint.paths.append(self.path)
                if endpoint.paths.count("/fast") >= 3:
                    endpoint.fast_done.set()
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    """A real HTTP endpoint in a thread."""
    ep = Endpoint(delay=5.0)
    ep.thread.start()
    yield ep
    ep.server.shutdown()
    ep.server.server_close()
    ep.thread.join()


@pytest.fixture(params=["sqlite", "postgres"])
def engines(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    """Two engines (two deliverers' connections) on one SQLite file or PostgreSQL schema."""
    if request.param == "postgres":
        first: Engine = request.getfixturevalue("pg_engine")
        second = create_engine(first.url, connect_args={"options": _search_path(first)})
    else:
        first = sqlite_engine(tmp_path)
        second = sqlite_engine(tmp_path)
    yield first, second
    second.dispose()
    first.dispose()


def _search_path(engine: Engine) -> str:
    with engine.connect() as conn:
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    return f"-csearch_path={schema}"


def test_two_deliverers_send_each_message_once(
    engines: tuple[Engine, Engine], endpoint: Endpoint
) -> None:
    """Thirty messages, two deliverers passing at once: every webhook id arrives exactly once."""
    a, b = Outbox(engines[0], LOOPBACK), Outbox(engines[1], LOOPBACK)
    a.subscribe(endpoint.url + "/crm", ["call.completed"])
    ids = [a.publish("call.completed", {"contact_id": n})[0] for n in range(30)]

    async def both() -> None:
        async with httpx.AsyncClient() as client:
            await asyncio.gather(a.deliver_due(client), b.deliver_due(client))

    asyncio.run(both())
    assert sorted(endpoint.ids) == sorted(ids)
    assert a.counts() == {"pending": 0, "delivered": 30, "dead": 0}


def test_a_slow_endpoint_does_not_hold_back_another(
    engines: tuple[Engine, Engine], endpoint: Endpoint
) -> None:
    """Endpoints are served side by side: a fast endpoint's three messages arrive while the
    slow one is still answering its first."""
    outbox = Outbox(engines[0], LOOPBACK)
    outbox.subscribe(endpoint.url + "/slow", ["*"])
    outbox.subscribe(endpoint.url + "/fast", ["*"])
    for n in range(3):
        outbox.publish("call.completed", {"contact_id": n})

    async def run() -> None:
        async with httpx.AsyncClient() as client:
            await outbox.deliver_due(client)

    asyncio.run(run())
    assert endpoint.paths[:3] == ["/fast"] * 3  # all in before the slow one's first answer
    assert endpoint.paths[3:] == ["/slow"] * 3
    assert outbox.counts()["delivered"] == 6


def test_delivered_messages_are_pruned_after_a_week_dead_letters_stay(
    engines: tuple[Engine, Engine], endpoint: Endpoint
) -> None:
    """``prune`` forgets deliveries delivered more than a week ago, never a dead letter."""
    now = [time.time()]
    outbox = Outbox(
        engines[0],
        OutboundSettings(allowed_networks=("127.0.0.0/8",), schedule=(0,)),
        clock=lambda: now[0],
    )
    outbox.subscribe(endpoint.url + "/crm", ["*"])
    outbox.subscribe("http://127.0.0.1:9/closed", ["*"])  # nothing listens: a dead letter
    outbox.publish("call.completed", {"contact_id": 1})

    async def run() -> None:
        async with httpx.AsyncClient() as client:
            await outbox.deliver_due(client)

    asyncio.run(run())
    assert outbox.counts() == {"pending": 0, "delivered": 1, "dead": 1}
    now[0] += 6 * 86400
    assert outbox.prune() == 0
    now[0] += 2 * 86400
    assert outbox.prune() == 1
    assert outbox.counts() == {"pending": 0, "delivered": 0, "dead": 1}
