"""The emulator's outer layer: request ids, path canonicalisation, stats, faults, lazy time.

Before a request reaches a route: the path is rewritten to its canonical spelling
(:func:`~cxdial.emulator.routing.canonical_path`) and a JSON body is decoded once by
:func:`~cxdial.emulator.jsonbody.decode_json` (a bad one is answered 400 here, so no
route ever stores text a response cannot carry). On the way out every header value is
made printable ASCII and a 2xx ACD answer carries ``icStatusDescription`` as CXone's does
("Success", "Accepted") unless the route set its own. With ``-v`` each request is logged
as method, path (digits of phone-like runs masked), status and milliseconds.

A dropped response (fault ``drop``/``timeout``) is applied first, then lost: the
middleware starts a response and raises :class:`DroppedResponse`. Over a socket uvicorn
then closes the connection mid-response; under ``httpx.ASGITransport`` the exception
reaches the client as what it is, an ``httpx.RemoteProtocolError`` (or
``httpx.ReadTimeout`` for ``timeout``). Either way the client sees a transport error.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cxdial.emulator.errors import ApiError, api_error_response, header_text
from cxdial.emulator.faults import Fault
from cxdial.emulator.jsonbody import SCOPE_KEY, decode_json
from cxdial.emulator.routing import ACD_ROOT, canonical_path
from cxdial.emulator.stats import WriteRecord
from cxdial.emulator.telephony import mask_phone
from cxdial.emulator.world import World

__all__ = ["DroppedResponse", "EmulatorMiddleware", "SimulatedTimeout", "quiet_dropped_logs"]

log = logging.getLogger("cxdial.emulator.requests")
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_NOT_JSON = ("application/x-www-form-urlencoded", "multipart/form-data")
_FORM_PATHS = ("/auth/token",)
"""Token requests are form-encoded, even when labelled JSON (NICE's SDK does that)."""
_SUCCESS_TEXT = {200: "Success", 201: "Created", 202: "Accepted"}
_PHONE_LIKE = re.compile(r"\d{10,}")
"""Digit runs as long as a phone number (ids of skills, contacts and lists are shorter)."""
_STATUS_TEXT = {
    408: ("RequestTimeout", "The request timed out on the server (injected fault); retry"),
    429: ("TooManyRequests", "Too many requests (injected fault); retry after a pause"),
}


class DroppedResponse(httpx.RemoteProtocolError):
    """Raised by the app to lose a response that was already applied (fault ``drop``)."""


class SimulatedTimeout(httpx.ReadTimeout):
    """Raised by the app to lose a response after a hang (fault ``timeout``)."""


class _DropFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedResponse | SimulatedTimeout)


def quiet_dropped_logs() -> None:
    """Keep uvicorn from logging injected drops as application errors."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DropFilter) for f in logger.filters):
        logger.addFilter(_DropFilter())


class EmulatorMiddleware:
    """Pure ASGI middleware around the whole emulator app."""

    def __init__(self, app: ASGIApp, world: World, after: Callable[[], None] | None = None) -> None:
        self.app = app
        self.world = world
        self.after = after
        self._last_revoke = time.monotonic()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        world = self.world
        path = canonical_path(scope["path"])
        if path != scope["path"]:
            scope = {**scope, "path": path, "raw_path": path.encode()}
        is_acd = path.startswith(ACD_ROOT)
        headers = Headers(scope=scope)
        request_id = headers.get("x-request-id") or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        method: str = scope["method"]
        world.advance()
        fault: Fault | None = None
        if not path.startswith("/_emulator"):
            self._maybe_revoke()
            fault = world.faults.pick(method, path, random_faults=is_acd)
            if is_acd and world.faults.spec.latency:
                await asyncio.sleep(world.faults.spec.latency)
        status = [500]
        started = time.monotonic()

        async def send_tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message = {
                    **message,
                    "headers": _out_headers(
                        message.get("headers", []), request_id, message["status"], is_acd
                    ),
                }
            await send(message)

        async def swallow(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]

        try:
            if method in _WRITES and not path.startswith(_FORM_PATHS):
                problem, receive = await _check_json(scope, receive, headers)
                if problem is not None:
                    await problem(scope, receive, send_tagged)
                    return
            if fault is not None and fault.kind == "status":
                world.stats.faults[str(fault.status)] += 1
                await self._fault_response(fault)(scope, receive, send_tagged)
            elif fault is not None:
                world.stats.faults[fault.kind] += 1
                await self.app(scope, receive, swallow)
                if fault.kind == "timeout":
                    await asyncio.sleep(fault.delay)
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", b"4096"),
                        ],
                    }
                )
                error = DroppedResponse if fault.kind == "drop" else SimulatedTimeout
                raise error(
                    f"emulator fault '{fault.kind}': the response to {method} {path} was lost"
                )
            else:
                await self.app(scope, receive, send_tagged)
        finally:
            self._count(scope, method, path, status[0], headers.get("idempotency-key"), request_id)
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "%s %s -> %s (%.0f ms)",
                    method,
                    _PHONE_LIKE.sub(lambda m: mask_phone(m.group(0)), path),
                    status[0],
                    (time.monotonic() - started) * 1000,
                )
            if self.after is not None:
                self.after()

    def _fault_response(self, fault: Fault) -> Any:
        code, text = _STATUS_TEXT.get(
            fault.status, ("InternalServerError", "The server failed (injected fault); retry")
        )
        extra = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after else None
        return api_error_response(fault.status, code, text, extra)

    def _maybe_revoke(self) -> None:
        every = self.world.faults.spec.token_revoke_every
        if every is not None and time.monotonic() - self._last_revoke >= every:
            self._last_revoke = time.monotonic()
            self.world.tokens.revoke_all()
            self.world.stats.faults["token_revoke"] += 1

    def _count(
        self, scope: Scope, method: str, path: str, status: int, key: str | None, rid: str
    ) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or path
        stats = self.world.stats
        stats.routes[f"{method} {template}"] += 1
        stats.statuses[status] += 1
        if method in _WRITES and not path.startswith("/_emulator"):
            stats.writes.append(WriteRecord(method, path, key, status, rid))


def _out_headers(
    headers: list[tuple[bytes, bytes]], request_id: str, status: int, is_acd: bool
) -> list[tuple[bytes, bytes]]:
    """Response headers with printable-ASCII values, the request id and, on a 2xx ACD
    answer without one, CXone's ``icStatusDescription``."""
    out = [(name, header_text(value.decode("latin-1")).encode()) for name, value in headers]
    out.append((b"x-request-id", header_text(request_id).encode()))
    text = _SUCCESS_TEXT.get(status)
    if is_acd and text and not any(name.lower() == b"icstatusdescription" for name, _ in out):
        out.append((b"icStatusDescription", text.encode()))
    return out


async def _check_json(
    scope: Scope, receive: Receive, headers: Headers
) -> tuple[ASGIApp | None, Receive]:
    """Read the body, decode it if it is JSON, and give back a receive that replays it.

    Returns a 400 response app when the body is not valid JSON."""
    ctype = headers.get("content-type", "").lower()
    if ctype.startswith(_NOT_JSON):
        return None, receive
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    raw = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        return await receive()

    if raw.strip():
        try:
            scope.setdefault("state", {})[SCOPE_KEY] = decode_json(raw)
        except ApiError as exc:
            return api_error_response(exc.status, exc.error, exc.description), replay
    return None, replay
