"""Reconciliation: calls whose pushes have a gap or never ended, looked up and filled.

A call is a candidate when, ``grace`` after its last event, its per-call sequence has a
hole or no terminal event (``call.completed`` / ``call.abandoned``) arrived, and it is not
reconciled yet. Each candidate is looked up with ``GET /contacts/{contactId}`` through the
client (so 429/5xx follow its one policy); a completed contact is mapped like a polled
record (:func:`~cxdial.events.polled.event_from_completed`) and applied by the
:class:`~cxdial.events.consumer.Processor` as a ``reconcile`` envelope: the call is filled
(outcome, attempt history, disposition) and marked reconciled, exactly once, whatever the
poller or a late push does afterwards; a disposition whose push was lost is recorded (a
revocation, a do-not-call request), handed over and published as the ``disposition.set``
the push would have been. A contact still active, or not found, is looked up
again one ``grace`` later, at most ``max_checks`` times. Any other failure (the platform
unreachable, credentials refused, 5xx after the client's retries) ends the pass with that
error: it says nothing about the call, and the next pass starts over.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from cxdial.cxone.client import AsyncClient
from cxdial.cxone.models.contacts import ContactDetail
from cxdial.errors import BadRequest, NotFound, UnprocessableEntity
from cxdial.events.consumer import Processor, gaps_of
from cxdial.events.models import Envelope, EventValidationError
from cxdial.events.polled import event_from_completed
from cxdial.store.db import session_scope
from cxdial.store.event_tables import CallStateRow, ReconcileCheck, create_event_schema

__all__ = ["ReconcileResult", "Reconciler", "open_candidates"]


WINDOW = timedelta(days=30)
"""Calls older than CXone's reporting window are not looked up."""


@dataclass(frozen=True, slots=True)
class ReconcileResult:
    """One pass: candidates looked up, calls filled, still active, not found, given up."""

    candidates: int
    filled: int
    active: int
    missing: int
    given_up: int

    def as_dict(self) -> dict[str, int]:
        """The counts by name (``cxdial events reconcile --json``)."""
        return {
            "candidates": self.candidates,
            "filled": self.filled,
            "active": self.active,
            "missing": self.missing,
            "given_up": self.given_up,
        }


def _needs_lookup(row: CallStateRow) -> bool:
    return row.attempt_id is None or bool(gaps_of(row.sequences))


def open_candidates(
    engine: Engine, now: datetime, grace: timedelta, *, limit: int | None = None
) -> list[int]:
    """Contact ids due for a lookup at ``now``: a gap or no end, past ``grace``, unresolved."""
    create_event_schema(engine)
    stmt = (
        select(CallStateRow)
        .where(
            CallStateRow.reconciled.is_(False),
            CallStateRow.last_at <= now - grace,
            CallStateRow.last_at >= now - WINDOW,
        )
        .order_by(CallStateRow.last_at)
    )
    with session_scope(engine) as session:
        ids = [r.contact_id for r in session.scalars(stmt) if _needs_lookup(r)]
        checks = {
            c.contact_id: c
            for c in session.scalars(
                select(ReconcileCheck).where(ReconcileCheck.contact_id.in_(ids))
            )
        }
        due = [
            i
            for i in ids
            if (c := checks.get(i)) is None or (c.status == "open" and c.next_at <= now.timestamp())
        ]
    return due[:limit] if limit is not None else due


class Reconciler:
    """Looks up calls with gaps or no end and applies what the platform says about them."""

    def __init__(
        self,
        client: AsyncClient,
        processor: Processor,
        *,
        grace: timedelta = timedelta(minutes=15),
        max_checks: int = 5,
        batch: int = 100,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.processor = processor
        self.engine = processor.engine
        self.grace = grace
        self.max_checks = max_checks
        self.batch = batch
        self._now = now

    async def run_once(self) -> ReconcileResult:
        """Look up every due candidate (at most ``batch``); what became of them."""
        now = self._now()
        ids = await asyncio.to_thread(
            open_candidates, self.engine, now, self.grace, limit=self.batch
        )
        filled = active = missing = given_up = 0
        for contact_id in ids:
            try:
                contact = await self.client.contacts.get(contact_id)
            except (NotFound, BadRequest, UnprocessableEntity) as exc:
                missing += 1
                reason = "not found on the platform" if isinstance(exc, NotFound) else exc.message
                given_up += await asyncio.to_thread(self._again, contact_id, now, reason)
                continue
            if contact.is_active:
                active += 1
                given_up += await asyncio.to_thread(self._again, contact_id, now, "still active")
                continue
            try:
                envelope = _envelope(contact)
            except EventValidationError as exc:
                missing += 1
                given_up += await asyncio.to_thread(self._again, contact_id, now, exc.message)
                continue
            await asyncio.to_thread(self.processor.handle, [envelope])
            await asyncio.to_thread(self._mark, contact_id, "filled", None, now)
            filled += 1
        return ReconcileResult(len(ids), filled, active, missing, given_up)

    def _again(self, contact_id: int, now: datetime, error: str) -> int:
        """Look again one grace later; 1 when this was the last allowed lookup."""
        return self._mark(contact_id, None, error, now)

    def _mark(self, contact_id: int, status: str | None, error: str | None, now: datetime) -> int:
        with session_scope(self.engine) as session:
            row = session.get(ReconcileCheck, contact_id)
            if row is None:
                row = ReconcileCheck(contact_id=contact_id, status="open", checks=0, next_at=0.0)
                session.add(row)
            row.checks += 1
            row.last_error = error[:400] if error else None
            row.next_at = (now + self.grace).timestamp()
            if status is not None:
                row.status = status
            elif row.checks >= self.max_checks:
                row.status = "given_up"
                return 1
            return 0


def _envelope(contact: ContactDetail) -> Envelope:
    """A completed contact as a ``reconcile`` envelope (one id per record version)."""
    event = event_from_completed(contact)
    version = contact.last_update_time or ""
    return Envelope.of(event, id=f"reconcile:{contact.contact_id}:{version}", source="reconcile")
