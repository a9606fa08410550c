"""Reading a call's outcome from CXone's contact records.

CXone reports how a contact ended in ``endReason`` (free text such as ``"Contact Hung
Up"``) plus ``abandoned`` and ``agentSeconds``; the mapping below is deliberately tolerant:
unknown reasons fall back on whether an agent talked to someone.
"""

from __future__ import annotations

from cxdial.calls.models import CallOutcome
from cxdial.cxone.models.contacts import ContactDetail

__all__ = ["is_finished", "outcome_of"]

_BY_REASON: dict[str, CallOutcome] = {
    "contact hung up": CallOutcome.ANSWERED,
    "agent hung up": CallOutcome.ANSWERED,
    "no answer": CallOutcome.NO_ANSWER,
    "busy": CallOutcome.BUSY,
    "answering machine": CallOutcome.MACHINE,
    "machine": CallOutcome.MACHINE,
    "fax": CallOutcome.MACHINE,
    "invalid number": CallOutcome.FAILED,
    "intercept": CallOutcome.FAILED,
    "dnc scrubbed": CallOutcome.FAILED,
    "abandoned": CallOutcome.ABANDONED,
}
_ENDED_STATES = {"endcontact", "ended", "completed", "disconnected"}


def is_finished(detail: ContactDetail) -> bool:
    """True once the contact has ended (CXone moved it to completed contacts)."""
    if detail.is_active is not None:
        return not detail.is_active
    if detail.end_reason:
        return True
    return (detail.state_name or "").replace(" ", "").lower() in _ENDED_STATES


def outcome_of(detail: ContactDetail) -> tuple[CallOutcome, str]:
    """The outcome and the reason text of a finished contact."""
    reason = detail.end_reason or ""
    if detail.abandoned:
        return CallOutcome.ABANDONED, reason or "abandoned"
    mapped = _BY_REASON.get(reason.strip().lower())
    if mapped is not None:
        return mapped, reason
    if (detail.agent_seconds or 0) > 0:
        return CallOutcome.ANSWERED, reason or "talked to an agent"
    return CallOutcome.FAILED, reason or "ended without a reason"
