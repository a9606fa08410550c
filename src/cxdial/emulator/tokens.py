"""Issued access and refresh tokens, their lifetimes, revocation, and the grant counter.

Token lifetimes run on real (wall) time, whatever the simulation speed, because the
client computes expiry from ``expires_in`` on its own clock. Refresh tokens are single use
(rotated on every refresh; whether CXone rotates them is unverified) and live
:data:`REFRESH_LIFETIME` seconds (emulator design). id_tokens are RS256, signed by the
world's :class:`~cxdial.emulator.signing.SigningKey`.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from dataclasses import dataclass

from cxdial.emulator.credentials import (
    AREA,
    CLUSTER_ID,
    DEMO_BUSINESS_UNIT,
    DEMO_TENANT_ID,
    TENANT_NAME,
    AccessKey,
)
from cxdial.emulator.signing import SigningKey

__all__ = ["REFRESH_LIFETIME", "Grant", "IssuedToken", "TokenStore"]

REFRESH_LIFETIME = 86_400
"""Seconds a refresh token stays redeemable (emulator design)."""


@dataclass(slots=True)
class IssuedToken:
    """One access token and who it acts for."""

    key: AccessKey
    client_id: str
    expires_at: float
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class Grant:
    """What one successful grant issued."""

    access_token: str
    refresh_token: str
    id_token: str
    expires_in: int
    refresh_expires_in: int

    def oauth_body(self) -> dict[str, object]:
        """The OAuth token response (``/auth/token`` and the access-key login)."""
        return {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "refresh_token": self.refresh_token,
            "id_token": self.id_token,
            "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
        }


class TokenStore:
    """Issues, checks and revokes tokens; counts grants by grant type."""

    def __init__(self, lifetime: int, signer: SigningKey) -> None:
        self.lifetime = lifetime
        self.signer = signer
        self.grants: Counter[str] = Counter()
        self._access: dict[str, IssuedToken] = {}
        self._refresh: dict[str, tuple[AccessKey, str, float]] = {}

    def issue(self, key: AccessKey, client_id: str, grant_type: str, issuer: str) -> Grant:
        """New tokens for ``key`` acting through ``client_id``."""
        self.grants[grant_type] += 1
        now = time.time()
        access = "emu-at-" + secrets.token_urlsafe(24)
        refresh = "emu-rt-" + secrets.token_urlsafe(24)
        self._access[access] = IssuedToken(key, client_id, now + self.lifetime)
        self._refresh[refresh] = (key, client_id, now + REFRESH_LIFETIME)
        claims = {
            "iss": issuer,
            "aud": client_id,
            "sub": key.user_id,
            "iat": int(now),
            "exp": int(now) + self.lifetime,
            "tenantId": DEMO_TENANT_ID,
            "tenant": TENANT_NAME,
            "icBUId": DEMO_BUSINESS_UNIT,
            "icClusterId": CLUSTER_ID,
            "area": AREA,
            "icAgentId": str(key.agent_id),
            "userId": key.user_id,
            "icDomain": "emulator.local",
            "name": key.user_name,
            "role": {"id": key.role_id, "legacyId": key.role, "secondaryRoles": []},
        }
        return Grant(access, refresh, self.signer.sign(claims), self.lifetime, REFRESH_LIFETIME)

    def redeem_refresh(self, refresh_token: str) -> tuple[AccessKey, str] | None:
        """The key and client a refresh token was issued to (single use), or None."""
        entry = self._refresh.pop(refresh_token, None)
        if entry is None or time.time() >= entry[2]:
            return None
        return entry[0], entry[1]

    def check(self, access_token: str) -> tuple[AccessKey | None, str]:
        """The key behind a bearer token, or None and why it is refused."""
        issued = self._access.get(access_token)
        if issued is None:
            return None, "The access token is not known; request a new token"
        if issued.revoked:
            return None, "The access token was revoked; request a new token"
        if time.time() >= issued.expires_at:
            return None, "The access token has expired; refresh it or request a new token"
        return issued.key, ""

    def revoke_all(self) -> int:
        """Revoke every live access token; return how many."""
        count = 0
        for issued in self._access.values():
            if not issued.revoked:
                issued.revoked = True
                count += 1
        return count
