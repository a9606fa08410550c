"""The compliance ledger is append-only and hash-chained; attempts persist for the caps."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from cxdial.compliance import AttemptHistory, Contact, Gate, Purpose
from cxdial.errors import CxdialError
from cxdial.store import AttemptLog, Ledger, LedgerEntry, LedgerTampered, session_scope
from cxdial.store.db import create_schema

AT = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _contact(phone: str = "212-555-0142") -> Contact:
    return Contact(id="c1", phone=phone, phone_type="landline", state="NY", consent="express")


def _exercise(ledger: Ledger) -> None:
    gate = Gate(ledger=ledger)
    allowed = gate.check(_contact(), AT, purpose=Purpose.INFORMATIONAL)
    blocked = gate.check(_contact("12"), AT, purpose=Purpose.INFORMATIONAL)
    assert allowed.allowed
    assert not blocked.allowed
    newest, oldest = ledger.query(contact_id="c1")
    assert newest.reasons == "INVALID_NUMBER"
    assert oldest.allowed
    assert oldest.decided_for is not None
    assert oldest.rule_set_version == allowed.rule_set_version
    assert "INVALID_NUMBER" in ledger.explain(newest.id)
    assert ledger.verify() == 2


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    """A ledger in a fresh SQLite file."""
    return Ledger(f"sqlite:///{tmp_path / 'store.db'}")


def test_ledger_records_and_explains(ledger: Ledger) -> None:
    """Decisions are stored with verdict, reasons, version and inputs, and explained later."""
    _exercise(ledger)


def test_ledger_refuses_updates_and_deletes(ledger: Ledger) -> None:
    """The ORM refuses to change or delete a ledger entry."""
    _exercise(ledger)

    def change() -> None:
        with session_scope(ledger.engine) as s:
            entry = s.get(LedgerEntry, 1)
            assert entry is not None
            entry.allowed = False

    def delete() -> None:
        with session_scope(ledger.engine) as s:
            s.delete(s.get(LedgerEntry, 1))

    with pytest.raises(CxdialError, match="append-only"):
        change()
    with pytest.raises(CxdialError, match="append-only"):
        delete()


def test_ledger_detects_tampering(ledger: Ledger) -> None:
    """An entry changed behind the ORM's back breaks the hash chain."""
    _exercise(ledger)
    with ledger.engine.begin() as conn:
        conn.execute(text("UPDATE compliance_ledger SET allowed = 0 WHERE id = 1"))
    with pytest.raises(LedgerTampered, match="entry 1"):
        ledger.verify()


def test_explain_unknown_entry(ledger: Ledger) -> None:
    """Explaining a missing entry says how to find one."""
    with pytest.raises(CxdialError, match="no ledger entry 42"):
        ledger.explain(42)


def test_attempts_feed_the_caps(tmp_path: Path) -> None:
    """Attempts recorded through the history persist and reload from the store."""
    log = AttemptLog(f"sqlite:///{tmp_path / 'a.db'}")
    live = AttemptHistory.from_store(log)
    for hours in range(1, 6):
        live.record_attempt("+12125550142", AT - timedelta(hours=hours), outcome="no_answer")
    reloaded = AttemptHistory.from_store(log, since=AT - timedelta(days=1))
    assert len(reloaded) == 5
    assert all(row.at.tzinfo is not None for row in log.since())
    d = Gate(history=reloaded).check(_contact(), AT, purpose=Purpose.INFORMATIONAL)
    assert d.reasons == ("FREQUENCY_CAP",)


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine on a throw-away schema of the machine's PostgreSQL (skips if unreachable)."""
    schema = f"cxdial_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable: {exc.orig}")
    engine = create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    create_schema(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.services
def test_ledger_on_postgresql(pg_engine: Engine) -> None:
    """The same ledger behaviour holds on PostgreSQL, tamper detection included."""
    ledger = Ledger(pg_engine)
    _exercise(ledger)
    with pg_engine.begin() as conn:
        conn.execute(text("UPDATE compliance_ledger SET reasons = '' WHERE id = 2"))
    with pytest.raises(LedgerTampered):
        ledger.verify()


def test_default_url_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a URL the store uses CXDIAL_DATABASE_URL (the resolved settings)."""
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("CXDIAL_DATABASE_URL", url)
    assert str(Ledger().engine.url) == url
