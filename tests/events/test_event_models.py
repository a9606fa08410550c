"""The pushed-event contract, its JSON Schema and the mapping of polled records."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, get_args

import pytest

from cxdial.cxone.models.contacts import CompletedContact
from cxdial.events import (
    Envelope,
    EventType,
    EventValidationError,
    event_from_completed,
    event_schema,
    parse_event,
    poll_event_id,
)

BODY: dict[str, Any] = {
    "type": "call.completed",
    "occurred_at": "2026-11-23T14:05:00-05:00",
    "contact_id": 101,
    "skill_id": 7,
    "phone": "+15551230001",
    "outcome": "answered",
    "sequence": 3,
}


def _error(body: Any) -> EventValidationError:
    with pytest.raises(EventValidationError) as info:
        parse_event(json.dumps(body).encode() if not isinstance(body, bytes) else body)
    return info.value


def test_a_valid_body_parses_with_typed_fields() -> None:
    """Required fields come out typed; the offset of occurred_at is kept."""
    event = parse_event(json.dumps(BODY).encode())
    assert event.contact_id == 101
    assert event.occurred_at == datetime(2026, 11, 23, 19, 5, tzinfo=UTC)
    assert event.business_key == (101, "call.completed")


def test_unknown_fields_are_kept() -> None:
    """A field the contract does not name survives parsing and the queue round trip."""
    event = parse_event({**BODY, "campaign": "autumn"})
    assert event.extras == {"campaign": "autumn"}
    envelope = Envelope.of(event, id="msg_1", source="push")
    assert Envelope.from_json(envelope.to_json()).event.extras == {"campaign": "autumn"}


@pytest.mark.parametrize("field", ["type", "occurred_at", "contact_id", "skill_id", "phone"])
def test_a_missing_required_field_is_named(field: str) -> None:
    """Each required field, when absent, is named by the error."""
    body = {k: v for k, v in BODY.items() if k != field}
    assert _error(body).field == field


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", "call.dialed"),
        ("occurred_at", "2026-11-23T14:05:00"),
        ("contact_id", "abc"),
        ("phone", "5551230001"),
        ("outcome", "hung_up"),
        ("duration_s", -1),
    ],
)
def test_an_ill_typed_field_is_named(field: str, value: Any) -> None:
    """A wrong type, a naive time, a non-E.164 number or an unknown outcome names the field."""
    assert _error({**BODY, field: value}).field == field


def test_outcome_is_required_for_terminal_events() -> None:
    """call.completed without an outcome is an error naming outcome."""
    body = {k: v for k, v in BODY.items() if k != "outcome"}
    error = _error(body)
    assert error.field == "outcome"
    assert "missing" in error.message


def test_disposition_set_needs_a_disposition_and_numeric_ids_are_text() -> None:
    """disposition.set without a disposition fails; a numeric disposition id is kept as text."""
    base = {**BODY, "type": "disposition.set", "outcome": None}
    assert _error(base).field == "disposition"
    assert parse_event({**base, "disposition": 12}).disposition == "12"


@pytest.mark.parametrize("raw", [b"not json", b"\xff\xfe", b"[1, 2]", b"null"])
def test_a_body_that_is_not_a_json_object_names_the_body(raw: bytes) -> None:
    """Garbage, invalid UTF-8 and non-objects are errors on ``body``."""
    assert _error(raw).field == "body"


def test_the_schema_is_generated_from_the_model() -> None:
    """The JSON Schema lists the required fields, the event types and keeps extras open."""
    schema = event_schema()
    assert set(schema["required"]) == {"type", "occurred_at", "contact_id", "skill_id", "phone"}
    assert set(schema["properties"]["type"]["enum"]) == set(get_args(EventType))
    assert schema["additionalProperties"] is True


_SAME_IN_BOTH = {
    "contactId": 55,
    "skillId": 7,
    "agentId": 9,
    "totalDurationSeconds": 42.5,
    "agentSeconds": 30,
    "abandoned": False,
    "endReason": "Contact Hung Up",
    "primaryDispositionId": 3,
    "lastUpdateTime": "2026-11-23T19:00:43.000Z",
}
V23 = {
    **_SAME_IN_BOTH,
    "fromAddr": "5559990000",
    "toAddr": "5551230002",
    "contactStart": "2026-11-23T19:00:00.000Z",
}
V33 = {
    **_SAME_IN_BOTH,
    "fromAddress": "+15559990000",
    "toAddress": "+15551230002",
    "contactStartDate": "2026-11-23T19:00:00.000Z",
}


def test_v23_and_v33_records_map_to_the_same_event() -> None:
    """Old (fromAddr/toAddr/contactStart) and new field names give one and the same event."""
    old, new = event_from_completed(V23), event_from_completed(V33)
    assert old == new
    assert old.type == "call.completed"
    assert old.outcome == "answered"
    assert old.phone == "+15551230002"
    assert old.disposition == "3"
    assert old.occurred_at == datetime(2026, 11, 23, 19, 0, 42, 500000, tzinfo=UTC)


def test_a_parsed_client_record_maps_like_the_raw_one() -> None:
    """The client's CompletedContact model maps to the same event as its wire dict."""
    assert event_from_completed(CompletedContact.model_validate(V33)) == event_from_completed(V33)


def test_an_abandoned_record_is_an_abandoned_event() -> None:
    """abandoned=true becomes call.abandoned with outcome abandoned."""
    event = event_from_completed({**V33, "abandoned": True, "endReason": "Abandoned"})
    assert (event.type, event.outcome) == ("call.abandoned", "abandoned")


def test_a_record_without_a_number_names_the_field() -> None:
    """A record with no dialable toAddress is an error naming toAddress."""
    with pytest.raises(EventValidationError) as info:
        event_from_completed({**V33, "toAddress": "n/a"})
    assert info.value.field == "toAddress"


def test_poll_ids_are_stable_per_record_version() -> None:
    """The same record version gets the same id; an update gets a new one."""
    assert poll_event_id(V23) == poll_event_id(V33)
    assert poll_event_id(V33) != poll_event_id({**V33, "lastUpdateTime": "2026-11-24T00:00:00Z"})
