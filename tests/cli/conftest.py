"""A loopback emulator (manual clock) and the environment that points ``cxdial`` at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cxdial.emulator import EmulatorConfig
from cxdial.emulator.credentials import demo_env
from cxdial.emulator.testing import EmulatorServer


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    """One emulator per test module; time moves only when a test says."""
    with EmulatorServer(EmulatorConfig(seed=5, manual_clock=True)) as server:
        yield server.url


@pytest.fixture
def tenant_env(
    emulator_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> dict[str, str]:
    """``CXDIAL_*`` for the emulator's demo tenant and a throw-away store; also returned."""
    env = {
        **demo_env(emulator_url, dialing=True),
        "CXDIAL_DATABASE_URL": f"sqlite:///{tmp_path}/store.db",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env
