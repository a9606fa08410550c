"""Every reason code, DNC lists, consent/EBR, frequency caps, overrides and the ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cxdial.compliance import AttemptHistory, DncIndex, Gate, Purpose, ReasonCode, RuleSet
from cxdial.errors import ComplianceBlocked, ValidationError
from cxdial.store import open_ledger

AT = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # Monday, 12:00 in New York
NY = {"phone": "212-555-0142", "state": "NY", "postal_code": "10001"}


def lists(*specs: tuple[str, list[str]]) -> DncIndex:
    """A DNC index from (header, numbers) pairs."""
    index = DncIndex()
    for header, numbers in specs:
        index.add_lines([header, *numbers])
    return index


FRESH_NATIONAL = ("# registry: national, fetched: 2026-11-20", [])


@pytest.mark.parametrize(
    "phone", ["12", "212-555-014", "+44 20 7946 0958", "876-555-0199", "212-055-0142", "phone", ""]
)
def test_invalid_numbers(decide: Any, phone: str) -> None:
    """Unparseable, foreign, Caribbean or unassigned numbers are INVALID_NUMBER, never dropped."""
    d = decide(AT, phone=phone)
    assert d.reasons == (ReasonCode.INVALID_NUMBER,)
    assert d.phone_e164 is None
    assert not d.allowed


def test_non_geographic_number_without_address(decide: Any) -> None:
    """A toll-free number with no address is blocked for telemarketing only."""
    bare = {"phone": "1-888-555-0100", "state": None, "postal_code": None}
    at = AT + timedelta(hours=2)  # 09:00 in Honolulu
    assert decide(at, **bare).reasons == (ReasonCode.NON_GEOGRAPHIC,)
    assert decide(at, Purpose.INFORMATIONAL, **bare).allowed
    assert decide(AT, phone="888-555-0100", state="NY", postal_code="10001").allowed


def test_restricted_day_reason(decide: Any, at_local: Any) -> None:
    """A Sunday in Louisiana gives RESTRICTED_DAY with the rule named."""
    d = decide(
        at_local("America/Chicago", 2026, 11, 22, 12, 0),
        phone="504-555-0142",
        state="LA",
        postal_code="70112",
    )
    assert d.reasons == (ReasonCode.RESTRICTED_DAY,)
    assert "la." in d.details[ReasonCode.RESTRICTED_DAY]


@pytest.mark.parametrize(
    ("header", "entry", "code"),
    [
        ("# registry: national, fetched: 2026-11-20", "2125550142", ReasonCode.DNC_NATIONAL),
        ("# registry: state:TX, fetched: 2026-11-01", "(212) 555-0142", ReasonCode.DNC_STATE),
        ("# registry: internal, fetched: 2026-01-01", "+1 212 555 0142", ReasonCode.DNC_INTERNAL),
        ("# registry: national, fetched: 2026-11-20", "212XXXXXXX", ReasonCode.DNC_NATIONAL),
        ("# registry: internal", "2125XX0142", ReasonCode.DNC_INTERNAL),
    ],
)
def test_dnc_hits(
    rules: RuleSet, make_person: Any, header: str, entry: str, code: ReasonCode
) -> None:
    """National, state and internal hits, exact or wildcard, each with its own code."""
    dnc = lists(FRESH_NATIONAL, (header, [entry]))
    gate = Gate(rules=rules, dnc=dnc)
    d = gate.check(make_person(consent="none", **NY), AT, purpose=Purpose.TELEMARKETING)
    assert d.reasons == (code,)


def test_dnc_exemptions(rules: RuleSet, make_person: Any) -> None:
    """Written consent or an EBR lifts the national list; the internal list binds everyone."""
    dnc = lists(("# registry: national, fetched: 2026-11-20", ["2125550142"]))
    gate = Gate(rules=rules, dnc=dnc)
    tm = Purpose.TELEMARKETING
    assert gate.check(make_person(**NY), AT, purpose=tm).allowed
    ebr = make_person(consent="none", ebr_at="2025-06-01", **NY)
    assert gate.check(ebr, AT, purpose=tm).allowed
    old = make_person(consent="none", ebr_at="2025-05-22", **NY)  # 18 months before, minus 1 day
    assert gate.check(old, AT, purpose=tm).reasons == (ReasonCode.DNC_NATIONAL,)
    inquiry = make_person(consent="none", inquiry_at="2026-08-24", **NY)
    assert gate.check(inquiry, AT, purpose=tm).allowed
    late = make_person(consent="none", inquiry_at="2026-08-22", **NY)
    assert gate.check(late, AT, purpose=tm).reasons == (ReasonCode.DNC_NATIONAL,)
    internal = Gate(rules=rules, dnc=lists(("# registry: internal", ["2125550142"])))
    d = internal.check(make_person(**NY), AT, purpose=Purpose.INFORMATIONAL)
    assert d.reasons == (ReasonCode.DNC_INTERNAL,)


def test_stale_or_missing_registry(rules: RuleSet, make_person: Any) -> None:
    """No national snapshot, or one older than 31 days, is DNC_STALE for telemarketing."""
    c = make_person(consent="express", **NY)
    assert Gate(rules=rules).check(c, AT, purpose=Purpose.TELEMARKETING).reasons == (
        ReasonCode.DNC_STALE,
    )
    fresh = Gate(rules=rules, dnc=lists(("# registry: national, fetched: 2026-10-23", [])))
    assert fresh.check(c, AT, purpose=Purpose.TELEMARKETING).allowed  # 31 days
    stale = Gate(rules=rules, dnc=lists(("# registry: national, fetched: 2026-10-22", [])))
    d = stale.check(c, AT, purpose=Purpose.TELEMARKETING)
    assert d.reasons == (ReasonCode.DNC_STALE,)
    assert "2026-10-22" in d.details[ReasonCode.DNC_STALE]
    assert stale.check(c, AT, purpose=Purpose.INFORMATIONAL).allowed
    state = Gate(
        rules=rules, dnc=lists(FRESH_NATIONAL, ("# registry: state:PA, fetched: 2026-01-01", []))
    )
    assert state.check(c, AT, purpose=Purpose.TELEMARKETING).reasons == (ReasonCode.DNC_STALE,)


def test_dnc_files(tmp_path: Path) -> None:
    """DNC files: header labels the registry, comments skipped, bad lines name file and line."""
    good = tmp_path / "state.txt"
    good.write_text("# registry: state:tx, fetched: 2026-11-01\n# note\n\n512 555 0199\n")
    index = DncIndex.from_files([good])
    assert index.snapshots[0].label == "state:TX"
    assert index.snapshots[0].entries == 1
    assert index.hits("5125550199") == {"state"}
    bad = tmp_path / "bad.txt"
    bad.write_text("# registry: internal\n2125550142\nnot-a-number\n")
    with pytest.raises(ValidationError, match=r"bad\.txt:3"):
        DncIndex.from_files([bad])


def test_no_consent_by_purpose_and_line(decide: Any) -> None:
    """Autodialed calls to wireless/unknown lines need consent; manual calls do not."""
    mobile = {"phone_type": "mobile", **NY}
    d = decide(AT, Purpose.INFORMATIONAL, consent="none", **mobile)
    assert d.reasons == (ReasonCode.NO_CONSENT,)
    assert decide(AT, Purpose.INFORMATIONAL, consent="express", **mobile).allowed
    assert decide(AT, Purpose.INFORMATIONAL, consent="none", autodialed=False, **mobile).allowed
    assert decide(
        AT,
        Purpose.INFORMATIONAL,
        consent="none",
        phone_type="unknown",
        phone="212-555-0142",
        state="NY",
    ).reasons == (ReasonCode.NO_CONSENT,)
    tm = decide(AT, consent="express", **mobile)
    assert ReasonCode.NO_CONSENT in tm.reasons
    future = decide(AT, Purpose.INFORMATIONAL, consent="express", consent_at="2026-12-01", **mobile)
    assert future.reasons == (ReasonCode.NO_CONSENT,)


def test_consent_revoked(decide: Any) -> None:
    """A revocation blocks from its instant on, for every purpose."""
    revoked = decide(
        AT,
        Purpose.INFORMATIONAL,
        revoked_at="2026-11-23T16:59:00Z",
        phone_type="landline",
        **{k: v for k, v in NY.items()},
    )
    assert revoked.reasons == (ReasonCode.CONSENT_REVOKED,)
    later = decide(AT, Purpose.INFORMATIONAL, revoked_at="2026-11-23T17:01:00Z", **NY)
    assert later.allowed


def history(*rows: tuple[str, datetime, str | None, str | None, str]) -> AttemptHistory:
    """Attempt history from (phone, at, subject, debt_id, outcome) tuples."""
    h = AttemptHistory()
    for phone, at, subject, debt, outcome in rows:
        h.record_attempt(phone, at, subject=subject, debt_id=debt, outcome=outcome)
    return h


def test_state_cap_counts_same_subject(rules: RuleSet, make_person: Any, at_local: Any) -> None:
    """FL: three calls on the same subject in 24 h block a fourth; other subjects do not count."""
    fl = {"phone": "305-555-0142", "state": "FL", "postal_code": "33130", "subject": "solar"}
    at = at_local("America/New_York", 2026, 11, 23, 12, 0)
    dnc = lists(("# registry: national, fetched: 2026-11-20", []))
    same = history(
        *[("3055550142", at - timedelta(hours=h), "solar", None, "no_answer") for h in (1, 2, 23)]
    )
    gate = Gate(rules=rules, dnc=dnc, history=same)
    d = gate.check(make_person(**fl), at, purpose=Purpose.TELEMARKETING)
    assert d.reasons == (ReasonCode.FREQUENCY_CAP,)
    assert d.details[ReasonCode.FREQUENCY_CAP].startswith("fl.frequency")
    roof = make_person(**{**fl, "subject": "roofing"})
    assert gate.check(roof, at, purpose=Purpose.TELEMARKETING).allowed
    older = history(
        *[("3055550142", at - timedelta(hours=h), "solar", None, "no_answer") for h in (1, 2, 24)]
    )
    assert (
        Gate(rules=rules, dnc=dnc, history=older)
        .check(make_person(**fl), at, purpose=Purpose.TELEMARKETING)
        .allowed
    )
    ny = make_person(**NY, subject="solar")
    ny_hist = history(
        *[("2125550142", at - timedelta(hours=h), "solar", None, "no_answer") for h in (1, 2, 3)]
    )
    assert (
        Gate(rules=rules, dnc=dnc, history=ny_hist)
        .check(ny, at, purpose=Purpose.TELEMARKETING)
        .allowed
    )


def test_company_cap_applies_to_every_purpose(rules: RuleSet, make_person: Any) -> None:
    """Company policy: 5 attempts per number in 24 h, whatever the purpose."""
    h = history(
        *[("2125550142", AT - timedelta(hours=i), None, None, "no_answer") for i in range(1, 6)]
    )
    d = Gate(rules=rules, history=h).check(make_person(**NY), AT, purpose=Purpose.INFORMATIONAL)
    assert d.reasons == (ReasonCode.FREQUENCY_CAP,)
    assert "company.frequency.day" in d.details[ReasonCode.FREQUENCY_CAP]


def test_frequency_cap_gives_next_allowed_at(rules: RuleSet, make_person: Any) -> None:
    """A cap block says when the oldest counted attempt leaves the window (and windows allow)."""
    h = history(
        *[("2125550142", AT - timedelta(hours=i), None, None, "no_answer") for i in range(1, 6)]
    )
    gate = Gate(rules=rules, history=h)
    d = gate.check(make_person(**NY), AT, purpose=Purpose.INFORMATIONAL)
    assert d.reasons == (ReasonCode.FREQUENCY_CAP,)
    # 5 in 24 h: the attempt of AT-5h leaves at AT+19h = 07:00 in New York, before 08:00
    assert d.next_allowed_at == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    with pytest.raises(ComplianceBlocked) as info:
        gate.require_clear(make_person(**NY), AT, purpose=Purpose.INFORMATIONAL)
    assert info.value.next_allowed_at == "2026-11-24T13:00:00+00:00"
    assert info.value.fix == "wait until next_allowed_at"


def test_cap_and_list_block_has_no_next_allowed_at(rules: RuleSet, make_person: Any) -> None:
    """Waiting does not lift a DNC hit, so a cap block together with one gives no instant."""
    h = history(
        *[("2125550142", AT - timedelta(hours=i), None, None, "no_answer") for i in range(1, 6)]
    )
    dnc = lists(("# registry: internal", ["2125550142"]))
    d = Gate(rules=rules, history=h, dnc=dnc).check(
        make_person(**NY), AT, purpose=Purpose.INFORMATIONAL
    )
    assert set(d.reasons) == {ReasonCode.FREQUENCY_CAP, ReasonCode.DNC_INTERNAL}
    assert d.next_allowed_at is None


def test_maine_one_automated_call_per_8_hours(rules: RuleSet, make_person: Any) -> None:
    """ME: a second automated call within 8 h is blocked; a manual one is not."""
    me = {"phone": "207-555-0142", "state": "ME", "postal_code": "04101"}
    h = history(("2075550142", AT - timedelta(hours=7), None, None, "answered"))
    dnc = lists(FRESH_NATIONAL)
    gate = Gate(rules=rules, history=h, dnc=dnc)
    assert gate.check(make_person(**me), AT, purpose=Purpose.TELEMARKETING).reasons == (
        ReasonCode.FREQUENCY_CAP,
    )
    assert gate.check(
        make_person(**me), AT, purpose=Purpose.TELEMARKETING, autodialed=False
    ).allowed


def test_reg_f_seven_in_seven(rules: RuleSet, make_person: Any) -> None:
    """Reg F: 7 placed calls about a debt in 7 days block the 8th; busy calls do not count."""
    debt = {**NY, "debt_id": "D-1"}
    calls = [
        ("2125550142", AT - timedelta(hours=20 * i), None, "D-1", "no_answer") for i in range(1, 8)
    ]
    gate = Gate(rules=rules, history=history(*calls))
    d = gate.check(make_person(**debt), AT, purpose=Purpose.DEBT_COLLECTION)
    assert d.reasons == (ReasonCode.REG_F_FREQUENCY,)
    busy = [*calls[:6], ("2125550142", AT - timedelta(hours=1), None, "D-1", "busy")]
    assert (
        Gate(rules=rules, history=history(*busy))
        .check(make_person(**debt), AT, purpose=Purpose.DEBT_COLLECTION)
        .allowed
    )
    other = make_person(**{**NY, "debt_id": "D-2"})
    assert gate.check(other, AT, purpose=Purpose.DEBT_COLLECTION).allowed


def test_reg_f_conversation_cooldown(rules: RuleSet, make_person: Any) -> None:
    """Reg F: no call about a debt within 7 days after a conversation; allowed when they end."""
    debt = make_person(**NY, debt_id="D-1")
    talk = history(("2125550142", AT - timedelta(days=6, hours=23), None, "D-1", "conversation"))
    d = Gate(rules=rules, history=talk).check(debt, AT, purpose=Purpose.DEBT_COLLECTION)
    assert d.reasons == (ReasonCode.REG_F_CONVERSATION,)
    assert d.next_allowed_at == AT + timedelta(hours=1)
    old = history(("2125550142", AT - timedelta(days=7), None, "D-1", "conversation"))
    assert Gate(rules=rules, history=old).check(debt, AT, purpose=Purpose.DEBT_COLLECTION).allowed


def test_history_file(tmp_path: Path) -> None:
    """The --history CSV loads; a bad date names the line and field."""
    good = tmp_path / "h.csv"
    good.write_text(
        "phone,at,subject,debt_id,outcome\n+12125550142,2026-11-23T10:00:00Z,,D1,Conversation\n"
    )
    h = AttemptHistory.from_csv(good)
    assert len(h) == 1
    assert h.frame()["outcome"].to_list() == ["conversation"]
    bad = tmp_path / "bad.csv"
    bad.write_text("phone,at\n2125550142,yesterday\n")
    with pytest.raises(ValidationError, match=r"bad\.csv:2") as info:
        AttemptHistory.from_csv(bad)
    assert info.value.field == "at"


def test_require_clear_raises_with_reasons(rules: RuleSet, make_person: Any, at_local: Any) -> None:
    """A blocked dial raises ComplianceBlocked (exit code 3) carrying reasons and next time."""
    gate = Gate(rules=rules)
    late = at_local("America/New_York", 2026, 11, 23, 22, 0)
    with pytest.raises(ComplianceBlocked) as info:
        gate.require_clear(make_person(**NY), late, purpose=Purpose.INFORMATIONAL)
    assert info.value.reasons == ("OUTSIDE_HOURS",)
    assert info.value.next_allowed_at == "2026-11-24T13:00:00+00:00"
    assert info.value.exit_code == 3
    ok = gate.require_clear(make_person(**NY), AT, purpose=Purpose.INFORMATIONAL)
    assert ok.allowed


def test_override_only_for_informational(
    rules: RuleSet, make_person: Any, at_local: Any, tmp_path: Path
) -> None:
    """An override is honoured (and ledgered) for informational calls only."""
    ledger = open_ledger(f"sqlite:///{tmp_path / 'l.db'}", environ={})
    gate = Gate(rules=rules, ledger=ledger)
    late = at_local("America/New_York", 2026, 11, 23, 22, 0)
    d = gate.require_clear(
        make_person(**NY),
        late,
        purpose=Purpose.INFORMATIONAL,
        override_reason="fraud alert the customer asked for",
    )
    assert d.override_reason == "fraud alert the customer asked for"
    assert not d.allowed
    with pytest.raises(ComplianceBlocked, match="only for informational"):
        gate.require_clear(
            make_person(**NY), late, purpose=Purpose.TELEMARKETING, override_reason="please"
        )
    entries = ledger.query()
    assert [e.override_reason for e in entries] == [None, "fraud alert the customer asked for"]
    assert entries[0].inputs["override_requested"] == "please"
    assert "OVERRIDDEN" in ledger.explain(entries[1].id)


def test_check_writes_the_ledger(rules: RuleSet, make_person: Any, tmp_path: Path) -> None:
    """With a ledger attached, every check is recorded with its inputs and rule-set version."""
    ledger = open_ledger(f"sqlite:///{tmp_path / 'l.db'}", environ={})
    d = Gate(rules=rules, ledger=ledger).check(make_person(**NY), AT, purpose=Purpose.INFORMATIONAL)
    (entry,) = ledger.query(contact_id="t1")
    assert entry.allowed == d.allowed
    assert entry.rule_set_version == rules.version
    assert entry.inputs["contact"]["phone"] == "212-555-0142"


def test_naive_instant_is_refused(gate: Gate, make_person: Any) -> None:
    """A naive datetime is not an instant: ValidationError naming ``at``."""
    with pytest.raises(ValidationError) as info:
        gate.check(make_person(**NY), datetime(2026, 11, 23, 12), purpose=Purpose.INFORMATIONAL)
    assert info.value.field == "at"


def test_every_reason_code_is_exercised() -> None:
    """The contract's sixteen reason codes, in order."""
    assert [c.value for c in ReasonCode] == [
        "INVALID_NUMBER",
        "NON_GEOGRAPHIC",
        "OUTSIDE_HOURS",
        "RESTRICTED_DAY",
        "EMERGENCY",
        "DNC_NATIONAL",
        "DNC_STATE",
        "DNC_INTERNAL",
        "CA_DNCL",
        "DNC_STALE",
        "NO_CONSENT",
        "CONSENT_REVOKED",
        "REASSIGNED_NUMBER",
        "FREQUENCY_CAP",
        "REG_F_FREQUENCY",
        "REG_F_CONVERSATION",
    ]


