"""Each shipped rule is pinned: state hours, days, caps and consent, by effective date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cxdial.compliance import Gate, Purpose, ReasonCode, RuleSet
from cxdial.compliance.ruleset import HoursRule
from cxdial.errors import ConfigurationError

# state, number, ZIP, zone, (start, end) of the telemarketing window on Monday 2026-11-23.
STATE_HOURS = [
    ("AL", "205-555-0142", "35203", "America/Chicago", (8, 20)),
    ("CT", "860-555-0142", "06103", "America/New_York", (9, 20)),
    ("FL", "305-555-0142", "33130", "America/New_York", (8, 20)),
    ("KY", "502-555-0142", "40202", "America/New_York", (10, 21)),
    ("LA", "504-555-0142", "70112", "America/Chicago", (8, 20)),
    ("MD", "410-555-0142", "21201", "America/New_York", (8, 20)),
    ("MA", "617-555-0142", "02108", "America/New_York", (8, 20)),
    ("MI", "313-555-0142", "48226", "America/New_York", (9, 21)),
    ("MN", "612-555-0142", "55401", "America/Chicago", (9, 21)),
    ("NM", "505-555-0142", "87102", "America/Denver", (9, 21)),
    ("OK", "405-555-0142", "73102", "America/Chicago", (8, 20)),
    ("PA", "215-555-0142", "19103", "America/New_York", (8, 21)),
    ("RI", "401-555-0142", "02903", "America/New_York", (9, 18)),
    ("TX", "512-555-0142", "78701", "America/Chicago", (9, 21)),
    ("UT", "801-555-0142", "84101", "America/Denver", (8, 21)),
    ("NY", "212-555-0142", "10001", "America/New_York", (8, 21)),
]


@pytest.mark.parametrize(("state", "phone", "zip_code", "zone", "window"), STATE_HOURS)
def test_state_hours_are_half_open(
    decide: Any,
    at_local: Any,
    state: str,
    phone: str,
    zip_code: str,
    zone: str,
    window: tuple[int, int],
) -> None:
    """Each state's telemarketing window allows its start minute and blocks its end minute."""
    start, end = window
    fields = {"phone": phone, "state": state, "postal_code": zip_code}
    assert decide(at_local(zone, 2026, 11, 23, start, 0), **fields).allowed
    assert decide(at_local(zone, 2026, 11, 23, end - 1, 59), **fields).allowed
    before = decide(at_local(zone, 2026, 11, 23, start - 1, 59), **fields)
    assert before.reasons == (ReasonCode.OUTSIDE_HOURS,)
    after = decide(at_local(zone, 2026, 11, 23, end, 0), **fields)
    assert after.reasons == (ReasonCode.OUTSIDE_HOURS,)


def test_washington_guard_leaves_ring_time(decide: Any, at_local: Any) -> None:
    """WA calls must be *received* before 20:00: the 1-minute guard blocks 19:59."""
    fields = {"phone": "206-555-0142", "state": "WA", "postal_code": "98101"}
    assert decide(at_local("America/Los_Angeles", 2026, 11, 23, 19, 58), **fields).allowed
    late = decide(at_local("America/Los_Angeles", 2026, 11, 23, 19, 59), **fields)
    assert late.reasons == (ReasonCode.OUTSIDE_HOURS,)


def test_connecticut_hours_changed_on_2023_10_01(decide: Any, at_local: Any) -> None:
    """CT allowed 20:30 calls before Oct 1, 2023 and blocks them from that day on."""
    fields = {"phone": "860-555-0142", "state": "CT", "postal_code": "06103"}
    assert decide(at_local("America/New_York", 2023, 9, 29, 20, 30), **fields).allowed
    assert not decide(at_local("America/New_York", 2023, 10, 2, 20, 30), **fields).allowed


def test_maryland_rules_start_2024(decide: Any, at_local: Any) -> None:
    """MD's 20:00 end applies from Jan 1, 2024 (the federal 21:00 before)."""
    fields = {"phone": "410-555-0142", "state": "MD", "postal_code": "21201"}
    assert decide(at_local("America/New_York", 2023, 12, 28, 20, 30), **fields).allowed
    assert not decide(at_local("America/New_York", 2024, 1, 3, 20, 30), **fields).allowed


def test_texas_sunday_starts_at_noon(decide: Any, at_local: Any) -> None:
    """TX: Sunday calls 12:00-21:00 only."""
    fields = {"phone": "512-555-0142", "state": "TX", "postal_code": "78701"}
    sunday = (2026, 11, 22)
    assert not decide(at_local("America/Chicago", *sunday, 11, 59), **fields).allowed
    assert decide(at_local("America/Chicago", *sunday, 12, 0), **fields).allowed


