"""Shared pieces of the ad-hoc call tests: the emulator, its virtual time, the demo numbers."""

from __future__ import annotations

from typing import Any

import httpx

from cxdial.config import Settings
from cxdial.cxone import FakeClock
from cxdial.emulator import credentials as demo
from cxdial.emulator.testing import EmulatorServer, demo_settings

SKILL = demo.DEMO_SKILL_ID
CALLER = demo.DEMO_CALLER_ID


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
        return demo.demo_env(self.url)

    def settings(self, **tuning: Any) -> Settings:
        """Settings with the demo credentials for this emulator, plus ``tuning`` (rate limits …)."""
        return demo_settings(self.url, **tuning)


class VirtualTime(FakeClock):
    """Waiting moves the emulator's clock (and this clock) instead of sleeping."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__()
        self.emulator = emulator

    def sleep(self, seconds: float) -> None:
        """Advance both clocks."""
        super().sleep(seconds)
        self.emulator.advance(seconds)
