"""Consumers: exactly-once by event id and business key, per-call order, gaps, caps, metrics."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from queue_support import sqlite_engine
from sqlalchemy import Engine

from cxdial.compliance import AttemptHistory, Contact, Gate, Purpose
from cxdial.events import Envelope, envelope_from_completed, parse_event
from cxdial.events.consumer import Handled, Processor
from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.metrics import metrics
from cxdial.events.queue import QueueSettings
from cxdial.events.worker import Worker
from cxdial.store import AttemptLog, session_scope
from cxdial.store.event_tables import counters

AT = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
PHONE = "+13055550142"


def ev(kind: str, contact: int = 1, seq: int | None = None, minutes: float = 0, **kw: Any) -> Any:
    """An event body of ``kind`` for ``contact``, ``minutes`` after AT."""
    body: dict[str, Any] = {
        "type": kind,
        "occurred_at": (AT + timedelta(minutes=minutes)).isoformat(),
        "contact_id": contact,
        "skill_id": 12,
        "phone": PHONE,
        "sequence": seq,
    }
    if kind in ("call.completed", "call.abandoned"):
        body["outcome"] = "abandoned" if kind == "call.abandoned" else "answered"
    body.update(kw)
    return parse_event({k: v for k, v in body.items() if v is not None})


def push(event: Any, msg_id: str) -> Envelope:
    """A pushed envelope."""
    return Envelope.of(event, id=msg_id, source="push")


class Clock:
    """A settable clock (seconds)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """A fresh SQLite store."""
    return sqlite_engine(tmp_path)


def _counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return counters(session)


def test_a_redelivered_event_is_applied_once(engine: Engine) -> None:
    """The same event id, in one batch or a later one, is a duplicate and changes nothing."""
    processor = Processor(engine)
    done = push(ev("call.completed", seq=3), "msg_1")
    assert processor.handle([done, done]) == [Handled.PROCESSED, Handled.DUPLICATE]
    assert processor.handle([done]) == [Handled.DUPLICATE]
    assert len(AttemptLog(engine).since()) == 1
    assert _counts(engine) | {"received": 0} == {
        "received": 0,
        "processed": 1,
        "duplicates": 2,
        "reconciled": 0,
    }


def test_the_same_fact_under_another_id_is_a_duplicate_for_24_hours(engine: Engine) -> None:
    """Contact id + type dedupes a re-sent push with a new id, until the window has passed."""
    clock = Clock()
    processor = Processor(engine, clock=clock)
    assert processor.handle([push(ev("call.answered", seq=2), "a")]) == [Handled.PROCESSED]
    clock.now += 23 * 3600
    assert processor.handle([push(ev("call.answered", seq=2), "b")]) == [Handled.DUPLICATE]
    clock.now += 2 * 3600
    assert processor.handle([push(ev("call.answered", seq=2), "c")]) == [Handled.PROCESSED]


def test_out_of_order_events_end_in_the_latest_state(engine: Engine) -> None:
    """Completed before answered before started still leaves the call completed and answered."""
    processor = Processor(engine)
    processor.handle([push(ev("call.completed", seq=3, minutes=3, agent_id=4), "m3")])
    processor.handle([push(ev("call.answered", seq=2, minutes=1), "m2")])
    processor.handle([push(ev("call.started", seq=1), "m1")])
    view = processor.call(1)
    assert view is not None
    assert (view.state, view.outcome, view.answered) == ("call.completed", "answered", True)
    assert view.gaps == ()
    (attempt,) = AttemptLog(engine).since()
    assert attempt.at == AT  # the call's start, learned after the fact


def test_a_late_disposition_is_kept_and_ordering_uses_time_without_sequences(
    engine: Engine,
) -> None:
    """Without sequences, type and time order the events; a disposition is merged in."""
    processor = Processor(engine)
    processor.handle([push(ev("disposition.set", minutes=5, disposition="sale"), "d")])
    processor.handle([push(ev("call.completed", minutes=4), "c")])
    view = processor.call(1)
    assert view is not None
    assert (view.state, view.disposition, view.outcome) == ("disposition.set", "sale", "answered")


def test_missing_sequence_numbers_are_reported_as_gaps_until_filled(engine: Engine) -> None:
    """Pushes 1 and 3 leave a gap at 2; when 2 arrives late the gap closes."""
    processor = Processor(engine)
    processor.handle(
        [push(ev("call.started", seq=1), "s1"), push(ev("call.completed", seq=3), "s3")]
    )
    view = processor.call(1)
    assert view is not None
    assert view.gaps == (2,)
    assert [v.contact_id for v in processor.calls_with_gaps()] == [1]
    processor.handle([push(ev("call.answered", seq=2), "s2")])
    assert processor.call(1).gaps == ()  # type: ignore[union-attr]
    assert processor.calls_with_gaps() == []


RECORD = {
    "contactId": 1,
    "skillId": 12,
    "toAddress": PHONE,
    "contactStartDate": AT.isoformat(),
    "contactEndDate": (AT + timedelta(minutes=3)).isoformat(),
    "totalDurationSeconds": 180,
    "agentSeconds": 150,
    "abandoned": False,
    "endReason": "Contact Hung Up",
    "primaryDispositionId": 3,
    "lastUpdateTime": (AT + timedelta(minutes=3)).isoformat(),
}


def test_a_polled_record_fills_a_dropped_push_and_is_marked_reconciled(engine: Engine) -> None:
    """The completion push was lost: the poller's record completes the call, reconciled."""
    processor = Processor(engine)
    processor.handle(
        [push(ev("call.started", seq=1), "p1"), push(ev("call.answered", seq=2), "p2")]
    )
    assert processor.handle([envelope_from_completed(RECORD)]) == [Handled.PROCESSED]
    view = processor.call(1)
    assert view is not None
    assert (view.state, view.outcome, view.disposition, view.reconciled) == (
        "call.completed",
        "answered",
        "3",
        True,
    )
    assert _counts(engine)["reconciled"] == 1
    assert len(AttemptLog(engine).since()) == 1