def test_rhode_island_saturday_and_sunday(decide: Any, at_local: Any) -> None:
    """RI: Saturday 10:00-17:00; no Sunday calls at all."""
    fields = {"phone": "401-555-0142", "state": "RI", "postal_code": "02903"}
    assert decide(at_local("America/New_York", 2026, 11, 28, 10, 0), **fields).allowed
    assert not decide(at_local("America/New_York", 2026, 11, 28, 17, 0), **fields).allowed
    sunday = decide(at_local("America/New_York", 2026, 11, 29, 12, 0), **fields)
    assert ReasonCode.RESTRICTED_DAY in sunday.reasons


@pytest.mark.parametrize(
    ("state", "phone", "zip_code", "zone", "day"),
    [
        ("AL", "205-555-0142", "35203", "America/Chicago", (2026, 4, 27)),  # Confederate Mem.
        ("LA", "504-555-0142", "70112", "America/Chicago", (2026, 2, 17)),  # Mardi Gras
        ("LA", "504-555-0142", "70112", "America/Chicago", (2026, 11, 27)),  # reviewed extra
        ("MS", "601-555-0142", "39201", "America/Chicago", (2026, 4, 27)),  # Confederate Mem.
        ("PA", "215-555-0142", "19103", "America/New_York", (2026, 6, 15)),  # observed? no
        ("RI", "401-555-0142", "02903", "America/New_York", (2026, 8, 10)),  # Victory Day
        ("RI", "401-555-0142", "02903", "America/New_York", (2026, 5, 4)),  # reviewed extra
        ("UT", "801-555-0142", "84101", "America/Denver", (2026, 7, 24)),  # Pioneer Day
    ],
)
def test_state_holidays_are_restricted_days(
    decide: Any,
    at_local: Any,
    state: str,
    phone: str,
    zip_code: str,
    zone: str,
    day: tuple[int, int, int],
) -> None:
    """State holidays (package calendar plus reviewed extra dates) block telemarketing."""
    fields = {"phone": phone, "state": state, "postal_code": zip_code, "consent": "none"}
    fields["phone_type"] = "landline"
    d = decide(at_local(zone, *day, 12, 0), **fields)
    if (state, day) == ("PA", (2026, 6, 15)):
        assert ReasonCode.RESTRICTED_DAY not in d.reasons  # Flag Day is the 14th only
    else:
        assert ReasonCode.RESTRICTED_DAY in d.reasons


def test_pennsylvania_flag_day_is_reviewed_extra(decide: Any, at_local: Any) -> None:
    """PA's Flag Day (Jun 14) is blocked from the reviewed list; informational calls are not."""
    fields = {"phone": "215-555-0142", "state": "PA", "postal_code": "19103"}
    flag_day = at_local("America/New_York", 2027, 6, 14, 12, 0)
    assert decide(flag_day, **fields).reasons == (ReasonCode.RESTRICTED_DAY,)
    assert decide(flag_day, Purpose.INFORMATIONAL, **fields).allowed


@pytest.mark.parametrize(
    ("state", "phone", "zip_code", "zone"),
    [
        ("AL", "205-555-0142", "35203", "America/Chicago"),
        ("LA", "504-555-0142", "70112", "America/Chicago"),
        ("MS", "601-555-0142", "39201", "America/Chicago"),
        ("UT", "801-555-0142", "84101", "America/Denver"),
    ],
)
def test_sunday_states(
    decide: Any, at_local: Any, state: str, phone: str, zip_code: str, zone: str
) -> None:
    """AL, LA, MS, UT (and RI) take no telemarketing calls on Sundays."""
    fields = {"phone": phone, "state": state, "postal_code": zip_code, "consent": "none"}
    d = decide(at_local(zone, 2026, 11, 22, 13, 0), **fields)
    assert ReasonCode.RESTRICTED_DAY in d.reasons


def test_utah_consent_lifts_sunday_and_hours(decide: Any, at_local: Any) -> None:
    """Utah's day and hour rules yield to prior express consent."""
    fields = {"phone": "801-555-0142", "state": "UT", "postal_code": "84101"}
    assert decide(at_local("America/Denver", 2026, 11, 22, 13, 0), **fields).allowed


def test_mississippi_hours_hold_in_central_standard_time(decide: Any, at_local: Any) -> None:
    """MS names Central *Standard* Time: in summer 08:30 CDT (07:30 CST) is blocked."""
    fields = {"phone": "601-555-0142", "state": "MS", "postal_code": "39201"}
    assert not decide(at_local("America/Chicago", 2026, 7, 7, 8, 30), **fields).allowed
    assert decide(at_local("America/Chicago", 2026, 7, 7, 9, 0), **fields).allowed
    assert decide(at_local("America/Chicago", 2026, 12, 7, 8, 0), **fields).allowed


