"""Fixtures for the CXone client tests: a fresh emulator app, its control API, transports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cxone_helpers import Control
from fastapi import FastAPI

from cxdial.emulator import EmulatorConfig, create_app
from cxdial.emulator.testing import SyncASGITransport


@pytest.fixture
def make_app() -> Callable[..., FastAPI]:
    """Build an emulator app from config keywords."""

    def make(**config: Any) -> FastAPI:
        return create_app(EmulatorConfig(**{"seed": 7, **config}))

    return make


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> FastAPI:
    """A fresh emulator (manual clock, so nothing moves unless a test says so)."""
    return make_app(manual_clock=True)


@pytest.fixture
def control(app: FastAPI) -> Control:
    """The control API of :func:`app`."""
    return Control(app)


@pytest.fixture
def sync_transport(app: FastAPI) -> Iterator[SyncASGITransport]:
    """A blocking transport into :func:`app`."""
    transport = SyncASGITransport(app)
    yield transport
    transport.shutdown()
