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
from pathlib import Path
from types import TracebackType
from typing import Any

from cxdial.store.integrity import VerifyReport, utc
from cxdial.store.ledger import Ledger
from cxdial.store.records import DecisionRecord

__all__ = [
    "AUDIT_CHECKPOINT_ENV",
    "AUDIT_LEDGER",
    "AUDIT_PURPOSE",
    "AuditEntry",
    "AuditLog",
    "open_audit_log",
]

AUDIT_LEDGER = "campaign-audit"
AUDIT_PURPOSE = "campaign-audit"
AUDIT_CHECKPOINT_ENV = "CXDIAL_AUDIT_CHECKPOINT"
"""The audit log's own checkpoint file (``CXDIAL_LEDGER_CHECKPOINT`` is the compliance
ledger's: one checkpoint file holds one ledger)."""


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

    def close(self) -> None:
        """Close the ledger (its engine, if it made one)."""
        self.ledger.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.close()


def open_audit_log(
    database_url: str,
    *,
    environ: Mapping[str, str],
    key_file: Path | None = None,
    checkpoint: Path | None = None,
    create_key: bool = True,
) -> AuditLog:
    """The audit log on ``database_url``, signed with the ledger key (see ``open_ledger``).

    Its checkpoint is ``checkpoint``, else ``CXDIAL_AUDIT_CHECKPOINT``, else the default
    path for this database and the ``campaign-audit`` ledger.
    """
    from cxdial.store.factory import open_ledger
    from cxdial.store.paths import default_checkpoint_path

    if checkpoint is None:
        named = environ.get(AUDIT_CHECKPOINT_ENV)
        checkpoint = Path(named) if named else default_checkpoint_path(database_url, AUDIT_LEDGER)
    ledger = open_ledger(
        database_url,
        environ=environ,
        key_file=key_file,
        checkpoint=checkpoint,
        name=AUDIT_LEDGER,
        create_key=create_key,
    )
    return AuditLog(ledger)
