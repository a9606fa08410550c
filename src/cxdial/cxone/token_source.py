"""Single-flight token sources: the sync and async drivers of :meth:`AuthCore.flow`.

However many threads (:class:`SyncAuth`, a ``threading.Lock``) or tasks (:class:`AsyncAuth`,
an ``asyncio.Lock``) need a token at once, one grant is in flight and the rest reuse its
result. After a 401, :meth:`reauth` replaces the refused token once for everyone refused
alike. Discovery and grant requests are resent (with backoff, ``Retry-After`` honoured)
after connect errors, 429 and 5xx: a repeated password grant only mints another token.
"""

from __future__ import annotations

import asyncio
import threading

import httpx

from cxdial.cxone.auth import AuthCore
from cxdial.cxone.token_cache import Token
from cxdial.errors import APIConnectionError

__all__ = ["AsyncAuth", "SyncAuth"]

_RESEND = frozenset({408, 429, 500, 502, 503, 504})


def _connection_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    return APIConnectionError(
        f"cannot reach {request.url.host}: {type(exc).__name__}",
        method=request.method,
        url=str(request.url.copy_with(query=None)),
        fix="check CXDIAL_ISSUER and network access to it",
    )


class SyncAuth:
    """Thread-safe, single-flight token source for :class:`~cxdial.cxone.client.Client`."""

    def __init__(self, core: AuthCore, client: httpx.Client) -> None:
        self.core = core
        self._client = client
        self._lock = threading.Lock()

    def _send(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            last = attempt > self.core.settings.max_retries
            response: httpx.Response | None = None
            try:
                response = self._client.send(request)
            except httpx.TransportError as exc:
                if last:
                    raise _connection_error(exc, request) from exc
            if response is not None and (last or response.status_code not in _RESEND):
                return response
            self.core.clock.sleep(self.core.retry_delay(attempt, response))

    def _run(self) -> Token:
        flow = self.core.flow()
        request = next(flow)
        while True:
            response = self._send(request)
            try:
                request = flow.send(response)
            except StopIteration as stop:
                token: Token = stop.value
                return token

    def token(self) -> str:
        """A fresh access token, fetching one (once, for all threads) when needed."""
        usable = self.core.usable()
        if usable:
            return usable
        with self._lock:
            usable = self.core.usable()
            return usable or self._run().access_token

    def reauth(self, refused: str) -> str:
        """After a 401 with ``refused``: one new grant, shared by everyone refused alike."""
        with self._lock:
            current = self.core.current
            if current is not None and current.access_token != refused:
                return current.access_token
            return self._run().access_token

    def api_endpoint(self) -> str:
        """The tenant API host (authenticating first when needed)."""
        if self.core.api_endpoint is None:
            self.token()
        return self.core.api_endpoint or self.core.issuer


class AsyncAuth:
    """Task-safe, single-flight token source for :class:`~cxdial.cxone.client.AsyncClient`."""

    def __init__(self, core: AuthCore, client: httpx.AsyncClient) -> None:
        self.core = core
        self._client = client
        self._lock = asyncio.Lock()

    async def _send(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            last = attempt > self.core.settings.max_retries
            response: httpx.Response | None = None
            try:
                response = await self._client.send(request)
            except httpx.TransportError as exc:
                if last:
                    raise _connection_error(exc, request) from exc
            if response is not None and (last or response.status_code not in _RESEND):
                return response
            await self.core.clock.asleep(self.core.retry_delay(attempt, response))

    async def _run(self) -> Token:
        flow = self.core.flow()
        request = next(flow)
        while True:
            response = await self._send(request)
            try:
                request = flow.send(response)
            except StopIteration as stop:
                token: Token = stop.value
                return token

    async def token(self) -> str:
        """A fresh access token, fetching one (once, for all tasks) when needed."""
        usable = self.core.usable()
        if usable:
            return usable
        async with self._lock:
            usable = self.core.usable()
            return usable or (await self._run()).access_token

    async def reauth(self, refused: str) -> str:
        """After a 401 with ``refused``: one new grant, shared by everyone refused alike."""
        async with self._lock:
            current = self.core.current
            if current is not None and current.access_token != refused:
                return current.access_token
            return (await self._run()).access_token

    async def api_endpoint(self) -> str:
        """The tenant API host (authenticating first when needed)."""
        if self.core.api_endpoint is None:
            await self.token()
        return self.core.api_endpoint or self.core.issuer