def test_a_polled_record_the_pushes_delivered_merges_as_a_duplicate(engine: Engine) -> None:
    """When the push arrived, the polled copy of the same completion counts once."""
    processor = Processor(engine)
    processor.handle([push(ev("call.completed", seq=3), "c")])
    assert processor.handle([envelope_from_completed(RECORD)]) == [Handled.DUPLICATE]
    assert len(AttemptLog(engine).since()) == 1
    assert _counts(engine)["reconciled"] == 0


def test_a_polled_duplicate_still_fills_a_disposition_the_push_lacked(engine: Engine) -> None:
    """Push without disposition, then the platform's record with one: merged, counted once."""
    processor = Processor(engine)
    processor.handle([push(ev("call.completed", seq=3), "c")])
    assert processor.handle([envelope_from_completed(RECORD)]) == [Handled.DUPLICATE]
    view = processor.call(1)
    assert view is not None
    assert (view.disposition, view.reconciled) == ("3", False)


def test_calls_that_arrived_as_events_count_against_the_frequency_cap(engine: Engine) -> None:
    """Three completed calls today (Florida, 3 per 24 h) block a fourth telemarketing dial."""
    processor = Processor(engine)
    for contact in (1, 2, 3):
        processor.handle(
            [push(ev("call.completed", contact=contact, minutes=contact), f"c{contact}")]
        )
    history = AttemptHistory.from_store(AttemptLog(engine), since=AT - timedelta(days=8))
    person = Contact(id="p", phone=PHONE, phone_type="landline", state="FL", consent="express")
    decision = Gate(history=history).check(
        person, AT + timedelta(hours=3), purpose=Purpose.TELEMARKETING
    )
    assert not decision.allowed
    assert any("FREQUENCY" in reason for reason in decision.reasons)


def test_metrics_per_skill_and_window_use_the_regulatory_abandonment_basis(
    engine: Engine,
) -> None:
    """Abandonment is abandoned ÷ live answers; machines and no-answers do not dilute it."""
    processor = Processor(engine)
    outcomes = ["answered", "answered", "answered", "abandoned", "machine", "no_answer"]
    for n, outcome in enumerate(outcomes, start=1):
        kind = "call.abandoned" if outcome == "abandoned" else "call.completed"
        processor.handle([push(ev(kind, contact=n, outcome=outcome), f"e{n}")])
    (window,) = metrics(engine)
    assert (window.skill_id, window.ended, window.live_answers) == (12, 6, 4)
    assert window.abandonment_rate == pytest.approx(1 / 4)
    assert window.answer_rate == pytest.approx(4 / 6)
    assert window.success_rate == pytest.approx(3 / 6)
    assert window.window_start == AT.replace(minute=0)


def test_a_window_given_in_another_zone_counts_the_same_calls(engine: Engine) -> None:
    """The store keeps UTC; a window written in New York time selects the same rows as its
    UTC spelling (SQLite compares the instants as text)."""
    from zoneinfo import ZoneInfo

    from cxdial.events.metrics import totals

    processor = Processor(engine)
    for n, outcome in enumerate(["answered", "no_answer"], start=1):
        processor.handle([push(ev("call.completed", contact=n, outcome=outcome), f"z{n}")])
    new_york = ZoneInfo("America/New_York")
    since, until = AT - timedelta(hours=1), AT + timedelta(hours=1)
    in_utc = totals(engine, 12, since, until)
    in_new_york = totals(engine, 12, since.astimezone(new_york), until.astimezone(new_york))
    assert in_utc is not None
    assert in_new_york == in_utc
    assert in_utc.ended == 2
    (window,) = metrics(engine, since=since.astimezone(new_york))
    assert window.ended == 2


def test_a_worker_that_dies_before_acking_causes_no_double_count(engine: Engine) -> None:
    """Processed but unacked (crash), the redelivered batch is recognised: one attempt, once."""
    settings = QueueSettings(visibility_timeout=0.1, batch_wait=0.0)

    async def main() -> dict[Handled, int]:
        queue = EmbeddedQueue(engine, settings)
        processor = Processor(engine)
        await queue.enqueue(
            [push(ev("call.completed", contact=n), f"m{n}").to_json() for n in range(5)]
        )
        crashed = await queue.claim("dies", 10)
        processor.handle([Envelope.from_json(d.body) for d in crashed])  # then no ack
        await asyncio.sleep(0.15)
        worker = Worker(queue, processor)
        await worker.drain()
        assert (await queue.stats()).pending == 0
        await queue.close()
        return worker.handled

    handled = asyncio.run(main())
    assert handled == {Handled.PROCESSED: 0, Handled.DUPLICATE: 5}
    assert len(AttemptLog(engine).since()) == 5


def test_an_unreadable_queued_body_ends_as_a_dead_letter(engine: Engine) -> None:
    """A body that can never be applied is retried, then dead-lettered; others go through."""
    settings = QueueSettings(max_attempts=2, backoff_initial=0.0, batch_wait=0.0)

    async def main() -> int:
        queue = EmbeddedQueue(engine, settings)
        await queue.enqueue(["{not an envelope", push(ev("call.started"), "ok").to_json()])
        worker = Worker(queue, Processor(engine))
        await worker.drain()
        dead = await queue.dead_letters()
        await queue.close()
        assert worker.handled[Handled.PROCESSED] == 1
        return len(dead)

    assert asyncio.run(main()) == 1
