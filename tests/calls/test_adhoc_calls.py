"""Ad-hoc calls: validated, gated, dialed once, and followed to their disposition."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from calls_support import CALLER, SKILL, Emulator, VirtualTime

from cxdial.calls import CallOutcome, CallPlacer, PreDialCheck, Via, ungated
from cxdial.calls.compliance_hook import gate_check
from cxdial.compliance import Gate, Purpose
from cxdial.cxone import Client
from cxdial.errors import ComplianceBlocked, ValidationError

# 2026-11-24 15:00 UTC = 10:00 in New York: inside every federal and state window.
WEEKDAY_MORNING = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
# 2026-11-24 07:00 UTC = 02:00 in New York.
NIGHT = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


def _placer(client: Client, emulator: Emulator, pre_dial: PreDialCheck | None = None) -> CallPlacer:
    """A placer running in the emulator's virtual time (ungated unless a hook is given)."""
    return CallPlacer(
        client,
        pre_dial=pre_dial or ungated("emulator telephony test"),
        clock=VirtualTime(emulator),
    )


@pytest.mark.parametrize(
    ("number", "outcome"),
    [
        ("+12025550000", CallOutcome.ANSWERED),
        ("+12025550001", CallOutcome.NO_ANSWER),
        ("+12025550002", CallOutcome.BUSY),
        ("+12025550003", CallOutcome.MACHINE),
        ("+12025550004", CallOutcome.FAILED),
    ],
)
def test_script_call_is_followed_to_its_outcome(
    client: Client, emulator: Emulator, number: str, outcome: CallOutcome
) -> None:
    """A call placed by the dialing script ends with the outcome the callee produced."""
    placed, result = _placer(client, emulator).call(
        number, caller_id=CALLER, skill_id=SKILL, wait=True, timeout=600
    )
    assert placed.contact_id is not None
    assert result is not None
    assert result.outcome is outcome
    assert result.reason


def test_each_call_is_dialed_exactly_once_with_its_context_id(
    client: Client, emulator: Emulator
) -> None:
    """The emulator's dial ledger holds one dial for the call's context id (label + nonce)."""
    placed, _ = _placer(client, emulator).call(
        "+12025550000", caller_id=CALLER, skill_id=SKILL, context_id="ctx-once-1"
    )
    assert placed.context_id is not None
    assert placed.context_id.startswith("ctx-once-1.")
    dials = [d for d in emulator.dials() if d.get("contextId") == placed.context_id]
    assert len(dials) == 1
    assert dials[0]["contactId"] == placed.contact_id


def test_follow_stops_at_timeout_with_pending(client: Client, emulator: Emulator) -> None:
    """A call still talking when the wait ends is reported as pending, not guessed."""
    _, result = _placer(client, emulator).call(
        "+12025550005", caller_id=CALLER, skill_id=SKILL, wait=True, timeout=30
    )
    assert result is not None
    assert result.outcome is CallOutcome.PENDING


def test_invalid_destination_is_refused_before_dialing(client: Client, emulator: Emulator) -> None:
    """A number that is not E.164-valid raises a ValidationError naming ``to``."""
    before = len(emulator.dials())
    with pytest.raises(ValidationError) as info:
        _placer(client, emulator).call("+1202555", caller_id=CALLER, skill_id=SKILL)
    assert info.value.field == "to"
    assert len(emulator.dials()) == before


def test_caller_id_must_be_owned_by_the_business_unit(client: Client, emulator: Emulator) -> None:
    """A caller ID the business unit does not own is refused with the owned numbers listed."""
    with pytest.raises(ValidationError) as info:
        _placer(client, emulator).call("+12025550000", caller_id="+13125550199", skill_id=SKILL)
    assert info.value.field == "caller_id"
    assert CALLER in str(info.value)


def test_unknown_mechanism_names_the_choices(client: Client, emulator: Emulator) -> None:
    """``via`` outside script/callback/agent is an input error listing the choices."""
    with pytest.raises(ValidationError) as info:
        _placer(client, emulator).intent("+12025550000", caller_id=CALLER, skill_id=SKILL, via="x")
    assert "script, callback, agent" in str(info.value)


