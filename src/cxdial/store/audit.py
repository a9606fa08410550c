"""The campaign audit log: every configuration and run-state change, on the ledger's chain.

Entries are appended to a :class:`~cxdial.store.Ledger` named ``campaign-audit`` (its own
sequence, hash chain, HMAC signatures and signed checkpoint; docs/ledger.md), so the audit
log is append-only and tamper-evident with the same primitives and the same ``verify()``
as the compliance ledger, not a second chain. An entry maps onto a ledger row as:
``contact_id`` = campaign, ``purpose`` = ``campaign-audit``, ``reasons`` = (action,),
``rule_set_version`` = spec version, ``decided_for`` = when, and ``inputs`` = {actor,
before, after, request_ids, detail}.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cxdial.store.integrity import VerifyReport, utc
from cxdial.store.ledger import Ledger
from cxdial.store.records import DecisionRecord

__all__ = ["AUDIT_LEDGER", "AUDIT_PURPOSE", "AuditEntry", "AuditLog"]

AUDIT_LEDGER = "campaign-audit"
AUDIT_PURPOSE = "campaign-audit"


@dataclass(frozen=True)
class AuditEntry:
    """Who did what to which campaign, when, from what to what, with which requests."""

    at: datetime
    actor: str
    action: str
    campaign: str
    version: int | None = None
    before: Any = None
    after: Any = None
    request_ids: Sequence[str] = ()
    detail: Mapping[str, Any] = field(default_factory=dict)
    seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape ``cxdial audit --json`` prints."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "campaign": self.campaign,
            "version": self.version,
            "before": self.before,
            "after": self.after,
            "request_ids": list(self.request_ids),
            "detail": dict(self.detail),
        }


class AuditLog:
    """Append and read audit entries on a ledger (pass one opened with ``AUDIT_LEDGER``)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def record(self, entry: AuditEntry) -> int:
        """Append ``entry``; returns its ledger entry id."""
        return self.ledger.append(
            DecisionRecord(
                contact_id=entry.campaign,
                allowed=True,
                reasons=(entry.action,),
                rule_set_version="" if entry.version is None else str(entry.version),
                purpose=AUDIT_PURPOSE,
                decided_for=entry.at,
                inputs={
                    "actor": entry.actor,
                    "before": entry.before,
                    "after": entry.after,
                    "request_ids": [r for r in entry.request_ids if r],
                    "detail": dict(entry.detail),
                },
            )
        )

    def entries(
        self, *, campaign: str | None = None, since: datetime | None = None, limit: int = 10_000
    ) -> list[AuditEntry]:
        """Entries oldest first, filtered by campaign and time."""
        rows = self.ledger.query(contact_id=campaign, since=since, limit=limit)
        out = []
        for row in reversed(rows):
            inputs = dict(row.inputs or {})
            at = utc(row.decided_for) or utc(row.recorded_at)
            assert at is not None
            out.append(
                AuditEntry(
                    at=at,
                    actor=str(inputs.get("actor", "")),
                    action=row.reasons.split(";")[0],
                    campaign=row.contact_id,
                    version=int(row.rule_set_version) if row.rule_set_version else None,
                    before=inputs.get("before"),
                    after=inputs.get("after"),
                    request_ids=tuple(inputs.get("request_ids") or ()),
                    detail=dict(inputs.get("detail") or {}),
                    seq=row.seq,
                )
            )
        return out

    def verify(self) -> VerifyReport:
        """Check the audit chain (numbers, links, hashes, signatures, checkpoint)."""
        return self.ledger.verify()
