"""Fixtures for the emulator tests: an app with a manual clock and a plain httpx client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from emulator_support import Api, grant
from fastapi import FastAPI

from cxdial.emulator import EmulatorConfig, create_app
from cxdial.emulator.testing import asgi_client


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio."""
    return "asyncio"


@pytest.fixture
def config() -> EmulatorConfig:
    """A deterministic emulator: manual clock, three agents."""
    return EmulatorConfig(manual_clock=True, agents=3)


@pytest.fixture
def app(config: EmulatorConfig) -> FastAPI:
    """A fresh emulator app."""
    return create_app(config)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Plain httpx over ASGI to the app."""
    async with asgi_client(app) as http:
        yield http


@pytest.fixture
async def api(client: httpx.AsyncClient) -> Api:
    """An authenticated :class:`Api` for the full-permission demo key."""
    response = await grant(client)
    return Api(client, response.json()["access_token"])


@pytest.fixture
async def client_api(client: httpx.AsyncClient, api: Api) -> tuple[httpx.AsyncClient, Api]:
    """The raw client (for the control API) and the authenticated wrapper."""
    return client, api
