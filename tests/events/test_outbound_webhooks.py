"""Outbound webhooks: signed deliveries over real loopback HTTP, retries, disabling, SSRF."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from standardwebhooks.webhooks import Webhook

from cxdial.errors import ValidationError
from cxdial.events.outbound import (
    RETRY_SCHEDULE,
    Attempt,
    OutboundSettings,
    Outbox,
    TargetRefused,
    pin_target,
)
from cxdial.store import make_engine

LOOPBACK = OutboundSettings(allowed_networks=("127.0.0.0/8",))


@dataclass
class Received:
    """One request the receiver got."""

    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A loopback HTTP endpoint answering scripted statuses (then 204) and keeping requests."""

    statuses: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    port: int = 0


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP server on 127.0.0.1, in a thread."""
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            state.requests.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            code = state.statuses.pop(0) if state.statuses else 204
            self.send_response(code)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh store: a SQLite file, or a throw-away schema of the real PostgreSQL."""
    if request.param == "postgres":
        yield request.getfixturevalue("pg_engine")
        return
    eng = make_engine(f"sqlite:///{tmp_path / 'hooks.db'}")
    yield eng
    eng.dispose()


class FakeClock:
    """Epoch seconds that move only when told."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def run_due(outbox: Outbox) -> list[Attempt]:
    """Deliver what is due, with a fresh HTTP client bound to this event loop."""

    async def main() -> list[Attempt]:
        async with httpx.AsyncClient() as client:
            return await outbox.deliver_due(client)

    return asyncio.run(main())


def outbox_for(
    engine: Engine, settings: OutboundSettings, clock: FakeClock | None = None
) -> Outbox:
    """An outbox on ``engine`` with ``settings`` and (optionally) a fake clock."""
    return Outbox(engine, settings, clock=clock or time.time)


def test_delivery_is_signed_and_verifies_with_the_library(
    engine: Engine, receiver: Receiver
) -> None:
    """A subscribed event arrives once, signed per Standard Webhooks with the endpoint's secret."""
    outbox = outbox_for(engine, LOOPBACK)
    sub = outbox.subscribe(f"http://127.0.0.1:{receiver.port}/crm?x=1", ["call.completed"])
    assert sub.secret.startswith("whsec_")
    (msg_id,) = outbox.publish("call.completed", {"contact_id": 7, "outcome": "answered"})
    assert outbox.publish("call.started", {"contact_id": 7}) == []
    (attempt,) = run_due(outbox)
    assert attempt.ok
    assert attempt.status == "delivered"
    assert attempt.status_code == 204
    (got,) = receiver.requests
    assert got.headers["webhook-id"] == msg_id
    assert got.headers["webhook-signature"].startswith("v1,")
    assert got.headers["host"] == f"127.0.0.1:{receiver.port}"
    payload = Webhook(sub.secret).verify(got.body, got.headers)
    assert payload["type"] == "call.completed"
    assert payload["data"]["contact_id"] == 7
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 32).verify(got.body, got.headers)
    assert run_due(outbox) == []


def test_loopback_target_is_refused_without_the_allowance(receiver: Receiver) -> None:
    """The same loopback receiver is refused when the config does not allow its network."""
    with pytest.raises(TargetRefused, match="loopback") as info:
        pin_target(f"http://127.0.0.1:{receiver.port}/", OutboundSettings())
    assert info.value.field == "url"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.1.2.3/hook", "private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://[::1]:8080/hook", "loopback"),
        ("http://[::ffff:10.0.0.1]/hook", "private"),
        ("http://0.0.0.0/hook", "unspecified"),
    ],
)
def test_non_public_targets_are_refused(url: str, reason: str) -> None:
    """Private, link-local, loopback (also IPv4-mapped) and unspecified addresses are refused."""
    with pytest.raises(TargetRefused, match=reason):
        pin_target(url, LOOPBACK)


