"""``ServiceThread``: a cxdial service beside the caller's own work, in one process."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest
from service_support import SECRET, push

from cxdial.errors import ConfigurationError
from cxdial.events import Processor
from cxdial.events.embedded import EmbeddedQueue
from cxdial.service import ServiceConfig
from cxdial.service.background import ServiceThread
from cxdial.service.runtime import Service
from cxdial.store import make_engine

EVENT = {
    "type": "call.completed",
    "occurred_at": "2026-11-23T19:05:00Z",
    "contact_id": 4242,
    "skill_id": 12,
    "phone": "+15551230001",
    "outcome": "answered",
    "sequence": 1,
}


def _service(tmp_path: Path, port: int = 0) -> Service:
    engine = make_engine(f"sqlite:///{tmp_path / 'bg.db'}")
    return Service(
        ServiceConfig(secrets=(SECRET,)),
        engine,
        EmbeddedQueue(engine),
        ("receiver", "worker"),
        port=port,
    )


def test_serves_on_a_free_port_and_stops_with_the_block(tmp_path: Path) -> None:
    """The URL answers once the block is entered; a push is stored; afterwards nothing
    listens any more."""
    service = _service(tmp_path)
    with ServiceThread(service) as url:
        assert httpx.get(url + "/healthz").status_code == 200
        assert push(url, EVENT, "msg_bg_1") == 202
        processor = Processor(service.engine)
        deadline = time.monotonic() + 10
        while (view := processor.call(4242)) is None or view.outcome is None:
            assert time.monotonic() < deadline, "the worker did not store the push"
            time.sleep(0.02)
        assert view.outcome == "answered"
    with pytest.raises(httpx.TransportError):
        httpx.get(url + "/healthz", timeout=1)
    service.engine.dispose()


def test_a_service_that_cannot_bind_is_a_typed_error(tmp_path: Path) -> None:
    """A port another socket holds: start() raises the receiver's ConfigurationError naming
    the port and the fix, not a hang or a process exit."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        thread = ServiceThread(_service(tmp_path, port), start_timeout=5)
        with pytest.raises(ConfigurationError) as caught:
            thread.start()
        thread.stop()
    assert caught.value.fix
    assert caught.value.field == "--port"
    assert f":{port}" in caught.value.message
