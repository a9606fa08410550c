"""Consent records, revocations (incl. FCC revoke-all), Reg F exclusions, reassigned numbers.

Each rule is checked on ``Gate.check`` and on ``Gate.screen`` (``both`` asserts they agree).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cxdial.compliance import AttemptHistory, Decision, DncIndex, Gate, Purpose, RuleSet
from cxdial.compliance.consent import Consent, ConsentBook
from cxdial.compliance.models import Contact
from cxdial.compliance.reassigned import ReassignedNumbers
from cxdial.errors import ValidationError
from cxdial.store import open_ledger


def local(zone: str, *args: int) -> datetime:
    """An aware instant given as wall-clock time in ``zone``."""
    return datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


def person(**fields: Any) -> Contact:
    """A contact; defaults: consented landline in New York (as in conftest)."""
    base: dict[str, Any] = {
        "id": "t1",
        "phone": "212-555-0142",
        "phone_type": "landline",
        "state": "NY",
        "postal_code": "10001",
        "consent": "express_written",
        "consent_at": "2020-01-01",
    }
    base.update(fields)
    return Contact.model_validate({k: v for k, v in base.items() if v is not None})


PHONE = "2125550142"
# Noon in New York: inside every window that applies to a NY landline/mobile.
MON = local("America/New_York", 2026, 6, 1, 12, 0)


def consent(**fields: Any) -> Consent:
    """A consent record; defaults: express written, autodialed + live, any purpose/seller."""
    base: dict[str, Any] = {
        "phone": PHONE,
        "level": "express_written",
        "method": "web_form",
        "evidence_id": "EV-1",
        "given_at": "2026-01-10",
    }
    base.update(fields)
    return Consent.model_validate(base)


def both(
    gate: Gate,
    at: datetime,
    purpose: Purpose,
    *,
    seller: str | None = None,
    autodialed: bool = True,
    **fields: Any,
) -> Decision:
    """``check`` on the contact, after asserting ``screen`` gives the same verdict."""
    contact = person(**fields)
    d = gate.check(contact, at, purpose=purpose, autodialed=autodialed, seller=seller)
    (row,) = (
        gate.screen([contact], at, purpose=purpose, autodialed=autodialed, seller=seller)
        .report()
        .to_dicts()
    )
    assert row["reasons"] == ";".join(d.reasons), (row, d)
    assert row["decision"] == ("ALLOW" if d.allowed else "BLOCK")
    expected = d.next_allowed_at.isoformat() if d.next_allowed_at else None
    assert row["next_allowed_at"] == expected
    return d


def gate_with(
    *records: Consent,
    history: AttemptHistory | None = None,
    rnd: ReassignedNumbers | None = None,
    rules: RuleSet | None = None,
) -> Gate:
    """A gate with these consent records (no DNC lists loaded: informational/collection)."""
    return Gate(
        rules=rules or RuleSet.load_default(),
        consents=ConsentBook(records),
        history=history,
        reassigned=rnd,
    )


MOBILE = {"phone_type": "mobile", "consent": "none", "consent_at": None}


def test_record_supplies_consent_the_column_lacks() -> None:
    """An autodialed call to a mobile rests on a consent record when the column says none."""
    gate = gate_with(consent(level="express"))
    d = both(gate, MON, Purpose.INFORMATIONAL, **MOBILE)
    assert d.allowed
    assert d.evidence["consent_evidence_id"] == "EV-1"
    assert both(Gate(), MON, Purpose.INFORMATIONAL, **MOBILE).reasons == ("NO_CONSENT",)


def test_record_scope_seller_purpose_channel_and_matter() -> None:
    """A record counts only for its seller, purposes, channels and matter."""
    gate = gate_with(
        consent(seller="Acme", purposes="informational", channels="autodialed", matter="order-1")
    )
    assert both(
        gate, MON, Purpose.INFORMATIONAL, seller="Acme", subject="order-1", **MOBILE
    ).allowed
    assert not both(gate, MON, Purpose.INFORMATIONAL, seller="Other", **MOBILE).allowed
    assert not both(gate, MON, Purpose.DEBT_COLLECTION, seller="Acme", **MOBILE).allowed
    assert not both(
        gate, MON, Purpose.INFORMATIONAL, seller="Acme", subject="order-2", **MOBILE
    ).allowed
    # channels: a manual (live) call is outside an autodialed-only record, but needs none
    assert both(gate, MON, Purpose.INFORMATIONAL, seller="Acme", autodialed=False, **MOBILE).allowed


def test_revocation_blocks_from_its_instant() -> None:
    """A revoked record blocks at once (not after 10 business days), naming the evidence."""
    revoked = MON - timedelta(minutes=1)
    gate = gate_with(consent(revoked_at=revoked.isoformat(), revocation_channel="sms STOP"))
    d = both(gate, MON, Purpose.INFORMATIONAL, **MOBILE)
    assert d.reasons == ("NO_CONSENT", "CONSENT_REVOKED")
    assert "EV-1" in d.details["CONSENT_REVOKED"]  # type: ignore[index]
    before = both(gate, revoked - timedelta(minutes=1), Purpose.INFORMATIONAL, **MOBILE)
    assert before.allowed


def test_new_consent_after_revocation_counts() -> None:
    """Consent given again after a revocation covers the call; the older one stays void."""
    gate = gate_with(
        consent(evidence_id="EV-1", revoked_at="2026-03-01"),
        consent(evidence_id="EV-2", given_at="2026-04-01", level="express"),
    )
    d = both(gate, MON, Purpose.INFORMATIONAL, **MOBILE)
    assert d.allowed
    assert d.evidence["consent_evidence_id"] == "EV-2"


def test_revoke_all_scope_starts_on_its_rule_date() -> None:
    """Before 2027-01-31 a revocation covers its matter; from then, every robocall of the seller."""
    records = (
        consent(evidence_id="EV-A", seller="Acme", matter="loan", revoked_at="2026-05-01"),
        consent(evidence_id="EV-B", seller="Acme", matter="card", level="express"),
    )
    gate = gate_with(*records)
    on_card = {"subject": "card", **MOBILE}
    assert both(gate, MON, Purpose.INFORMATIONAL, seller="Acme", **on_card).allowed
    later = local("America/New_York", 2027, 1, 31, 12, 0)
    d = both(gate, later, Purpose.INFORMATIONAL, seller="Acme", **on_card)
    assert "CONSENT_REVOKED" in d.reasons
    # a live (manual) call is not a robocall: the revoke-all scope does not reach it
    assert (
        "CONSENT_REVOKED"
        not in both(
            gate, later, Purpose.INFORMATIONAL, seller="Acme", autodialed=False, **on_card
        ).reasons
    )


def test_revoke_all_date_is_rule_data(tmp_path: Path) -> None:
    """Moving ``revoke_all.effective_from`` in a reviewed federal.yaml moves the behaviour."""
    shipped = Path(RuleSet.load_default.__code__.co_filename).parent / "rules" / "federal.yaml"
    (tmp_path / "federal.yaml").write_text(
        shipped.read_text().replace("effective_from: 2027-01-31", "effective_from: 2026-01-01")
    )
    rules = RuleSet.load(tmp_path)
    assert rules.revoke_all_in_force(MON.date())
    assert not RuleSet.load_default().revoke_all_in_force(MON.date())
    gate = gate_with(
        consent(evidence_id="EV-A", matter="loan", revoked_at="2026-05-01"),
        consent(evidence_id="EV-B", matter="card"),
        rules=rules,
    )
    d = both(gate, MON, Purpose.INFORMATIONAL, subject="card", **MOBILE)
    assert "CONSENT_REVOKED" in d.reasons


# Reg F 1006.14(b)(3)(i): calls placed with direct prior consent given within the last 7 days
# are excluded from the 7-in-7 count and from the 7 days after a conversation.
TUE = local("America/New_York", 2026, 6, 2, 12, 0)
DEBT = {"debt_id": "D1", **MOBILE}


def _conversation_monday() -> AttemptHistory:
    history = AttemptHistory()
    history.record_attempt(
        PHONE, local("America/New_York", 2026, 6, 1, 10, 0), debt_id="D1", outcome="conversation"
    )
    return history


def test_reg_f_conversation_wait_excluded_by_direct_consent() -> None:
    """Conversation Monday; asked then to call Tuesday: the Tuesday call is excluded."""
    asked = local("America/New_York", 2026, 6, 1, 10, 5).isoformat()
    record = consent(
        evidence_id="CALL-77",
        method="recorded_call",
        level="express",
        purposes="debt_collection",
        matter="D1",
        given_at=asked,
    )
    gate = gate_with(record, history=_conversation_monday())
    d = both(gate, TUE, Purpose.DEBT_COLLECTION, **DEBT)
    assert d.allowed
    assert any("federal.regf.conversation" in n and "CALL-77" in n for n in d.notes)
    without = gate_with(consent(level="express"), history=_conversation_monday())
    assert both(without, TUE, Purpose.DEBT_COLLECTION, **DEBT).reasons == ("REG_F_CONVERSATION",)


def test_reg_f_direct_consent_older_than_7_days_does_not_exclude() -> None:
    """Consent given 8 days before the call no longer excludes it."""
    old = (TUE - timedelta(days=8)).isoformat()
    record = consent(level="express", purposes="debt_collection", given_at=old)
    gate = gate_with(record, history=_conversation_monday())
    assert both(gate, TUE, Purpose.DEBT_COLLECTION, **DEBT).reasons == ("REG_F_CONVERSATION",)


def test_reg_f_seven_in_seven_excluded_by_direct_consent() -> None:
    """Seven calls in seven days block an eighth unless the consumer consented directly."""
    history = AttemptHistory()
    for day in range(7):
        history.record_attempt(
            PHONE, TUE - timedelta(days=day, hours=1), debt_id="D1", outcome="no_answer"
        )
    plain = gate_with(consent(level="express"), history=history)
    assert both(plain, TUE, Purpose.DEBT_COLLECTION, **DEBT).reasons == ("REG_F_FREQUENCY",)
    direct = consent(
        level="express", purposes="debt_collection", given_at=(TUE - timedelta(days=2)).isoformat()
    )
    d = both(gate_with(direct, history=history), TUE, Purpose.DEBT_COLLECTION, **DEBT)
    assert d.allowed
    assert any("federal.regf.frequency" in n for n in d.notes)


# Reassigned Numbers Database: consent given 2024-03-01, number disconnected 2025-06-01.
def test_reassigned_number_voids_older_consent(tmp_path: Path) -> None:
    """Consent older than the permanent disconnection no longer counts: REASSIGNED_NUMBER."""
    rnd_file = tmp_path / "rnd.csv"
    rnd_file.write_text(f"phone,date,result\n+1{PHONE},2024-03-01,yes\n3055550142,2024-03-01,no\n")
    rnd = ReassignedNumbers.from_csv(rnd_file)
    assert len(rnd) == 1
    gate = gate_with(consent(given_at="2024-03-01T09:00:00Z"), rnd=rnd)
    d = both(gate, MON, Purpose.INFORMATIONAL, **MOBILE)
    assert d.reasons == ("NO_CONSENT", "REASSIGNED_NUMBER")
    column = both(
        Gate(reassigned=rnd),
        MON,
        Purpose.INFORMATIONAL,
        phone_type="mobile",
        consent="express",
        consent_at="2023-12-01",
    )
    assert "REASSIGNED_NUMBER" in column.reasons


def test_consent_given_after_disconnection_counts() -> None:
    """The new subscriber's consent, given after the disconnection, covers the call."""
    rnd = ReassignedNumbers({PHONE: datetime(2025, 6, 1, tzinfo=UTC)})
    gate = gate_with(
        consent(evidence_id="OLD", given_at="2024-03-01"),
        consent(evidence_id="NEW", given_at="2025-07-01"),
        rnd=rnd,
    )
    d = both(gate, MON, Purpose.INFORMATIONAL, **MOBILE)
    assert d.allowed
    assert d.evidence["consent_evidence_id"] == "NEW"
    assert d.evidence["voided_by_reassignment"] == ["OLD"]