def test_automated_consent_states_need_written_consent_on_landlines(
    decide: Any, at_local: Any
) -> None:
    """FL, OK and MD require PEWC for autodialed telemarketing even to landlines."""
    for phone, state, zip_code in [
        ("305-555-0142", "FL", "33130"),
        ("405-555-0142", "OK", "73102"),
        ("410-555-0142", "MD", "21201"),
    ]:
        fields = {"phone": phone, "state": state, "postal_code": zip_code, "consent": "express"}
        at = at_local("America/New_York", 2026, 11, 23, 13, 0)
        assert ReasonCode.NO_CONSENT in decide(at, **fields).reasons
        assert ReasonCode.NO_CONSENT not in decide(at, autodialed=False, **fields).reasons


def test_utah_autodialer_needs_consent_or_ebr(decide: Any, at_local: Any) -> None:
    """UT: autodialed solicitation only with express consent or an EBR."""
    fields = {"phone": "801-555-0142", "state": "UT", "postal_code": "84101", "consent": "none"}
    at = at_local("America/Denver", 2026, 11, 23, 13, 0)
    assert ReasonCode.NO_CONSENT in decide(at, **fields).reasons
    assert ReasonCode.NO_CONSENT not in decide(at, ebr_at="2026-06-01", **fields).reasons


def test_prerecorded_only_rules_are_not_applied(rules: RuleSet) -> None:
    """NE/NV/IL prerecorded-message rules exist as data but cxdial places no such calls."""
    from datetime import UTC, datetime

    for state in ("NE", "NV", "IL"):
        selected = rules.rules(
            states=[state],
            purpose=Purpose.TELEMARKETING,
            autodialed=True,
            at=datetime(2026, 11, 23, tzinfo=UTC),
        )
        assert all(j != state for j, _ in selected)
        assert rules.by_code[state].rules


def test_every_rule_has_source_and_confidence(rules: RuleSet) -> None:
    """Every rule names a source and a confidence tag; the version is a content hash."""
    assert rules.version.startswith("sha256:")
    for j in rules.jurisdictions:
        for rule in j.rules:
            assert rule.source.strip()
            assert rule.confidence in {"P", "S", "M", "policy"}
    assert {"federal", "company", "FL", "OK", "CT", "LA", "RI", "TX"} <= set(rules.by_code)


def test_override_directory_replaces_a_file(tmp_path: Path, at_local: Any) -> None:
    """A file in the override directory replaces the shipped one and changes the version."""
    (tmp_path / "tx.yaml").write_text(
        "jurisdiction: TX\nname: Texas\nrules:\n"
        "  - id: tx.hours\n    kind: hours\n    title: t\n"
        "    applies_to: {purposes: [telemarketing]}\n"
        '    windows: {all: "10:00-19:00"}\n    source: test\n    confidence: M\n'
    )
    custom = RuleSet.load(tmp_path)
    assert custom.version != RuleSet.load_default().version
    gate = Gate(rules=custom)
    from cxdial.compliance import Contact

    c = Contact(
        id="x", phone="512-555-0142", phone_type="landline", state="TX", consent="express_written"
    )
    d = gate.check(
        c, at_local("America/Chicago", 2026, 11, 23, 9, 30), purpose=Purpose.TELEMARKETING
    )
    assert d.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert d.rule_set_version == custom.version


def test_invalid_rules_file_names_the_file(tmp_path: Path) -> None:
    """A rules file that fails validation is a ConfigurationError naming the file."""
    (tmp_path / "zz.yaml").write_text(
        "jurisdiction: ZZ\nname: x\nrules:\n  - id: a\n    kind: nope\n"
    )
    with pytest.raises(ConfigurationError, match=r"zz\.yaml") as info:
        RuleSet.load(tmp_path)
    assert info.value.field == "zz.yaml.rules.0"
    assert "pydantic" not in str(info.value)
    (tmp_path / "zz.yaml").write_text("jurisdiction: ZZ\nname: x\nrules: [\n")
    with pytest.raises(ConfigurationError, match=r"zz\.yaml: not YAML"):
        RuleSet.load(tmp_path)
    with pytest.raises(ConfigurationError, match="does not exist"):
        RuleSet.load(tmp_path / "missing")


def test_hours_rule_weekday_lookup(rules: RuleSet) -> None:
    """A per-weekday window overrides ``all``; a null day is closed."""
    la = next(r for r in rules.by_code["LA"].rules if isinstance(r, HoursRule))
    assert la.window_for(6) is None
    window = la.window_for(0)
    assert window != "unrestricted"
    assert window is not None
    assert window.end.hour == 20
