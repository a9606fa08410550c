"""Tokens, and the optional on-disk token cache that trusts nothing it reads.

The cache is one JSON file of entries keyed by a hash of issuer + access key id + client
id. Its defences (the threat model is in ``docs/client.md``):

- a file or directory not owned by this user, or writable by group or others, a symlink,
  or anything but a regular file is refused with a warning and never read or written;
- writes go to a fresh temp file in the same (0700) directory, created with
  ``O_CREAT | O_EXCL | O_NOFOLLOW`` and mode 0600, then ``os.replace``-d over the cache,
  so a planted symlink can neither redirect the write nor be followed;
- each entry names the issuer, access key id and client id it belongs to and is used only
  for exactly those; an id_token whose ``iss`` is another issuer is refused;
- the API endpoint is never stored: it is discovered again in each process;
- an unreadable file or a malformed entry is dropped with a warning, never fatal.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt

__all__ = ["CacheBinding", "Token", "TokenFileCache"]

logger = logging.getLogger("cxdial.cxone.auth")

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


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
    """Where the token is used; known only in the process that discovered it (never cached)."""

    def __repr__(self) -> str:
        return f"Token(expires_at={self.expires_at:.0f}, access_token='***')"

    def fresh(self, now: float, margin: float) -> bool:
        """Still usable: more than ``margin`` seconds left (at most half the lifetime)."""
        effective = min(margin, self.lifetime / 2)
        return now < self.expires_at - effective


@dataclass(frozen=True)
class CacheBinding:
    """Whose token an entry holds: it is used only for exactly these credentials."""

    issuer: str
    access_key_id: str
    client_id: str

    @property
    def key(self) -> str:
        """A stable, non-secret key for the entry."""
        raw = f"{self.issuer.rstrip('/')}|{self.access_key_id}|{self.client_id}".encode()
        return hashlib.sha256(raw).hexdigest()[:32]


_STR_FIELDS = ("access_token", "token_type")
_OPTIONAL_STR_FIELDS = ("refresh_token", "id_token")


def _token_of(entry: Any, binding: CacheBinding) -> Token | None:
    """The entry as a :class:`Token` bound to ``binding``, or None (with the reason logged)."""
    if not isinstance(entry, dict):
        return _bad("the entry is not an object")
    for name, want in (
        ("issuer", binding.issuer),
        ("access_key_id", binding.access_key_id),
        ("client_id", binding.client_id),
    ):
        if entry.get(name) != want:
            return _bad(f"the entry belongs to another {name.replace('_', ' ')}")
    if not all(isinstance(entry.get(k), str) and entry[k] for k in _STR_FIELDS):
        return _bad("access_token or token_type is missing")
    if not all(entry.get(k) is None or isinstance(entry[k], str) for k in _OPTIONAL_STR_FIELDS):
        return _bad("refresh_token or id_token is not text")
    numbers = (entry.get("expires_at"), entry.get("lifetime"))
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers):
        return _bad("expires_at or lifetime is not a number")
    id_token = entry.get("id_token")
    if id_token:
        try:
            issuer = jwt.decode(id_token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError:
            return _bad("the id_token cannot be decoded")
        if issuer is not None and str(issuer).rstrip("/") != binding.issuer.rstrip("/"):
            return _bad("the id_token was issued by another issuer")
    return Token(
        access_token=entry["access_token"],
        expires_at=float(entry["expires_at"]),
        lifetime=float(entry["lifetime"]),
        token_type=entry["token_type"],
        refresh_token=entry.get("refresh_token"),
        id_token=id_token,
    )


def _bad(reason: str) -> Token | None:
    """Log why a cache entry is discarded; the entry reads as absent."""
    logger.warning("token cache entry discarded: %s", reason)
    return None


class TokenFileCache:
    """Tokens per :class:`CacheBinding` in a JSON file only its owner can write.

    ``owner`` is the uid the file and its directory must belong to (the effective uid by
    default).
    """

    def __init__(self, path: Path, *, owner: int | None = None) -> None:
        self.path = path.expanduser()
        self.owner = os.geteuid() if owner is None else owner

    # --- trust checks -------------------------------------------------------------------
    def _untrusted(self, info: os.stat_result, what: str) -> str | None:
        """Why ``info`` (of the cache file or its directory) must not be trusted, or None."""
        if info.st_uid != self.owner:
            return f"{what} is owned by uid {info.st_uid}, not {self.owner}"
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return f"{what} is writable by group or others (mode {stat.S_IMODE(info.st_mode):o})"
        return None

    def _directory_ok(self, create: bool) -> bool:
        directory = self.path.parent
        if create and not directory.exists():
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            info = os.lstat(directory)
        except OSError:
            return False
        problem = (
            "its directory is not a directory"
            if not stat.S_ISDIR(info.st_mode)
            else self._untrusted(info, "its directory")
        )
        if problem:
            logger.warning("token cache %s not used: %s", self.path, problem)
            return False
        return True

    def _read(self) -> dict[str, Any]:
        """The file's entries; {} (with a warning) for anything missing or untrustworthy."""
        if not self._directory_ok(create=False):
            return {}
        try:
            fd = os.open(self.path, os.O_RDONLY | _NOFOLLOW)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            logger.warning("token cache %s not used: cannot open it (%s)", self.path, exc.strerror)
            return {}
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            problem = (
                "it is not a regular file"
                if not stat.S_ISREG(info.st_mode)
                else self._untrusted(info, "the file")
            )
            if problem:
                logger.warning("token cache %s not used: %s", self.path, problem)
                return {}
            raw = handle.read(1_000_000)
        try:
            data = json.loads(raw)
        except ValueError:
            logger.warning("token cache %s is not JSON: starting afresh", self.path)
            return {}
        if not isinstance(data, dict):
            logger.warning("token cache %s is not a JSON object: starting afresh", self.path)
            return {}
        return data

    # --- the interface ------------------------------------------------------------------
    def load(self, binding: CacheBinding) -> Token | None:
        """The cached token for ``binding``, or None (missing, refused or malformed)."""
        data = self._read()
        if binding.key not in data:
            return None
        return _token_of(data[binding.key], binding)

    def save(self, binding: CacheBinding, token: Token) -> None:
        """Store ``token`` for ``binding`` (temp file + ``os.replace``; refusals only warn)."""
        if not self._directory_ok(create=True):
            return
        data = {
            key: entry
            for key, entry in self._read().items()
            if isinstance(entry, dict) and key != binding.key
        }
        data[binding.key] = {
            "issuer": binding.issuer,
            "access_key_id": binding.access_key_id,
            "client_id": binding.client_id,
            "access_token": token.access_token,
            "expires_at": token.expires_at,
            "lifetime": token.lifetime,
            "token_type": token.token_type,
            "refresh_token": token.refresh_token,
            "id_token": token.id_token,
        }
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(8)}.tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
        try:
            fd = os.open(tmp, flags, 0o600)
        except OSError as exc:
            logger.warning("token cache %s not written: %s", self.path, exc.strerror)
            return
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(data, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            logger.warning("token cache %s not written: %s", self.path, exc.strerror)
