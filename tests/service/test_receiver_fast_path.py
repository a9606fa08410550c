"""The receiver's ASGI fast path and its router route answer alike, status and body."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

from cxdial.emulator.webhooks import sign
from cxdial.events import Envelope
from cxdial.events.embedded import EmbeddedQueue
from cxdial.service import ServiceConfig, create_app
from cxdial.store import make_engine

SECRET = "whsec_" + base64.b64encode(b"fast-path-secret-0123456789").decode()
EVENT = {
    "type": "call.completed",
    "occurred_at": "2026-11-23T19:05:00Z",
    "contact_id": 5001,
    "skill_id": 12,
    "phone": "+15551230001",
    "outcome": "busy",
}


def _signed(body: bytes, msg_id: str) -> dict[str, str]:
    ts = int(time.time())
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(SECRET, msg_id, ts, body),
    }


async def _cases(client: httpx.AsyncClient, prefix: str) -> list[tuple[int, Any, str | None]]:
    """202, 400, 401, 413 (declared and streamed) and 405 answers at ``prefix``."""
    url = prefix + "/webhooks/cxone"
    good = json.dumps(EVENT).encode()
    bad = json.dumps({**EVENT, "contact_id": "x"}).encode()
    big = b"{" + b" " * 5000 + b"}"

    async def streamed() -> Any:
        yield big[:3000]
        yield big[3000:]

    answers = [
        await client.post(url, content=good, headers=_signed(good, f"{prefix}-ok")),
        await client.post(url, content=bad, headers=_signed(bad, f"{prefix}-bad")),
        await client.post(url, content=good, headers={**_signed(good, "x"), "webhook-id": "y"}),
        await client.post(url, content=big, headers=_signed(big, f"{prefix}-big")),
        await client.post(url, content=streamed(), headers=_signed(big, f"{prefix}-big2")),
        await client.get(url),
    ]
    return [
        (r.status_code, r.json() if r.status_code != 405 else None, r.headers.get("content-type"))
        for r in answers
    ]


def test_the_fast_path_and_the_route_give_the_same_answers(tmp_path: Path) -> None:
    """Served at the root the fast path answers; mounted under a prefix the route does."""

    async def main() -> None:
        queue = EmbeddedQueue(make_engine(f"sqlite:///{tmp_path / 'store.db'}"))
        app = create_app(ServiceConfig(secrets=(SECRET,), max_body=4096), queue)
        mounted = Starlette(routes=[Mount("/svc", app=app)])
        async with (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as a,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=mounted), base_url="http://b") as b,
        ):
            fast, routed = await _cases(a, ""), await _cases(b, "/svc")
        claimed = await queue.claim("t", limit=10)
        await queue.close()
        assert [s for s, _, _ in fast] == [202, 400, 401, 413, 413, 405]
        assert fast[0][1] == {"id": "-ok"}
        assert routed[0][1] == {"id": "/svc-ok"}
        assert [(s, b) for s, b, _ in fast[1:]] == [(s, b) for s, b, _ in routed[1:]]
        assert fast[1][1]["field"] == "contact_id"
        assert {t for _, _, t in fast[:5] + routed[:5]} == {"application/json"}
        assert sorted(Envelope.from_json(d.body).id for d in claimed) == ["-ok", "/svc-ok"]

    asyncio.run(main())


def test_the_fast_path_reads_the_first_of_a_repeated_header_as_starlette_does() -> None:
    from starlette.datastructures import Headers

    from cxdial.service.receiver import plain_headers

    scope = {
        "type": "http",
        "headers": [
            (b"webhook-id", b"first"),
            (b"content-type", b"application/json"),
            (b"webhook-id", b"second"),
        ],
    }
    assert plain_headers(scope) == {"webhook-id": "first", "content-type": "application/json"}
    assert plain_headers(scope)["webhook-id"] == Headers(scope=scope)["webhook-id"]
