"""``POST /webhooks/cxone``: authenticate, then parse, then durably enqueue, then ack.

Order matters: the body is read with a size cap (413 while reading, not after), the
signature is checked on the raw bytes before any parsing (401), the body is validated
(400 naming the field), and 202 is sent only after the queue committed the event. Bad
input never yields a 5xx; a queue that cannot commit yields 503 so the sender retries.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from cxdial.events.models import Envelope, EventValidationError, parse_event
from cxdial.events.queue import EventQueue
from cxdial.service.signatures import Authenticator, SignatureError

__all__ = ["BodyTooLarge", "read_capped", "receiver_router"]

log = logging.getLogger("cxdial.service.receiver")


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


def _problem(status: int, error: str, **extra: str | None) -> JSONResponse:
    return JSONResponse({"error": error, **extra}, status_code=status)


def receiver_router(auth: Authenticator, queue: EventQueue, *, max_body: int) -> APIRouter:
    """The webhook route, bound to its authenticator and queue."""
    router = APIRouter()

    @router.post("/webhooks/cxone", status_code=202)
    async def receive(request: Request) -> JSONResponse:
        """Accept one call event (see ``/schemas/event.json``)."""
        try:
            body = await read_capped(request, max_body)
        except BodyTooLarge:
            return _problem(413, f"body larger than {max_body} bytes")
        try:
            event_id = auth.verify(body, request.headers)
        except SignatureError as exc:
            return _problem(401, exc.message, fix=exc.fix)
        try:
            event = parse_event(body)
        except EventValidationError as exc:
            return _problem(400, exc.message, field=exc.field, fix=exc.fix)
        envelope = Envelope(
            id=event_id[:200], source="push", received_at=datetime.now(UTC), event=event
        )
        try:
            await queue.enqueue([envelope.to_json()])
        except Exception:  # the store or broker is down: not acked, so the sender retries
            log.exception("could not enqueue event %s", envelope.id)
            return JSONResponse(
                {"error": "event store unavailable; retry"},
                status_code=503,
                headers={"retry-after": "1"},
            )
        return JSONResponse({"id": envelope.id}, status_code=202)

    return router
