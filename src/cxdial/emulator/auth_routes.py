"""Discovery documents, the OAuth token endpoint and UserHub's access-key login (cxone-api.md §1).

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
    AccessKey,
)
from cxdial.emulator.deps import world_of
from cxdial.emulator.errors import ApiError, OAuthError
from cxdial.emulator.jsonbody import decode_json, json_body
from cxdial.emulator.signing import ALGORITHM

__all__ = ["USERHUB_CLIENT", "base_url", "router"]

router = APIRouter()
_NO_STORE = {"Cache-Control": "no-store"}
USERHUB_CLIENT = "cxone-userhub"
"""The audience of tokens from the UserHub access-key login (emulator design)."""


def base_url(request: Request) -> str:
    """The server's own base URL without a trailing slash."""
    return str(request.base_url).rstrip("/")


@router.get("/.well-known/openid-configuration")
async def openid_configuration(request: Request) -> dict[str, Any]:
    """OIDC discovery: where the token endpoint and keys live (fields as CXone's, §2)."""
    issuer = base_url(request)
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/auth/authorize",
        "token_endpoint": f"{issuer}/auth/token",
        "userinfo_endpoint": f"{issuer}/auth/userinfo",
        "jwks_uri": f"{issuer}/auth/jwks",
        "end_session_endpoint": f"{issuer}/auth/authorize/logout",
        # client_secret_post is a deliberate addition: the spec lists only
        # client_secret_basic, but some registrations use post (cxone-api.md §1.2)
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "grant_types_supported": ["password", "refresh_token"],
        "scopes_supported": ["openid"],
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "claim_types_supported": ["normal"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "request_object_signing_alg_values_supported": [ALGORITHM],
        "display_values_supported": ["page", "popup"],
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
        "globaldomain_v1": host,
    }


@router.get("/auth/jwks")
async def jwks(request: Request) -> dict[str, Any]:
    """The public half of the id_token key, as an RSA JWK with its ``kid``."""
    return {"keys": [world_of(request).signer.jwk()]}


