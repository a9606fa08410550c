"""Test helpers: the emulator on a real loopback port, or behind an ASGI transport; the demo
key's client settings; waiting for a loopback server's health check."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any

import anyio.from_thread
import httpx
import uvicorn
from fastapi import FastAPI

from cxdial.config import Settings
from cxdial.emulator import credentials as demo
from cxdial.emulator.app import create_app
from cxdial.emulator.config import EmulatorConfig
from cxdial.emulator.middleware import quiet_dropped_logs

__all__ = [
    "ASGI_BASE_URL",
    "EmulatorHandle",
    "EmulatorServer",
    "SyncASGITransport",
    "asgi_client",
    "asgi_transport",
    "demo_settings",
    "free_port",
    "wait_healthy",
]

ASGI_BASE_URL = "http://emulator"


def demo_settings(issuer: str = ASGI_BASE_URL, **overrides: Any) -> Settings:
    """Client settings for the emulator at ``issuer`` with its full-permission demo key;
    ``overrides`` (rate limits, retries …) go on top."""
    return Settings(
        **{
            "issuer": issuer,
            "access_key_id": demo.DEMO_ACCESS_KEY_ID,
            "access_key_secret": demo.DEMO_ACCESS_KEY_SECRET,
            "client_id": demo.DEMO_CLIENT_ID,
            "client_secret": demo.DEMO_CLIENT_SECRET,
            **overrides,
        }
    )


def wait_healthy(url: str, *, path: str = "/healthz", timeout: float = 10.0) -> None:
    """Return once ``GET url+path`` answers 200; raise ``RuntimeError`` after ``timeout`` s.

    For a server just started on a loopback port (in a thread or a child process)."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while True:
        try:
            status = httpx.get(url + path, timeout=2).status_code
            if status == 200:
                return
            last = f"status {status}"
        except httpx.TransportError as exc:
            last = type(exc).__name__
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url}{path} did not answer 200 within {timeout:g} s ({last})")
        time.sleep(0.05)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def asgi_transport(app: FastAPI) -> httpx.ASGITransport:
    """An in-process transport to ``app`` (app exceptions such as drops reach the client)."""
    return httpx.ASGITransport(app=app, raise_app_exceptions=True)


def asgi_client(app: FastAPI) -> httpx.AsyncClient:
    """An async client bound to ``app`` at :data:`ASGI_BASE_URL`."""
    return httpx.AsyncClient(transport=asgi_transport(app), base_url=ASGI_BASE_URL)


class EmulatorServer:
    """Run the emulator with uvicorn in a background thread on a loopback port.

    The socket is bound here, before the thread starts (port 0 = a free one chosen by the
    system), so two servers started at once never race for the same port."""

    def __init__(self, config: EmulatorConfig | None = None, *, port: int | None = None) -> None:
        self.app = create_app(config)
        self._socket = socket.create_server(("127.0.0.1", port or 0))
        self.port: int = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        quiet_dropped_logs()
        self._server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="on"))
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="cxdial-emulator",
            daemon=True,
        )

    def start(self) -> EmulatorServer:
        """Start serving; return once the port accepts requests."""
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the emulator did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit, wait for the thread, and close the socket."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class EmulatorHandle:
    """A running :class:`EmulatorServer` as tests use it: its control API over real HTTP,
    and the demo key's ``CXDIAL_*`` variables and client settings for it."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.url = server.url

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call ``/_emulator/{path}``; the decoded JSON answer (None when empty)."""
        response = httpx.request(method, f"{self.url}/_emulator/{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else None

    def env(self) -> dict[str, str]:
        """The ``CXDIAL_*`` variables a ``cxdial`` command needs to reach this emulator."""
        return demo.demo_env(self.url)

    def settings(self, **overrides: Any) -> Settings:
        """:func:`demo_settings` for this emulator, ``overrides`` (rate limits …) on top."""
        return demo_settings(self.url, **overrides)


class SyncASGITransport(httpx.BaseTransport):
    """A blocking transport into an ASGI app (what ``httpx.ASGITransport`` is for async)."""

    def __init__(self, app: FastAPI) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._cm: AbstractContextManager[Any] = anyio.from_thread.start_blocking_portal()
        self._portal = self._cm.__enter__()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def forward() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        result: httpx.Response = self._portal.call(forward)
        return result

    def close(self) -> None:
        """Clients close their transport; the portal stays up until :meth:`shutdown`."""

    def shutdown(self) -> None:
        """Stop the portal's event loop thread."""
        self._cm.__exit__(None, None, None)
