"""One past decision, told in full: verdict, reasons, rule-set version, hashes, signature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cxdial.store.integrity import entry_hash, mac_message, utc
from cxdial.store.keys import LedgerKey
from cxdial.store.tables import LedgerEntry

__all__ = ["EntryReport", "describe_entry"]


@dataclass(frozen=True)
class EntryReport:
    """A ledger entry as ``cxdial ledger explain`` shows it."""

    id: int
    ledger: str
    seq: int
    recorded_at: datetime
    decided_for: datetime | None
    contact_id: str
    phone_e164: str | None
    purpose: str
    allowed: bool
    reasons: tuple[str, ...]
    details: dict[str, str]
    zones: tuple[str, ...]
    next_allowed_at: datetime | None
    rule_set_version: str
    override_reason: str | None
    inputs: dict[str, Any]
    prev_hash: str
    entry_hash: str
    key_id: str
    hash_ok: bool
    signature_ok: bool

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (instants in ISO-8601)."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = (
                value.isoformat()
                if isinstance(value, datetime)
                else list(value)
                if isinstance(value, tuple)
                else value
            )
        return out

    def text(self) -> str:
        """Several lines a person reads: what was decided, why, under which rules, proof."""
        verdict = "ALLOWED" if self.allowed else "BLOCKED"
        for_when = self.decided_for.isoformat() if self.decided_for else "-"
        lines = [
            f"entry {self.id} (#{self.seq} of ledger {self.ledger}): {verdict} "
            f"{self.phone_e164 or '-'} (contact {self.contact_id}, {self.purpose}) "
            f"for {for_when}; rules {self.rule_set_version}",
            f"reasons: {', '.join(self.reasons) or '-'}",
            f"zones: {', '.join(self.zones) or '-'}",
        ]
        lines += [f"  {code}: {text}" for code, text in self.details.items()]
        if self.next_allowed_at is not None:
            lines.append(f"next allowed at: {self.next_allowed_at.isoformat()}")
        if self.override_reason:
            lines.append(f"OVERRIDDEN: {self.override_reason}")
        lines += [
            f"recorded at: {self.recorded_at.isoformat()}",
            f"previous hash: {self.prev_hash or '(first entry)'}",
            f"entry hash: {self.entry_hash} ({'matches' if self.hash_ok else 'DOES NOT MATCH'})",
            f"signature: {'valid' if self.signature_ok else 'INVALID'} (key {self.key_id})",
        ]
        return "\n".join(lines)


def describe_entry(entry: LedgerEntry, key: LedgerKey) -> EntryReport:
    """The report of ``entry``, its hash recomputed and its signature checked with ``key``."""
    values = {c.name: getattr(entry, c.name) for c in LedgerEntry.__table__.columns}
    hash_ok = entry_hash(values) == entry.entry_hash
    recorded = utc(entry.recorded_at)
    assert recorded is not None
    return EntryReport(
        id=entry.id,
        ledger=entry.ledger,
        seq=entry.seq,
        recorded_at=recorded,
        decided_for=utc(entry.decided_for),
        contact_id=entry.contact_id,
        phone_e164=entry.phone_e164,
        purpose=entry.purpose,
        allowed=entry.allowed,
        reasons=tuple(r for r in entry.reasons.split(";") if r),
        details=dict(entry.details),
        zones=tuple(z for z in entry.zones.split(";") if z),
        next_allowed_at=utc(entry.next_allowed_at),
        rule_set_version=entry.rule_set_version,
        override_reason=entry.override_reason,
        inputs=dict(entry.inputs),
        prev_hash=entry.prev_hash,
        entry_hash=entry.entry_hash,
        key_id=entry.key_id,
        hash_ok=hash_ok,
        signature_ok=entry.key_id == key.key_id
        and key.verifies(mac_message(entry.entry_hash), entry.mac),
    )