@pytest.mark.parametrize(
    ("phone", "state", "zip_code", "rule_id"),
    [
        ("305-555-0142", "FL", "33130", "fl.frequency"),
        ("410-555-0142", "MD", "21201", "md.frequency"),
        ("405-555-0142", "OK", "73102", "ok.frequency"),
    ],
)
def test_same_subject_caps_per_state(
    rules: RuleSet, make_person: Any, phone: str, state: str, zip_code: str, rule_id: str
) -> None:
    """FL, MD and OK each allow three same-subject calls per 24 h, counted per number."""
    national = phone.replace("-", "")
    at = AT - timedelta(hours=3)  # 09:00 Eastern, 08:00 Central
    fields = {"phone": phone, "state": state, "postal_code": zip_code, "subject": "solar"}
    two = history(*[(national, at - timedelta(hours=h), "solar", None, "busy") for h in (1, 2)])
    gate = Gate(rules=rules, dnc=lists(FRESH_NATIONAL), history=two)
    assert gate.check(make_person(**fields), at, purpose=Purpose.TELEMARKETING).allowed
    gate.history.record_attempt(national, at - timedelta(hours=3), subject=None)
    d = gate.check(make_person(**fields), at, purpose=Purpose.TELEMARKETING)
    assert d.reasons == (ReasonCode.FREQUENCY_CAP,)
    assert d.details[ReasonCode.FREQUENCY_CAP].startswith(rule_id)


def test_company_weekly_cap(rules: RuleSet, make_person: Any) -> None:
    """Company policy: 12 attempts per number in 7 days block the 13th."""
    calls = [
        ("2125550142", AT - timedelta(hours=13 * i), None, None, "no_answer") for i in range(1, 13)
    ]
    gate = Gate(rules=rules, history=history(*calls))
    d = gate.check(make_person(**NY), AT, purpose=Purpose.INFORMATIONAL)
    assert d.reasons == (ReasonCode.FREQUENCY_CAP,)
    assert d.details[ReasonCode.FREQUENCY_CAP].startswith("company.frequency.week")


def test_a_rule_set_is_not_kept_alive_by_module_caches(make_person: Any) -> None:
    """Memos belong to the gate: once it is dropped, its rule set can be freed."""
    import gc
    import weakref

    import polars as pl

    rules = RuleSet.load_default()
    ref = weakref.ref(rules)
    gate = Gate(rules=rules)
    gate.check(make_person(**NY), AT, purpose=Purpose.TELEMARKETING)
    gate.screen(
        pl.DataFrame({"id": ["a"], "phone": ["2125550142"]}), AT, purpose=Purpose.INFORMATIONAL
    )
    del gate, rules
    gc.collect()
    assert ref() is None
