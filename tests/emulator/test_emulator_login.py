"""Login as real clients do it: RS256 id_tokens, public-client refresh, the UserHub access key."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers
from emulator_support import ACD, grant

from cxdial.emulator.credentials import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_TENANT_ID,
    READONLY_ACCESS_KEY_ID,
    READONLY_ACCESS_KEY_SECRET,
)

pytestmark = pytest.mark.anyio

_JSON = {"Accept": "application/json"}


def _bearer(token: str) -> dict[str, str]:
    return {**_JSON, "Authorization": f"Bearer {token}"}


def _b64_int(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


def _sdk_verify(id_token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """What NICE's SDK does (cxone-auth.js verifyJwt): key by kid, RSA from n/e, RS256 only."""
    kid = jwt.get_unverified_header(id_token)["kid"]
    (entry,) = [k for k in jwks["keys"] if k["kid"] == kid]
    public = RSAPublicNumbers(_b64_int(entry["e"]), _b64_int(entry["n"])).public_key()
    claims: dict[str, Any] = jwt.decode(
        id_token, public, algorithms=["RS256"], options={"verify_aud": False}
    )
    return claims


async def test_id_token_verifies_as_nices_sdk_does(client: httpx.AsyncClient) -> None:
    """The id_token is RS256 and verifies against the JWKS entry its kid names."""
    body = (await grant(client)).json()
    jwks = (await client.get("/auth/jwks")).json()
    (key,) = jwks["keys"]
    assert key["kty"] == "RSA"
    assert key["use"] == "sig"
    assert key["alg"] == "RS256"
    assert set(key) == {"kty", "use", "alg", "kid", "n", "e"}
    assert jwt.get_unverified_header(body["id_token"])["alg"] == "RS256"
    claims = _sdk_verify(body["id_token"], jwks)
    assert claims["tenantId"] == DEMO_TENANT_ID
    assert claims["role"]["legacyId"] == "Administrator"


async def test_tampered_id_token_fails_verification(client: httpx.AsyncClient) -> None:
    """Changing a claim breaks the RS256 signature, so the check is real."""
    body = (await grant(client)).json()
    head, payload, signature = body["id_token"].split(".")
    claims = jwt.decode(body["id_token"], options={"verify_signature": False})
    claims["tenantId"] = "someone-else"
    forged = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(claims).encode()).decode()
    jwks = (await client.get("/auth/jwks")).json()
    with pytest.raises(jwt.InvalidSignatureError):
        _sdk_verify(f"{head}.{forged}.{signature}", jwks)
    assert payload != forged


async def test_signing_key_survives_reset(client: httpx.AsyncClient) -> None:
    """A reset forgets tokens but keeps the tenant's key: an older id_token still verifies."""
    body = (await grant(client)).json()
    await client.post("/_emulator/reset")
    _sdk_verify(body["id_token"], (await client.get("/auth/jwks")).json())


async def test_discovery_carries_the_spec_fields(client: httpx.AsyncClient) -> None:
    """OIDC discovery lists what the spec lists, RS256 throughout."""
    body = (await client.get("/.well-known/openid-configuration")).json()
    assert body["subject_types_supported"] == ["public"]
    assert body["id_token_signing_alg_values_supported"] == ["RS256"]
    assert body["token_endpoint_auth_signing_alg_values_supported"] == ["RS256"]
    assert body["request_object_signing_alg_values_supported"] == ["RS256"]
    assert body["claim_types_supported"] == ["normal"]
    assert body["display_values_supported"] == ["page", "popup"]
    tenant = await client.get(
        "/.well-known/cxone-configuration", params={"tenantId": DEMO_TENANT_ID}
    )
    assert tenant.json()["globaldomain_v1"] == "emulator"


async def test_refresh_as_the_spec_sends_it_needs_no_secret(client: httpx.AsyncClient) -> None:
    """`{client_id, grant_type, refresh_token}` without a secret (a public client) is granted."""
    first = (await grant(client)).json()
    form = {
        "client_id": DEMO_CLIENT_ID,
        "grant_type": "refresh_token",
        "refresh_token": first["refresh_token"],
    }
    response = await client.post("/auth/token", data=form)
    assert response.status_code == 200
    assert response.json()["access_token"] != first["access_token"]


