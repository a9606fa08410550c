"""State debt-collection contact caps (Massachusetts), on ``check`` and ``screen``."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cxdial.compliance import AttemptHistory, Contact, Gate, Purpose, RuleSet

BOSTON = ZoneInfo("America/New_York")
DEBTOR = Contact(
    id="ma1",
    phone="617-555-0142",
    phone_type="landline",
    state="MA",
    postal_code="02108",
    debt_id="D7",
)


def _at(day: int, hour: int) -> datetime:
    return datetime(2025, 12, day, hour, 0, tzinfo=BOSTON)


def _gate(*calls: tuple[int, int, str]) -> Gate:
    history = AttemptHistory()
    for day, hour, outcome in calls:
        history.record_attempt("6175550142", _at(day, hour), debt_id="D7", outcome=outcome)
    return Gate(rules=RuleSet.load_default(), history=history)


def test_third_call_in_seven_days_is_blocked(both: Any) -> None:
    """Voicemail reached Dec 17 and Dec 22: a third call on Dec 23 exceeds two per 7 days."""
    gate = _gate((17, 10, "no_answer"), (22, 10, "no_answer"))
    d = both(gate, DEBTOR, _at(23, 11), Purpose.DEBT_COLLECTION, autodialed=False)
    assert d.reasons == ("FREQUENCY_CAP",)
    assert "ma.debt.calls_per_week" in d.details["FREQUENCY_CAP"]  # type: ignore[index]
    # the Dec 17 call leaves the rolling 7 days at 10:00 on Dec 24
    assert d.next_allowed_at == _at(24, 10)


def test_busy_signals_are_not_communications(both: Any) -> None:
    """Attempts that cannot leave a message (busy, failed) do not count toward the two."""
    gate = _gate((17, 10, "busy"), (22, 10, "failed"), (22, 12, "no_answer"))
    d = both(gate, DEBTOR, _at(23, 11), Purpose.DEBT_COLLECTION, autodialed=False)
    assert d.allowed
    assert (
        "ma.debt.calls_per_week: 2 earlier call(s) not counted, outcome busy/failed"
        in "\n".join(d.notes)
    )


def test_cap_is_per_debt_and_only_in_massachusetts(both: Any) -> None:
    """Another debt, or a debtor outside Massachusetts, is not limited by the MA cap."""
    gate = _gate((17, 10, "no_answer"), (22, 10, "no_answer"))
    other_debt = DEBTOR.model_copy(update={"debt_id": "D8"})
    assert both(gate, other_debt, _at(23, 11), Purpose.DEBT_COLLECTION, autodialed=False).allowed
    new_york = DEBTOR.model_copy(
        update={"phone": "212-555-0142", "state": "NY", "postal_code": "10001"}
    )
    history = AttemptHistory()
    for day in (17, 22):
        history.record_attempt("2125550142", _at(day, 10), debt_id="D7", outcome="no_answer")
    ny_gate = Gate(rules=RuleSet.load_default(), history=history)
    assert both(ny_gate, new_york, _at(23, 11), Purpose.DEBT_COLLECTION, autodialed=False).allowed
