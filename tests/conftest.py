"""Fixtures shared by every test: a clean ``CXDIAL_*`` environment."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _clean_cxdial_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test sees the developer's CXDIAL_* variables, profile file or data dirs."""
    for key in list(os.environ):
        if key.startswith("CXDIAL_"):
            monkeypatch.delenv(key, raising=False)
    empty = tmp_path_factory.mktemp("profiles") / "profiles.toml"
    monkeypatch.setenv("CXDIAL_PROFILE_FILE", str(empty))
    home = tmp_path_factory.mktemp("xdg")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))  # no test writes the user's dirs
