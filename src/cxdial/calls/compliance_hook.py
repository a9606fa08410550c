"""The compliance gate as the pre-dial hook of ad-hoc calls.

The dial's number and context id become the gate's contact; everything else the rules need
(purpose, state, postal code, consent …) is supplied by the caller. A block raises
:class:`~cxdial.errors.ComplianceBlocked` before anything is dialed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pydantic

from cxdial.calls.models import CallOutcome, CallResult, DialIntent, PlacedCall, Via
from cxdial.compliance import AttemptHistory, Contact, Decision, Gate, Purpose
from cxdial.errors import ValidationError
from cxdial.validation_errors import validation_error

if TYPE_CHECKING:
    from cxdial.calls.placer import PreDialCheck

__all__ = ["gate_check", "record_attempt"]


def gate_check(
    gate: Gate,
    *,
    purpose: Purpose | str,
    attributes: Mapping[str, Any] | None = None,
    override_reason: str | None = None,
    at: Callable[[], datetime] = lambda: datetime.now(UTC),
    on_decision: Callable[[Decision], None] | None = None,
    seller: str | None = None,
) -> PreDialCheck:
    """A :data:`PreDialCheck` that runs ``gate.require_clear`` for each dial.

    ``attributes`` are contact fields of ``cxdial screen`` (``state``, ``postal_code``,
    ``consent`` …); the number and id come from the dial. Agent-placed calls
    (``Via.AGENT``) are manual dials; scripts and callbacks count as autodialed. ``seller``
    picks the consent records that name it (records without one fit any).
    """
    try:
        purpose = Purpose(purpose)
    except ValueError as exc:
        raise ValidationError(
            f"unknown purpose {purpose!r}",
            field="purpose",
            fix=f"one of: {', '.join(p.value for p in Purpose)}",
        ) from exc
    extra = {k: v for k, v in (attributes or {}).items() if v is not None}

    def check(intent: DialIntent) -> None:
        try:
            contact = Contact.model_validate({**extra, "id": intent.context_id, "phone": intent.to})
        except pydantic.ValidationError as exc:
            raise validation_error(
                exc,
                subject="the contact for the compliance check",
                known=Contact.model_fields,
                fix=lambda p: (
                    None
                    if p.kind == "extra_forbidden"
                    else (f"give {p.field!r} a valid value; see `cxdial screen --help`")
                ),
            ) from None
        decision = gate.require_clear(
            contact,
            at(),
            purpose=purpose,
            override_reason=override_reason,
            autodialed=intent.via is not Via.AGENT,
            seller=seller,
        )
        if on_decision is not None:
            on_decision(decision)

    return check


def record_attempt(
    history: AttemptHistory,
    placed: PlacedCall,
    result: CallResult | None,
    *,
    at: datetime,
    subject: str | None = None,
    debt_id: str | None = None,
) -> str:
    """Feed a placed call back to the frequency caps; returns the outcome recorded.

    A call not followed to its end (or still pending) is recorded as ``dialed``: it counts
    toward every cap, since only a known non-connect (busy, failed) may be left out.
    """
    if result is None or result.outcome is CallOutcome.PENDING:
        outcome = "dialed"
    else:
        outcome = result.outcome.value
    history.record_attempt(placed.intent.to, at, subject=subject, debt_id=debt_id, outcome=outcome)
    return outcome
