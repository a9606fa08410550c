"""CXone authentication: discovery, the access-key password grant, tenant routing, refresh.

The flow (``cxone-api.md`` §1, VERIFIED-code in Cognigy, MCP and NICE's agent SDK):

1. ``GET {issuer}/.well-known/openid-configuration`` → ``token_endpoint``.
2. ``POST {token_endpoint}`` with ``grant_type=password``, the access key id/secret as
   username/password, and the registered app's client id/secret by HTTP Basic
   (``client_auth="basic"``) or in the form body (``"post"``). CXone has no
   client_credentials grant and no scope but ``openid``.
3. Decode the id_token *without verifying it* (routing only) for ``iss`` and ``tenantId``;
   ``GET {iss}/.well-known/cxone-configuration?tenantId=`` → ``api_endpoint``
   (``Settings.api_endpoint`` overrides).

Tokens are refreshed ``token_refresh_margin`` seconds before expiry (refresh_token grant,
falling back to the password grant). :class:`SyncAuth` and :class:`AsyncAuth` are
single-flight (see :mod:`.token_source`): however many requests need a token at once, one
grant is in flight. The flow itself (:meth:`AuthCore.flow`) is an I/O-free generator.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import httpx
import jwt
from pydantic import SecretStr

from cxdial.config import Settings
from cxdial.cxone.backoff import Clock, backoff_delay, parse_retry_after
from cxdial.cxone.errormap import error_for_response, json_body
from cxdial.cxone.token_cache import Token, TokenFileCache, credentials_key
from cxdial.errors import APIConnectionError, APIError, AuthenticationError, ConfigurationError

__all__ = ["AuthCore", "Flow"]

Flow = Generator[httpx.Request, httpx.Response, Token]


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
        self._key = credentials_key(
            self.issuer, settings.access_key_id or "", settings.client_id or ""
        )
        if self._cache is not None:
            cached = self._cache.load(self._key)
            if cached is not None and cached.fresh(clock.time(), settings.token_refresh_margin):
                self._adopt(cached)

    # --- state ------------------------------------------------------------------------
    @property
    def api_endpoint(self) -> str | None:
        """The tenant API host (the override, else discovered)."""
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

    def _adopt(self, token: Token) -> None:
        self.current = token
        self.claims = _claims(token.id_token)

    def retry_delay(self, attempt: int, response: httpx.Response | None) -> float:
        """How long to wait before resending a discovery or grant request."""
        hint = None
        if response is not None:
            hint = parse_retry_after(response.headers.get("retry-after"), now=self.clock.time())
        if hint is not None:
            return min(hint, self.settings.retry_after_cap)
        s = self.settings
        return backoff_delay(attempt, initial=s.backoff_initial, maximum=s.backoff_max)

    # --- the flow ---------------------------------------------------------------------
    def flow(self) -> Flow:
        """Discovery (once), a grant (refresh, else password) and tenant routing (once)."""
        if self.token_endpoint is None:
            doc = yield from self._get_json(f"{self.issuer}/.well-known/openid-configuration")
            endpoint = doc.get("token_endpoint") if isinstance(doc, dict) else None
            if not isinstance(endpoint, str):
                raise ConfigurationError(
                    f"{self.issuer} publishes no token_endpoint",
                    field="issuer",
                    fix="set CXDIAL_ISSUER to https://cxone.niceincontact.com (or your issuer)",
                )
            self.token_endpoint = endpoint
        previous = self.current
        body: Any = None
        if previous is not None and previous.refresh_token:
            try:
                body = yield from self._grant(
                    {"grant_type": "refresh_token", "refresh_token": previous.refresh_token}
                )
            except APIError as exc:
                if isinstance(exc, APIConnectionError):
                    raise
                body = None
        if body is None:
            s = self.settings
            body = yield from self._grant(
                {
                    "grant_type": "password",
                    "username": s.access_key_id,
                    "password": _reveal(s.access_key_secret),
                }
            )
        token = self._token_from(body, previous)
        if self.api_endpoint is None and token.api_endpoint is None:
            token = yield from self._route(token)
        self._adopt(token)
        if self._cache is not None:
            self._cache.save(self._key, token)
        return token

    def _token_from(self, body: Any, previous: Token | None) -> Token:
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise AuthenticationError(
                "the token endpoint answered without an access_token",
                fix="check CXDIAL_ISSUER points at a CXone issuer",
            )
        lifetime = float(body.get("expires_in") or 3600)
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

    def _route(self, token: Token) -> Generator[httpx.Request, httpx.Response, Token]:
        claims = _claims(token.id_token)
        issuer = str(claims.get("iss") or self.issuer).rstrip("/")
        tenant = claims.get("tenantId")
        if not tenant:
            raise ConfigurationError(
                "the id_token carries no tenantId, so the API endpoint cannot be discovered",
                field="api_endpoint",
                fix="set CXDIAL_API_ENDPOINT to your tenant's API host",
            )
        url = f"{issuer}/.well-known/cxone-configuration?tenantId={tenant}"
        doc = yield from self._get_json(url)
        endpoint = doc.get("api_endpoint") if isinstance(doc, dict) else None
        if not isinstance(endpoint, str):
            raise ConfigurationError(
                "cxone-configuration has no api_endpoint",
                field="api_endpoint",
                fix="set CXDIAL_API_ENDPOINT to your tenant's API host",
            )
        return Token(**{**token.__dict__, "api_endpoint": endpoint.rstrip("/")})

    def _get_json(self, url: str) -> Generator[httpx.Request, httpx.Response, Any]:
        response = yield httpx.Request("GET", url, headers={"Accept": "application/json"})
        return self._check(response)

    def _grant(self, form: dict[str, Any]) -> Generator[httpx.Request, httpx.Response, Any]:
        s = self.settings
        headers = {"Accept": "application/json"}
        auth: httpx.BasicAuth | None = None
        if s.client_auth == "basic":
            auth = httpx.BasicAuth(s.client_id or "", _reveal(s.client_secret))
        else:
            form = {
                **form,
                "client_id": s.client_id,
                "client_secret": _reveal(s.client_secret),
            }
        if form["grant_type"] == "refresh_token":
            form.setdefault("client_id", s.client_id)
        request = httpx.Request("POST", self.token_endpoint or "", data=form, headers=headers)
        if auth is not None:
            request = next(auth.auth_flow(request))
        response = yield request
        return self._check(response)

    def _check(self, response: httpx.Response) -> Any:
        body = json_body(response)
        if response.status_code >= 300:
            error = error_for_response(response, body, attempts=1)
            if response.status_code in (400, 401):
                raise AuthenticationError(
                    f"token request refused: {error.message}",
                    status_code=response.status_code,
                    request_id=error.request_id,
                    method=response.request.method,
                    url=str(response.request.url),
                    fix="check CXDIAL_ACCESS_KEY_ID/SECRET, CXDIAL_CLIENT_ID/SECRET and "
                    "CXDIAL_CLIENT_AUTH (basic or post) for this application",
                )
            raise error
        return body


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
