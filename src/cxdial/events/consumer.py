"""Consuming events exactly once: dedupe, per-call ordering with gaps, state and attempts.

One transaction per batch holds the dedupe rows and every write an event causes, so a
redelivered event (its ack was lost) is recognised and changes nothing twice. Two
dedupe rules: the event id (a push's ``webhook-id``, a poll's record version) and the
business key (contact id + event type) within ``window``, which is also how a polled
record that a push already delivered is merged, and how one the pushes missed is filled
in and marked reconciled.

A ``reconcile`` envelope (a lookup of a call whose pushes had a gap or no end) fills the
call like a polled one and marks it reconciled even when its terminal event was pushed.
With an :class:`~cxdial.events.outbound.Outbox`, every event applied (not a duplicate) is
published to the subscribers of its type in the same transaction: once per event.

Dispositions count once whatever path brings them. A pushed ``disposition.set`` and the
disposition an end carries (a pushed ``call.completed``, a polled record or a lookup, when
the push of ``disposition.set`` was lost) go through one step: the first claims the
business key (contact id + ``disposition.set``), is recorded as a revocation or a
do-not-call request when it is one (``dispositions``), handed to the re-screen job and
published as a ``disposition.set``; the same value again is a duplicate (also after the
window: the call row keeps it); a different, newer one of the same form is a
re-disposition, published again with ``previous_disposition``; an older one is stale
(:func:`~cxdial.events.dispositions.compare`, whose module says why).

Ordering per call: events carry a ``sequence`` (the script's push order) and a time;
the call's state follows the greatest ``(sequence, time)`` seen, whatever the arrival
order, and missing sequence numbers are reported as gaps.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from cxdial.events.models import TERMINAL_TYPES, CallEvent, Envelope
from cxdial.store.db import session_scope
from cxdial.store.event_tables import CallStateRow, SeenEvent, SeenKey, bump, create_event_schema
from cxdial.store.tables import AttemptRow

if TYPE_CHECKING:
    from cxdial.events.dispositions import Change, DispositionRules
    from cxdial.events.outbound import Outbox

__all__ = ["CallView", "Handled", "Processor", "gaps_of", "outbound_data"]

_RANK = {
    "call.started": 1,
    "call.answered": 2,
    "call.abandoned": 3,
    "call.completed": 3,
    "disposition.set": 4,
}


class Handled(StrEnum):
    """What became of one event."""

    PROCESSED = "processed"
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class CallView:
    """Where a call stands (read back from the store)."""

    contact_id: int
    skill_id: int
    state: str
    outcome: str | None
    disposition: str | None
    answered: bool
    reconciled: bool
    sequences: tuple[int, ...]
    gaps: tuple[int, ...]


def gaps_of(sequences: Sequence[int]) -> tuple[int, ...]:
    """Sequence numbers missing below the highest one seen (numbering starts at 1)."""
    seen = set(sequences)
    return tuple(n for n in range(1, max(seen, default=0) + 1) if n not in seen)


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _later(event: CallEvent, row: CallStateRow) -> bool:
    """Whether ``event`` comes after the call's current state: by sequence when both have
    one, else by the type's place in a call's life, then by time."""
    at = _utc(event.occurred_at)
    if event.sequence is not None and row.last_sequence is not None:
        return (event.sequence, at) > (row.last_sequence, _utc(row.last_at))
    return (_RANK[event.type], at) > (_RANK[row.state], _utc(row.last_at))


def _started(event: CallEvent) -> datetime:
    extra = event.extras.get("started_at")
    if isinstance(extra, str):
        try:
            return _utc(datetime.fromisoformat(extra.replace("Z", "+00:00")))
        except ValueError:
            pass
    return _utc(event.occurred_at)


def _as_of(envelope: Envelope) -> datetime:
    """As of when the envelope's disposition holds: a pushed ``disposition.set``'s time, a
    polled or looked-up record's ``lastUpdateTime`` (extra ``updated_at``), else the event's."""
    event = envelope.event
    if event.type != "disposition.set":
        extra = event.extras.get("updated_at")
        if isinstance(extra, str):
            try:
                return _utc(datetime.fromisoformat(extra.replace("Z", "+00:00")))
            except ValueError:
                pass
    return _utc(event.occurred_at)


def _label(value: Any) -> str | None:
    """A pushed ``subject`` / ``debt_id`` extra as the attempt history keeps it."""
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()[:200]
    return None


def outbound_data(envelope: Envelope) -> Mapping[str, Any]:
    """What subscribers receive as ``data``: the event as applied, its id and source."""
    return {
        "event_id": envelope.id,
        "source": envelope.source,
        **envelope.event.model_dump(mode="json", exclude_none=True),
    }


_CHUNK = 500
"""Most ids in one ``IN (…)`` of the batch's look-ups."""


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


