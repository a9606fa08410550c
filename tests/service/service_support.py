"""A real cxdial service (receiver + worker) on a loopback port, for end-to-end tests."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from cxdial.config import Settings
from cxdial.emulator.testing import wait_healthy
from cxdial.events.embedded import EmbeddedQueue
from cxdial.service import ServiceConfig
from cxdial.service.background import ServiceThread
from cxdial.service.runtime import Role, Service
from cxdial.store import make_engine

__all__ = ["SECRET", "Crm", "Running", "postgres_url", "push", "run_crm", "run_service"]

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

SECRET = "whsec_" + base64.b64encode(b"e2e-secret-0123456789abcdef").decode()


@dataclass(frozen=True)
class Running:
    """Where the service listens and the store it writes."""

    url: str
    db: str


def run_service(
    tmp_path: Path,
    *,
    roles: Sequence[Role] = ("receiver", "worker"),
    config: ServiceConfig | None = None,
    db: str | None = None,
    settings: Settings | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Iterator[Running]:
    """Serve ``roles`` (receiver + worker) on a free port until the generator is closed;
    ``settings`` reach CXone (poller, rescreener), ``clock`` is the re-screen instant."""
    db = db or f"sqlite:///{tmp_path / 'svc.db'}"
    engine = make_engine(db)
    service = Service(
        config or ServiceConfig(secrets=(SECRET,)),
        engine,
        EmbeddedQueue(engine),
        roles,
        port=0,  # the OS picks a free port at bind time: no race with other test workers
        settings=settings,
        clock=clock or (lambda: datetime.now(UTC)),
    )
    with ServiceThread(service) as url:
        wait_healthy(url)
        yield Running(url, db)
    engine.dispose()


def push(url: str, event: dict[str, object], webhook_id: str) -> int:
    """POST ``event`` to the receiver at ``url``, signed with :data:`SECRET`; the status."""
    import json

    from cxdial.emulator.webhooks import sign

    body = json.dumps(event).encode()
    ts = int(time.time())
    headers = {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(SECRET, webhook_id, ts, body),
    }
    return httpx.post(url + "/webhooks/cxone", content=body, headers=headers).status_code


@dataclass
class Crm:
    """A CRM's webhook endpoint on loopback: answers scripted statuses (then 204), keeps
    every request's headers and body."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


def run_crm() -> Iterator[Crm]:
    """A real HTTP server on 127.0.0.1 in a thread, until the generator is closed."""
    crm = Crm()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            crm.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
            code = crm.statuses.pop(0) if crm.statuses else 204
            self.send_response(code)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    crm.url = f"http://127.0.0.1:{server.server_address[1]}/crm/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield crm
    server.shutdown()
    server.server_close()
    thread.join()


def postgres_url() -> Iterator[str]:
    """A URL of a throw-away schema on the real PostgreSQL (its ``search_path`` in the URL,
    so a CLI reading CXDIAL_DATABASE_URL lands in it), dropped afterwards; FAILS when down."""
    import uuid

    import pytest
    from sqlalchemy import create_engine, text

    schema = f"cxdial_svc_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        pytest.fail(f"the PostgreSQL service at 127.0.0.1:5432 is not reachable: {exc}")
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
