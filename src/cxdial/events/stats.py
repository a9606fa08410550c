"""The pipeline's counts for ``cxdial events stats``: received, duplicates, processed, …"""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine

from cxdial.events.queue import EventQueue
from cxdial.store.db import session_scope
from cxdial.store.event_tables import counters, create_event_schema

__all__ = ["pipeline_stats"]


async def pipeline_stats(queue: EventQueue, engine: Engine) -> dict[str, int]:
    """Received (by the queue), duplicates, processed, reconciled, pending and dead letters."""

    def read() -> dict[str, int]:
        create_event_schema(engine)
        with session_scope(engine) as session:
            return counters(session)

    stored = await asyncio.to_thread(read)
    queued = await queue.stats()
    return {
        "received": queued.received,
        "duplicates": stored["duplicates"],
        "processed": stored["processed"],
        "reconciled": stored["reconciled"],
        "pending": queued.pending,
        "dead_letters": queued.dead,
    }
