"""The emulator's id_token signing key: RSA 2048, made when the emulator starts, RS256.

CXone signs id_tokens with RS256 and publishes ``{kty: "RSA", use, alg, kid, n, e}`` at
``/auth/jwks``; NICE's SDK finds the key by ``kid`` and verifies the signature. The key
lives as long as the emulator (a reset keeps it, as a tenant keeps its keys) and never
leaves the process except as its public half. The ``kid`` is the key's RFC 7638
thumbprint.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["ALGORITHM", "SigningKey"]

ALGORITHM = "RS256"


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class SigningKey:
    """One RSA key pair: signs id_tokens, publishes its public JWK."""

    def __init__(self, key_size: int = 2048) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
        numbers = self._key.public_key().public_numbers()
        self._n, self._e = _b64url_uint(numbers.n), _b64url_uint(numbers.e)
        thumb = json.dumps({"e": self._e, "kty": "RSA", "n": self._n}, separators=(",", ":"))
        digest = hashlib.sha256(thumb.encode()).digest()
        self.kid = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def jwk(self) -> dict[str, str]:
        """The public key as a JWKS entry."""
        return {
            "kty": "RSA",
            "use": "sig",
            "alg": ALGORITHM,
            "kid": self.kid,
            "n": self._n,
            "e": self._e,
        }

    def sign(self, claims: dict[str, Any]) -> str:
        """A compact RS256 JWT of ``claims`` with this key's ``kid`` in the header."""
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def __repr__(self) -> str:
        return f"SigningKey(kid={self.kid!r})"
