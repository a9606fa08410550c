"""The event pipeline: call events in (pushed or polled), durably queued, consumed once."""

from cxdial.events.models import (
    TERMINAL_TYPES,
    CallEvent,
    Envelope,
    EventSource,
    EventType,
    EventValidationError,
    Outcome,
    event_schema,
    parse_event,
)
from cxdial.events.polled import envelope_from_completed, event_from_completed, poll_event_id

__all__ = [
    "TERMINAL_TYPES",
    "CallEvent",
    "Envelope",
    "EventSource",
    "EventType",
    "EventValidationError",
    "Outcome",
    "envelope_from_completed",
    "event_from_completed",
    "event_schema",
    "parse_event",
    "poll_event_id",
]
