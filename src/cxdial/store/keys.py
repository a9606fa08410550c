"""The ledger's signing key: held outside the database, never logged.

Resolution (see docs/ledger.md): the ``CXDIAL_LEDGER_KEY`` variable (hex, at least 32 bytes)
if set, else a key file (default ``<user config dir>/ledger.key``), created on first use with
32 random bytes and mode 0600 in a 0700 directory. A key file that is a symlink, not owned by
the user or readable by others is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from cxdial.errors import ConfigurationError

__all__ = ["KEY_ENV", "KEY_FILE_ENV", "LedgerKey", "load_ledger_key"]

KEY_ENV = "CXDIAL_LEDGER_KEY"
KEY_FILE_ENV = "CXDIAL_LEDGER_KEY_FILE"
_MIN_BYTES = 32


class LedgerKey:
    """An HMAC-SHA256 key; masked in ``repr`` and never exposed by the ledger."""

    __slots__ = ("_secret", "key_id")

    def __init__(self, secret: bytes) -> None:
        if len(secret) < _MIN_BYTES:
            raise ConfigurationError(
                f"the ledger key has {len(secret)} bytes; at least {_MIN_BYTES} are needed",
                field=KEY_ENV,
                fix="use 64 or more hex digits, e.g. `python -c 'import secrets; "
                "print(secrets.token_hex(32))'`",
            )
        self._secret = bytes(secret)
        self.key_id = self.sign(b"cxdial ledger key id")[:16]
        """A public fingerprint of the key, stored beside each entry to name the key used."""

    @classmethod
    def from_hex(cls, text: str, *, source: str = KEY_ENV) -> LedgerKey:
        """A key from its hex spelling (``source`` names where it came from in errors)."""
        try:
            secret = bytes.fromhex(text.strip())
        except ValueError:
            raise ConfigurationError(
                "the ledger key is not hexadecimal", field=source, fix="store the key as hex digits"
            ) from None
        return cls(secret)

    def sign(self, message: bytes) -> str:
        """HMAC-SHA256 of ``message``, hex."""
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def verifies(self, message: bytes, mac: str) -> bool:
        """Whether ``mac`` is this key's HMAC of ``message`` (constant-time)."""
        return hmac.compare_digest(self.sign(message), mac)

    def __repr__(self) -> str:
        return f"LedgerKey(key_id={self.key_id!r})"


def load_ledger_key(
    environ: Mapping[str, str], key_file: Path | None = None, *, create: bool = True
) -> LedgerKey:
    """The key from ``environ[CXDIAL_LEDGER_KEY]``, else from ``key_file``.

    ``key_file`` defaults to ``environ[CXDIAL_LEDGER_KEY_FILE]``, then the user config dir;
    a missing file is created when ``create`` (writers), else refused (readers: a new key
    could never verify old entries).
    """
    text = environ.get(KEY_ENV)
    if text:
        return LedgerKey.from_hex(text)
    if key_file is None:
        from cxdial.store.paths import default_key_path

        named = environ.get(KEY_FILE_ENV)
        key_file = Path(named) if named else default_key_path()
    path = key_file.expanduser()
    if not path.exists() and not path.is_symlink():
        if not create:
            raise ConfigurationError(
                f"no ledger key: {KEY_ENV} is not set and {path} does not exist",
                field=KEY_ENV,
                fix=f"set {KEY_ENV} or point {KEY_FILE_ENV} / --key-file at the key the "
                "ledger was written with",
            )
        _create(path)
    return LedgerKey.from_hex(_read_private(path), source=KEY_FILE_ENV)


def _create(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(_MIN_BYTES) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # a concurrent first use won: keep its key
            os.link(tmp, path)  # atomic, never overwrites
    finally:
        tmp.unlink(missing_ok=True)


def _read_private(path: Path) -> str:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot open the ledger key file {path}: {exc.strerror}",
            field=KEY_FILE_ENV,
            fix="point CXDIAL_LEDGER_KEY_FILE at a regular file you own (not a symlink)",
        ) from None
    with os.fdopen(fd) as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ConfigurationError(
                f"the ledger key file {path} is not a regular file", field=KEY_FILE_ENV
            )
        if info.st_uid != os.geteuid() or info.st_mode & 0o077:
            raise ConfigurationError(
                f"the ledger key file {path} is not private to you "
                f"(mode {stat.S_IMODE(info.st_mode):o})",
                field=KEY_FILE_ENV,
                fix=f"chown it to yourself and `chmod 600 {path}`",
            )
        return fh.read()