@router.api_route("/auth/authorize", methods=["GET", "POST"])
async def authorize() -> JSONResponse:
    """User-facing flows are out of scope: the emulator registers only a back-end app."""
    raise OAuthError(
        400,
        "unauthorized_client",
        "The emulator's application is a back-end app: use grant_type=password with an access key",
    )


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison of any text (``hmac`` refuses non-ASCII ``str``)."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str | None]:
    """(client_id, client_secret) from Basic or the form; secret None when none was sent."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise OAuthError(401, "invalid_client", "Malformed Basic authorization header") from exc
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    return form.get("client_id", ""), form.get("client_secret")


def _check_client(client_id: str, secret: str | None) -> None:
    if not client_id:
        raise OAuthError(
            401,
            "invalid_client",
            "No client authentication: send Authorization: Basic base64(client_id:client_secret)"
            " or client_id and client_secret in the form body",
        )
    if not (_same(client_id, DEMO_CLIENT_ID) and _same(secret or "", DEMO_CLIENT_SECRET)):
        raise OAuthError(401, "invalid_client", "Unknown client_id or wrong client_secret")


async def _token_form(request: Request) -> dict[str, str]:
    """The token request's fields. Form-encoded, also when labelled ``application/json``
    (NICE's SDK sends it so; INFERRED that CXone tolerates it) or when it is a JSON object."""
    ctype = request.headers.get("content-type", "").lower()
    if not ctype.startswith(("application/x-www-form-urlencoded", "application/json")):
        raise OAuthError(
            400, "invalid_request", "Send the token request as application/x-www-form-urlencoded"
        )
    raw = await request.body()
    if raw.lstrip().startswith(b"{"):
        try:
            data = decode_json(raw)
        except ApiError as exc:
            raise OAuthError(400, "invalid_request", exc.description) from None
        return _text_fields(data)
    text = raw.decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


def _text_fields(data: Any) -> dict[str, str]:
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise OAuthError(400, "invalid_request", "The body must be an object of text fields")
    return dict(data)


@router.post("/auth/token")
async def token(request: Request) -> JSONResponse:
    """The password grant with an access key, and refresh; anything else is refused.

    The password grant needs client authentication (Basic or ``client_secret_post``).
    The refresh grant, as the spec and NICE's SDK send it, may come from a public client:
    ``client_id`` alone, or no client credentials at all; a secret that is sent must be
    right, and a ``client_id`` must be the one the refresh token was issued to."""
    world = world_of(request)
    form = await _token_form(request)
    grant_type = form.get("grant_type", "")
    if grant_type not in {"password", "refresh_token"}:
        raise OAuthError(
            400,
            "unsupported_grant_type",
            f"grant_type '{grant_type}' is not supported; CXone back-end apps use "
            "grant_type=password with an access key id and secret (no client_credentials)",
        )
    client_id, client_secret = _client_credentials(request, form)
    issuer = base_url(request)
    if grant_type == "refresh_token":
        if client_secret is not None:
            _check_client(client_id, client_secret)
        redeemed = world.tokens.redeem_refresh(form.get("refresh_token", ""))
        if redeemed is None or (client_id and not _same(client_id, redeemed[1])):
            raise OAuthError(
                400, "invalid_grant", "The refresh_token is unknown, expired or already used"
            )
        issued = world.tokens.issue(redeemed[0], redeemed[1], grant_type, issuer)
        return JSONResponse(issued.oauth_body(), headers=_NO_STORE)
    _check_client(client_id, client_secret)
    key = _access_key(form.get("username", ""), form.get("password", ""))
    issued = world.tokens.issue(key, client_id, grant_type, issuer)
    return JSONResponse(issued.oauth_body(), headers=_NO_STORE)


def _access_key(key_id: str, secret: str, *, status: int = 400) -> AccessKey:
    """The access key with this id and secret, or an OAuth error."""
    if not key_id or not secret:
        raise OAuthError(
            400, "invalid_request", "username (access key id) and password (secret) are required"
        )
    key = ACCESS_KEYS.get(key_id)
    if key is None or not _same(secret, key.secret):
        raise OAuthError(
            status, "invalid_grant", "Unknown access key id or wrong access key secret"
        )
    return key


async def _userhub_fields(request: Request) -> dict[str, str]:
    """A UserHub body: JSON (MCP and most clients) or form-encoded (TAP's ``data=``)."""
    ctype = request.headers.get("content-type", "").lower()
    if ctype.startswith("application/x-www-form-urlencoded"):
        text = (await request.body()).decode("utf-8", "replace")
        return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
    try:
        data = await json_body(request, empty={})
    except ApiError as exc:
        raise OAuthError(400, "invalid_request", exc.description) from None
    return _text_fields(data)


@router.post("/authentication/v1/token/access-key")
async def access_key_login(request: Request) -> JSONResponse:
    """UserHub's access-key login (TAP, MCP): ``{accessKeyId, accessKeySecret}`` in, the
    OAuth token response out. No client credentials; NICE advises against building on it."""
    world = world_of(request)
    fields = await _userhub_fields(request)
    key_id, secret = fields.get("accessKeyId", ""), fields.get("accessKeySecret", "")
    if not key_id or not secret:
        raise OAuthError(400, "invalid_request", "accessKeyId and accessKeySecret are required")
    key = _access_key(key_id, secret, status=401)
    issued = world.tokens.issue(key, USERHUB_CLIENT, "access_key", base_url(request))
    return JSONResponse(issued.oauth_body(), headers=_NO_STORE)


@router.post("/public/user/refresh")
async def userhub_refresh(request: Request) -> JSONResponse:
    """UserHub's refresh: ``{token}`` (a refresh token) in; ``token``, ``refreshToken`` and
    their lifetimes out. The OAuth names (``access_token`` …) are sent too, a deliberate
    addition: TAP reads those from this answer."""
    world = world_of(request)
    fields = await _userhub_fields(request)
    redeemed = world.tokens.redeem_refresh(fields.get("token", ""))
    if redeemed is None:
        raise OAuthError(401, "invalid_grant", "The token is unknown, expired or already used")
    issued = world.tokens.issue(redeemed[0], redeemed[1], "userhub_refresh", base_url(request))
    body = {
        "token": issued.access_token,
        "tokenExpirationTimeSec": issued.expires_in,
        "refreshToken": issued.refresh_token,
        "refreshTokenExpirationTimeSec": issued.refresh_expires_in,
        "tenantId": DEMO_TENANT_ID,
        **issued.oauth_body(),
    }
    return JSONResponse(body, headers=_NO_STORE)


@router.api_route("/auth/userinfo", methods=["GET", "POST"])
async def userinfo(request: Request) -> dict[str, Any]:
    """OIDC userinfo for a bearer token: who the access key acts as.

    ``sub, name, given_name, family_name, email`` as the spec; ``tenantId``,
    ``icAgentId`` and ``userId`` are the emulator's additions."""
    header = request.headers.get("authorization", "")
    key, reason = (
        world_of(request).tokens.check(header[7:].strip())
        if header.lower().startswith("bearer ")
        else (None, "Missing Authorization: Bearer <access token>")
    )
    if key is None:
        raise ApiError(401, "invalid_token", reason)
    given, _, family = key.user_name.partition("@")[0].partition(".")
    return {
        "sub": key.user_id,
        "name": key.user_name,
        "given_name": given,
        "family_name": family,
        "email": key.user_name,
        "tenantId": DEMO_TENANT_ID,
        "icAgentId": str(key.agent_id),
        "userId": key.user_id,
    }