def test_a_name_is_resolved_once_and_refused_if_any_address_is_private() -> None:
    """A host whose records mix public and private addresses is refused; a public one is pinned."""
    calls: list[str] = []

    def resolve(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        return {"mixed.example": ["93.184.216.34", "10.0.0.5"]}.get(host, ["93.184.216.34"])

    with pytest.raises(TargetRefused, match="private"):
        pin_target("https://mixed.example/h", OutboundSettings(), resolve)
    pinned = pin_target("https://crm.example:8443/h?a=b", OutboundSettings(), resolve)
    assert calls == ["mixed.example", "crm.example"]
    assert pinned.request_url == "https://93.184.216.34:8443/h?a=b"
    assert pinned.host_header == "crm.example:8443"


def test_a_named_target_goes_to_the_pinned_address_with_its_host_header(
    engine: Engine, receiver: Receiver
) -> None:
    """Each attempt resolves the name once and connects to that address; Host keeps the name."""
    lookups: list[tuple[str, int]] = []

    def resolve(host: str, port: int) -> Sequence[str]:
        lookups.append((host, port))
        return ["127.0.0.1"]

    outbox = Outbox(engine, LOOPBACK, resolve=resolve)
    sub = outbox.subscribe(f"http://crm.invalid:{receiver.port}/in", ["call.completed"])
    lookups.clear()
    outbox.publish("call.completed", {"contact_id": 3})
    (attempt,) = run_due(outbox)
    assert attempt.ok
    assert lookups == [("crm.invalid", receiver.port)]
    (got,) = receiver.requests
    assert got.headers["host"] == f"crm.invalid:{receiver.port}"
    Webhook(sub.secret).verify(got.body, got.headers)


def test_subscribe_refuses_a_private_target_and_a_bad_url(engine: Engine) -> None:
    """Subscribing a refused or malformed URL raises a typed error naming the field."""
    outbox = outbox_for(engine, OutboundSettings())
    with pytest.raises(TargetRefused, match="private"):
        outbox.subscribe("http://192.168.1.10/hook", ["*"])
    with pytest.raises(TargetRefused, match="http"):
        outbox.subscribe("ftp://crm.example/", ["*"])
    with pytest.raises(ValidationError, match="negative"):
        OutboundSettings(schedule=(0, -1))


def test_retries_follow_the_schedule_with_a_stable_webhook_id(
    engine: Engine, receiver: Receiver
) -> None:
    """Failures are retried after 5 s, then 5 min, with the same webhook-id, freshly signed."""
    clock = FakeClock()
    outbox = outbox_for(engine, LOOPBACK, clock)
    sub = outbox.subscribe(f"http://127.0.0.1:{receiver.port}/wfm", ["call.abandoned"])
    receiver.statuses = [500, 503]
    (msg_id,) = outbox.publish("call.abandoned", {"contact_id": 9})
    assert [a.status for a in run_due(outbox)] == ["pending"]
    clock.advance(RETRY_SCHEDULE[1] - 0.5)
    assert run_due(outbox) == []
    clock.advance(0.5)
    assert [a.number for a in run_due(outbox)] == [2]
    clock.advance(RETRY_SCHEDULE[2] - 1)
    assert run_due(outbox) == []
    clock.advance(1)
    (last,) = run_due(outbox)
    assert last.ok
    assert last.number == 3
    assert outbox.status(msg_id) == ("delivered", 3)
    assert [r.headers["webhook-id"] for r in receiver.requests] == [msg_id] * 3
    stamps = [int(r.headers["webhook-timestamp"]) for r in receiver.requests]
    assert stamps[2] - stamps[0] >= RETRY_SCHEDULE[1] + RETRY_SCHEDULE[2] - 1
    hook = Webhook(sub.secret)
    for got, stamp in zip(receiver.requests, stamps, strict=True):
        signed = hook.sign(msg_id, datetime.fromtimestamp(stamp, UTC), got.body.decode())
        assert got.headers["webhook-signature"] == signed
    assert outbox.subscription(sub.id).consecutive_failures == 0


def test_a_delivery_dies_after_the_schedule_and_replays(engine: Engine, receiver: Receiver) -> None:
    """After its last scheduled attempt a delivery is a dead letter; replay sends it again."""
    clock = FakeClock()
    outbox = outbox_for(
        engine,
        OutboundSettings(schedule=(0, 5, 60), disable_after=10, allowed_networks=("127.0.0.1/32",)),
        clock,
    )
    outbox.subscribe(f"http://127.0.0.1:{receiver.port}/", ["*"])
    receiver.statuses = [500, 500, 410]
    (msg_id,) = outbox.publish("disposition.set", {"contact_id": 1})
    for wait in (0, 5, 60):
        clock.advance(wait)
        run_due(outbox)
    assert outbox.status(msg_id) == ("dead", 3)
    assert outbox.dead_letters() == [msg_id]
    outbox.replay(msg_id)
    (again,) = run_due(outbox)
    assert again.ok
    assert again.number == 1
    assert [r.headers["webhook-id"] for r in receiver.requests] == [msg_id] * 4


def test_endpoint_is_disabled_after_k_failures_in_a_row(engine: Engine, receiver: Receiver) -> None:
    """K failed attempts in a row disable the endpoint: its pending messages become dead letters."""
    clock = FakeClock()
    settings = OutboundSettings(disable_after=3, allowed_networks=("127.0.0.0/8",))
    outbox = outbox_for(engine, settings, clock)
    sub = outbox.subscribe(f"http://127.0.0.1:{receiver.port}/", ["call.completed"])
    receiver.statuses = [500] * 3
    first, second = (outbox.publish("call.completed", {"n": n})[0] for n in (1, 2))
    assert [a.ok for a in run_due(outbox)] == [False, False]
    clock.advance(5)
    run_due(outbox)
    view = outbox.subscription(sub.id)
    assert not view.enabled
    assert view.disabled_reason
    assert "3 failed" in view.disabled_reason
    assert sorted(outbox.dead_letters()) == sorted([first, second])
    assert outbox.publish("call.completed", {"n": 3}) == []
    clock.advance(10_000)
    assert run_due(outbox) == []
    outbox.enable(sub.id)
    outbox.replay(first)
    assert [a.ok for a in run_due(outbox)] == [True]


def test_a_refused_or_unreachable_target_counts_as_a_failed_attempt(engine: Engine) -> None:
    """Nothing listening (connection refused) is a failure to retry, not an exception."""
    clock = FakeClock()
    outbox = outbox_for(engine, LOOPBACK, clock)
    with socket_port() as port:
        pass
    outbox.subscribe(f"http://127.0.0.1:{port}/", ["*"])
    (msg_id,) = outbox.publish("call.started", {})
    (attempt,) = run_due(outbox)
    assert not attempt.ok
    assert attempt.status_code is None
    assert attempt.error
    assert outbox.status(msg_id) == ("pending", 1)


class socket_port:  # noqa: N801 - used as a context manager
    """A loopback port that was free a moment ago (bound, then closed)."""

    def __enter__(self) -> int:
        import socket

        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        return int(self._sock.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self._sock.close()
