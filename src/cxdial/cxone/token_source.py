"""Single-flight token sources: the sync and async drivers of :meth:`AuthCore.flow`.

However many threads (:class:`SyncAuth`, a ``threading.Lock``) or tasks (:class:`AsyncAuth`,
an ``asyncio.Lock``) need a token at once, one grant is in flight and the rest reuse its
result. After a 401, :meth:`reauth` replaces the refused token once for everyone refused
alike. The discovery and grant requests the flow yields are sent by ``send``, the one HTTP
policy's driver, so they are retried, capped and logged like every other request.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from cxdial.cxone.auth import AuthCore, Flow
from cxdial.cxone.request import APIRequest, APIResponse
from cxdial.errors import APIError, ConfigurationError

__all__ = ["AsyncAuth", "SyncAuth"]

Send = Callable[[APIRequest[Any]], APIResponse[Any]]
AsyncSend = Callable[[APIRequest[Any]], Awaitable[APIResponse[Any]]]


def _unrouted() -> ConfigurationError:
    return ConfigurationError(
        "the tenant's API endpoint could not be discovered",
        field="api_endpoint",
        fix="set CXDIAL_API_ENDPOINT to your tenant's API host",
    )


class SyncAuth:
    """Thread-safe, single-flight token source for :class:`~cxdial.cxone.client.Client`."""

    def __init__(self, core: AuthCore, send: Send) -> None:
        self.core = core
        self._send = send
        self._lock = threading.Lock()

    def _drive(self, flow: Flow) -> str:
        try:
            request = next(flow)
            while True:
                try:
                    response = self._send(request)
                except APIError as exc:
                    request = flow.throw(exc)
                else:
                    request = flow.send(response)
        except StopIteration as stop:
            return str(stop.value.access_token)

    def token(self) -> str:
        """A fresh access token, fetching one (once, for all threads) when needed."""
        ready = self.core.ready()
        if ready:
            return ready
        with self._lock:
            return self.core.ready() or self._drive(self.core.flow())

    def reauth(self, refused: str) -> str:
        """After a 401 with ``refused``: one new grant, shared by everyone refused alike."""
        with self._lock:
            current = self.core.current
            if current is not None and current.access_token != refused:
                return current.access_token
            return self._drive(self.core.flow(renew=True))

    def fresh_grant(self) -> str:
        """A password grant now, whatever is cached: proves the access key works."""
        with self._lock:
            return self._drive(self.core.flow(renew=True, password=True))

    def api_endpoint(self) -> str:
        """The tenant API host (authenticating and routing first when needed)."""
        if self.core.api_endpoint is None:
            self.token()
        endpoint = self.core.api_endpoint
        if endpoint is None:
            raise _unrouted()
        return endpoint


class AsyncAuth:
    """Task-safe, single-flight token source for :class:`~cxdial.cxone.client.AsyncClient`."""

    def __init__(self, core: AuthCore, send: AsyncSend) -> None:
        self.core = core
        self._send = send
        self._lock = asyncio.Lock()

    async def _drive(self, flow: Flow) -> str:
        try:
            request = next(flow)
            while True:
                try:
                    response = await self._send(request)
                except APIError as exc:
                    request = flow.throw(exc)
                else:
                    request = flow.send(response)
        except StopIteration as stop:
            return str(stop.value.access_token)

    async def token(self) -> str:
        """A fresh access token, fetching one (once, for all tasks) when needed."""
        ready = self.core.ready()
        if ready:
            return ready
        async with self._lock:
            return self.core.ready() or await self._drive(self.core.flow())

    async def reauth(self, refused: str) -> str:
        """After a 401 with ``refused``: one new grant, shared by everyone refused alike."""
        async with self._lock:
            current = self.core.current
            if current is not None and current.access_token != refused:
                return current.access_token
            return await self._drive(self.core.flow(renew=True))

    async def fresh_grant(self) -> str:
        """A password grant now, whatever is cached: proves the access key works."""
        async with self._lock:
            return await self._drive(self.core.flow(renew=True, password=True))

    async def api_endpoint(self) -> str:
        """The tenant API host (authenticating and routing first when needed)."""
        if self.core.api_endpoint is None:
            await self.token()
        endpoint = self.core.api_endpoint
        if endpoint is None:
            raise _unrouted()
        return endpoint
