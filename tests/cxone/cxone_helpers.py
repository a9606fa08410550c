"""Helpers for the CXone client tests: settings, the control API, a mock tenant."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import httpx
import jwt
from fastapi import FastAPI

from cxdial.config import Settings
from cxdial.emulator.testing import demo_settings

T = TypeVar("T")
BASE = "http://emulator"


def settings_for(base: str = BASE, **overrides: Any) -> Settings:
    """Settings with the emulator's demo credentials and a fast, deterministic policy."""
    return demo_settings(base, **{"rate_limit": float("inf"), **overrides})


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine on a fresh event loop."""
    return asyncio.run(coro)


class Control:
    """The emulator's control API (``/_emulator/*``) over the same ASGI app."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def _call(self, method: str, path: str, body: Any = None) -> Any:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            response = await client.request(method, f"/_emulator/{path}", json=body)
            response.raise_for_status()
            return response.json()

    def get(self, path: str) -> Any:
        """GET a control endpoint."""
        return run(self._call("GET", path))

    def post(self, path: str, body: Any = None) -> Any:
        """POST to a control endpoint."""
        return run(self._call("POST", path, body))

    async def aget(self, path: str) -> Any:
        """GET a control endpoint from inside a running loop."""
        return await self._call("GET", path)

    async def apost(self, path: str, body: Any = None) -> Any:
        """POST to a control endpoint from inside a running loop."""
        return await self._call("POST", path, body)

    def fault(self, path_contains: str, fault: str, **extra: Any) -> None:
        """Queue a one-shot fault for the next request whose path contains ``path_contains``."""
        self.post("faults", {"next": [{"path_contains": path_contains, "fault": fault, **extra}]})


Handler = Callable[[httpx.Request], httpx.Response]


def mock_tenant(api: Handler, calls: list[httpx.Request] | None = None) -> httpx.MockTransport:
    """A MockTransport serving discovery and the token grant, delegating API calls to ``api``.

    Use with ``settings_for(MOCK_BASE, api_endpoint=MOCK_BASE)``; API requests are appended
    to ``calls`` when given.
    """
    id_token = jwt.encode(
        {"iss": MOCK_BASE, "tenantId": "t-1", "exp": 4_000_000_000}, "k" * 32, algorithm="HS256"
    )

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/.well-known/openid-configuration":
            return httpx.Response(200, json={"token_endpoint": f"{MOCK_BASE}/auth/token"})
        if path == "/auth/token":
            body = {"access_token": "mock-access-token", "expires_in": 3600, "id_token": id_token}
            return httpx.Response(200, json=body)
        if calls is not None:
            calls.append(request)
        return api(request)

    return httpx.MockTransport(handle)


MOCK_BASE = "http://mock"
