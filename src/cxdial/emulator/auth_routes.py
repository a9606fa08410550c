"""Discovery documents and the OAuth token endpoint, as CXone serves them (cxone-api.md §1).

The issuer is the server's own base URL, read from each request, so the same app works
under ``httpx.ASGITransport`` and on a loopback port.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Any
from urllib.parse import parse_qs, unquote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from cxdial.emulator.credentials import (
    ACCESS_KEYS,
    AREA,
    CLUSTER_ID,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_TENANT_ID,
)
from cxdial.emulator.deps import world_of
from cxdial.emulator.errors import ApiError, OAuthError
from cxdial.emulator.tokens import ID_TOKEN_KEY, ID_TOKEN_KID

__all__ = ["base_url", "router"]

router = APIRouter()


def base_url(request: Request) -> str:
    """The server's own base URL without a trailing slash."""
    return str(request.base_url).rstrip("/")


@router.get("/.well-known/openid-configuration")
async def openid_configuration(request: Request) -> dict[str, Any]:
    """OIDC discovery: where the token endpoint and keys live."""
    issuer = base_url(request)
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/auth/authorize",
        "token_endpoint": f"{issuer}/auth/token",
        "userinfo_endpoint": f"{issuer}/auth/userinfo",
        "jwks_uri": f"{issuer}/auth/jwks",
        "end_session_endpoint": f"{issuer}/auth/authorize/logout",
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "grant_types_supported": ["password", "refresh_token"],
        "scopes_supported": ["openid"],
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": ["HS256"],
        "display_values_supported": ["page"],
    }


@router.get("/.well-known/cxone-configuration")
async def cxone_configuration(request: Request, tenantId: str | None = None) -> dict[str, Any]:  # noqa: N803
    """Tenant discovery: the tenant's API endpoint (the server's own base URL here)."""
    if tenantId is None:
        raise ApiError(400, "InvalidParameter", "Missing required query parameter 'tenantId'")
    if tenantId != DEMO_TENANT_ID:
        raise ApiError(404, "TenantNotFound", f"No tenant with id '{tenantId}' on this emulator")
    base = base_url(request)
    host = request.url.hostname or "localhost"
    return {
        "private": False,
        "ui_endpoint": base,
        "auth_endpoint": base,
        "api_endpoint": base,
        "area": AREA,
        "cluster": CLUSTER_ID,
        "domain": host,
        "acdDomain": host,
        "uhDomain": host,
        "tenantId": DEMO_TENANT_ID,
        "globaldomain": host,
    }


@router.get("/auth/jwks")
async def jwks() -> dict[str, Any]:
    """The id_token key. The emulator signs with HS256, so the key is published in full."""
    key = base64.urlsafe_b64encode(ID_TOKEN_KEY.encode()).rstrip(b"=").decode()
    return {"keys": [{"kty": "oct", "kid": ID_TOKEN_KID, "alg": "HS256", "use": "sig", "k": key}]}


@router.api_route("/auth/authorize", methods=["GET", "POST"])
async def authorize() -> JSONResponse:
    """User-facing flows are out of scope: the emulator registers only a back-end app."""
    raise OAuthError(
        400,
        "unauthorized_client",
        "The emulator's application is a back-end app: use grant_type=password with an access key",
    )


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise OAuthError(401, "invalid_client", "Malformed Basic authorization header") from exc
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    return form.get("client_id", ""), form.get("client_secret", "")


def _check_client(client_id: str, secret: str) -> None:
    if not client_id:
        raise OAuthError(
            401,
            "invalid_client",
            "No client authentication: send Authorization: Basic base64(client_id:client_secret)"
            " or client_id and client_secret in the form body",
        )
    known = hmac.compare_digest(client_id, DEMO_CLIENT_ID)
    good = hmac.compare_digest(secret, DEMO_CLIENT_SECRET)
    if not (known and good):
        raise OAuthError(401, "invalid_client", "Unknown client_id or wrong client_secret")


@router.post("/auth/token")
async def token(request: Request) -> JSONResponse:
    """The password grant with an access key (and refresh); anything else is refused."""
    world = world_of(request)
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith("application/x-www-form-urlencoded"):
        raise OAuthError(
            400, "invalid_request", "Send the token request as application/x-www-form-urlencoded"
        )
    raw = (await request.body()).decode("utf-8", "replace")
    form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
    grant_type = form.get("grant_type", "")
    if grant_type not in {"password", "refresh_token"}:
        raise OAuthError(
            400,
            "unsupported_grant_type",
            f"grant_type '{grant_type}' is not supported; CXone back-end apps use "
            "grant_type=password with an access key id and secret (no client_credentials)",
        )
    client_id, client_secret = _client_credentials(request, form)
    _check_client(client_id, client_secret)
    issuer = base_url(request)
    if grant_type == "refresh_token":
        redeemed = world.tokens.redeem_refresh(form.get("refresh_token", ""))
        if redeemed is None or redeemed[1] != client_id:
            raise OAuthError(400, "invalid_grant", "The refresh_token is unknown or already used")
        body = world.tokens.issue(redeemed[0], client_id, grant_type, issuer)
        return JSONResponse(body, headers={"Cache-Control": "no-store"})
    username, password = form.get("username", ""), form.get("password", "")
    if not username or not password:
        raise OAuthError(
            400, "invalid_request", "username (access key id) and password (secret) are required"
        )
    key = ACCESS_KEYS.get(username)
    if key is None or not hmac.compare_digest(password, key.secret):
        raise OAuthError(400, "invalid_grant", "Unknown access key id or wrong access key secret")
    body = world.tokens.issue(key, client_id, grant_type, issuer)
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.api_route("/auth/userinfo", methods=["GET", "POST"])
async def userinfo(request: Request) -> dict[str, Any]:
    """OIDC userinfo for a bearer token: who the access key acts as."""
    header = request.headers.get("authorization", "")
    key, reason = (
        world_of(request).tokens.check(header[7:].strip())
        if header.lower().startswith("bearer ")
        else (None, "Missing Authorization: Bearer <access token>")
    )
    if key is None:
        raise ApiError(401, "invalid_token", reason)
    return {
        "sub": key.user_id,
        "name": key.user_name,
        "tenantId": DEMO_TENANT_ID,
        "icAgentId": str(key.agent_id),
        "userId": key.user_id,
    }
