"""Provincial debt-collection rules (Ontario, Quebec, British Columbia, Alberta) and Canada's
ADAD rules as data.

Every verdict comes from ``Gate.check`` and from ``Gate.screen`` on the same contact (the
``both`` fixture), with the facts the provincial texts give: the hours and days of s. 34(4) of
Quebec's Act respecting the collection of certain debts, Ontario's and BC's Sunday afternoons
and holidays, and Ontario's and Alberta's three contacts in seven days.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cxdial.compliance import AttemptHistory, Contact, Gate, Purpose, ReasonCode, RuleSet
from cxdial.compliance.areas import ca_area_codes
from cxdial.compliance.parsing import zone_info

DEBT = Purpose.DEBT_COLLECTION
TORONTO, MONTREAL, VANCOUVER, EDMONTON = (
    "America/Toronto",
    "America/Toronto",
    "America/Vancouver",
    "America/Edmonton",
)


def local(zone: str, *args: int) -> datetime:
    """An aware instant given as wall-clock time in ``zone``."""
    return datetime(*args, tzinfo=zone_info(zone))  # type: ignore[misc]


def debtor(phone: str, **fields: Any) -> Contact:
    """A landline debtor with one debt; ``fields`` add the address."""
    base: dict[str, Any] = {"id": "d1", "phone": phone, "phone_type": "landline", "debt_id": "D1"}
    base.update(fields)
    return Contact.model_validate(base)


def history_gate(rules: RuleSet, phone: str, zone: str, *calls: tuple[int, int, str]) -> Gate:
    """A gate whose history has ``(day of November 2026, hour, outcome)`` calls to ``phone``."""
    history = AttemptHistory()
    for day, hour, outcome in calls:
        history.record_attempt(
            phone, local(zone, 2026, 11, day, hour, 0), debt_id="D1", outcome=outcome
        )
    return Gate(rules=rules, history=history)


# --- Quebec: CQLR c., s. 34(4) -------------------------------------------------------


@pytest.mark.parametrize(
    ("wall", "allowed", "reason"),
    [
        ((2026, 11, 23, 7, 59), False, None),  # Monday before 08:00 (Canada's window too)
        ((2026, 11, 23, 8, 0), True, None),
        ((2026, 11, 23, 19, 59), True, None),
        ((2026, 11, 23, 20, 0), False, ReasonCode.OUTSIDE_HOURS),  # Canada's window runs to 21
        ((2026, 11, 28, 10, 0), True, None),  # Saturday is a day "other than Sundays"
        ((2026, 11, 29, 14, 0), False, ReasonCode.RESTRICTED_DAY),  # Sunday
    ],
)
def test_quebec_collection_calls_only_8_to_20_and_never_on_sunday(
    rules: RuleSet, both: Any, wall: tuple[int, ...], allowed: bool, reason: ReasonCode | None
) -> None:
    """s. 34(4): verbal communication only from 08:00 to 20:00 on days other than Sundays."""
    d = both(Gate(rules=rules), debtor("514-555-0100"), local(MONTREAL, *wall), DEBT)
    assert d.allowed is allowed, d
    if not allowed:
        assert d.reasons == (reason or ReasonCode.OUTSIDE_HOURS,)
    if reason is not None:
        assert "qc.debt.hours" in d.details[reason]


def test_quebec_next_allowed_skips_sunday(rules: RuleSet, both: Any) -> None:
    """Blocked at 20:00 on a Saturday: the next allowed call is 08:00 on Monday."""
    d = both(Gate(rules=rules), debtor("514-555-0100"), local(MONTREAL, 2026, 11, 28, 20, 0), DEBT)
    assert d.next_allowed_at == local(MONTREAL, 2026, 11, 30, 8, 0).astimezone(UTC)


@pytest.mark.parametrize(
    "day",
    [
        (2026, 4, 6),  # Easter Monday: on the OPC's list, not in the holidays package
        (2026, 5, 18),  # the Monday before May 25 (National Patriots' Day)
        (2026, 6, 24),  # Fete nationale, a Wednesday
        (2029, 7, 2),  # Canada Day falls on a Sunday in 2029: July 2 is the holiday
    ],
)
def test_quebec_holidays_are_closed(rules: RuleSet, both: Any, day: tuple[int, int, int]) -> None:
    """The OPC's list of holidays: no verbal communication at noon on any of them."""
    d = both(Gate(rules=rules), debtor("514-555-0100"), local(MONTREAL, *day, 12, 0), DEBT)
    assert d.reasons == (ReasonCode.RESTRICTED_DAY,)
    assert "qc.debt.holidays" in d.details[ReasonCode.RESTRICTED_DAY]


