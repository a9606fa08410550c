"""The token cache trusts nothing it reads: each attack of issue 13 is refused, never fatal."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import httpx
import jwt
import pytest
from cxone_helpers import Control, settings_for

from cxdial.cxone import Client
from cxdial.cxone.token_cache import CacheBinding, Token, TokenFileCache
from cxdial.emulator import credentials as demo
from cxdial.emulator.testing import SyncASGITransport

BINDING = CacheBinding("http://emulator", demo.DEMO_ACCESS_KEY_ID, demo.DEMO_CLIENT_ID)


def _use(cache: Path, transport: SyncASGITransport) -> None:
    with Client.from_settings(settings_for(token_cache_path=cache), transport=transport) as c:
        c.business_unit.get()


def _grants(control: Control) -> int:
    return int(control.get("stats")["tokenGrants"])


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """Where the cache goes: a 0700 directory of its own."""
    directory = tmp_path / "cxdial"
    directory.mkdir(mode=0o700)
    return directory / "tokens.json"


def test_a_valid_cache_is_reused_and_private(
    cache: Path, control: Control, sync_transport: SyncASGITransport
) -> None:
    """A second client reuses the cached token; the file is 0600 and holds no key secret."""
    _use(cache, sync_transport)
    _use(cache, sync_transport)
    assert _grants(control) == 1
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    text = cache.read_text()
    assert demo.DEMO_ACCESS_KEY_SECRET not in text
    assert "api_endpoint" not in text


def test_world_writable_cache_file_is_not_used(
    cache: Path,
    control: Control,
    sync_transport: SyncASGITransport,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A cache file others can write is refused with a warning and a fresh grant is made."""
    _use(cache, sync_transport)
    os.chmod(cache, 0o666)  # noqa: S103 - the attack under test
    with caplog.at_level(logging.WARNING, logger="cxdial.cxone.auth"):
        _use(cache, sync_transport)
    assert _grants(control) == 2
    assert "writable by group or others" in caplog.text


def test_group_writable_directory_is_not_used(
    tmp_path: Path,
    control: Control,
    sync_transport: SyncASGITransport,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A cache in a directory others can write to is neither read nor written."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)  # noqa: S103 - the attack under test
    with caplog.at_level(logging.WARNING, logger="cxdial.cxone.auth"):
        _use(shared / "tokens.json", sync_transport)
        _use(shared / "tokens.json", sync_transport)
    assert not (shared / "tokens.json").exists()
    assert _grants(control) == 2
    assert "its directory is writable" in caplog.text


def test_file_of_another_user_is_not_used(cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    """An entry in a file owned by another uid is refused."""
    token = Token(access_token="t", expires_at=4e9, lifetime=3600)
    TokenFileCache(cache).save(BINDING, token)
    assert TokenFileCache(cache).load(BINDING) is not None
    with caplog.at_level(logging.WARNING, logger="cxdial.cxone.auth"):
        assert TokenFileCache(cache, owner=os.geteuid() + 1).load(BINDING) is None
    assert "owned by uid" in caplog.text


def test_rewritten_api_endpoint_is_ignored(cache: Path) -> None:
    """An api_endpoint planted in the cache is never used: the endpoint is discovered again."""
    hosts: list[str] = []
    id_token = jwt.encode({"iss": "http://issuer", "tenantId": "t-1"}, "k" * 32, algorithm="HS256")

    def handle(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        path = request.url.path
        if path == "/.well-known/openid-configuration":
            return httpx.Response(200, json={"token_endpoint": "http://issuer/auth/token"})
        if path == "/auth/token":
            body = {"access_token": "tok", "expires_in": 3600, "id_token": id_token}
            return httpx.Response(200, json=body)
        if path == "/.well-known/cxone-configuration":
            return httpx.Response(200, json={"api_endpoint": "http://api"})
        return httpx.Response(200, json={})

    settings = settings_for("http://issuer", token_cache_path=cache)
    with Client.from_settings(settings, transport=httpx.MockTransport(handle)) as client:
        client.business_unit.get()
    data = json.loads(cache.read_text())
    for entry in data.values():
        entry["api_endpoint"] = "http://evil"
    cache.write_text(json.dumps(data))
    hosts.clear()
    with Client.from_settings(settings, transport=httpx.MockTransport(handle)) as client:
        client.business_unit.get()
    assert "evil" not in hosts
    assert hosts == ["issuer", "api"]  # routing discovery, then the API; no new grant


def test_planted_symlink_at_the_cache_path_is_not_followed(
    cache: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A symlink in place of the cache is refused on read and replaced, not written through."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    cache.symlink_to(victim)
    store = TokenFileCache(cache)
    with caplog.at_level(logging.WARNING, logger="cxdial.cxone.auth"):
        assert store.load(BINDING) is None
        store.save(BINDING, Token(access_token="t", expires_at=4e9, lifetime=3600))
    assert victim.read_text() == "precious"
    assert not cache.is_symlink()
    assert store.load(BINDING) is not None


def test_planted_symlink_at_a_temp_name_cannot_redirect_the_write(
    cache: Path, tmp_path: Path
) -> None:
    """The old predictable temp name, planted as a symlink, is never opened."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (cache.parent / f".{cache.name}.{os.getpid()}.tmp").symlink_to(victim)
    TokenFileCache(cache).save(BINDING, Token(access_token="t", expires_at=4e9, lifetime=3600))
    assert victim.read_text() == "precious"
    assert TokenFileCache(cache).load(BINDING) is not None


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[1, 2]",
        json.dumps({BINDING.key: "text"}),
        json.dumps({BINDING.key: {"access_token": "t", "expires_at": "soon", "lifetime": 1}}),
    ],
)
def test_corrupt_cache_is_discarded_with_a_warning(
    cache: Path,
    content: str,
    control: Control,
    sync_transport: SyncASGITransport,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A corrupt file or entry costs one fresh grant and a warning, and is repaired."""
    cache.write_text(content)
    os.chmod(cache, 0o600)
    with caplog.at_level(logging.WARNING, logger="cxdial.cxone.auth"):
        _use(cache, sync_transport)
    assert "token cache" in caplog.text
    _use(cache, sync_transport)
    assert _grants(control) == 1


def test_entry_bound_to_other_credentials_is_not_used(
    cache: Path, control: Control, sync_transport: SyncASGITransport
) -> None:
    """An entry filed under our key but naming another access key id is refused."""
    _use(cache, sync_transport)
    data = json.loads(cache.read_text())
    data[BINDING.key]["access_key_id"] = "SOMEONE-ELSE"
    cache.write_text(json.dumps(data))
    _use(cache, sync_transport)
    assert _grants(control) == 2


def test_entry_whose_id_token_names_another_issuer_is_not_used(cache: Path) -> None:
    """A cached id_token issued elsewhere would route elsewhere: it is refused."""
    elsewhere = jwt.encode({"iss": "http://evil", "tenantId": "t"}, "k" * 32, algorithm="HS256")
    token = Token(access_token="t", expires_at=4e9, lifetime=3600, id_token=elsewhere)
    TokenFileCache(cache).save(BINDING, token)
    assert TokenFileCache(cache).load(BINDING) is None
