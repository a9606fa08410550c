"""Discovery, the token grant and the ACD request checks (401, 403, 404, 406)."""

from __future__ import annotations

import base64

import httpx
import jwt
import pytest
from emulator_support import ACD, Api, grant

from cxdial.emulator.credentials import (
    DEMO_BUSINESS_UNIT,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_TENANT_ID,
    READONLY_ACCESS_KEY_ID,
    READONLY_ACCESS_KEY_SECRET,
)

pytestmark = pytest.mark.anyio


async def test_openid_configuration_points_at_own_base_url(client: httpx.AsyncClient) -> None:
    """The issuer and token endpoint derive from the request's base URL."""
    body = (await client.get("/.well-known/openid-configuration")).json()
    assert body["issuer"] == "http://emulator"
    assert body["token_endpoint"] == "http://emulator/auth/token"
    assert set(body["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
    }
    assert body["scopes_supported"] == ["openid"]


async def test_cxone_configuration_known_and_unknown_tenant(client: httpx.AsyncClient) -> None:
    """Tenant discovery answers the api_endpoint for the demo tenant and 404 otherwise."""
    ok = await client.get("/.well-known/cxone-configuration", params={"tenantId": DEMO_TENANT_ID})
    assert ok.json()["api_endpoint"] == "http://emulator"
    assert ok.json()["tenantId"] == DEMO_TENANT_ID
    missing = await client.get("/.well-known/cxone-configuration", params={"tenantId": "nope"})
    assert missing.status_code == 404


async def test_password_grant_with_basic_auth_issues_id_token_claims(
    client: httpx.AsyncClient,
) -> None:
    """A Basic-authenticated password grant returns a verifiable id_token with CXone claims."""
    body = (await grant(client)).json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    keys = jwt.PyJWKSet.from_dict((await client.get("/auth/jwks")).json())
    kid = jwt.get_unverified_header(body["id_token"])["kid"]
    claims = jwt.decode(
        body["id_token"], keys[kid].key, algorithms=["RS256"], audience=DEMO_CLIENT_ID
    )
    assert claims["iss"] == "http://emulator"
    assert claims["tenantId"] == DEMO_TENANT_ID
    assert claims["icBUId"] == DEMO_BUSINESS_UNIT
    assert claims["icClusterId"] == "EMU1"
    assert claims["exp"] - claims["iat"] == 3600


async def test_password_grant_with_client_secret_post(client: httpx.AsyncClient) -> None:
    """client_id/client_secret in the form body (client_secret_post) are accepted."""
    response = await client.post(
        "/auth/token",
        data={
            "grant_type": "password",
            "username": READONLY_ACCESS_KEY_ID,
            "password": READONLY_ACCESS_KEY_SECRET,
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        },
    )
    assert response.status_code == 200
    assert response.json()["access_token"]


@pytest.mark.parametrize(
    ("data", "basic", "status", "error"),
    [
        ({"grant_type": "client_credentials"}, True, 400, "unsupported_grant_type"),
        (
            {"grant_type": "password", "username": "EMULATOR-ACCESS-KEY", "password": "x"},
            True,
            400,
            "invalid_grant",
        ),
        (
            {"grant_type": "password", "username": "EMULATOR-ACCESS-KEY", "password": "x"},
            False,
            401,
            "invalid_client",
        ),
    ],
)
async def test_token_errors_use_oauth_shape(
    client: httpx.AsyncClient, data: dict[str, str], basic: bool, status: int, error: str
) -> None:
    """Refused grants answer {error, error_description} with the OAuth error code."""
    auth = (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) if basic else None
    response = await client.post("/auth/token", data=data, auth=auth)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.json()["error_description"]


async def test_refresh_grant_is_single_use_and_counted(client: httpx.AsyncClient) -> None:
    """A refresh token yields a new access token once; grants are counted in the stats."""
    first = (await grant(client)).json()
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    creds = (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    again = await client.post("/auth/token", data=form, auth=creds)
    assert again.status_code == 200
    assert again.json()["access_token"] != first["access_token"]
    reused = await client.post("/auth/token", data=form, auth=creds)
    assert reused.json()["error"] == "invalid_grant"
    stats = (await client.get("/_emulator/stats")).json()
    assert stats["tokenGrants"] == 2
    assert stats["tokenGrantsByType"] == {"password": 1, "refresh_token": 1}


async def test_missing_and_revoked_tokens_get_401(client: httpx.AsyncClient, api: Api) -> None:
    """No bearer token, or a revoked one, answers 401 invalid_token."""
    bare = await client.get(ACD + "/skills")
    assert bare.status_code == 401
    assert bare.json()["error"] == "invalid_token"
    assert (await api.call("GET", "/skills")).status_code == 200
    await client.post("/_emulator/tokens/revoke")
    revoked = await api.call("GET", "/skills")
    assert revoked.status_code == 401
    assert "revoked" in revoked.json()["errorDescription"]


async def test_short_token_lifetime_expires(client: httpx.AsyncClient) -> None:
    """Tokens issued after POST /_emulator/token-lifetime carry the new expires_in."""
    await client.post("/_emulator/token-lifetime", json={"seconds": 5})
    assert (await grant(client)).json()["expires_in"] == 5


async def test_readonly_key_gets_403_naming_permission(client: httpx.AsyncClient) -> None:
    """A user without Skills Edit may read skills but not create them; 403 names the permission."""
    token = (await grant(client, READONLY_ACCESS_KEY_ID, READONLY_ACCESS_KEY_SECRET)).json()
    api = Api(client, token["access_token"])
    assert (await api.call("GET", "/skills")).status_code == 200
    denied = await api.call("POST", "/skills", json={"skills": []})
    assert denied.status_code == 403
    assert "'Skills Edit'" in denied.json()["errorDescription"]
    assert "Skills Edit" in denied.headers["icStatusDescription"]


async def test_accept_header_required(api: Api) -> None:
    """Without Accept: application/json the API answers 406 'No known way to render data'."""
    response = await api.call("GET", "/skills", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert response.json()["errorDescription"].startswith("No known way to render data")


async def test_path_case_and_version_table(api: Api) -> None:
    """inContactAPI is case-insensitive; unsupported versions get 404 naming the range."""
    headers = api.headers
    for prefix in ("/incontactapi", "/InContactAPI"):
        ok = await api.client.get(prefix + "/services/v12.0/skills", headers=headers)
        assert ok.status_code == 200
    old = await api.client.get("/inContactAPI/services/v2.0/skills", headers=headers)
    assert old.status_code == 404
    assert "v12.0 through v34.0" in old.json()["errorDescription"]


async def test_request_id_echoed_or_generated(api: Api) -> None:
    """X-Request-Id echoes the client's value, or a fresh one is generated."""
    echoed = await api.call("GET", "/skills", headers={"X-Request-Id": "req-123"})
    assert echoed.headers["x-request-id"] == "req-123"
    generated = await api.call("GET", "/skills")
    assert len(generated.headers["x-request-id"]) == 32


async def test_malformed_basic_header_is_invalid_client(client: httpx.AsyncClient) -> None:
    """A Basic header that is not base64 answers 401 invalid_client."""
    response = await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": "a", "password": "b"},
        headers={"Authorization": "Basic " + base64.b64encode(b"\xff").decode() + "!"},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_per_endpoint_version_table(api: Api) -> None:
    """dial-phone exists only from v23.0: v20.0 is 404 naming the range, v23.0 is routed."""
    url = "/inContactAPI/services/{}/agent-sessions/x/dial-phone"
    old = await api.client.post(url.format("v20.0"), headers=api.headers, json={})
    assert old.status_code == 404
    assert "v23.0 through v34.0" in old.json()["errorDescription"]
    new = await api.client.post(url.format("v23.0"), headers=api.headers, json={})
    assert new.json()["error"] == "SessionNotFound"


async def test_userinfo_names_the_access_key_user(api: Api) -> None:
    """/auth/userinfo answers the token's user; without a token it is 401."""
    info = await api.client.get("/auth/userinfo", headers=api.headers)
    assert info.json()["tenantId"] == DEMO_TENANT_ID
    assert (await api.client.get("/auth/userinfo")).status_code == 401
