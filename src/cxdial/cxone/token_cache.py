"""Tokens and the optional on-disk token cache (one JSON file, mode 0600, atomic writes)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["Token", "TokenFileCache", "credentials_key"]


@dataclass(frozen=True)
class Token:
    """An access token and what came with it; ``repr`` masks every secret."""

    access_token: str
    expires_at: float
    lifetime: float
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    refresh_token: str | None = None
    id_token: str | None = None
    api_endpoint: str | None = None

    def __repr__(self) -> str:
        return f"Token(expires_at={self.expires_at:.0f}, access_token='***')"

    def fresh(self, now: float, margin: float) -> bool:
        """Still usable: more than ``margin`` seconds left (at most half the lifetime)."""
        effective = min(margin, self.lifetime / 2)
        return now < self.expires_at - effective


def credentials_key(issuer: str, access_key_id: str, client_id: str) -> str:
    """A stable, non-secret key for one set of credentials."""
    raw = f"{issuer.rstrip('/')}|{access_key_id}|{client_id}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


class TokenFileCache:
    """Tokens per credentials key in a JSON file that only its owner can read or write."""

    def __init__(self, path: Path) -> None:
        self.path = path.expanduser()

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def load(self, key: str) -> Token | None:
        """The cached token for ``key``, or None (missing or unreadable cache)."""
        entry = self._read().get(key)
        if not isinstance(entry, dict):
            return None
        try:
            return Token(**entry)
        except TypeError:
            return None

    def save(self, key: str, token: Token) -> None:
        """Store ``token`` under ``key`` (file mode 0600, replaced atomically)."""
        data = self._read()
        data[key] = asdict(token)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(data, handle)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
