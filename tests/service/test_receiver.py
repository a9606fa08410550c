"""POST /webhooks/cxone over the ASGI transport: signatures first, then parsing, then the queue."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from cxdial.emulator.webhooks import sign
from cxdial.errors import ConfigurationError
from cxdial.events import Envelope
from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.queue import EventQueue
from cxdial.events.redis_queue import RedisQueue
from cxdial.service import ServiceConfig, create_app
from cxdial.store import make_engine

OLD = "whsec_" + base64.b64encode(b"old-secret-0123456789abcdef").decode()
NEW = "whsec_" + base64.b64encode(b"new-secret-0123456789abcdef").decode()
OTHER = "whsec_" + base64.b64encode(b"someone-else-0123456789abc").decode()
TOKEN = "studio-token-0123456789"
EVENT: dict[str, Any] = {
    "type": "call.answered",
    "occurred_at": "2026-11-23T19:05:00Z",
    "contact_id": 4001,
    "skill_id": 12,
    "phone": "+15551230001",
    "agent_id": 7,
    "sequence": 2,
}
Test = Callable[[httpx.AsyncClient, EventQueue], Awaitable[None]]


def signed(
    body: bytes, secret: str = NEW, *, skew: int = 0, msg_id: str = "msg_1"
) -> dict[str, str]:
    """Standard Webhooks headers for ``body``, the timestamp moved by ``skew`` seconds."""
    ts = int(time.time()) + skew
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(secret, msg_id, ts, body),
    }


def serve(tmp_path: Path, test: Test, **config: Any) -> None:
    """Run ``test`` against a receiver on a fresh SQLite queue."""
    settings = {"secrets": (OLD, NEW), "max_body": 4096, **config}

    async def main() -> None:
        queue = EmbeddedQueue(make_engine(f"sqlite:///{tmp_path / 'store.db'}"))
        app = create_app(ServiceConfig(**settings), queue)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            await test(client, queue)
        await queue.close()

    asyncio.run(main())


BODY = json.dumps(EVENT).encode()


async def _post(client: httpx.AsyncClient, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return await client.post("/webhooks/cxone", content=body, headers=headers)


def test_a_validly_signed_event_is_acked_after_it_is_queued(tmp_path: Path) -> None:
    """202 with the webhook-id, and the queue already holds the parsed event."""

    async def test(client: httpx.AsyncClient, queue: EventQueue) -> None:
        response = await _post(client, BODY, signed(BODY, msg_id="msg_abc"))
        assert response.status_code == 202
        assert response.json() == {"id": "msg_abc"}
        (delivery,) = await queue.claim("w")
        envelope = Envelope.from_json(delivery.body)
        assert (envelope.id, envelope.source, envelope.event.contact_id) == (
            "msg_abc",
            "push",
            4001,
        )

    serve(tmp_path, test)


def test_both_secrets_of_a_rotation_are_accepted(tmp_path: Path) -> None:
    """During a rotation, pushes signed with the old and with the new secret both pass."""

    async def test(client: httpx.AsyncClient, queue: EventQueue) -> None:
        assert (await _post(client, BODY, signed(BODY, OLD, msg_id="a"))).status_code == 202
        assert (await _post(client, BODY, signed(BODY, NEW, msg_id="b"))).status_code == 202
        assert (await queue.stats()).received == 2

    serve(tmp_path, test)


@pytest.mark.parametrize(
    ("case", "make"),
    [
        ("wrong secret", lambda: signed(BODY, OTHER)),
        ("stale", lambda: signed(BODY, skew=-301)),
        ("future", lambda: signed(BODY, skew=+301)),
        ("no signature", lambda: {"content-type": "application/json"}),
        ("garbage signature", lambda: {**signed(BODY), "webhook-signature": "v1"}),
        ("bad base64", lambda: {**signed(BODY), "webhook-signature": "v1,@@@"}),
        ("bad timestamp", lambda: {**signed(BODY), "webhook-timestamp": "soon"}),
    ],
)
def test_an_unauthentic_push_is_401_and_not_queued(
    tmp_path: Path, case: str, make: Callable[[], dict[str, str]]
) -> None:
    """Wrong secret, stale or future timestamp, missing or bad headers: 401, nothing kept."""

    async def test(client: httpx.AsyncClient, queue: EventQueue) -> None:
        response = await _post(client, BODY, make())
        assert response.status_code == 401, case
        assert (await queue.stats()).received == 0

    serve(tmp_path, test)


def test_a_tampered_body_is_refused(tmp_path: Path) -> None:
    """A body changed after signing fails the signature check."""

    async def test(client: httpx.AsyncClient, queue: EventQueue) -> None:
        headers = signed(BODY)
        response = await _post(client, BODY.replace(b"4001", b"4002"), headers)
        assert response.status_code == 401
        assert (await queue.stats()).received == 0

    serve(tmp_path, test)


def test_a_signature_inside_the_tolerance_passes(tmp_path: Path) -> None:
    """Four minutes of clock skew either way is accepted."""

    async def test(client: httpx.AsyncClient, queue: EventQueue) -> None:
        for skew, msg in ((-240, "p"), (240, "f")):
            assert (
                await _post(client, BODY, signed(BODY, skew=skew, msg_id=msg))
            ).status_code == 202

    serve(tmp_path, test)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in EVENT.items() if k != "contact_id"}, "contact_id"),
        ({**EVENT, "phone": "555-123"}, "phone"),
        ({**EVENT, "type": "call.completed"}, "outcome"),
        ("not json", "body"),
    ],
)
def test_a_malformed_signed_body_is_400_naming_the_field(
    tmp_path: Path, body: Any, field: str
) -> None:
    """An authentic but malformed event is 400 with the offending field named."""
    raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()

    async def test(client: httpx.AsyncClient, queue: EventQueue) -> None:
        response = await _post(client, raw, signed(raw))
        assert response.status_code == 400
        assert response.json()["field"] == field
        assert (await queue.stats()).received == 0

    serve(tmp_path, test)


def test_an_oversize_body_is_413_declared_or_streamed(tmp_path: Path) -> None:
    """A too-large body is refused by Content-Length, and while streaming without one."""
    big = json.dumps({**EVENT, "pad": "x" * 5000}).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 1000):
            yield big[start : start + 1000]

    async def test(client: httpx.AsyncClient, queue: EventQueue) -> None:
        assert (await _post(client, big, signed(big))).status_code == 413
        streamed = await client.post("/webhooks/cxone", content=chunks(), headers=signed(big))
        assert streamed.status_code == 413
        assert (await queue.stats()).received == 0

    serve(tmp_path, test)


def test_token_mode_accepts_only_enabled_sources_with_their_token(tmp_path: Path) -> None:
    """A Studio source with its token is accepted; a wrong token or unknown source is 401."""

    async def test(client: httpx.AsyncClient, queue: EventQueue) -> None:
        ok = {"x-cxdial-source": "studio", "x-cxdial-token": TOKEN, "webhook-id": "s1"}
        assert (await _post(client, BODY, ok)).status_code == 202
        wrong = {**ok, "x-cxdial-token": TOKEN + "x"}
        assert (await _post(client, BODY, wrong)).status_code == 401
        unknown = {**ok, "x-cxdial-source": "elsewhere"}
        assert (await _post(client, BODY, unknown)).status_code == 401
        (delivery,) = await queue.claim("w")
        assert Envelope.from_json(delivery.body).id == "studio:s1"

    serve(tmp_path, test, tokens={"studio": TOKEN})


def test_token_headers_are_refused_unless_token_mode_is_enabled(tmp_path: Path) -> None:
    """Without configured sources, a token header alone authenticates nothing."""

    async def test(client: httpx.AsyncClient, queue: EventQueue) -> None:
        headers = {"x-cxdial-source": "studio", "x-cxdial-token": TOKEN}
        assert (await _post(client, BODY, headers)).status_code == 401

    serve(tmp_path, test)


def test_health_and_schema_are_served(tmp_path: Path) -> None:
    """/healthz is 200 with a working queue; /schemas/event.json is the event's JSON Schema."""

    async def test(client: httpx.AsyncClient, queue: EventQueue) -> None:
        assert (await client.get("/healthz")).status_code == 200
        schema = (await client.get("/schemas/event.json")).json()
        assert "contact_id" in schema["required"]

    serve(tmp_path, test)


