"""Shared pieces of the ad-hoc call tests: the emulator, its virtual time, the demo numbers."""

from __future__ import annotations

from typing import Any

from cxdial.cxone import FakeClock
from cxdial.emulator import credentials as demo
from cxdial.emulator.testing import EmulatorHandle

SKILL = demo.DEMO_SKILL_ID
CALLER = demo.DEMO_CALLER_ID


class Emulator(EmulatorHandle):
    """The running emulator, its control API, its clock and its dial ledger."""

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward."""
        self.control("POST", "clock/advance", {"seconds": seconds})

    def dials(self) -> list[dict[str, Any]]:
        """Every dial the emulator's telephony placed."""
        body = self.control("GET", "dials")
        return list(body["dials"] if isinstance(body, dict) else body)


class VirtualTime(FakeClock):
    """Waiting moves the emulator's clock (and this clock) instead of sleeping."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__()
        self.emulator = emulator

    def sleep(self, seconds: float) -> None:
        """Advance both clocks."""
        super().sleep(seconds)
        self.emulator.advance(seconds)