def test_compliance_block_means_nothing_is_dialed(client: Client, emulator: Emulator) -> None:
    """At 02:00 local the gate blocks a telemarketing call and no dial reaches CXone."""
    hook = gate_check(
        Gate(),
        purpose=Purpose.TELEMARKETING,
        attributes={"state": "DC", "consent": "express_written", "consent_at": "2026-01-01"},
        at=lambda: NIGHT,
    )
    before = len(emulator.dials())
    with pytest.raises(ComplianceBlocked) as info:
        _placer(client, emulator, pre_dial=hook).call(
            "+12025550000", caller_id=CALLER, skill_id=SKILL
        )
    assert "OUTSIDE_HOURS" in info.value.reasons
    assert info.value.next_allowed_at is not None
    assert len(emulator.dials()) == before


def test_compliance_clearance_lets_the_call_through(client: Client, emulator: Emulator) -> None:
    """Inside calling hours, with written consent, the gate clears and the call is placed."""
    seen = []
    hook = gate_check(
        Gate(),
        purpose=Purpose.TELEMARKETING,
        attributes={"state": "DC", "consent": "express_written", "consent_at": "2026-01-01"},
        at=lambda: WEEKDAY_MORNING,
        on_decision=seen.append,
    )
    placed, _ = _placer(client, emulator, pre_dial=hook).call(
        "+12025550000", caller_id=CALLER, skill_id=SKILL
    )
    assert placed.contact_id is not None
    assert seen
    assert seen[0].allowed


def test_callback_call_is_found_and_followed(client: Client, emulator: Emulator) -> None:
    """A queued callback's contact is found by skill and number and followed to its end."""
    placer = _placer(client, emulator)
    placed, result = placer.call(
        "+12025550002", caller_id=CALLER, skill_id=SKILL, via=Via.CALLBACK, wait=True, timeout=600
    )
    assert placed.contact_id is not None
    assert result is not None
    assert result.outcome is CallOutcome.BUSY


def test_agent_dial_reports_the_contact_from_the_session_events(
    client: Client, emulator: Emulator
) -> None:
    """An agent session's dial-phone call is identified through get-next-event."""
    placer = _placer(client, emulator)
    with placer.sessions_closed():
        placed, result = placer.call(
            "+12025550001", caller_id=CALLER, skill_id=SKILL, via=Via.AGENT, wait=True, timeout=600
        )
    assert placed.contact_id is not None
    assert result is not None
    assert result.outcome is CallOutcome.NO_ANSWER


def test_ungated_dialing_is_logged_and_needs_a_reason(
    client: Client, emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Skipping the gate is explicit: it needs a reason and every such dial is logged."""
    with pytest.raises(ValidationError):
        ungated(" ")
    with caplog.at_level("WARNING", logger="cxdial.calls"):
        _placer(client, emulator).call("+12025550000", caller_id=CALLER, skill_id=SKILL)
    assert "without the compliance gate: emulator telephony test" in caplog.text


def test_follow_falls_back_to_completed_contacts(
    client: Client, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When /contacts/{id} no longer serves the call, its outcome comes from completed contacts."""
    placer = _placer(client, emulator)
    placed, _ = placer.call("+12025550002", caller_id=CALLER, skill_id=SKILL)
    emulator.advance(60)
    shot = {"path_contains": f"/contacts/{placed.contact_id}", "fault": "404"}
    emulator.control("POST", "faults", {"next": [shot]})
    searched: list[dict[str, object]] = []
    real = client.contacts.iter_completed

    def spy(**kw: Any) -> Any:
        searched.append(kw)
        return real(**kw)

    monkeypatch.setattr(client.contacts, "iter_completed", spy)
    result = placer.follow(placed, timeout=60)
    assert result.outcome is CallOutcome.BUSY
    assert searched
    assert searched[0]["skill_id"] == SKILL
