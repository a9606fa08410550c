"""The audit log: append-only entries on the ledger chain, filtered reads, tamper evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from cxdial.store import LedgerTampered, Problem
from cxdial.store.audit import AuditEntry, AuditLog

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _entry(action: str, campaign: str, minutes: int, **extra: object) -> AuditEntry:
    return AuditEntry(
        at=T0 + timedelta(minutes=minutes),
        actor="ops",
        action=action,
        campaign=campaign,
        version=1,
        before={"state": "ready"},
        after={"state": "running"},
        request_ids=("req-1",),
        **extra,  # type: ignore[arg-type]
    )


def test_entries_round_trip_in_order_and_filter(audit: AuditLog) -> None:
    """Entries come back oldest first with every field; --campaign filters."""
    audit.record(_entry("apply", "a", 0))
    audit.record(_entry("start", "a", 1))
    audit.record(_entry("apply", "b", 2))
    got = audit.entries(campaign="a")
    assert [e.action for e in got] == ["apply", "start"]
    first = got[0]
    assert (first.at, first.actor, first.version) == (T0, "ops", 1)
    assert (first.before, first.after, tuple(first.request_ids)) == (
        {"state": "ready"},
        {"state": "running"},
        ("req-1",),
    )
    assert [e.campaign for e in audit.entries()] == ["a", "a", "b"]
    assert audit.verify().ok


def test_an_edited_entry_fails_verification(audit: AuditLog) -> None:
    """Changing a stored entry (with the append-only trigger dropped) is detected."""
    audit.record(_entry("apply", "a", 0))
    audit.record(_entry("pause", "a", 1))
    with audit.ledger.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER compliance_ledger_no_update"))
        conn.execute(text("UPDATE compliance_ledger SET reasons = 'resume' WHERE seq = 2"))
    report = audit.verify()
    assert report.problem is Problem.HASH_MISMATCH
    assert report.first_bad_seq == 2
    with pytest.raises(LedgerTampered):
        report.raise_for_tampering()


def test_the_store_refuses_to_update_an_entry(audit: AuditLog) -> None:
    """The audit log is append-only: an UPDATE through SQL is refused."""
    audit.record(_entry("apply", "a", 0))
    with pytest.raises(Exception, match="append-only"), audit.ledger.engine.begin() as conn:
        conn.execute(text("UPDATE compliance_ledger SET reasons = 'x'"))
