"""Signed checkpoints of a ledger, kept in a file outside the database.

A checkpoint says "this ledger held ``count`` entries and the last one hashed to
``head_hash``", HMAC'd with the ledger key. Writers only ever advance it, so deleting,
truncating or rewriting entries the checkpoint vouches for is detected by ``verify``.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cxdial.store.integrity import LedgerTampered
from cxdial.store.keys import LedgerKey

__all__ = ["Checkpoint", "CheckpointError", "CheckpointFile"]

_FORMAT = 1


class CheckpointError(LedgerTampered):
    """The checkpoint file exists but is unreadable, forged or belongs to another ledger."""


@dataclass(frozen=True)
class Checkpoint:
    """How many entries one ledger held and the hash of its last one, at ``at``."""

    ledger: str
    count: int
    head_hash: str
    at: datetime
    key_id: str

    def message(self) -> bytes:
        """The canonical bytes the MAC covers."""
        body = {**asdict(self), "at": self.at.isoformat(), "format": _FORMAT}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


class CheckpointFile:
    """One ledger's checkpoint at ``path`` (mode 0600 in a 0700 directory)."""

    def __init__(self, path: Path, key: LedgerKey) -> None:
        self.path = path.expanduser()
        self._key = key

    def read(self, ledger: str) -> Checkpoint | None:
        """The checkpoint, or None when there is none; :class:`CheckpointError` if bad."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CheckpointError(
                f"cannot read the ledger checkpoint {self.path}: {exc.strerror}"
            ) from None
        try:
            data: dict[str, Any] = json.loads(raw)
            mac = data.pop("mac")
            if data.pop("format") != _FORMAT:
                raise ValueError("format")
            found = Checkpoint(
                ledger=str(data["ledger"]),
                count=int(data["count"]),
                head_hash=str(data["head_hash"]),
                at=datetime.fromisoformat(data["at"]),
                key_id=str(data["key_id"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise CheckpointError(f"the ledger checkpoint {self.path} is malformed") from None
        if found.key_id != self._key.key_id:
            raise CheckpointError(
                f"the ledger checkpoint {self.path} was signed with another key "
                f"(key id {found.key_id}, this key is {self._key.key_id})",
                fix="use the key the ledger was written with",
            )
        if not isinstance(mac, str) or not self._key.verifies(found.message(), mac):
            raise CheckpointError(f"the ledger checkpoint {self.path} fails its signature")
        if found.ledger != ledger:
            raise CheckpointError(
                f"the checkpoint {self.path} belongs to ledger {found.ledger!r}, not {ledger!r}"
            )
        return found

    def advance(self, checkpoint: Checkpoint) -> bool:
        """Write ``checkpoint`` unless the file already vouches for as many entries or more.

        Serialised by a lock file beside it; the write is atomic (temp file, fsync, rename).
        Raises :class:`CheckpointError` instead of overwriting a bad checkpoint, which could
        hide tampering. Returns whether the file changed.
        """
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self._locked():
            current = self.read(checkpoint.ledger)
            if current is not None and current.count >= checkpoint.count:
                return False
            body = json.loads(checkpoint.message())
            body["mac"] = self._key.sign(checkpoint.message())
            self._write_atomic(json.dumps(body, sort_keys=True, indent=1).encode() + b"\n")
            return True

    @contextmanager
    def _locked(self) -> Iterator[None]:
        lock = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _write_atomic(self, data: bytes) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        # The folder is not fsynced: a crash may then keep the previous checkpoint, which
        # only lags (entries after it still verify); the file's own fsync above guarantees
        # it is never seen half-written, which would read as tampering.