def test_an_unreachable_queue_is_503_never_an_ack() -> None:
    """When the broker cannot commit, the push is not acked (503) and health says so."""

    async def main() -> None:
        queue = RedisQueue.from_url("redis://127.0.0.1:1/0", "cxdial-test:down")
        app = create_app(ServiceConfig(secrets=(NEW,)), queue)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            response = await _post(client, BODY, signed(BODY))
            assert response.status_code == 503
            assert (await client.get("/healthz")).status_code == 503
        await queue.redis.aclose()

    asyncio.run(main())


def test_a_receiver_without_any_credential_refuses_to_start(tmp_path: Path) -> None:
    """No secret and no token is a configuration error, not an open endpoint."""
    queue = EmbeddedQueue(make_engine(f"sqlite:///{tmp_path / 'store.db'}"))
    with pytest.raises(ConfigurationError) as info:
        create_app(ServiceConfig(), queue)
    assert info.value.field == "CXDIAL_WEBHOOK_SECRET"


def test_secrets_come_from_the_environment_comma_separated() -> None:
    """CXDIAL_WEBHOOK_SECRET holds several secrets; a malformed one names the variable."""
    config = ServiceConfig.from_env({"CXDIAL_WEBHOOK_SECRET": f"{OLD}, {NEW}"})
    assert config.secrets == (OLD, NEW)
    assert OLD not in repr(config)
    with pytest.raises(ConfigurationError) as info:
        ServiceConfig.from_env({"CXDIAL_WEBHOOK_SECRET": "plain-text"})
    assert info.value.field == "CXDIAL_WEBHOOK_SECRET"


def test_the_stats_api_needs_the_bearer_token(tmp_path: Path) -> None:
    """/events/stats answers with the API token, 401 without it or with a wrong one."""

    async def test(client: httpx.AsyncClient, queue: EventQueue) -> None:
        assert (await client.get("/events/stats")).status_code == 401
        wrong = {"authorization": "Bearer nope"}
        assert (await client.get("/events/stats", headers=wrong)).status_code == 401
        await _post(client, BODY, signed(BODY))
        ok = {"authorization": "Bearer api-token-0123456789"}
        response = await client.get("/events/stats", headers=ok)
        assert response.status_code == 200
        assert response.json()["received"] == 1

    serve(tmp_path, test, api_token="api-token-0123456789")
