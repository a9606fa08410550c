"""``Client`` and ``AsyncClient``: twins over the same I/O-free policy, auth and resources.

::

    with Client.from_settings(load_settings()) as client:
        contact = client.scripts.start(skill_id=10, phone_number="+15551230000",
                                       caller_id="+15557654321")
        for done in client.contacts.iter_completed(updated_since="2026-11-23T00:00:00Z"):
            ...

Attributes: ``business_unit``, ``skills``, ``lists``, ``dnc``, ``agents``, ``contacts``,
``scripts``, ``callbacks``, ``agent_sessions``; ``auth`` (issuer, api_endpoint, expiry and
id_token claims); ``send(request)`` for the raw :class:`~.request.APIResponse`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from cxdial.config import Settings
from cxdial.cxone.auth import AuthCore
from cxdial.cxone.backoff import Clock, SystemClock
from cxdial.cxone.http import AsyncHTTP, SyncHTTP, make_limiter
from cxdial.cxone.policy import PolicyCore
from cxdial.cxone.request import APIRequest, APIResponse
from cxdial.cxone.resources import (
    Agents,
    AgentSessions,
    AsyncAgents,
    AsyncAgentSessions,
    AsyncBusinessUnitResource,
    AsyncCallbacks,
    AsyncContacts,
    AsyncDnc,
    AsyncLists,
    AsyncScripts,
    AsyncSkills,
    BusinessUnitResource,
    Callbacks,
    Contacts,
    Dnc,
    Lists,
    Scripts,
    Skills,
)

__all__ = ["AsyncClient", "AuthInfo", "Client"]

T = TypeVar("T")


@dataclass(frozen=True)
class AuthInfo:
    """What ``cxdial auth check`` shows: where we authenticated and what the token says."""

    issuer: str
    token_endpoint: str | None
    api_endpoint: str | None
    expires_at: datetime | None
    claims: dict[str, Any]
    grants: int

    @property
    def tenant_id(self) -> str | None:
        """The tenant from the id_token."""
        value = self.claims.get("tenantId")
        return str(value) if value is not None else None


def _info(core: AuthCore) -> AuthInfo:
    expires = core.expires_at
    return AuthInfo(
        issuer=core.issuer,
        token_endpoint=core.token_endpoint,
        api_endpoint=core.api_endpoint,
        expires_at=datetime.fromtimestamp(expires, UTC) if expires is not None else None,
        claims=dict(core.claims),
        grants=core.grants,
    )


class Client:
    """Blocking CXone client. Build it with :meth:`from_settings`; close it (or use ``with``)."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        rate_limited: bool = True,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        auth_core = AuthCore(settings, self.clock)  # raises ConfigurationError before any I/O
        core = PolicyCore(settings, self.clock, rng=rng)
        self._httpx = httpx.Client(transport=transport, timeout=core.timeout)
        self.http = SyncHTTP(
            self._httpx, auth_core, core, make_limiter(settings, self.clock, enabled=rate_limited)
        )
        self._auth = self.http.auth
        self.business_unit = BusinessUnitResource(self.http)
        self.skills = Skills(self.http)
        self.lists = Lists(self.http)
        self.dnc = Dnc(self.http)
        self.agents = Agents(self.http)
        self.contacts = Contacts(self.http)
        self.scripts = Scripts(self.http)
        self.callbacks = Callbacks(self.http)
        self.agent_sessions = AgentSessions(self.http)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        rate_limited: bool = True,
    ) -> Client:
        """A client for ``settings``; ``transport`` is the test seam (e.g. an emulator app)."""
        return cls(settings, transport=transport, clock=clock, rate_limited=rate_limited)

    @property
    def auth(self) -> AuthInfo:
        """Issuer, API endpoint, token expiry and id_token claims (as of the last grant)."""
        return _info(self._auth.core)

    def authenticate(self, *, fresh: bool = False) -> AuthInfo:
        """Discover, get a token (if none is fresh) and route; return :attr:`auth`.

        ``fresh=True`` performs a password grant even when a token is cached, so a wrong
        access key secret fails now (what ``cxdial auth check`` needs).
        """
        if fresh:
            self._auth.fresh_grant()
        self._auth.token()
        self._auth.api_endpoint()
        return self.auth

    def send(self, request: APIRequest[T]) -> APIResponse[T]:
        """Perform a request built by a resource's ``requests`` builder; the raw response."""
        return self.http.send(request)

    def close(self) -> None:
        """Close the connection pool."""
        self._httpx.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient:
    """Asyncio CXone client, the twin of :class:`Client`."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        rate_limited: bool = True,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        auth_core = AuthCore(settings, self.clock)  # raises ConfigurationError before any I/O
        core = PolicyCore(settings, self.clock, rng=rng)
        self._httpx = httpx.AsyncClient(transport=transport, timeout=core.timeout)
        self.http = AsyncHTTP(
            self._httpx, auth_core, core, make_limiter(settings, self.clock, enabled=rate_limited)
        )
        self._auth = self.http.auth
        self.business_unit = AsyncBusinessUnitResource(self.http)
        self.skills = AsyncSkills(self.http)
        self.lists = AsyncLists(self.http)
        self.dnc = AsyncDnc(self.http)
        self.agents = AsyncAgents(self.http)
        self.contacts = AsyncContacts(self.http)
        self.scripts = AsyncScripts(self.http)
        self.callbacks = AsyncCallbacks(self.http)
        self.agent_sessions = AsyncAgentSessions(self.http)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        rate_limited: bool = True,
    ) -> AsyncClient:
        """A client for ``settings``; ``transport`` is the test seam (e.g. ASGITransport)."""
        return cls(settings, transport=transport, clock=clock, rate_limited=rate_limited)

    @property
    def auth(self) -> AuthInfo:
        """Issuer, API endpoint, token expiry and id_token claims (as of the last grant)."""
        return _info(self._auth.core)

    async def authenticate(self, *, fresh: bool = False) -> AuthInfo:
        """Discover, get a token (if none is fresh) and route; return :attr:`auth`.

        ``fresh=True`` performs a password grant even when a token is cached.
        """
        if fresh:
            await self._auth.fresh_grant()
        await self._auth.token()
        await self._auth.api_endpoint()
        return self.auth

    async def send(self, request: APIRequest[T]) -> APIResponse[T]:
        """Perform a request built by a resource's ``requests`` builder; the raw response."""
        return await self.http.send(request)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._httpx.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