@dataclass
class _Batch:
    """What one batch's transaction knows: looked up once for all its envelopes (a few
    ``IN`` queries instead of several per event), then kept current as events apply."""

    seen: set[str]
    keys: dict[tuple[int, str], SeenKey]
    rows: dict[int, CallStateRow]
    new_attempts: dict[int, AttemptRow] = field(default_factory=dict)
    reconciled: int = 0

    @classmethod
    def load(cls, session: Session, envelopes: Sequence[Envelope]) -> _Batch:
        ids = sorted({e.id for e in envelopes})
        contacts = sorted({e.event.contact_id for e in envelopes})
        seen: set[str] = set()
        keys: dict[tuple[int, str], SeenKey] = {}
        rows: dict[int, CallStateRow] = {}
        for part in _chunks(ids):
            seen.update(
                session.scalars(select(SeenEvent.event_id).where(SeenEvent.event_id.in_(part)))
            )
        for part in _chunks(contacts):
            for key in session.scalars(select(SeenKey).where(SeenKey.contact_id.in_(part))):
                keys[(key.contact_id, key.type)] = key
            for row in session.scalars(
                select(CallStateRow).where(CallStateRow.contact_id.in_(part))
            ):
                rows[row.contact_id] = row
        return cls(seen, keys, rows)

    def finish(self, session: Session) -> None:
        """Write the batch; link each call to the attempt row its completion created."""
        session.flush()
        for contact_id, attempt in self.new_attempts.items():
            self.rows[contact_id].attempt_id = attempt.id


