"""The ledger records, explains and verifies decisions; attempts persist for the caps."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError
from store_support import AT, Backend, record

from cxdial.compliance import AttemptHistory, Contact, Gate, Purpose
from cxdial.errors import CxdialError
from cxdial.store import AttemptLog, Ledger, default_database_url


def _contact(phone: str = "212-555-0142") -> Contact:
    return Contact(id="c1", phone=phone, phone_type="landline", state="NY", consent="express")


def test_gate_decisions_are_recorded_and_explained(ledger: Ledger) -> None:
    """Gate decisions are stored with verdict, reasons, version and inputs, and explained."""
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
    assert oldest.inputs["contact"]["phone"] == "212-555-0142"
    text = ledger.explain(newest.id)
    assert "BLOCKED" in text
    assert "INVALID_NUMBER" in text
    assert f"rules {blocked.rule_set_version}" in text
    report = ledger.verify()
    assert report.ok
    assert report.entries_checked == 2
    assert report.checkpoint_count == 2


def test_entries_are_numbered_chained_and_signed(ledger: Ledger) -> None:
    """Each entry carries its number, the previous hash and a valid signature."""
    ids = ledger.append_many([record(i) for i in range(3)])
    described = [ledger.describe(i) for i in ids]
    assert [d.seq for d in described] == [1, 2, 3]
    assert described[0].prev_hash == ""
    assert described[1].prev_hash == described[0].entry_hash
    assert described[2].prev_hash == described[1].entry_hash
    assert all(d.hash_ok and d.signature_ok for d in described)


def test_the_database_refuses_updates_and_deletes(ledger: Ledger, backend: Backend) -> None:
    """Triggers make the table append-only for anyone who does not remove them first."""
    ledger.append(record())
    for sql in (
        "UPDATE compliance_ledger SET allowed = false",
        "DELETE FROM compliance_ledger",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            backend.execute(sql)
    assert ledger.verify().ok


def test_ledgers_sharing_a_table_are_separate(make_ledger: object, tmp_path: Path) -> None:
    """Two named ledgers in one table number and verify their entries independently."""
    assert callable(make_ledger)
    a = make_ledger(name="a", checkpoint=tmp_path / "a.json")
    b = make_ledger(name="b", checkpoint=tmp_path / "b.json")
    a.append_many([record(i) for i in range(3)])
    b.append(record(9))
    assert [e.seq for e in b.query()] == [1]
    assert a.verify().entries_checked == 3
    assert b.verify().entries_checked == 1
    (only_a,) = a.query(contact_id="c0")
    with pytest.raises(CxdialError, match=f"no ledger entry {only_a.id}"):
        b.describe(only_a.id)


def test_explain_unknown_entry(ledger: Ledger) -> None:
    """Explaining a missing entry names it and says how to find one."""
    with pytest.raises(CxdialError, match="no ledger entry 42") as info:
        ledger.explain(42)
    assert info.value.field == "entry_id"


def test_an_empty_ledger_verifies(ledger: Ledger) -> None:
    """A ledger never written to (no table, no checkpoint) verifies with 0 entries."""
    report = ledger.verify()
    assert report.ok
    assert report.entries_checked == 0


def test_screen_batches_share_one_checkpoint(ledger: Ledger) -> None:
    """``append_many`` chains a batch in order and advances the checkpoint once to its end."""
    ledger.append_many([record(i) for i in range(250)])
    report = ledger.verify()
    assert (report.entries_checked, report.checkpoint_count, report.unconfirmed) == (250, 250, 0)


def test_inputs_that_are_not_json_are_stored_as_text(ledger: Ledger) -> None:
    """Values JSON cannot carry (a Path) are stored as their text; NaN is refused by name."""
    entry_id = ledger.append(
        record().__class__(**{**record().__dict__, "inputs": {"file": Path("/x/y")}})
    )
    assert ledger.describe(entry_id).inputs == {"file": "/x/y"}
    with pytest.raises(CxdialError, match="inputs") as info:
        ledger.append(record().__class__(**{**record().__dict__, "inputs": {"x": float("nan")}}))
    assert info.value.field == "inputs"


def test_attempts_feed_the_caps(tmp_path: Path) -> None:
    """Attempts recorded through the history persist and reload from the store."""
    with AttemptLog(f"sqlite:///{tmp_path / 'a.db'}") as log:
        live = AttemptHistory.from_store(log)
        for hours in range(1, 6):
            live.record_attempt("+12125550142", AT - timedelta(hours=hours), outcome="no_answer")
        reloaded = AttemptHistory.from_store(log, since=AT - timedelta(days=1))
        assert len(reloaded) == 5
        assert all(row.at.tzinfo is not None for row in log.since())
    d = Gate(history=reloaded).check(_contact(), AT, purpose=Purpose.INFORMATIONAL)
    assert d.reasons == ("FREQUENCY_CAP",)


def test_default_database_is_under_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default URL is a file in the user data dir, whatever the working directory."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    assert default_database_url() == f"sqlite:///{tmp_path / 'data' / 'cxdial' / 'cxdial.db'}"


def test_a_sqlite_file_gets_its_folder(tmp_path: Path) -> None:
    """A SQLite URL in a folder that does not exist yet works (the folder is made)."""
    with AttemptLog(f"sqlite:///{tmp_path / 'new' / 'deep' / 'a.db'}") as log:
        assert log.since() == []
    assert (tmp_path / "new" / "deep" / "a.db").exists()


def test_an_old_ledger_table_is_refused_with_a_fix(tmp_path: Path) -> None:
    """A ledger table from before numbering and signing is named, not silently misread."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    Backend("sqlite", url).execute(
        "CREATE TABLE compliance_ledger (id INTEGER PRIMARY KEY, contact_id TEXT)"
    )
    with pytest.raises(CxdialError, match="predates") as info:
        AttemptLog(url)
    assert info.value.field == "database_url"


def test_the_default_locations_load_no_sqlalchemy() -> None:
    """``default_database_url`` and ``DecisionRecord`` are importable without SQLAlchemy."""
    code = (
        "import sys, cxdial.store as s; s.default_database_url(); s.DecisionRecord;"
        "print('sqlalchemy' in sys.modules)"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter running our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