async def test_refresh_as_the_sdk_sends_it(client: httpx.AsyncClient) -> None:
    """NICE's SDK: no client credentials, `scope=openid`, urlencoded body labelled JSON."""
    first = (await grant(client)).json()
    body = f"grant_type=refresh_token&scope=openid&refresh_token={first['refresh_token']}"
    response = await client.post(
        "/auth/token", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200
    token = response.json()["access_token"]
    skills = await client.get(ACD + "/skills", headers=_bearer(token))
    assert skills.status_code == 200


async def test_refresh_refuses_a_wrong_secret_or_another_client(client: httpx.AsyncClient) -> None:
    """A secret that is sent must be right; a client_id must be the token's own client."""
    first = (await grant(client)).json()
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    wrong = await client.post("/auth/token", data=form, auth=(DEMO_CLIENT_ID, "nope"))
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    other = await client.post("/auth/token", data={**form, "client_id": "another-app"})
    assert other.json()["error"] == "invalid_grant"


async def test_password_grant_labelled_json(client: httpx.AsyncClient) -> None:
    """A urlencoded password grant with `Content-Type: application/json` is read as a form."""
    body = f"grant_type=password&username={DEMO_ACCESS_KEY_ID}&password={DEMO_ACCESS_KEY_SECRET}"
    response = await client.post(
        "/auth/token",
        content=body,
        headers={"Content-Type": "application/json"},
        auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
    )
    assert response.status_code == 200


async def test_non_ascii_credentials_are_refused_not_crashed(client: httpx.AsyncClient) -> None:
    """A password with non-ASCII text is a wrong password (400), never a server error."""
    response = await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": DEMO_ACCESS_KEY_ID, "password": "pässwörd"},
        auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_access_key_login_as_mcp_sends_it(client: httpx.AsyncClient) -> None:
    """UserHub login with a JSON body gives OAuth tokens that the ACD API accepts."""
    response = await client.post(
        "/authentication/v1/token/access-key",
        json={"accessKeyId": READONLY_ACCESS_KEY_ID, "accessKeySecret": READONLY_ACCESS_KEY_SECRET},
    )
    assert response.status_code == 200
    body = response.json()
    assert {"access_token", "refresh_token", "expires_in", "id_token"} <= set(body)
    assert body["expires_in"] == 3600
    claims = _sdk_verify(body["id_token"], (await client.get("/auth/jwks")).json())
    assert claims["role"]["legacyId"] == "Reporting"
    headers = _bearer(body["access_token"])
    assert (await client.get(ACD + "/skills", headers=headers)).status_code == 200


async def test_access_key_login_as_tap_sends_it(client: httpx.AsyncClient) -> None:
    """TAP posts the same fields form-encoded (`requests` `data=`); that works too."""
    response = await client.post(
        "/authentication/v1/token/access-key",
        data={"accessKeyId": DEMO_ACCESS_KEY_ID, "accessKeySecret": DEMO_ACCESS_KEY_SECRET},
    )
    assert response.status_code == 200
    stats = (await client.get("/_emulator/stats")).json()
    assert stats["tokenGrantsByType"] == {"access_key": 1}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"accessKeyId": DEMO_ACCESS_KEY_ID, "accessKeySecret": "wrong"}, 401),
        ({"accessKeyId": DEMO_ACCESS_KEY_ID}, 400),
        ({"accessKeyId": 5, "accessKeySecret": "x"}, 400),
    ],
)
async def test_access_key_login_refusals(
    client: httpx.AsyncClient, body: dict[str, Any], status: int
) -> None:
    """A wrong secret is 401, a missing or non-text field 400, in OAuth's error shape."""
    response = await client.post("/authentication/v1/token/access-key", json=body)
    assert response.status_code == status
    assert response.json()["error"] in {"invalid_grant", "invalid_request"}


async def test_userhub_refresh_rotates_the_token(client: httpx.AsyncClient) -> None:
    """`POST /public/user/refresh {token}` answers UserHub's fields (and OAuth's) once per token."""
    login = await client.post(
        "/authentication/v1/token/access-key",
        json={"accessKeyId": DEMO_ACCESS_KEY_ID, "accessKeySecret": DEMO_ACCESS_KEY_SECRET},
    )
    refresh = login.json()["refresh_token"]
    response = await client.post("/public/user/refresh", json={"token": refresh})
    assert response.status_code == 200
    body = response.json()
    assert body["tokenExpirationTimeSec"] == 3600
    assert body["refreshTokenExpirationTimeSec"] > 3600
    assert body["refreshToken"] != refresh
    assert body["access_token"] == body["token"]
    headers = _bearer(body["token"])
    assert (await client.get(ACD + "/skills", headers=headers)).status_code == 200
    again = await client.post("/public/user/refresh", data={"token": refresh})
    assert again.status_code == 401


async def test_401_carries_no_ic_status_description(client: httpx.AsyncClient) -> None:
    """A 401 has no icStatusDescription header (QA v7 expects none); a 404 has one."""
    unauthorized = await client.get(ACD + "/skills", headers=_JSON)
    assert unauthorized.status_code == 401
    assert "icStatusDescription" not in unauthorized.headers
    version = await client.get("/inContactAPI/services/v99.0/skills", headers=_JSON)
    assert version.headers["icStatusDescription"].startswith("API version")


async def test_success_carries_ic_status_description(client: httpx.AsyncClient) -> None:
    """A 200 from the ACD API says `icStatusDescription: Success`, as CXone does."""
    token = (await grant(client)).json()["access_token"]
    response = await client.get(ACD + "/skills", headers=_bearer(token))
    assert response.headers["icStatusDescription"] == "Success"


async def test_userinfo_has_the_spec_fields(client: httpx.AsyncClient) -> None:
    """/auth/userinfo answers sub, name, given_name, family_name and email."""
    token = (await grant(client)).json()["access_token"]
    info = await client.get("/auth/userinfo", headers={"Authorization": f"Bearer {token}"})
    body = info.json()
    assert {"sub", "name", "given_name", "family_name", "email"} <= set(body)
    assert body["email"] == body["name"]
