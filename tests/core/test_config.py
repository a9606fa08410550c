"""Settings resolve one way: explicit > CXDIAL_* env > profile file > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxdial.config import Settings, load_settings
from cxdial.errors import ConfigurationError


def _profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(text)
    return path


def test_defaults_apply_when_nothing_is_set() -> None:
    """With no env, profile or arguments, the documented defaults are used."""
    settings = load_settings(environ={}, profile_path=Path("/nonexistent/profiles.toml"))
    assert settings.issuer == "https://cxone.niceincontact.com"
    assert settings.client_auth == "basic"
    assert settings.token_refresh_margin == 600.0


def test_explicit_beats_env_beats_profile(tmp_path: Path) -> None:
    """Each layer only fills what the layer above did not set."""
    path = _profile(
        tmp_path,
        '[default]\nissuer = "https://profile"\nclient_id = "from-profile"\ntimeout = 5\n',
    )
    env = {"CXDIAL_ISSUER": "https://env", "CXDIAL_TIMEOUT": "7"}
    settings = load_settings(environ=env, profile_path=path, timeout=9.0)
    assert settings.issuer == "https://env"
    assert settings.client_id == "from-profile"
    assert settings.timeout == 9.0


def test_named_profile_is_selected(tmp_path: Path) -> None:
    """``profile`` (or CXDIAL_PROFILE) picks a section of the profile file."""
    path = _profile(
        tmp_path, '[emulator]\nissuer = "http://127.0.0.1:8765"\n[prod]\nissuer = "x"\n'
    )
    settings = load_settings(environ={"CXDIAL_PROFILE": "emulator"}, profile_path=path)
    assert settings.issuer == "http://127.0.0.1:8765"


def test_missing_named_profile_names_the_choices(tmp_path: Path) -> None:
    """Asking for an absent profile fails with the profiles that do exist."""
    path = _profile(tmp_path, "[emulator]\n[prod]\n")
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={}, profile_path=path, profile="staging")
    assert "emulator, prod" in str(info.value)


def test_secrets_are_masked_in_repr_and_dump() -> None:
    """Secrets never appear in repr, str or model_dump output."""
    settings = Settings(access_key_secret="s3cr3t-value", client_secret="other-s3cr3t")  # type: ignore[arg-type]
    for text in (repr(settings), str(settings), str(settings.model_dump())):
        assert "s3cr3t-value" not in text
        assert "other-s3cr3t" not in text
    assert settings.access_key_secret is not None
    assert settings.access_key_secret.get_secret_value() == "s3cr3t-value"


def test_invalid_value_names_setting_and_env_var() -> None:
    """A bad value is reported with the setting name and the variable to fix."""
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={"CXDIAL_TIMEOUT": "-1"}, profile_path=Path("/nonexistent"))
    assert info.value.field == "timeout"
    assert "CXDIAL_TIMEOUT" in str(info.value)


def test_unknown_profile_key_is_rejected(tmp_path: Path) -> None:
    """A typo in the profile file is an error naming the key, not silently ignored."""
    path = _profile(tmp_path, '[default]\nisuer = "https://typo"\n')
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={}, profile_path=path)
    assert info.value.field == "isuer"


def test_require_names_each_missing_setting() -> None:
    """``require`` lists the missing settings and the env vars that provide them."""
    settings = load_settings(environ={}, profile_path=Path("/nonexistent"))
    with pytest.raises(ConfigurationError) as info:
        settings.require("access_key_id", "client_id")
    assert "CXDIAL_ACCESS_KEY_ID" in str(info.value)
    assert "CXDIAL_CLIENT_ID" in str(info.value)