class Processor:
    """Applies envelopes to the store; one instance per worker, safe to run on many."""

    def __init__(
        self,
        engine: Engine,
        *,
        window: timedelta = timedelta(hours=24),
        clock: Callable[[], float] = time.time,
        outbox: Outbox | None = None,
        dispositions: DispositionRules | None = None,
        rescreen: bool = False,
    ) -> None:
        self.engine = engine
        self.window = window
        self._clock = clock
        self.outbox = outbox
        self.dispositions = dispositions
        """Which ``disposition.set`` events record a revocation or a do-not-call request."""
        self.rescreen = rescreen
        """Hand the numbers of revocations, DNC additions and attempts to the re-screen job."""
        create_event_schema(engine)

    def handle(self, envelopes: Sequence[Envelope]) -> list[Handled]:
        """Apply ``envelopes`` in one transaction; what became of each."""
        now = self._clock()
        with session_scope(self.engine) as session:
            batch = _Batch.load(session, envelopes)
            results: list[Handled] = []
            published: list[tuple[str, Mapping[str, Any]]] = []
            for envelope in envelopes:
                handled, out = self._one(session, batch, envelope, now)
                results.append(handled)
                published += out
            batch.finish(session)
            if self.outbox is not None:
                self.outbox.publish_in(session, published)
            bump(
                session,
                processed=results.count(Handled.PROCESSED),
                duplicates=results.count(Handled.DUPLICATE),
                reconciled=batch.reconciled,
            )
        return results

    def _one(
        self, session: Session, batch: _Batch, envelope: Envelope, now: float
    ) -> tuple[Handled, list[tuple[str, Mapping[str, Any]]]]:
        """What became of one envelope, and what to publish for it."""
        if envelope.id in batch.seen:
            return Handled.DUPLICATE, []
        batch.seen.add(envelope.id)  # a repeat later in the same batch finds it
        session.add(SeenEvent(event_id=envelope.id, seen_at=now))
        event = envelope.event
        if event.type == "disposition.set":
            # news only when the call's disposition is new or changed (dispositions.compare)
            change = self._compare(batch, envelope)
            if change not in ("new", "changed"):
                self._disposition(session, batch, envelope, change, now)
                return Handled.DUPLICATE, []
            self._claim(session, batch, event.business_key, now)
            self._apply(session, batch, envelope, now)
            data = self._disposition(session, batch, envelope, change, now)
            return Handled.PROCESSED, [] if data is None else [(event.type, data)]
        out: list[tuple[str, Mapping[str, Any]]] = []
        key = batch.keys.get(event.business_key)
        if key is not None and now - key.seen_at < self.window.total_seconds():
            if envelope.source != "push":  # the platform's copy: fill what the push lacked
                self._fill(batch, event, reconcile=envelope.source == "reconcile")
            handled = Handled.DUPLICATE
        else:
            self._claim(session, batch, event.business_key, now)
            self._apply(session, batch, envelope, now)
            out.append((event.type, outbound_data(envelope)))
            handled = Handled.PROCESSED
        if event.disposition is not None and event.contact_id in batch.rows:
            # an end (pushed, polled or looked up) carrying the call's disposition: applied as
            # the disposition.set it stands for, whether or not that push ever arrives
            change = self._compare(batch, envelope)
            data = self._disposition(session, batch, envelope, change, now)
            if data is not None:
                out.append(("disposition.set", data))
        return handled, out

    @staticmethod
    def _claim(session: Session, batch: _Batch, business_key: tuple[int, str], now: float) -> None:
        """Mark a business key handled now (a new dedupe row, or the old one's time moved)."""
        key = batch.keys.get(business_key)
        if key is None:
            contact_id, kind = business_key
            key = SeenKey(contact_id=contact_id, type=kind, seen_at=now)
            session.add(key)
            batch.keys[business_key] = key
        else:
            key.seen_at = now

    def _apply(self, session: Session, batch: _Batch, envelope: Envelope, now: float) -> None:
        event = envelope.event
        row = batch.rows.get(event.contact_id)
        at = _utc(event.occurred_at)
        if row is None:
            row = CallStateRow(
                contact_id=event.contact_id,
                skill_id=event.skill_id,
                phone_e164=event.phone,
                state=event.type,
                started_at=_started(event),
                last_at=at,
                last_sequence=event.sequence,
                sequences=[],
                answered=False,
                reconciled=False,
                extras={},
            )
            session.add(row)
            batch.rows[event.contact_id] = row
        elif _later(event, row):
            row.state, row.last_at = event.type, at
            row.last_sequence = event.sequence if event.sequence is not None else row.last_sequence
        started = min(_utc(row.started_at), _started(event))
        if started != _utc(row.started_at):
            row.started_at = started
            # the call's start was learned after its end: move its attempt too
            attempt = batch.new_attempts.get(event.contact_id)
            if attempt is None and row.attempt_id is not None:
                attempt = session.get(AttemptRow, row.attempt_id)
            if attempt is not None:
                attempt.at = started
        if event.sequence is not None and event.sequence not in row.sequences:
            row.sequences = sorted([*row.sequences, event.sequence])
        if event.outcome is not None and (event.type in TERMINAL_TYPES or row.outcome is None):
            row.outcome = event.outcome
        row.agent_id = event.agent_id if event.agent_id is not None else row.agent_id
        row.duration_s = event.duration_s if event.duration_s is not None else row.duration_s
        row.answered = row.answered or event.type == "call.answered" or event.outcome == "answered"
        if event.extras:
            row.extras = {
                **row.extras,
                **{k: v for k, v in event.extras.items() if k != "started_at"},
            }
        if envelope.source != "push" and not row.reconciled:
            row.reconciled = True
            batch.reconciled += 1
        terminal = event.type in TERMINAL_TYPES
        if terminal and row.attempt_id is None and event.contact_id not in batch.new_attempts:
            attempt = AttemptRow(
                phone_e164=event.phone,
                at=_utc(row.started_at),
                subject=_label(event.extras.get("subject")),
                debt_id=_label(event.extras.get("debt_id")),
                outcome=event.outcome or "failed",
            )
            session.add(attempt)
            batch.new_attempts[event.contact_id] = attempt
            self._hand_over(session, envelope, "attempt", now)

    @staticmethod
    def _compare(batch: _Batch, envelope: Envelope) -> Change:
        """How the envelope's disposition relates to the call's current one."""
        from cxdial.events.dispositions import compare

        event = envelope.event
        assert event.disposition is not None
        row = batch.rows.get(event.contact_id)
        if row is None:
            return "new"
        current_at = None if row.disposition_at is None else _utc(row.disposition_at)
        return compare(row.disposition, current_at, event.disposition, _as_of(envelope))

    def _disposition(
        self, session: Session, batch: _Batch, envelope: Envelope, change: Change, now: float
    ) -> Mapping[str, Any] | None:
        """Apply the disposition ``envelope`` carries as ``change`` says: record the
        compliance fact its kind is (unless the call's current disposition already is that
        kind), and when it is new or changed make it the call's and return what subscribers
        of ``disposition.set`` receive (None: nothing to publish)."""
        event = envelope.event
        value = event.disposition
        assert value is not None
        if change == "same":
            return None
        row = batch.rows.get(event.contact_id)
        current = None if row is None else row.disposition
        if self.dispositions is not None:
            kind = self.dispositions.kind(value)
            if (
                kind is not None
                and kind != self.dispositions.kind(current)
                and self._record_request(session, envelope, kind)
            ):
                self._hand_over(session, envelope, kind, now)
        if change not in ("new", "changed") or row is None:
            return None
        self._claim(session, batch, (event.contact_id, "disposition.set"), now)
        row.disposition, row.disposition_at = value, _as_of(envelope)
        data = {**outbound_data(envelope), "type": "disposition.set"}
        if event.type != "disposition.set":
            data.pop("sequence", None)  # the end's place in the pushes, not this event's
        if change == "changed":
            data["previous_disposition"] = current
        return data

    @staticmethod
    def _record_request(session: Session, envelope: Envelope, kind: str) -> bool:
        """A revocation or do-not-call disposition, recorded as the gate reads it."""
        from cxdial.compliance.phones import national_number
        from cxdial.store.rescreen_tables import InternalDncStore
        from cxdial.store.tables import ConsentRow

        event = envelope.event
        national = national_number(event.phone)
        if national is None:  # not a NANP number: no rule of the gate applies to it
            return False
        at = _utc(event.occurred_at)
        if kind == "dnc":
            InternalDncStore.add_in(session, national, at, channel="call", evidence_id=envelope.id)
            return True
        session.add(
            ConsentRow(
                phone=national,
                seller=None,
                purposes="",
                channels="live;autodialed;prerecorded",
                level="express",
                method=f"call disposition {event.disposition}"[:200],
                evidence_id=envelope.id,
                given_at=at,
                revoked_at=at,
                revocation_channel="call",
                matter=None,
            )
        )
        return True

    def _hand_over(self, session: Session, envelope: Envelope, trigger: str, now: float) -> None:
        if not self.rescreen:
            return
        from cxdial.store.rescreen_tables import RescreenQueue

        event = envelope.event
        RescreenQueue.add_in(
            session,
            event.phone,
            trigger=trigger,
            event_id=envelope.id,
            external_id=event.list_record_id,
            now=now,
        )

    @staticmethod
    def _fill(batch: _Batch, event: CallEvent, *, reconcile: bool = False) -> None:
        row = batch.rows.get(event.contact_id)
        if row is None:
            return
        if reconcile and not row.reconciled:  # looked up because a push went missing
            row.reconciled = True
            batch.reconciled += 1
        row.agent_id = row.agent_id if row.agent_id is not None else event.agent_id
        row.duration_s = row.duration_s if row.duration_s is not None else event.duration_s

    def call(self, contact_id: int) -> CallView | None:
        """The stored state of one call, with its sequence gaps."""
        with session_scope(self.engine) as session:
            row = session.get(CallStateRow, contact_id)
            if row is None:
                return None
            return CallView(
                contact_id=row.contact_id,
                skill_id=row.skill_id,
                state=row.state,
                outcome=row.outcome,
                disposition=row.disposition,
                answered=row.answered,
                reconciled=row.reconciled,
                sequences=tuple(row.sequences),
                gaps=gaps_of(row.sequences),
            )

    def calls_with_gaps(self) -> list[CallView]:
        """Every call whose sequence numbers have holes (a push went missing)."""
        with session_scope(self.engine) as session:
            ids = [
                r.contact_id for r in session.scalars(select(CallStateRow)) if gaps_of(r.sequences)
            ]
        return [view for i in ids if (view := self.call(i)) is not None]

    def prune(self) -> int:
        """Forget dedupe rows older than the window; how many were removed."""
        cutoff = self._clock() - self.window.total_seconds()
        with session_scope(self.engine) as session:
            a = session.execute(delete(SeenEvent).where(SeenEvent.seen_at < cutoff))
            b = session.execute(delete(SeenKey).where(SeenKey.seen_at < cutoff))
            return int(getattr(a, "rowcount", 0)) + int(getattr(b, "rowcount", 0))
