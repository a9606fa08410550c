"""An emulator on a loopback port with a manual clock, and a client bound to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from calls_support import Emulator

from cxdial.cxone import Client
from cxdial.emulator import EmulatorConfig
from cxdial.emulator.testing import EmulatorServer


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """One emulator per test module (manual clock: time moves only when a test says)."""
    with EmulatorServer(EmulatorConfig(seed=11, manual_clock=True)) as server:
        yield Emulator(server)


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Client]:
    """A real client talking to the emulator over loopback."""
    with Client.from_settings(emulator.settings(rate_limit=1000.0, rate_burst=1000)) as c:
        yield c
