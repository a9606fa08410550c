"""The pipeline's counts for ``cxdial events stats``: received, duplicates, processed, …"""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine, func, select

from cxdial.events.consumer import gaps_of
from cxdial.events.queue import EventQueue
from cxdial.store.db import session_scope
from cxdial.store.event_tables import (
    CallStateRow,
    ReconcileCheck,
    counters,
    create_event_schema,
)
from cxdial.store.webhook_tables import DeliveryRow, create_webhook_schema

__all__ = ["pipeline_stats"]


async def pipeline_stats(queue: EventQueue, engine: Engine) -> dict[str, int]:
    """Received (by the queue), duplicates, processed, reconciled, pending and dead letters;
    calls still unreconciled (a gap or no end) and those the reconciliation gave up on;
    outbound deliveries pending and dead."""

    def read() -> dict[str, int]:
        create_event_schema(engine)
        create_webhook_schema(engine)
        with session_scope(engine) as session:
            values = counters(session)
            open_calls = session.execute(
                select(CallStateRow.attempt_id, CallStateRow.sequences).where(
                    CallStateRow.reconciled.is_(False)
                )
            )
            values["unreconciled"] = sum(
                1 for attempt_id, seqs in open_calls if attempt_id is None or gaps_of(seqs)
            )
            values["reconcile_given_up"] = int(
                session.scalar(select(func.count()).where(ReconcileCheck.status == "given_up")) or 0
            )
            by_status = {
                str(status): int(n)
                for status, n in session.execute(
                    select(DeliveryRow.status, func.count()).group_by(DeliveryRow.status)
                )
            }
            values["outbound_pending"] = int(by_status.get("pending", 0))
            values["outbound_dead"] = int(by_status.get("dead", 0))
            return values

    stored = await asyncio.to_thread(read)
    queued = await queue.stats()
    return {
        "received": queued.received,
        "duplicates": stored["duplicates"],
        "processed": stored["processed"],
        "reconciled": stored["reconciled"],
        "pending": queued.pending,
        "dead_letters": queued.dead,
        "unreconciled": stored["unreconciled"],
        "reconcile_given_up": stored["reconcile_given_up"],
        "outbound_pending": stored["outbound_pending"],
        "outbound_dead": stored["outbound_dead"],
    }