def test_quebec_rules_follow_the_address_and_bind_only_collection(
    rules: RuleSet, both: Any
) -> None:
    """A New York number with a Montreal address gets s. 34(4) in all of Quebec's zones: 19:30
    in Montreal is 20:30 on the Magdalen Islands (Halifax time); telemarketing does not."""
    gate = Gate(rules=rules)
    at = local(MONTREAL, 2026, 11, 23, 19, 30)
    contact = debtor("212-555-0142", postal_code="H2X 1Y4", state="QC")
    d = both(gate, contact, at, DEBT)
    assert d.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert "qc.debt.hours" in d.details[ReasonCode.OUTSIDE_HOURS]
    selected = rules.rules(states=["QC"], purpose=Purpose.TELEMARKETING, autodialed=False, at=at)
    assert all(j != "QC" for j, _ in selected)


# --- Ontario: R.R.O. 1990, Reg. 74 (Ministry guide, S) -------------------------------------


@pytest.mark.parametrize(
    ("wall", "allowed"),
    [
        ((2026, 11, 29, 12, 59), False),  # Sunday before 13:00
        ((2026, 11, 29, 13, 0), True),
        ((2026, 11, 29, 16, 59), True),
        ((2026, 11, 29, 17, 0), False),
        ((2026, 11, 28, 17, 0), True),  # Saturday afternoon: the 07:00-21:00 days
    ],
)
def test_ontario_sunday_only_13_to_17(
    rules: RuleSet, both: Any, wall: tuple[int, ...], allowed: bool
) -> None:
    """No contact on a Sunday except between 1 p.m. and 5 p.m. (Toronto's 416, no address)."""
    d = both(Gate(rules=rules), debtor("416-555-0199"), local(TORONTO, *wall), DEBT)
    assert d.allowed is allowed, d
    if not allowed:
        assert d.reasons == (ReasonCode.OUTSIDE_HOURS,)
        assert "on.debt.hours" in d.details[ReasonCode.OUTSIDE_HOURS]


def test_ontario_sunday_morning_waits_until_13(rules: RuleSet, both: Any) -> None:
    """At 09:00 on a Sunday the next allowed contact is 13:00 the same day."""
    d = both(Gate(rules=rules), debtor("416-555-0199"), local(TORONTO, 2026, 11, 29, 9, 0), DEBT)
    assert d.next_allowed_at == local(TORONTO, 2026, 11, 29, 13, 0).astimezone(UTC)


@pytest.mark.parametrize("day", [(2026, 2, 16), (2026, 12, 26), (2026, 12, 28)])
def test_ontario_holidays_are_closed(rules: RuleSet, both: Any, day: tuple[int, int, int]) -> None:
    """Family Day, Boxing Day (a Saturday) and its observed Monday: no contact."""
    d = both(Gate(rules=rules), debtor("613-555-0100"), local(TORONTO, *day, 12, 0), DEBT)
    assert d.reasons == (ReasonCode.RESTRICTED_DAY,)
    assert "on.debt.holidays" in d.details[ReasonCode.RESTRICTED_DAY]


def test_ontario_fourth_contact_in_seven_days_is_blocked(rules: RuleSet, both: Any) -> None:
    """Three contacts (Nov 17, 19, 20) reach the cap on Nov 23; Nov 17's leaves it on Nov 24."""
    gate = history_gate(
        rules,
        "4165550199",
        TORONTO,
        (17, 10, "answered"),
        (19, 10, "no_answer"),
        (20, 15, "conversation"),
    )
    d = both(
        gate, debtor("416-555-0199"), local(TORONTO, 2026, 11, 23, 11, 0), DEBT, autodialed=False
    )
    assert d.reasons == (ReasonCode.FREQUENCY_CAP,)
    assert "on.debt.contacts_per_week" in d.details[ReasonCode.FREQUENCY_CAP]
    assert d.next_allowed_at == local(TORONTO, 2026, 11, 24, 10, 0).astimezone(UTC)


def test_ontario_busy_and_failed_attempts_are_not_contacts(rules: RuleSet, both: Any) -> None:
    """A busy signal or a failed call reaches no one: three of them leave the debtor callable."""
    gate = history_gate(
        rules, "4165550199", TORONTO, (17, 10, "busy"), (19, 10, "failed"), (20, 15, "answered")
    )
    d = both(
        gate, debtor("416-555-0199"), local(TORONTO, 2026, 11, 23, 11, 0), DEBT, autodialed=False
    )
    assert d.allowed, d


def test_ontario_cap_binds_collection_only(rules: RuleSet, both: Any) -> None:
    """The same three calls do not cap an informational call to the same number."""
    gate = history_gate(
        rules,
        "4165550199",
        TORONTO,
        (17, 10, "answered"),
        (19, 10, "answered"),
        (20, 15, "answered"),
    )
    at = local(TORONTO, 2026, 11, 23, 11, 0)
    d = both(gate, debtor("416-555-0199"), at, Purpose.INFORMATIONAL, autodialed=False)
    assert ReasonCode.FREQUENCY_CAP not in d.reasons


