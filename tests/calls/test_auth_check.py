"""``cxdial auth check``: a fresh grant every time, and every permission probed, dialing too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from calls_support import Emulator
from typer.testing import CliRunner

from cxdial.cli.auth_cmd import register
from cxdial.emulator import credentials as demo
from cxdial.errors import AuthenticationError


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Root of the test app."""

    register(app)
    return app


def _check(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Any:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return CliRunner().invoke(_app(), ["auth", "check", "--json"])


def _with_key(emulator: Emulator, key_id: str, secret: str) -> dict[str, str]:
    return {
        **emulator.env(),
        "CXDIAL_ACCESS_KEY_ID": key_id,
        "CXDIAL_ACCESS_KEY_SECRET": secret,
    }


def test_full_key_is_ok_everywhere_and_nothing_is_dialed(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo key opens every area, dialing included; the dialing probe places no call."""
    before = len(emulator.dials())
    result = _check(monkeypatch, emulator.env())
    assert result.exit_code == 0, result.output
    permissions = json.loads(result.stdout)["permissions"]
    assert permissions["dialing (scripts/start)"] == "ok"
    assert set(permissions.values()) == {"ok"}
    assert len(emulator.dials()) == before


def test_key_that_cannot_start_scripts_is_reported_as_missing_that_permission(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only key is 'denied' for dialing, naming the Scripts Start permission."""
    env = _with_key(emulator, demo.READONLY_ACCESS_KEY_ID, demo.READONLY_ACCESS_KEY_SECRET)
    result = _check(monkeypatch, env)
    assert result.exit_code == 0, result.output
    permissions = json.loads(result.stdout)["permissions"]
    assert permissions["skills"] == "ok"
    assert permissions["dialing (scripts/start)"].startswith("denied")
    assert "Scripts Start" in permissions["dialing (scripts/start)"]
    assert "Callbacks Create" in permissions["callbacks (queuecallback)"]


def test_dialer_key_may_dial_but_not_queue_callbacks(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The narrow dialer key: scripts/start ok, queuecallback denied."""
    env = _with_key(emulator, demo.DIALER_ACCESS_KEY_ID, demo.DIALER_ACCESS_KEY_SECRET)
    permissions = json.loads(_check(monkeypatch, env).stdout)["permissions"]
    assert permissions["dialing (scripts/start)"] == "ok"
    assert permissions["callbacks (queuecallback)"].startswith("denied")


def test_wrong_secret_fails_even_while_a_token_is_cached(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With a valid token in the cache, a wrong access key secret still fails the check."""
    cache = {"CXDIAL_TOKEN_CACHE_PATH": str(tmp_path / "tokens" / "cache.json")}
    assert _check(monkeypatch, {**emulator.env(), **cache}).exit_code == 0
    assert (tmp_path / "tokens" / "cache.json").exists()
    result = _check(monkeypatch, {**cache, "CXDIAL_ACCESS_KEY_SECRET": "wrong-secret"})
    assert result.exit_code != 0
    assert isinstance(result.exception, AuthenticationError)
    assert "wrong-secret" not in str(result.exception)
