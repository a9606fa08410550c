"""Run a :class:`~cxdial.service.runtime.Service` in a background thread of this process.

For programs that want the receiver and worker beside their own work — ``cxdial demo``, a
notebook, an end-to-end test — without a second process: the service gets its own event
loop in a daemon thread, binds a free loopback port unless told one, and is stopped (its
queue drained and closed) when the context ends. ``cxdial serve`` does not use this: it
runs the service on the main thread.
"""

from __future__ import annotations

import asyncio
import threading
import time
from types import TracebackType

from cxdial.errors import CxdialError
from cxdial.service.runtime import Service

__all__ = ["ServiceThread"]


class ServiceThread:
    """``with ServiceThread(service) as url:`` serves ``service`` until the block ends.

    Give the service ``port=0`` to let the system pick a free port at bind time; ``url``
    is known once it listens.
    """

    def __init__(self, service: Service, *, start_timeout: float = 20.0) -> None:
        self.service = service
        self.start_timeout = start_timeout
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(target=self._run, name="cxdial-service", daemon=True)
        self._error: BaseException | None = None
        self.url = ""
        """``http://127.0.0.1:PORT`` once :meth:`start` returned."""

    def _run(self) -> None:
        try:
            self._loop.run_until_complete(self.service.serve(self._stop))
        except BaseException as exc:  # reported by start() or stop(), not lost in a thread
            self._error = exc

    def start(self) -> str:
        """Start serving; return the receiver's URL once it listens (uvicorn has run the
        app's startup), or "" at once for a service without the receiver role."""
        self._thread.start()
        if "receiver" not in self.service.roles:
            return ""
        deadline = time.monotonic() + self.start_timeout
        while (port := self.service.bound_port) is None:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                if isinstance(self._error, CxdialError):
                    raise self._error  # the service said why (a port in use, a setting)
                raise CxdialError(
                    "the cxdial service did not start listening",
                    fix="see the log above for the cause (run with -v)",
                ) from self._error
            time.sleep(0.01)
        self.url = f"http://{self.service.host}:{port}"
        return self.url

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the service to stop, wait for its thread and close its loop."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(timeout)
        if not self._thread.is_alive():
            self._loop.close()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
