"""``cxdial.emulator.testing`` helpers: the demo key's settings and env, waiting for health."""

from __future__ import annotations

import pytest

from cxdial.cli.emulator_cmd import env_lines
from cxdial.cxone import Client
from cxdial.emulator import EmulatorConfig
from cxdial.emulator import credentials as demo
from cxdial.emulator.testing import (
    EmulatorHandle,
    EmulatorServer,
    demo_settings,
    free_port,
    wait_healthy,
)


def test_demo_settings_authenticate_against_a_running_emulator() -> None:
    """The handle's settings log in over loopback; overrides land on the settings."""
    with EmulatorServer(EmulatorConfig(manual_clock=True)) as server:
        handle = EmulatorHandle(server)
        settings = handle.settings(rate_limit=123.0)
        assert settings.rate_limit == 123.0
        with Client.from_settings(settings) as client:
            assert client.authenticate().tenant_id == demo.DEMO_TENANT_ID
        assert handle.control("GET", "stats")["tokenGrants"] == 1
    assert demo_settings().issuer == "http://emulator"


def test_demo_env_is_what_print_env_exports() -> None:
    """``demo_env(dialing=True)`` is exactly ``cxdial emulator --print-env``'s variables."""
    env = demo.demo_env("http://127.0.0.1:9911", dialing=True)
    assert [f"export {k}={v}" for k, v in env.items()] == env_lines("127.0.0.1", 9911)
    assert set(demo.demo_env("http://x")) == set(env) - {"CXDIAL_SKILL_ID", "CXDIAL_CALLER_ID"}


def test_wait_healthy_gives_up_naming_the_url() -> None:
    """Nothing listening: a RuntimeError naming the URL after the timeout, not a hang."""
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RuntimeError, match=f"{url}/healthz did not answer 200"):
        wait_healthy(url, timeout=0.2)
