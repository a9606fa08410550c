"""The emulator's outer layer: request ids, path canonicalisation, stats, faults, lazy time.

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

from cxdial.emulator.errors import api_error_response
from cxdial.emulator.faults import Fault
from cxdial.emulator.stats import WriteRecord
from cxdial.emulator.world import World

__all__ = ["DroppedResponse", "EmulatorMiddleware", "SimulatedTimeout", "quiet_dropped_logs"]

_ACD = re.compile(r"^/incontactapi/(.*)$", re.IGNORECASE)
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
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
        path: str = scope["path"]
        match = _ACD.match(path)
        if match:
            path = "/inContactAPI/" + match.group(1)
            scope = {**scope, "path": path, "raw_path": path.encode()}
        headers = Headers(scope=scope)
        request_id = headers.get("x-request-id") or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        method: str = scope["method"]
        world.advance()
        fault: Fault | None = None
        if not path.startswith("/_emulator"):
            self._maybe_revoke()
            fault = world.faults.pick(method, path, random_faults=match is not None)
            if match and world.faults.spec.latency:
                await asyncio.sleep(world.faults.spec.latency)
        status = [500]

        async def send_tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", []),
                        (b"x-request-id", request_id.encode()),
                    ],
                }
            await send(message)

        async def swallow(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]

        try:
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
