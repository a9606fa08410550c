"""What makes a ledger entry provable: its canonical hash, its signature, the verify report."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from cxdial.errors import CxdialError

__all__ = [
    "HASHED_FIELDS",
    "TAMPERED_EXIT_CODE",
    "LedgerTampered",
    "Problem",
    "VerifyReport",
    "entry_hash",
    "mac_message",
    "utc",
]

TAMPERED_EXIT_CODE = 4
"""``cxdial ledger verify`` exits with this code when the ledger fails verification."""

HASHED_FIELDS = (
    "ledger",
    "seq",
    "prev_hash",
    "recorded_at",
    "decided_for",
    "contact_id",
    "phone_e164",
    "purpose",
    "allowed",
    "reasons",
    "next_allowed_at",
    "rule_set_version",
    "override_reason",
    "zones",
    "details",
    "inputs",
    "key_id",
)
"""The columns an entry's hash covers: all but ``id``, ``entry_hash`` and ``mac``."""


class LedgerTampered(CxdialError):
    """The ledger or its checkpoint fails verification (exit code 4)."""

    exit_code = TAMPERED_EXIT_CODE


class Problem(StrEnum):
    """Why verification failed."""

    SEQUENCE_GAP = "sequence_gap"
    CHAIN_BROKEN = "chain_broken"
    HASH_MISMATCH = "hash_mismatch"
    WRONG_KEY = "wrong_key"
    BAD_SIGNATURE = "bad_signature"
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"
    CHECKPOINT_INVALID = "checkpoint_invalid"
    CHECKPOINT_MISSING = "checkpoint_missing"
    TRUNCATED = "truncated"
    TABLE_MISSING = "table_missing"


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of ``Ledger.verify()``; ``problem`` and ``reason`` say what broke first."""

    ok: bool
    ledger: str
    entries_checked: int
    checkpoint_count: int | None = None
    checkpoint_at: datetime | None = None
    problem: Problem | None = None
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    reason: str = ""

    @property
    def unconfirmed(self) -> int:
        """Entries after the checkpoint (written since, or a crash before it was updated)."""
        return max(0, self.entries_checked - (self.checkpoint_count or 0))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the report."""
        out = asdict(self)
        out["checkpoint_at"] = self.checkpoint_at.isoformat() if self.checkpoint_at else None
        out["problem"] = str(self.problem) if self.problem else None
        out["unconfirmed"] = self.unconfirmed
        return out

    def raise_for_tampering(self) -> VerifyReport:
        """This report, or :class:`LedgerTampered` carrying its reason."""
        if not self.ok:
            raise LedgerTampered(
                f"ledger {self.ledger!r} failed verification: {self.reason}",
                fix="keep the database and checkpoint as they are and investigate",
            )
        return self


def utc(value: datetime | None) -> datetime | None:
    """``value`` in UTC; naive values (SQLite drops the zone) were stored in UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        stamp = utc(value)
        assert stamp is not None
        return stamp.isoformat()
    return value


def entry_hash(values: Mapping[Any, Any]) -> str:
    """SHA-256 of the canonical JSON of the hashed columns (``prev_hash`` links the chain)."""
    body = {name: _canonical(values[name]) for name in HASHED_FIELDS}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def mac_message(digest: str) -> bytes:
    """The bytes an entry's HMAC covers: a domain tag and its hash."""
    return f"cxdial-ledger-entry-v2:{digest}".encode()
