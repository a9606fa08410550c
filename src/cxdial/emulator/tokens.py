"""Issued access and refresh tokens, their lifetimes, revocation, and the grant counter.

Token lifetimes run on real (wall) time, whatever the simulation speed, because the
client computes expiry from ``expires_in`` on its own clock.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from dataclasses import dataclass

import jwt

from cxdial.emulator.credentials import (
    AREA,
    CLUSTER_ID,
    DEMO_BUSINESS_UNIT,
    DEMO_TENANT_ID,
    TENANT_NAME,
    AccessKey,
)

__all__ = ["ID_TOKEN_KEY", "ID_TOKEN_KID", "IssuedToken", "TokenStore"]

ID_TOKEN_KEY = "cxdial-emulator-id-token-signing-key-not-a-secret"
"""HS256 key of the emulator's id_tokens (published in its JWKS; real CXone uses RS256)."""
ID_TOKEN_KID = "emulator-hs256"


@dataclass(slots=True)
class IssuedToken:
    """One access token and who it acts for."""

    key: AccessKey
    client_id: str
    expires_at: float
    revoked: bool = False


class TokenStore:
    """Issues, checks and revokes tokens; counts grants by grant type."""

    def __init__(self, lifetime: int) -> None:
        self.lifetime = lifetime
        self.grants: Counter[str] = Counter()
        self._access: dict[str, IssuedToken] = {}
        self._refresh: dict[str, tuple[AccessKey, str]] = {}

    def issue(
        self, key: AccessKey, client_id: str, grant_type: str, issuer: str
    ) -> dict[str, object]:
        """A token response body for ``key`` acting through ``client_id``."""
        self.grants[grant_type] += 1
        now = time.time()
        access = "emu-at-" + secrets.token_urlsafe(24)
        refresh = "emu-rt-" + secrets.token_urlsafe(24)
        self._access[access] = IssuedToken(key, client_id, now + self.lifetime)
        self._refresh[refresh] = (key, client_id)
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
        }
        id_token = jwt.encode(
            claims, ID_TOKEN_KEY, algorithm="HS256", headers={"kid": ID_TOKEN_KID}
        )
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.lifetime,
            "refresh_token": refresh,
            "id_token": id_token,
            "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
        }

    def redeem_refresh(self, refresh_token: str) -> tuple[AccessKey, str] | None:
        """The key and client a refresh token was issued to (single use), or None."""
        return self._refresh.pop(refresh_token, None)

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
