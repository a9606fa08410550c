"""Auth against the emulator: discovery, grants, refresh, single-flight, 401 re-auth, cache."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest
from cxone_helpers import Control, run, settings_for
from fastapi import FastAPI

from cxdial.cxone import AsyncClient, Client, FakeClock
from cxdial.emulator import credentials as demo
from cxdial.emulator.testing import SyncASGITransport
from cxdial.errors import AuthenticationError, ConfigurationError, PermissionDenied


def _async_client(app: FastAPI, **overrides: Any) -> AsyncClient:
    return AsyncClient.from_settings(
        settings_for(**overrides), transport=httpx.ASGITransport(app=app)
    )


def test_discovery_and_basic_grant_route_to_the_api_endpoint(app: FastAPI) -> None:
    """Discovery finds the token endpoint; the Basic grant's id_token routes to api_endpoint."""

    async def go() -> None:
        async with _async_client(app) as client:
            info = await client.authenticate()
            assert info.token_endpoint == "http://emulator/auth/token"
            assert info.api_endpoint == "http://emulator"
            assert info.tenant_id == demo.DEMO_TENANT_ID
            assert info.expires_at is not None
            assert info.claims["iss"] == "http://emulator"

    run(go())


def test_client_secret_post_grant(app: FastAPI, control: Control) -> None:
    """client_auth='post' sends the client credentials in the form body and is accepted."""

    async def go() -> None:
        async with _async_client(app, client_auth="post") as client:
            unit = await client.business_unit.get()
            assert unit.business_unit_id == demo.DEMO_BUSINESS_UNIT

    run(go())
    assert control.get("stats")["tokenGrants"] == 1


def test_wrong_secret_is_an_authentication_error_naming_the_settings(app: FastAPI) -> None:
    """A refused grant raises AuthenticationError whose fix names the credential settings."""

    async def go() -> None:
        async with _async_client(app, access_key_secret="nope") as client:
            await client.authenticate()

    with pytest.raises(AuthenticationError) as info:
        run(go())
    assert "CXDIAL_ACCESS_KEY_ID" in str(info.value)
    assert "nope" not in str(info.value)


def test_missing_credentials_are_a_configuration_error() -> None:
    """Without an access key the client refuses to start and names the env var to set."""
    with pytest.raises(ConfigurationError, match="CXDIAL_ACCESS_KEY_ID"):
        Client.from_settings(settings_for(access_key_id=None))


def test_single_flight_under_200_concurrent_requests(app: FastAPI, control: Control) -> None:
    """200 concurrent first requests cause exactly one token grant."""

    async def go() -> None:
        async with _async_client(app) as client:
            units = await asyncio.gather(*(client.business_unit.get() for _ in range(200)))
            assert len(units) == 200

    run(go())
    assert control.get("stats")["tokenGrants"] == 1


def test_401_reauthenticates_once_and_retries(app: FastAPI, control: Control) -> None:
    """After the emulator revokes every token, 50 concurrent calls share one re-auth and succeed."""

    async def go() -> None:
        async with _async_client(app) as client:
            await client.business_unit.get()
            await control.apost("tokens/revoke")
            results = await asyncio.gather(*(client.business_unit.get() for _ in range(50)))
            assert len(results) == 50
            stats = await control.aget("stats")
            assert stats["tokenGrants"] == 2

    run(go())


def test_token_refreshed_before_expiry(app: FastAPI, control: Control) -> None:
    """A token inside the refresh margin is refreshed (refresh_token grant) before use."""
    control.post("token-lifetime", {"seconds": 100})
    clock = FakeClock()

    async def go() -> None:
        client = AsyncClient.from_settings(
            settings_for(token_refresh_margin=30),
            transport=httpx.ASGITransport(app=app),
            clock=clock,
        )
        async with client:
            await client.business_unit.get()
            first = client.auth.expires_at
            clock.advance(60)  # 40 s left < 30 s margin? no: still fresh
            await client.business_unit.get()
            assert client.auth.expires_at == first
            clock.advance(15)  # 25 s left: inside the margin
            await client.business_unit.get()
            assert client.auth.expires_at is not None
            assert first is not None
            assert client.auth.expires_at > first

    run(go())
    grants = control.get("stats")["tokenGrantsByType"]
    assert grants == {"password": 1, "refresh_token": 1}


def test_readonly_key_gets_403_naming_the_permission(app: FastAPI) -> None:
    """A write by a user lacking the permission raises PermissionDenied naming it and the fix."""
    settings = settings_for(
        access_key_id=demo.READONLY_ACCESS_KEY_ID, access_key_secret=demo.READONLY_ACCESS_KEY_SECRET
    )

    async def go() -> None:
        async with AsyncClient.from_settings(settings, transport=httpx.ASGITransport(app=app)) as c:
            await c.skills.start(1)

    with pytest.raises(PermissionDenied) as info:
        run(go())
    assert info.value.field == "Skills Edit"
    assert "security profile" in str(info.value)


def test_token_cache_file_is_private_and_reused(
    app: FastAPI, control: Control, sync_transport: SyncASGITransport, tmp_path: Path
) -> None:
    """The on-disk cache is written with mode 0600 and a second client reuses its token."""
    cache = tmp_path / "cache" / "tokens.json"
    settings = settings_for(token_cache_path=cache)
    with Client.from_settings(settings, transport=sync_transport) as client:
        client.business_unit.get()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert demo.DEMO_ACCESS_KEY_SECRET not in cache.read_text()
    with Client.from_settings(settings, transport=sync_transport) as again:
        again.business_unit.get()
    assert control.get("stats")["tokenGrants"] == 1


def test_grant_is_resent_after_a_5xx_and_a_connect_error() -> None:
    """Discovery after a connect error and a grant after a 503 are resent with backoff."""
    failures: dict[str, list[str | int]] = {
        "/.well-known/openid-configuration": ["connect"],
        "/auth/token": [503],
    }
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        seen.append(path)
        queued = failures.get(path)
        if queued:
            failure = queued.pop(0)
            if failure == "connect":
                raise httpx.ConnectError("refused", request=request)
            return httpx.Response(int(failure), headers={"Retry-After": "1"})
        if path.endswith("openid-configuration"):
            return httpx.Response(200, json={"token_endpoint": "http://mock/auth/token"})
        if path == "/auth/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 3600})
        return httpx.Response(200, json={})

    clock = FakeClock()
    settings = settings_for("http://mock", api_endpoint="http://mock")
    with Client.from_settings(settings, transport=httpx.MockTransport(handle), clock=clock) as c:
        c.business_unit.get()
    assert seen.count("/auth/token") == 2
    assert seen.count("/.well-known/openid-configuration") == 2
    assert clock.sleeps[1] == 1.0
    assert len(clock.sleeps) == 2


def test_server_side_expiry_is_recovered_by_one_reauth(app: FastAPI, control: Control) -> None:
    """A token the server considers expired (1 s lifetime, wall time) costs one new grant."""
    control.post("token-lifetime", {"seconds": 1})

    async def go() -> None:
        client = AsyncClient.from_settings(
            settings_for(), transport=httpx.ASGITransport(app=app), clock=FakeClock()
        )
        async with client:  # the fake clock never moves, so only the server sees expiry
            await client.business_unit.get()
            await asyncio.sleep(1.1)
            await client.business_unit.get()

    run(go())
    assert control.get("stats")["tokenGrants"] == 2
