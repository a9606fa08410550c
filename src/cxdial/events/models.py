"""The call event: the body a Studio script pushes, and the envelope the queue carries.

The pushed body is cxdial's own contract (CXone has no outbound-call webhook,
``cxone-api.md`` §3.8). Required fields are typed; unknown fields are kept; a missing or
ill-typed field is an :class:`EventValidationError` naming it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import pydantic
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from cxdial.errors import ValidationError

__all__ = [
    "TERMINAL_TYPES",
    "CallEvent",
    "Envelope",
    "EventSource",
    "EventType",
    "EventValidationError",
    "Outcome",
    "error_of",
    "event_schema",
    "parse_event",
]

EventType = Literal[
    "call.started", "call.answered", "call.completed", "call.abandoned", "disposition.set"
]
Outcome = Literal["answered", "no_answer", "busy", "machine", "failed", "abandoned"]
EventSource = Literal["push", "poll", "reconcile"]
"""``push`` from a Studio script, ``poll`` of /contacts/completed, ``reconcile``: a lookup of
one call whose pushes had a gap or no end (``cxdial.events.reconcile``)."""
TERMINAL_TYPES: frozenset[str] = frozenset({"call.completed", "call.abandoned"})
E164 = r"^\+[1-9][0-9]{6,14}$"


class EventValidationError(ValidationError):
    """A pushed or polled event is malformed; ``field`` names the offending field."""


def _text(value: Any) -> Any:
    """Dispositions arrive as names or numeric ids; both are kept as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


class CallEvent(BaseModel):
    """One call event, pushed by the PC skill's Studio script or mapped from a polled record."""

    model_config = ConfigDict(extra="allow", frozen=True, title="cxdial call event")

    type: EventType = Field(description="what happened to the call")
    occurred_at: AwareDatetime = Field(description="when it happened, ISO-8601 with an offset")
    contact_id: int = Field(ge=0, description="CXone contactId of the call")
    skill_id: int = Field(ge=0, description="the Personal Connection skill that dialed")
    phone: str = Field(pattern=E164, description="the dialed number, E.164")
    list_record_id: str | None = Field(default=None, description="calling-list record id")
    outcome: Outcome | None = Field(
        default=None, description="how the call ended; required for completed and abandoned"
    )
    disposition: Annotated[str | None, BeforeValidator(_text)] = Field(
        default=None, description="disposition name or id; required for disposition.set"
    )
    agent_id: int | None = Field(default=None, ge=0)
    duration_s: float | None = Field(default=None, ge=0)
    sequence: int | None = Field(
        default=None, ge=0, description="per-call order of the script's pushes, from 1"
    )

    @model_validator(mode="after")
    def _conditional_fields(self) -> CallEvent:
        if self.type in TERMINAL_TYPES and self.outcome is None:
            raise ValueError(f"outcome is required for {self.type}")
        if self.type == "disposition.set" and self.disposition is None:
            raise ValueError("disposition is required for disposition.set")
        return self

    @property
    def business_key(self) -> tuple[int, str]:
        """What makes two events the same fact: the contact and the event type."""
        return (self.contact_id, self.type)

    @property
    def extras(self) -> dict[str, Any]:
        """Fields the contract does not name, kept as sent."""
        return dict(self.model_extra or {})


class Envelope(BaseModel):
    """What the queue carries: the event, its id (``webhook-id`` or a poll key), its source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=200)
    source: EventSource
    received_at: AwareDatetime
    event: CallEvent

    @classmethod
    def of(cls, event: CallEvent, *, id: str, source: EventSource) -> Envelope:
        """An envelope stamped now."""
        return cls(id=id, source=source, received_at=datetime.now(UTC), event=event)

    def to_json(self) -> str:
        """The queue's wire form."""
        return self.model_dump_json()

    @classmethod
    def from_json(cls, data: str | bytes) -> Envelope:
        """Back from the queue's wire form."""
        return cls.model_validate_json(data)


_CONDITIONAL = {"outcome", "disposition"}


def error_of(exc: pydantic.ValidationError) -> EventValidationError:
    """The first problem pydantic found, as an error naming the field."""
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    conditional = not loc  # the model validator: a field required by the event's type
    if conditional:
        loc = next((f for f in sorted(_CONDITIONAL) if f in str(first["msg"])), "body")
    if first["type"] == "missing" or conditional:
        return EventValidationError(
            f"missing required field {loc!r}",
            field=loc,
            fix=f"send {loc!r} (see /schemas/event.json)",
        )
    return EventValidationError(
        f"invalid {loc!r}: {first['msg']}", field=loc, fix=f"give {loc!r} a valid value"
    )


def parse_event(body: bytes | str | dict[str, Any]) -> CallEvent:
    """A :class:`CallEvent` from a JSON body; :class:`EventValidationError` names what is wrong."""
    if isinstance(body, dict):
        data: Any = body
    else:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise EventValidationError(
                f"body is not JSON: {exc}", field="body", fix="send one JSON object"
            ) from None
    if not isinstance(data, dict):
        raise EventValidationError(
            "body is not a JSON object", field="body", fix="send one JSON object"
        )
    try:
        return CallEvent.model_validate(data)
    except pydantic.ValidationError as exc:
        raise error_of(exc) from None


def event_schema() -> dict[str, Any]:
    """The JSON Schema of the pushed event body (served at ``/schemas/event.json``)."""
    schema = CallEvent.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["description"] = (
        "A call event pushed to POST /webhooks/cxone. outcome is required for call.completed "
        "and call.abandoned, disposition for disposition.set; other fields are kept."
    )
    return schema