def test_disconnect_file_shape_and_errors(tmp_path: Path) -> None:
    """``phone,disconnected_at`` files load; a bad date names the line and field."""
    good = tmp_path / "d.csv"
    good.write_text("phone,disconnected_at\n(212) 555-0142,2025-06-01\n")
    assert ReassignedNumbers.from_csv(good).disconnected_at(PHONE) == datetime(
        2025, 6, 1, tzinfo=UTC
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("phone,disconnected_at\n2125550142,June\n")
    with pytest.raises(ValidationError, match=r"bad\.csv:2") as info:
        ReassignedNumbers.from_csv(bad)
    assert info.value.field == "rnd.date"


def test_consent_files_csv_and_json(tmp_path: Path) -> None:
    """Consent loads from CSV and JSON, several records per number; errors name row and field."""
    csv_file = tmp_path / "c.csv"
    csv_file.write_text(
        "phone,seller,purposes,channels,level,method,evidence_id,given_at,revoked_at,"
        "revocation_channel,matter\n"
        "+12125550142,Acme,telemarketing;informational,live;autodialed,express_written,"
        "web_form,EV-1,2026-01-10,,,\n"
        "2125550142,Acme,,live,express,ivr,EV-2,2026-02-01,2026-03-01,reply STOP,loan\n"
    )
    book = ConsentBook.from_file(csv_file)
    assert [c.evidence_id for c in book.records(PHONE)] == ["EV-1", "EV-2"]
    json_file = tmp_path / "c.json"
    json_file.write_text(
        json.dumps(
            [
                {
                    "phone": PHONE,
                    "purposes": ["informational"],
                    "channels": ["autodialed"],
                    "method": "signed",
                    "evidence_id": "EV-3",
                    "given_at": "2026-01-10",
                }
            ]
        )
    )
    assert ConsentBook.from_file(json_file).records(PHONE)[0].purposes == (Purpose.INFORMATIONAL,)
    bad = tmp_path / "bad.csv"
    bad.write_text("phone,method,evidence_id,given_at,channels\n2125550142,web,E,2026-01-01,fax\n")
    with pytest.raises(ValidationError, match=r"bad\.csv:1") as info:
        ConsentBook.from_file(bad)
    assert info.value.field is not None
    assert "channels" in info.value.field


def test_ledger_explains_consent_evidence_snapshot_and_rules(tmp_path: Path) -> None:
    """The ledger entry names the consent record, the DNC snapshot's fetch date and rule ids."""
    ledger = open_ledger(f"sqlite:///{tmp_path / 'l.db'}", environ={})
    dnc = DncIndex()
    dnc.add_lines(["# registry: national, fetched: 2026-05-20", "3055550142"])
    gate = Gate(dnc=dnc, consents=ConsentBook([consent(evidence_id="EV-9")]), ledger=ledger)
    gate.check(person(**MOBILE), MON, purpose=Purpose.TELEMARKETING)
    (entry,) = ledger.query()
    evidence = entry.inputs["evidence"]
    assert evidence["consent_evidence_id"] == "EV-9"
    assert evidence["dnc_snapshots"] == [{"list": "national", "fetched": "2026-05-20"}]
    assert {"federal.hours.telemarketing", "federal.dnc.internal"} <= set(evidence["rules"])
    text = ledger.explain(entry.id)
    assert "EV-9" in text
    assert "national fetched 2026-05-20" in text
    assert RuleSet.load_default().version in text
