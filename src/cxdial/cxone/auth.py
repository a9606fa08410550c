"""CXone authentication: discovery, the access-key password grant, tenant routing, refresh.

The flow (``cxone-api.md`` §1, VERIFIED-code in Cognigy, MCP and NICE's agent SDK):

1. ``GET {issuer}/.well-known/openid-configuration`` → ``token_endpoint``.
2. ``POST {token_endpoint}`` with ``grant_type=password``, the access key id/secret as
   username/password, and the registered app's client id/secret by HTTP Basic
   (``client_auth="basic"``) or in the form body (``"post"``). CXone has no
   client_credentials grant and no scope but ``openid``.
3. Decode the id_token *without verifying it* (routing only) for ``iss`` and ``tenantId``;
   ``GET {iss}/.well-known/cxone-configuration?tenantId=`` → ``api_endpoint``
   (``Settings.api_endpoint`` overrides). The endpoint is always discovered, never read
   from the token cache.

Tokens are refreshed ``token_refresh_margin`` seconds before expiry (refresh_token grant,
falling back to the password grant). The flow (:meth:`AuthCore.flow`) is an I/O-free
generator of :class:`~.request.APIRequest` s, which :mod:`.token_source` sends through the
one HTTP policy (same retries, caps and logs as every other request).
"""

from __future__ import annotations

import base64
from collections.abc import Generator
from typing import Any

import jwt
from pydantic import SecretStr

from cxdial.config import Settings
from cxdial.cxone.backoff import Clock
from cxdial.cxone.request import APIRequest, APIResponse, identity
from cxdial.cxone.token_cache import CacheBinding, Token, TokenFileCache
from cxdial.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
)

__all__ = ["AuthCore", "Flow"]

Flow = Generator[APIRequest[Any], APIResponse[Any], Token]
Step = Generator[APIRequest[Any], APIResponse[Any], Any]


