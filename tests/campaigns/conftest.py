"""An emulator on a loopback port, a client bound to it, and a spec that manages a skill."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from cxdial.config import Settings
from cxdial.cxone import Client
from cxdial.emulator import EmulatorConfig
from cxdial.emulator import credentials as demo
from cxdial.emulator.testing import EmulatorServer

EXAMPLE = Path(__file__).parents[2] / "examples" / "campaign.yaml"


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

    def fail_next(self, path_contains: str, status: str = "500", method: str = "PUT") -> None:
        """Make the next request whose path contains ``path_contains`` fail."""
        self.control(
            "POST",
            "faults",
            {
                "next": [
                    {"path_contains": path_contains, "fault": status, "method": method, "times": 10}
                ]
            },
        )

    def clear_faults(self) -> None:
        """Drop queued one-shot faults."""
        self.control("POST", "faults", {"clear": True})

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
    """One emulator per test module (manual clock)."""
    with EmulatorServer(EmulatorConfig(seed=7, manual_clock=True)) as server:
        yield Emulator(server)


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Client]:
    """A real client talking to the emulator over loopback."""
    settings = Settings(
        issuer=emulator.url,
        access_key_id=demo.DEMO_ACCESS_KEY_ID,
        access_key_secret=demo.DEMO_ACCESS_KEY_SECRET,
        client_id=demo.DEMO_CLIENT_ID,
        client_secret=demo.DEMO_CLIENT_SECRET,
        rate_limit=1000.0,
        rate_burst=1000,
    )
    with Client.from_settings(settings) as c:
        yield c


def example_data() -> dict[str, Any]:
    """The example spec as plain data (a fresh copy)."""
    data = yaml.safe_load(EXAMPLE.read_text())
    assert isinstance(data, dict)
    return data
