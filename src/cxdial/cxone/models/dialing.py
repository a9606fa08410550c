"""Placing calls: scripts/start, queued callbacks and agent sessions (``cxone-api.md`` §3.4)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from cxdial.cxone.models.base import RequestModel, ResponseModel

__all__ = [
    "E164",
    "AgentSessionState",
    "CallOutcome",
    "CallbackRequest",
    "DialPhone",
    "Disposition",
    "IndependentDialOutcome",
    "ScriptStart",
    "SessionCreated",
    "SessionEvents",
    "StartedContact",
]

AgentSessionState = Literal["Available", "Unavailable"]
IndependentDialOutcome = Literal["Answered", "Busy", "Fax", "Intercept", "No Answer"]
CallOutcome = Literal["answered", "no_answer", "busy", "machine", "failed"]
"""cxdial's normalised outcome of a placed call."""


E164 = r"^\+[1-9]\d{7,14}$"
"""An E.164 number: ``+`` then 8 to 15 digits."""


class ScriptStart(RequestModel):
    """The ad-hoc dial: the number, caller ID and context id passed to the Studio script."""

    phone_number: str = Field(pattern=E164)
    caller_id: str = Field(pattern=E164)
    context_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")

    def parameters(self) -> str:
        """The pipe-delimited ``parameters`` of the AdhocDial script: number|callerId|contextId."""
        return f"{self.phone_number}|{self.caller_id}|{self.context_id}"


class StartedContact(ResponseModel):
    """What ``POST /scripts/start`` returns, with the context id cxdial sent."""

    contact_id: int
    context_id: str | None = None
    """The exact ``cxdialContextId`` stored in the contact's custom data."""


class CallbackRequest(RequestModel):
    """``POST /queuecallback`` (query parameters): reach an agent first, then dial."""

    phone_number: str = Field(min_length=7, max_length=20)
    skill: int
    caller_id: str | None = None
    call_delay: int | None = Field(default=None, ge=0)
    target_agent: int | None = None
    priority_management: Literal["DefaultFromSkill", "Custom"] | None = None
    initial_priority: int | None = None


class SessionCreated(ResponseModel):
    """``POST /agent-sessions`` or ``/agent-sessions/join``."""

    session_id: str


class SessionEvents(ResponseModel):
    """``GET /agent-sessions/{id}/get-next-event`` (empty on 304: nothing happened)."""

    session_id: str | None = None
    events: list[dict[str, Any]] = Field(default_factory=list)


class DialPhone(RequestModel):
    """``POST /agent-sessions/{id}/dial-phone``."""

    phone_number: str = Field(min_length=7, max_length=20)
    skill_id: int
    caller_id: str | None = None
    parent_contact_id: int | None = None


class Disposition(RequestModel):
    """``POST /agent-sessions/{sid}/interactions/{contactId}/disposition``."""

    primary_disposition_id: int
    primary_disposition_notes: str | None = None
    primary_callback_time: str | None = None
    primary_callback_number: str | None = None
    secondary_disposition_id: int | None = None
