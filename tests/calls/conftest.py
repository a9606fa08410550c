"""An emulator on a loopback port with a manual clock, and a client bound to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from cxdial.config import Settings
from cxdial.cxone import Client
from cxdial.emulator import EmulatorConfig
from cxdial.emulator import credentials as demo
from cxdial.emulator.testing import EmulatorServer

SKILL = 24_000_001
CALLER = "+18005550100"


class Emulator:
    """The running emulator and its control API."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.url = server.url

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call ``/_emulator/{path}``."""
        response = httpx.request(method, f"{self.url}/_emulator/{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else None

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward."""
        self.control("POST", "clock/advance", {"seconds": seconds})

    def dials(self) -> list[dict[str, Any]]:
        """Every dial the emulator's telephony placed."""
        body = self.control("GET", "dials")
        return list(body["dials"] if isinstance(body, dict) else body)

    def env(self) -> dict[str, str]:
        """The ``CXDIAL_*`` variables a client needs to reach this emulator."""
        return {
            "CXDIAL_ISSUER": self.url,
            "CXDIAL_ACCESS_KEY_ID": demo.DEMO_ACCESS_KEY_ID,
            "CXDIAL_ACCESS_KEY_SECRET": demo.DEMO_ACCESS_KEY_SECRET,
            "CXDIAL_CLIENT_ID": demo.DEMO_CLIENT_ID,
            "CXDIAL_CLIENT_SECRET": demo.DEMO_CLIENT_SECRET,
        }


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """One emulator per test module (manual clock: time moves only when a test says)."""
    with EmulatorServer(EmulatorConfig(seed=11, manual_clock=True)) as server:
        yield Emulator(server)


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Client]:
    """A real client talking to the emulator over loopback."""
    settings = Settings(
        issuer=emulator.url,
        access_key_id=demo.DEMO_ACCESS_KEY_ID,
        access_key_secret=demo.DEMO_ACCESS_KEY_SECRET,  # type: ignore[arg-type]
        client_id=demo.DEMO_CLIENT_ID,
        client_secret=demo.DEMO_CLIENT_SECRET,  # type: ignore[arg-type]
        rate_limit=1000.0,
        rate_burst=1000,
    )
    with Client.from_settings(settings) as c:
        yield c
