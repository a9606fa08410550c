"""Local-time windows: DST, Arizona, Hawaii, multi-zone numbers, most restrictive location."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cxdial.compliance import Gate, Purpose, ReasonCode, RuleSet

NY = {"phone": "212-555-0142", "state": "NY", "postal_code": "10001"}


def utc(*args: int) -> datetime:
    """An aware UTC instant."""
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_federal_boundaries_are_half_open(decide: Any, at_local: Any) -> None:
    """08:00:00 is allowed, 07:59:59 and 21:00:00 are blocked, 20:59:59 allowed."""
    z = "America/New_York"
    assert decide(at_local(z, 2026, 11, 23, 8, 0, 0), **NY).allowed
    assert decide(at_local(z, 2026, 11, 23, 20, 59, 59), **NY).allowed
    assert not decide(at_local(z, 2026, 11, 23, 7, 59, 59), **NY).allowed
    late = decide(at_local(z, 2026, 11, 23, 21, 0, 0), **NY)
    assert late.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert late.next_allowed_at == utc(2026, 11, 24, 13, 0)


def test_spring_forward(decide: Any) -> None:
    """On 2026-03-08 08:00 EDT is 12:00Z; the day before 12:30Z is still 07:30 EST."""
    assert decide(utc(2026, 3, 8, 12, 0), **NY).allowed
    assert not decide(utc(2026, 3, 7, 12, 30), **NY).allowed
    at_jump = decide(utc(2026, 3, 8, 7, 0), **NY)  # 03:00 EDT, just after the gap
    assert at_jump.local_times[0].hour == 3
    assert at_jump.next_allowed_at == utc(2026, 3, 8, 12, 0)


def test_fall_back(decide: Any) -> None:
    """On 2026-11-01 08:00 EST is 13:00Z; the day before 12:30Z is 08:30 EDT."""
    assert decide(utc(2026, 10, 31, 12, 30), **NY).allowed
    blocked = decide(utc(2026, 11, 1, 12, 30), **NY)
    assert blocked.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert blocked.next_allowed_at == utc(2026, 11, 1, 13, 0)
    repeated = decide(utc(2026, 11, 1, 6, 30), **NY)  # 01:30 EST, the repeated hour
    assert repeated.next_allowed_at == utc(2026, 11, 1, 13, 0)


def test_arizona_keeps_standard_time(decide: Any) -> None:
    """Phoenix has no DST: 08:00 MST is 15:00Z in July and in January."""
    az = {"phone": "602-555-0134", "state": "AZ", "postal_code": "85004"}
    for month in (1, 7):
        assert decide(utc(2026, month, 6, 15, 0), **az).allowed
        assert not decide(utc(2026, month, 6, 14, 59), **az).allowed


def test_arizona_number_with_denver_address(decide: Any) -> None:
    """In July a Phoenix number at a Denver address must suit both: 15:00Z to 03:00Z."""
    fields = {"phone": "602-555-0134", "state": "CO", "postal_code": "80202"}
    d = decide(utc(2026, 7, 6, 14, 30), **fields)
    assert d.zones == ("America/Denver", "America/Phoenix")
    assert d.next_allowed_at == utc(2026, 7, 6, 15, 0)
    assert not decide(utc(2026, 7, 7, 3, 0), **fields).allowed
    assert decide(utc(2026, 7, 7, 2, 59), **fields).allowed


def test_hawaii(decide: Any) -> None:
    """Honolulu (no DST): 08:00-21:00 HST is 18:00Z-07:00Z."""
    hi = {"phone": "808-555-0187", "state": "HI", "postal_code": "96813"}
    assert decide(utc(2026, 11, 23, 18, 0), **hi).allowed
    assert decide(utc(2026, 11, 24, 6, 59), **hi).allowed
    assert not decide(utc(2026, 11, 24, 7, 0), **hi).allowed
    assert decide(utc(2026, 11, 23, 17, 0), **hi).next_allowed_at == utc(2026, 11, 23, 18, 0)


def test_multi_zone_area_code(decide: Any) -> None:
    """208-555 may be Boise or Los Angeles time: both must allow the call."""
    d = decide(utc(2026, 11, 23, 15, 30), phone="208-555-0100", state=None, postal_code=None)
    assert d.zones == ("America/Boise", "America/Los_Angeles")
    assert [t.hour for t in d.local_times] == [8, 7]
    assert d.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert d.next_allowed_at == utc(2026, 11, 23, 16, 0)


def test_nxx_level_zone_beats_area_code(decide: Any) -> None:
    """850-434 (Pensacola) is Central, 850-222 (Tallahassee) Eastern."""
    west = decide(utc(2026, 11, 23, 18, 0), phone="850-434-1234", state=None, postal_code=None)
    east = decide(utc(2026, 11, 23, 18, 0), phone="850-222-1234", state=None, postal_code=None)
    assert west.zones == ("America/Chicago",)
    assert east.zones == ("America/New_York",)


def test_address_and_area_code_disagree(decide: Any) -> None:
    """A New York number at a San Francisco address: both zones, most restrictive wins."""
    fields = {"phone": "212-555-0142", "state": "CA", "postal_code": "94105"}
    d = decide(utc(2026, 11, 23, 15, 30), **fields)  # 10:30 NY, 07:30 SF
    assert d.zones == ("America/Los_Angeles", "America/New_York")
    assert d.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert "America/Los_Angeles" in d.details[ReasonCode.OUTSIDE_HOURS]
    assert not decide(utc(2026, 11, 24, 2, 30), **fields).allowed  # 21:30 NY
    assert decide(utc(2026, 11, 23, 16, 30), **fields).allowed


def test_area_code_presumption_adds_florida(decide: Any, at_local: Any) -> None:
    """A Florida area code at a New York address brings Florida's 20:00 end."""
    fields = {"phone": "305-555-0142", "state": "NY", "postal_code": "10001"}
    d = decide(at_local("America/New_York", 2026, 11, 23, 20, 30), **fields)
    assert d.states == ("FL", "NY")
    assert d.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert d.details[ReasonCode.OUTSIDE_HOURS].startswith("fl.hours")