# --- British Columbia: BPCPA Part 7 (Consumer Protection BC, S) ----------------------------


@pytest.mark.parametrize(
    ("wall", "reason"),
    [
        ((2026, 11, 29, 12, 0), ReasonCode.OUTSIDE_HOURS),  # Sunday noon
        ((2026, 8, 3, 12, 0), ReasonCode.RESTRICTED_DAY),  # British Columbia Day
        ((2026, 9, 30, 12, 0), ReasonCode.RESTRICTED_DAY),  # Truth and Reconciliation
        ((2026, 11, 11, 12, 0), ReasonCode.RESTRICTED_DAY),  # Remembrance Day
    ],
)
def test_british_columbia_sundays_and_statutory_holidays(
    rules: RuleSet, both: Any, wall: tuple[int, ...], reason: ReasonCode
) -> None:
    """Sundays only 13:00-17:00; no calls on a statutory holiday (Vancouver's 604)."""
    d = both(Gate(rules=rules), debtor("604-555-0111"), local(VANCOUVER, *wall), DEBT)
    assert d.reasons == (reason,)
    assert "bc.debt." in d.details[reason]
    sunday = both(
        Gate(rules=rules), debtor("604-555-0111"), local(VANCOUVER, 2026, 11, 29, 14, 0), DEBT
    )
    assert sunday.allowed


# --- Alberta: Alta. Reg. 194/1999 s. 12 (CPLEA, S) -----------------------------------------


def test_alberta_fourth_contact_in_seven_days_is_blocked(rules: RuleSet, both: Any) -> None:
    """Three contacts in seven days on behalf of the creditor; the fourth waits."""
    calls = ((17, 10, "answered"), (19, 10, "no_answer"), (20, 15, "answered"))
    gate = history_gate(rules, "4035550100", EDMONTON, *calls)
    at = local(EDMONTON, 2026, 11, 23, 11, 0)
    d = both(gate, debtor("403-555-0100"), at, DEBT, autodialed=False)
    assert d.reasons == (ReasonCode.FREQUENCY_CAP,)
    assert "ab.debt.contacts_per_week" in d.details[ReasonCode.FREQUENCY_CAP]
    assert d.next_allowed_at == local(EDMONTON, 2026, 11, 24, 10, 0).astimezone(UTC)
    later = local(EDMONTON, 2026, 11, 24, 10, 0)
    assert both(gate, debtor("403-555-0100"), later, DEBT, autodialed=False).allowed


def test_alberta_address_brings_the_cap_to_another_number(rules: RuleSet, both: Any) -> None:
    """A Toronto number of a debtor living in Calgary is capped by Ontario's and Alberta's rule."""
    calls = ((17, 10, "answered"), (19, 10, "answered"), (20, 15, "answered"))
    gate = history_gate(rules, "4165550199", TORONTO, *calls)
    at = local(TORONTO, 2026, 11, 23, 12, 0)
    d = both(gate, debtor("416-555-0199", postal_code="T2P 1J9"), at, DEBT, autodialed=False)
    assert d.reasons == (ReasonCode.FREQUENCY_CAP,)
    detail = d.details[ReasonCode.FREQUENCY_CAP]
    assert "ab.debt.contacts_per_week" in detail or "on.debt.contacts_per_week" in detail
    assert {"ab.debt.contacts_per_week", "on.debt.contacts_per_week"} <= set(d.evidence["rules"])


# --- the data itself -----------------------------------------------------------------------


@pytest.mark.parametrize("province", ["ON", "QC", "BC", "AB"])
def test_province_area_codes_match_the_area_code_table(rules: RuleSet, province: str) -> None:
    """Each province file presumes exactly the NPAs the area-code table gives that province."""
    table = {npa for npa, area in ca_area_codes().items() if area.provinces == (province,)}
    assert set(rules.by_code[province].area_codes) == table


def test_canadian_adad_rules_are_data_not_applied(rules: RuleSet) -> None:
    """Canada's ADAD rules exist (consent to solicit, hours) but are never selected."""
    ids = {r.id for r in rules.by_code["canada"].rules}
    assert {"canada.adad.solicitation_consent", "canada.adad.hours"} <= ids
    at = datetime(2026, 11, 23, 15, tzinfo=UTC)
    for purpose in Purpose:
        selected = rules.rules(
            states=["ON"], purpose=purpose, autodialed=True, at=at, countries=["CA"]
        )
        assert not any(r.id.startswith("canada.adad.") for _, r in selected)


def test_provincial_rules_carry_sources_and_confidence(rules: RuleSet) -> None:
    """Every provincial rule names its text and a tag; only Quebec's hours are primary text."""
    tags = {r.id: r.confidence for p in ("ON", "QC", "BC", "AB") for r in rules.by_code[p].rules}
    assert tags.pop("qc.debt.hours") == "P"
    assert set(tags.values()) == {"S"}
