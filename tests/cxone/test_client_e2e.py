"""End to end over real loopback sockets: the emulator under uvicorn, sync and async clients."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from cxone_helpers import run, settings_for

from cxdial.cxone import AsyncClient, Client, FakeClock
from cxdial.emulator import EmulatorConfig
from cxdial.emulator.testing import EmulatorServer

pytestmark = pytest.mark.e2e
CALLER = "+18005550100"


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    """One emulator on a free loopback port for this module."""
    with EmulatorServer(EmulatorConfig(seed=11, manual_clock=True)) as running:
        yield running


def _stats(server: EmulatorServer) -> dict[str, object]:
    data: dict[str, object] = httpx.get(f"{server.url}/_emulator/stats").json()
    return data


def test_sync_client_dials_once_through_a_dropped_connection(server: EmulatorServer) -> None:
    """Over a socket, a dropped scripts/start answer is recovered and dialed exactly once."""
    httpx.post(
        f"{server.url}/_emulator/faults",
        json={"next": [{"path_contains": "scripts/start", "fault": "drop"}]},
    )
    with Client.from_settings(settings_for(server.url), clock=FakeClock()) as client:
        skill = next(iter(client.skills.list())).skill_id
        response = client.send(
            client.scripts.requests.start(
                skill_id=skill, phone_number="+15551230000", caller_id=CALLER, context_id="e2e-1"
            )
        )
    assert response.recovered is True
    dials = httpx.get(f"{server.url}/_emulator/dials").json()["dials"]
    assert [d["contactId"] for d in dials if d["contextId"].startswith("e2e-1.")] == [
        response.parsed.contact_id
    ]


def test_threads_share_one_token(server: EmulatorServer) -> None:
    """40 threads starting at once on a new sync client trigger a single token grant."""
    before = _stats(server)["tokenGrants"]
    with Client.from_settings(settings_for(server.url)) as client, ThreadPoolExecutor(8) as pool:
        units = list(pool.map(lambda _: client.business_unit.get(), range(40)))
    assert len(units) == 40
    assert _stats(server)["tokenGrants"] == before + 1  # type: ignore[operator]


def test_async_client_over_loopback(server: EmulatorServer) -> None:
    """The async client authenticates, routes and reads over real HTTP."""

    async def go() -> int:
        async with AsyncClient.from_settings(settings_for(server.url)) as client:
            info = await client.authenticate()
            assert info.api_endpoint == server.url
            units = await asyncio.gather(*(client.business_unit.get() for _ in range(20)))
            return len(units)

    assert run(go()) == 20
