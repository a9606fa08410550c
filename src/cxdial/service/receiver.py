"""``POST /webhooks/cxone``: authenticate, then parse, then durably enqueue, then ack.

Order matters: the body is read with a size cap (413 while reading, not after), the
signature is checked on the raw bytes before any parsing (401), the body is validated
(400 naming the field), and 202 is sent only after the queue committed the event. Bad
input never yields a 5xx; a queue that cannot commit yields 503 so the sender retries.

The hot path is a plain ASGI endpoint (:class:`WebhookEndpoint`) that the app
(:class:`ReceiverApp`) calls before FastAPI's telemetry check, middleware, router,
dependency solving and response classes: about half of a request's CPU on the 2-core
machine went there (``bench/webhooks.py``). The same handler also backs the ordinary
route, which is what answers other methods (405) and a mounted app whose path differs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from starlette.types import Receive, Scope, Send

from cxdial.events.models import Envelope, EventValidationError, parse_event
from cxdial.events.queue import EventQueue
from cxdial.service.signatures import Authenticator, SignatureError

__all__ = [
    "PATH",
    "BodyTooLarge",
    "ReceiverApp",
    "WebhookEndpoint",
    "plain_headers",
    "read_capped",
    "receiver_router",
]

log = logging.getLogger("cxdial.service.receiver")
PATH = "/webhooks/cxone"
Answer = tuple[int, dict[str, Any], dict[str, str]]
"""Status, JSON body and extra headers of one answer."""


class BodyTooLarge(Exception):
    """The request body passed the configured limit."""


async def read_capped(request: Request, limit: int) -> bytes:
    """The body, refusing it as soon as more than ``limit`` bytes arrived."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def plain_headers(scope: Scope) -> dict[str, str]:
    """The request's headers as a plain dict (ASGI names are lower-case; the first of a
    repeated header wins, as with Starlette's ``Headers``)."""
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in reversed(scope["headers"])}


def _encode(answer: Answer) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    status, body, extra = answer
    payload = json.dumps(body, separators=(",", ":")).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        *((k.encode(), v.encode()) for k, v in extra.items()),
    ]
    return status, payload, headers


class WebhookEndpoint:
    """The receiver's logic, bound to its authenticator, queue and body limit."""

    def __init__(self, auth: Authenticator, queue: EventQueue, *, max_body: int) -> None:
        self.auth = auth
        self.queue = queue
        self.max_body = max_body

    def too_large(self) -> Answer:
        return 413, {"error": f"body larger than {self.max_body} bytes"}, {}

    async def handle(self, body: bytes, headers: Mapping[str, str]) -> Answer:
        """Verify, parse and enqueue one push; the answer to send."""
        try:
            event_id = self.auth.verify(body, headers)
        except SignatureError as exc:
            return 401, {"error": exc.message, "fix": exc.fix}, {}
        try:
            event = parse_event(body)
        except EventValidationError as exc:
            return 400, {"error": exc.message, "field": exc.field, "fix": exc.fix}, {}
        envelope = Envelope(
            id=event_id[:200], source="push", received_at=datetime.now(UTC), event=event
        )
        try:
            await self.queue.enqueue([envelope.to_json()])
        except Exception:  # the store or broker is down: not acked, so the sender retries
            log.exception("could not enqueue event %s", envelope.id)
            return 503, {"error": "event store unavailable; retry"}, {"retry-after": "1"}
        return 202, {"id": envelope.id}, {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI: read the body under the cap, handle it, send the JSON answer."""
        headers = plain_headers(scope)
        declared = headers.get("content-length", "")
        answer: Answer | None = None
        if declared.isdigit() and int(declared) > self.max_body:
            answer = self.too_large()
        else:
            chunks: list[bytes] = []
            size, more = 0, True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return  # the sender gave up: nothing to answer, nothing queued
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    answer = self.too_large()
                    break
                chunks.append(chunk)
                more = message.get("more_body", False)
            if answer is None:
                answer = await self.handle(b"".join(chunks), headers)
        status, payload, raw = _encode(answer)
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": payload})


class ReceiverApp(FastAPI):
    """The service's FastAPI app; ``POST /webhooks/cxone`` goes straight to the endpoint.

    The hook sits in front of FastAPI's own ``__call__`` (its per-request telemetry check)
    and Starlette's middleware and router: on the 2-core machine those cost about as much
    as the endpoint's own work (``bench/webhooks.py``). Everything else, including the
    webhook path when the app is mounted under a prefix, goes through FastAPI.
    """

    webhook: WebhookEndpoint | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        hook = self.webhook
        if (
            hook is not None
            and scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == PATH
        ):
            await hook(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def receiver_router(endpoint: WebhookEndpoint) -> APIRouter:
    """The webhook route (documents the path; answers when the fast path is not taken)."""
    router = APIRouter()

    @router.post(PATH, status_code=202)
    async def receive(request: Request) -> Response:
        """Accept one call event (see ``/schemas/event.json``)."""
        try:
            body = await read_capped(request, endpoint.max_body)
        except BodyTooLarge:
            answer = endpoint.too_large()
        else:
            answer = await endpoint.handle(body, request.headers)
        status, payload, raw = _encode(answer)
        headers = {k.decode(): v.decode() for k, v in raw if k != b"content-length"}
        return Response(payload, status_code=status, headers=headers)

    return router