class AuthCore:
    """I/O-free auth state: discovery results, the current token and the id_token claims."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        settings.require("access_key_id", "access_key_secret", "client_id", "client_secret")
        self.settings = settings
        self.clock = clock
        self.issuer = settings.issuer.rstrip("/")
        self.token_endpoint: str | None = None
        self.current: Token | None = None
        self.claims: dict[str, Any] = {}
        self.grants = 0
        self._cache = (
            TokenFileCache(settings.token_cache_path) if settings.token_cache_path else None
        )
        self._binding = CacheBinding(
            issuer=self.issuer,
            access_key_id=settings.access_key_id or "",
            client_id=settings.client_id or "",
        )
        if self._cache is not None:
            cached = self._cache.load(self._binding)
            if cached is not None and cached.fresh(clock.time(), settings.token_refresh_margin):
                self._adopt(cached)

    # --- state ------------------------------------------------------------------------
    @property
    def api_endpoint(self) -> str | None:
        """The tenant API host (the override, else discovered in this process)."""
        if self.settings.api_endpoint:
            return self.settings.api_endpoint.rstrip("/")
        return self.current.api_endpoint if self.current else None

    @property
    def expires_at(self) -> float | None:
        """Epoch seconds when the current token expires."""
        return self.current.expires_at if self.current else None

    def usable(self) -> str | None:
        """The access token when it is fresh enough to use, else None."""
        token = self.current
        if token and token.fresh(self.clock.time(), self.settings.token_refresh_margin):
            return token.access_token
        return None

    def ready(self) -> str | None:
        """The access token when it is usable *and* the API endpoint is known, else None."""
        return self.usable() if self.api_endpoint is not None else None

    def _adopt(self, token: Token) -> None:
        self.current = token
        self.claims = _claims(token.id_token)

    # --- the flow ---------------------------------------------------------------------
    def flow(self, *, renew: bool = False, password: bool = False) -> Flow:
        """Get a token when none is usable (or ``renew``), and route to the API endpoint.

        The grant is the refresh grant when a refresh token is at hand, else (or when it
        is refused, or ``password`` is set) the password grant with the access key.
        """
        token = self.current
        granted = renew or self.usable() is None or token is None
        if granted or token is None:
            if self.token_endpoint is None:
                self.token_endpoint = yield from self._discover()
            body: Any = None
            if not password and token is not None and token.refresh_token:
                try:
                    body = yield from self._grant(
                        {"grant_type": "refresh_token", "refresh_token": token.refresh_token}
                    )
                except APIConnectionError:
                    raise
                except APIError:
                    body = None
            if body is None:
                s = self.settings
                body = yield from self._grant(
                    {
                        "grant_type": "password",
                        "username": s.access_key_id or "",
                        "password": _reveal(s.access_key_secret),
                    }
                )
            token = self._token_from(body, token)
        if self.settings.api_endpoint is None and token.api_endpoint is None:
            token = yield from self._route(token)
        self._adopt(token)
        if granted and self._cache is not None:
            self._cache.save(self._binding, token)
        return token

    def _discover(self) -> Step:
        doc = yield from self._get_json(f"{self.issuer}/.well-known/openid-configuration")
        endpoint = doc.get("token_endpoint") if isinstance(doc, dict) else None
        if not isinstance(endpoint, str):
            raise ConfigurationError(
                f"{self.issuer} publishes no token_endpoint",
                field="issuer",
                fix="set CXDIAL_ISSUER to https://cxone.niceincontact.com (or your issuer)",
            )
        return endpoint

    def _token_from(self, body: Any, previous: Token | None) -> Token:
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise AuthenticationError(
                "the token endpoint answered without an access_token",
                fix="check CXDIAL_ISSUER points at a CXone issuer",
            )
        try:
            lifetime = float(body.get("expires_in") or 3600)
        except (TypeError, ValueError):
            lifetime = 3600.0
        self.grants += 1
        return Token(
            access_token=body["access_token"],
            expires_at=self.clock.time() + lifetime,
            lifetime=lifetime,
            token_type=str(body.get("token_type") or "Bearer"),
            refresh_token=body.get("refresh_token")
            or (previous.refresh_token if previous else None),
            id_token=body.get("id_token") or (previous.id_token if previous else None),
            api_endpoint=previous.api_endpoint if previous else None,
        )

    def _route(self, token: Token) -> Generator[APIRequest[Any], APIResponse[Any], Token]:
        claims = _claims(token.id_token)
        issuer = str(claims.get("iss") or self.issuer).rstrip("/")
        tenant = claims.get("tenantId")
        if not tenant:
            raise ConfigurationError(
                "the id_token carries no tenantId, so the API endpoint cannot be discovered",
                field="api_endpoint",
                fix="set CXDIAL_API_ENDPOINT to your tenant's API host",
            )
        doc = yield from self._get_json(
            f"{issuer}/.well-known/cxone-configuration", params={"tenantId": str(tenant)}
        )
        endpoint = doc.get("api_endpoint") if isinstance(doc, dict) else None
        if not isinstance(endpoint, str):
            raise ConfigurationError(
                "cxone-configuration has no api_endpoint",
                field="api_endpoint",
                fix="set CXDIAL_API_ENDPOINT to your tenant's API host",
            )
        return Token(**{**token.__dict__, "api_endpoint": endpoint.rstrip("/")})

    def _get_json(self, url: str, params: dict[str, str] | None = None) -> Step:
        request = APIRequest(
            "GET",
            url,
            parse=identity,
            params=params,
            authenticated=False,
            refine_error=_unreachable,
        )
        response = yield request
        return response.parsed

    def _grant(self, form: dict[str, str]) -> Step:
        s = self.settings
        headers: dict[str, str] = {}
        if s.client_auth == "basic":
            pair = f"{s.client_id or ''}:{_reveal(s.client_secret)}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        else:
            secret = _reveal(s.client_secret)
            form = {**form, "client_id": s.client_id or "", "client_secret": secret}
        if form["grant_type"] == "refresh_token":
            form.setdefault("client_id", s.client_id or "")
        request = APIRequest(
            "POST",
            self.token_endpoint or "",
            parse=identity,
            form=form,
            headers=headers,
            idempotent=True,  # a repeated grant only mints another token
            authenticated=False,
            refine_error=_refused,
        )
        response = yield request
        return response.parsed


def _unreachable(error: APIError) -> APIError:
    """Discovery failed: point at the issuer setting."""
    if isinstance(error, APIConnectionError):
        error.fix = "check CXDIAL_ISSUER and network access to it"
    return error


def _refused(error: APIError) -> APIError:
    """A grant answered 400/401: name the credential settings to check."""
    if isinstance(error, APIStatusError) and error.status_code in (400, 401):
        return AuthenticationError(
            f"token request refused: {error.message}",
            status_code=error.status_code,
            request_id=error.request_id,
            method=error.method,
            url=error.url,
            fix="check CXDIAL_ACCESS_KEY_ID/SECRET, CXDIAL_CLIENT_ID/SECRET and "
            "CXDIAL_CLIENT_AUTH (basic or post) for this application",
        )
    return _unreachable(error)


def _reveal(secret: SecretStr | None) -> str:
    """The secret's value (only ever placed in a request body or header, never logged)."""
    return secret.get_secret_value() if secret is not None else ""


def _claims(id_token: str | None) -> dict[str, Any]:
    """id_token claims, decoded WITHOUT signature verification: used for routing only."""
    if not id_token:
        return {}
    try:
        claims = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}
    return dict(claims)
