"""The ledger key: from the environment or a private key file made on first use, never shown."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

from cxdial.errors import ConfigurationError
from cxdial.store import LedgerKey, default_key_path, load_ledger_key


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    """CXDIAL_LEDGER_KEY (hex) is used as is; no key file is made."""
    hexkey = secrets.token_hex(32)
    key = load_ledger_key({"CXDIAL_LEDGER_KEY": hexkey}, tmp_path / "k")
    assert key.key_id == LedgerKey(bytes.fromhex(hexkey)).key_id
    assert not (tmp_path / "k").exists()


def test_a_key_file_is_made_private_on_first_use(tmp_path: Path) -> None:
    """The first use writes 32 random bytes (hex) with mode 0600 in a 0700 folder; then reuses."""
    path = tmp_path / "conf" / "ledger.key"
    first = load_ledger_key({}, path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    assert len(bytes.fromhex(path.read_text())) == 32
    assert load_ledger_key({}, path).key_id == first.key_id


def test_the_default_key_file_is_under_the_user_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a path the key lives in ``<config dir>/cxdial/ledger.key``."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_key_path() == tmp_path / "cxdial" / "ledger.key"
    load_ledger_key({})
    assert default_key_path().exists()


def test_the_key_file_variable_names_the_file(tmp_path: Path) -> None:
    """CXDIAL_LEDGER_KEY_FILE points at the key file."""
    path = tmp_path / "elsewhere.key"
    load_ledger_key({"CXDIAL_LEDGER_KEY_FILE": str(path)})
    assert path.exists()


def test_a_readable_key_file_is_refused(tmp_path: Path) -> None:
    """A key file others can read is refused with the chmod that fixes it."""
    path = tmp_path / "ledger.key"
    path.write_text(secrets.token_hex(32))
    path.chmod(0o644)
    with pytest.raises(ConfigurationError, match="not private") as info:
        load_ledger_key({}, path)
    assert info.value.fix is not None
    assert "chmod 600" in info.value.fix


def test_a_symlinked_key_file_is_refused(tmp_path: Path) -> None:
    """A planted symlink is not followed."""
    target = tmp_path / "real.key"
    target.write_text(secrets.token_hex(32))
    target.chmod(0o600)
    link = tmp_path / "ledger.key"
    os.symlink(target, link)
    with pytest.raises(ConfigurationError, match=r"symlink|cannot open"):
        load_ledger_key({}, link)


@pytest.mark.parametrize(
    ("value", "message"), [("zz", "not hexadecimal"), ("ab" * 8, "at least 32")]
)
def test_a_bad_environment_key_names_the_variable(value: str, message: str) -> None:
    """A short or non-hex CXDIAL_LEDGER_KEY is an error naming the variable."""
    with pytest.raises(ConfigurationError, match=message) as info:
        load_ledger_key({"CXDIAL_LEDGER_KEY": value})
    assert info.value.field == "CXDIAL_LEDGER_KEY"


def test_the_key_never_shows(tmp_path: Path) -> None:
    """``repr`` and ``str`` show the public key id only, never the secret."""
    hexkey = secrets.token_hex(32)
    key = LedgerKey.from_hex(hexkey)
    assert hexkey not in repr(key)
    assert hexkey not in str(key)
    assert key.key_id in repr(key)
