"""What an ad-hoc call is asked to do, and what became of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

__all__ = ["CallOutcome", "CallResult", "DialIntent", "PlacedCall", "Via"]


class Via(StrEnum):
    """The real CXone mechanism used to place the call (``cxone-api.md`` §3.4)."""

    SCRIPT = "script"
    """``POST /scripts/start``: spawn the Studio dialing script (the default)."""
    CALLBACK = "callback"
    """``POST /queuecallback``: an agent is reached first, then the number is dialed."""
    AGENT = "agent"
    """An agent session and ``dial-phone``."""


class CallOutcome(StrEnum):
    """How a call ended, in the terms a caller cares about."""

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    MACHINE = "machine"
    ABANDONED = "abandoned"
    FAILED = "failed"
    PENDING = "pending"
    """Still in progress when following stopped (``--wait`` timed out)."""


@dataclass(frozen=True, slots=True)
class DialIntent:
    """A validated request to dial one number now: what the compliance hook sees.

    ``context_id`` is the caller's correlation label (or a generated one); the id CXone
    stores adds a per-call nonce (:attr:`PlacedCall.context_id`).
    """

    to: str
    caller_id: str
    skill_id: int
    via: Via
    context_id: str
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class PlacedCall:
    """A call CXone accepted; ``contact_id`` is known once CXone named the contact."""

    intent: DialIntent
    contact_id: int | None
    placed_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    context_id: str | None = None
    """The exact ``cxdialContextId`` CXone stores for a script call: the intent's
    ``context_id`` plus a per-call nonce (None for callbacks and agent dials)."""


@dataclass(frozen=True, slots=True)
class CallResult:
    """The disposition of a followed call."""

    contact_id: int
    outcome: CallOutcome
    reason: str
    """CXone's own words (``endReason``), or why the outcome is unknown."""
    duration_seconds: float | None = None
    agent_seconds: float | None = None
    disposition_id: int | None = None
    states: tuple[str, ...] = field(default_factory=tuple)
