"""Holidays for any year: the package calendar plus each state's recurring holidays.

The reviewed ``extra_dates`` lists stay as the cross-check for the years they cover.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cxdial.compliance import Contact, Gate, Purpose, ReasonCode, RuleSet
from cxdial.compliance.profile import ProfileRules
from cxdial.compliance.ruleset import DaysRule, easter_sunday

RULES = RuleSet.load_default()


def _calendars() -> list[DaysRule]:
    return [r for r in RULES.by_id.values() if isinstance(r, DaysRule) and r.holidays]


@pytest.mark.parametrize("rule", _calendars(), ids=lambda r: r.id)
def test_recurring_holidays_match_the_reviewed_lists(rule: DaysRule) -> None:
    """For every year a reviewed list covers, the computed state holidays are exactly that list."""
    cal = rule.holidays
    assert cal is not None
    profiles = ProfileRules(RULES)
    for year in sorted({d.year for d in cal.extra_dates}):
        base = profiles.holidays(cal.country, cal.subdiv, year)
        computed = {h.date_in(year, base) for h in cal.recurring}
        reviewed = {d for d in cal.extra_dates if d.year == year}
        assert computed == reviewed, (rule.id, year)


def test_easter_dates() -> None:
    """Easter Sunday (for Mardi Gras) on known years, 2024-2038."""
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2028) == date(2028, 4, 16)
    assert easter_sunday(2038) == date(2038, 4, 25)


@pytest.mark.parametrize(
    ("state", "phone", "zip_code", "zone", "day"),
    [
        ("PA", "215-555-0142", "19103", "America/New_York", (2028, 6, 14)),  # Flag Day
        ("RI", "401-555-0142", "02903", "America/New_York", (2028, 5, 4)),  # Independence Day
        ("LA", "504-555-0142", "70112", "America/Chicago", (2028, 11, 24)),  # day after Thanksg.
        ("AL", "205-555-0142", "35203", "America/Chicago", (2028, 2, 29)),  # Mardi Gras
        ("LA", "504-555-0142", "70112", "America/Chicago", (2028, 11, 7)),  # Election Day (pkg)
    ],
)
def test_a_2028_campaign_keeps_its_holiday_rules(
    both: Any, state: str, phone: str, zip_code: str, zone: str, day: tuple[int, int, int]
) -> None:
    """Past the reviewed lists (2025-2027), state holidays still block telemarketing."""
    contact = Contact(
        id="h",
        phone=phone,
        phone_type="landline",
        state=state,
        postal_code=zip_code,
        consent="express_written",  # exempt from the national DNC (no snapshot loaded here)
        consent_at=datetime(2027, 1, 1, tzinfo=ZoneInfo(zone)),
    )
    at = datetime(*day, 12, 0, tzinfo=ZoneInfo(zone))
    d = both(Gate(rules=RULES), contact, at, Purpose.TELEMARKETING, autodialed=False)
    assert d.reasons == (ReasonCode.RESTRICTED_DAY,)


def test_recurring_holiday_needs_one_rule() -> None:
    """A recurring holiday with no (or two) ways to compute it is refused."""
    from cxdial.compliance.ruleset import RecurringHoliday

    with pytest.raises(ValueError, match="exactly one"):
        RecurringHoliday(name="x")
    with pytest.raises(ValueError, match="exactly one"):
        RecurringHoliday(name="x", fixed="06-14", easter_offset=1)
