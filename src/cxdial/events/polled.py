"""A polled ``/contacts/completed`` record as the same :class:`CallEvent` pushes produce.

CXone renamed the record's fields between versions (``cxone-api.md`` §3.6, SDK v23/v33):
v≤23 sends ``fromAddr``/``toAddr``/``contactStart``, v33 ``fromAddress``/``toAddress``/
``contactStartDate``. Both are read by the client's own model
(:class:`~cxdial.cxone.models.contacts.ContactDetail`), and the outcome follows
:func:`cxdial.calls.outcome_of`, so a polled call and a followed call are read and
classified identically. The record's ``primaryDispositionId`` rides on the end event and
its ``lastUpdateTime`` as the extra ``updated_at`` (as of when that disposition holds); the
consumer applies the disposition as a ``disposition.set`` would be
(:mod:`cxdial.events.dispositions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import pydantic
from pydantic import BaseModel

from cxdial.calls.outcome import outcome_of
from cxdial.compliance.phones import national_number
from cxdial.cxone.models.contacts import ContactDetail
from cxdial.cxone.timestamps import parse_timestamp
from cxdial.events.models import (
    CallEvent,
    Envelope,
    EventValidationError,
    error_of,
    parse_event,
)

__all__ = ["envelope_from_completed", "event_from_completed", "poll_event_id"]

_END = ("contactEndDate", "contactEnd")
"""The end time, which the emulator adds (not in the spec, so not in the client's model)."""


def _first(record: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    return next((record[n] for n in names if record.get(n) not in (None, "")), None)


def _instant(value: Any, field: str) -> datetime:
    try:
        return parse_timestamp(str(value))
    except ValueError:
        raise EventValidationError(
            f"completed contact has an unreadable {field!r}: {value!r}",
            field=field,
            fix="ISO-8601 with an offset",
        ) from None


def _e164(value: Any) -> str:
    text = str(value or "")
    if text.startswith("+"):
        return text
    national = national_number(text)
    if national is None:
        raise EventValidationError(
            "completed contact has no dialable toAddress", field="toAddress", fix="E.164"
        )
    return "+1" + national


def _wire(record: Mapping[str, Any] | BaseModel) -> dict[str, Any]:
    if isinstance(record, BaseModel):
        return record.model_dump(by_alias=True, exclude_none=True)
    return dict(record)


def event_from_completed(record: Mapping[str, Any] | BaseModel) -> CallEvent:
    """The terminal event of one completed contact (``call.abandoned`` or ``call.completed``)."""
    wire = _wire(record)
    try:
        contact = ContactDetail.model_validate(wire)
        outcome, _ = outcome_of(contact)
    except pydantic.ValidationError as exc:
        raise error_of(exc) from None
    start_raw = contact.contact_start_date or None
    end_raw = _first(wire, _END)
    duration = wire.get("totalDurationSeconds")
    if end_raw is not None:
        occurred = _instant(end_raw, "contactEndDate")
    elif start_raw is not None:
        occurred = _instant(start_raw, "contactStartDate") + timedelta(seconds=float(duration or 0))
    elif wire.get("lastUpdateTime"):
        occurred = _instant(wire["lastUpdateTime"], "lastUpdateTime")
    else:
        raise EventValidationError(
            "completed contact has no time", field="contactStartDate", fix="request that field"
        )
    disposition = wire.get("primaryDispositionId")
    body: dict[str, Any] = {
        "type": "call.abandoned" if outcome == "abandoned" else "call.completed",
        "occurred_at": occurred.isoformat(),
        "contact_id": wire.get("contactId"),
        "skill_id": wire.get("skillId"),
        "phone": _e164(contact.to_address),
        "outcome": str(outcome),
        "disposition": None if disposition is None else str(disposition),
        "agent_id": wire.get("agentId"),
        "duration_s": duration,
    }
    if start_raw is not None:
        body["started_at"] = _instant(start_raw, "contactStartDate").isoformat()
    if wire.get("lastUpdateTime"):  # as of when the record (its disposition) holds
        body["updated_at"] = _instant(wire["lastUpdateTime"], "lastUpdateTime").isoformat()
    return parse_event({k: v for k, v in body.items() if v is not None})


def poll_event_id(record: Mapping[str, Any] | BaseModel) -> str:
    """A stable id for one version of a polled record (same record, same id)."""
    wire = _wire(record)
    return f"poll:{wire.get('contactId')}:{wire.get('lastUpdateTime') or ''}"


def envelope_from_completed(record: Mapping[str, Any] | BaseModel) -> Envelope:
    """The queue envelope of one polled record."""
    return Envelope.of(event_from_completed(record), id=poll_event_id(record), source="poll")