def test_explicit_timezone_is_one_more_candidate(decide: Any, at_local: Any) -> None:
    """A captured ``timezone`` is added to the candidates, not substituted."""
    d = decide(
        at_local("America/New_York", 2026, 11, 23, 10, 30), timezone="America/Los_Angeles", **NY
    )
    assert d.zones == ("America/Los_Angeles", "America/New_York")
    assert not d.allowed


def test_state_only_address_uses_every_zone_of_the_state(decide: Any) -> None:
    """Without a ZIP, a split state contributes all its zones (Florida: ET and CT)."""
    d = decide(utc(2026, 11, 23, 18, 0), phone="800-555-0100", state="FL", postal_code=None)
    assert d.zones == ("America/Chicago", "America/New_York")
    assert d.allowed


def test_unplaced_informational_call_uses_all_us_zones(decide: Any) -> None:
    """A toll-free number with no address: the call must suit every zone, Hawaii included."""
    d = decide(
        utc(2026, 11, 23, 17, 0),
        Purpose.INFORMATIONAL,
        phone="800-555-0100",
        state=None,
        postal_code=None,
    )
    assert "Pacific/Honolulu" in d.zones
    assert len(d.zones) == 7
    assert d.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert d.next_allowed_at == utc(2026, 11, 23, 18, 0)


def test_guard_minutes_end_windows_early(rules: RuleSet, at_local: Any, make_person: Any) -> None:
    """A gate-wide guard of 5 minutes blocks 20:55 local."""
    gate = Gate(rules=rules, guard_minutes=5)
    c = make_person(**NY)
    assert gate.check(
        c, at_local("America/New_York", 2026, 11, 23, 20, 54), purpose=Purpose.TELEMARKETING
    ).allowed
    assert not gate.check(
        c, at_local("America/New_York", 2026, 11, 23, 20, 55), purpose=Purpose.TELEMARKETING
    ).allowed


def test_declared_emergency_blocks_louisiana(
    tmp_path: Path, at_local: Any, make_person: Any
) -> None:
    """A declared LA emergency (override file) blocks telemarketing; no next_allowed_at."""
    shipped = Path(RuleSet.load_default.__code__.co_filename).parent / "rules" / "la.yaml"
    text = shipped.read_text().replace(
        "declarations: []",
        "declarations:\n      - {start: 2026-08-25, end: 2026-09-05, title: Hurricane,"
        " source: test}",
    )
    (tmp_path / "la.yaml").write_text(text)
    gate = Gate(rules=RuleSet.load(tmp_path))
    c = make_person(
        phone="504-555-0142", state="LA", postal_code="70112", consent="none", phone_type="landline"
    )
    d = gate.check(
        c,
        at_local("America/Chicago", 2026, 9, 1, 12, 0),
        purpose=Purpose.TELEMARKETING,
        autodialed=False,
    )
    assert ReasonCode.EMERGENCY in d.reasons
    assert d.next_allowed_at is None
    after = gate.check(
        c,
        at_local("America/Chicago", 2026, 9, 8, 12, 0),
        purpose=Purpose.TELEMARKETING,
        autodialed=False,
    )
    assert ReasonCode.EMERGENCY not in after.reasons
    consented = make_person(phone="504-555-0142", state="LA", postal_code="70112")
    assert gate.check(
        consented, at_local("America/Chicago", 2026, 9, 1, 12, 0), purpose=Purpose.TELEMARKETING
    ).allowed


def test_debt_collection_window(decide: Any, at_local: Any) -> None:
    """Reg F: 08:00-21:00 local for collection calls; state telemarketing hours do not apply."""
    fields = {"phone": "305-555-0142", "state": "FL", "postal_code": "33130", "debt_id": "D1"}
    z = "America/New_York"
    assert decide(at_local(z, 2026, 11, 23, 20, 30), Purpose.DEBT_COLLECTION, **fields).allowed
    late = decide(at_local(z, 2026, 11, 23, 21, 0), Purpose.DEBT_COLLECTION, **fields)
    assert late.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert late.details[ReasonCode.OUTSIDE_HOURS].startswith("federal.hours.debt_collection")


def test_next_allowed_at_skips_restricted_days(decide: Any, at_local: Any) -> None:
    """Saturday night in Alabama: Sunday is closed, next is Monday 08:00 CT."""
    fields = {"phone": "205-555-0142", "state": "AL", "postal_code": "35203"}
    d = decide(at_local("America/Chicago", 2026, 11, 21, 20, 30), **fields)
    assert d.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert d.next_allowed_at == at_local("America/Chicago", 2026, 11, 23, 8, 0)
