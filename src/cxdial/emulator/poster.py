"""A lean HTTP/1.1 POST client for the webhook sender: h11 over one keep-alive stream.

The sender used httpx, whose per-request overhead (about 3 ms of CPU on the 2-core test
machine) capped the emulator at a few hundred pushes a second; h11 over an asyncio stream
costs a tenth of that, so the emulator can push call events at the rate a busy tenant's
Studio scripts would (the crash tests push 10,000). One :class:`Poster` owns one
connection, reopened when the server closes it; ``https://`` URLs get TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Mapping
from urllib.parse import urlsplit

import h11

__all__ = ["PostError", "Poster"]


class PostError(Exception):
    """The POST got no complete answer (refused, reset, timed out or malformed)."""


class _Closed(Exception):
    """The server closed the connection before answering."""


class Poster:
    """POSTs to one URL over a reused connection; ``post`` answers the status code."""

    def __init__(self, url: str, *, timeout: float = 5.0) -> None:
        parts = urlsplit(url)
        self._bad_url = parts.scheme not in ("http", "https") or not parts.hostname
        self.timeout = timeout
        self._tls = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port or (443 if self._tls else 80)
        default = self._port == (443 if self._tls else 80)
        self._authority = parts.netloc.rpartition("@")[2] if not default else self._host
        self._target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._conn = h11.Connection(h11.CLIENT)

    async def post(self, body: bytes, headers: Mapping[str, str]) -> int:
        """The status of one POST of ``body``; :class:`PostError` when there is none."""
        if self._bad_url:
            raise PostError("the URL is not http(s)://host/…")
        try:
            async with asyncio.timeout(self.timeout):
                reused = self._writer is not None
                try:
                    return await self._exchange(body, headers)
                except _Closed:
                    await self.close()
                    if not reused:
                        raise
                # a kept-alive connection the server had already closed: once more, afresh
                return await self._exchange(body, headers)
        except (OSError, TimeoutError, _Closed, h11.ProtocolError) as exc:
            await self.close()
            raise PostError(f"{type(exc).__name__}: {exc}") from exc

    async def _exchange(self, body: bytes, headers: Mapping[str, str]) -> int:
        if self._writer is None:
            context = ssl.create_default_context() if self._tls else None
            self._reader, self._writer = await asyncio.open_connection(
                self._host, self._port, ssl=context
            )
            self._conn = h11.Connection(h11.CLIENT)
        reader, writer, conn = self._reader, self._writer, self._conn
        assert reader is not None
        request = h11.Request(
            method="POST",
            target=self._target,
            headers=[
                ("host", self._authority),
                ("content-length", str(len(body))),
                *headers.items(),
            ],
        )
        head = conn.send(request) or b""
        data = conn.send(h11.Data(data=body)) or b""
        end = conn.send(h11.EndOfMessage()) or b""
        writer.write(head + data + end)
        await writer.drain()
        status = 0
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                chunk = await reader.read(65536)
                if not chunk and status == 0:
                    raise _Closed("connection closed before a response")
                conn.receive_data(chunk)  # b"" tells h11 the server closed
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise _Closed("connection closed mid-response")
        if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
            conn.start_next_cycle()
        else:  # the server asked to close (HTTP/1.0, Connection: close)
            await self.close()
        return status

    async def close(self) -> None:
        """Drop the connection (the next ``post`` opens a new one)."""
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError, ssl.SSLError):
                await writer.wait_closed()
