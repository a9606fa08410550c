"""The poller: completed contacts since a stored watermark, as events, into the queue.

``GET /contacts/completed`` with ``updatedSince`` is CXone's source of truth for outcomes
(``cxone-api.md`` §3.6, §3.8). Each pass starts from the watermark (the ``lastPollTime`` of
the last complete pass), clamped to the platform's 30-day reporting window, pages to the
end (204 or a short page) through the client's one HTTP policy (429/5xx retried there),
enqueues every record as an event, and only then moves the watermark. A crash mid-pass
repeats the pass from the old watermark; the consumers drop what they already have.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from cxdial.cxone import APIRequest
from cxdial.cxone.client import AsyncClient
from cxdial.cxone.models.contacts import CompletedContact
from cxdial.cxone.timestamps import parse_timestamp
from cxdial.events.models import EventValidationError
from cxdial.events.polled import envelope_from_completed
from cxdial.events.queue import EventQueue
from cxdial.store.db import session_scope
from cxdial.store.event_tables import Watermark, create_event_schema

if TYPE_CHECKING:
    from cxdial.cxone.resources._base import Page

__all__ = ["PollResult", "Poller"]

log = logging.getLogger("cxdial.events.poller")

WINDOW = timedelta(days=30)
"""How far back CXone's reporting API answers; older watermarks are clamped to it."""


@dataclass(frozen=True, slots=True)
class PollResult:
    """One pass: records read, events enqueued, records skipped as malformed, pages, mark."""

    records: int
    enqueued: int
    skipped: int
    pages: int
    since: str
    watermark: str | None


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Poller:
    """Incremental, resumable polling of one CXone business unit's completed contacts."""

    def __init__(
        self,
        client: AsyncClient,
        queue: EventQueue,
        engine: Engine,
        *,
        name: str = "contacts.completed",
        skill_id: int | None = None,
        page_size: int = 1000,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.queue = queue
        self.engine = engine
        self.name = name if skill_id is None else f"{name}:{skill_id}"
        self.skill_id = skill_id
        self.page_size = page_size
        self._now = now
        create_event_schema(engine)

    def watermark(self) -> str | None:
        """The stored resume point, if any."""
        with session_scope(self.engine) as session:
            row = session.get(Watermark, self.name)
            return None if row is None else row.value

    def _save(self, value: str) -> None:
        with session_scope(self.engine) as session:
            row = session.get(Watermark, self.name)
            if row is None:
                session.add(Watermark(name=self.name, value=value))
            else:
                row.value = value

    def _since(self) -> datetime:
        floor = self._now() - WINDOW + timedelta(minutes=1)
        mark = self.watermark()
        if mark is None:
            return floor
        try:
            return max(parse_timestamp(mark), floor)
        except ValueError:
            log.warning("unreadable watermark %r for %s; starting 30 days back", mark, self.name)
            return floor

    async def poll_once(self) -> PollResult:
        """One pass from the watermark to the end; the watermark moves only when it is done."""
        since = _iso(self._since())
        pager = self.client.contacts.requests.completed(
            updated_since=since, skill_id=self.skill_id, page_size=self.page_size
        )
        request: APIRequest[Any] | None = pager.first()
        poll_time: str | None = None
        records = enqueued = skipped = pages = 0
        while request is not None:
            response = await self.client.send(request)
            pages += 1
            body: Any = response.body
            if poll_time is None and isinstance(body, dict):
                poll_time = body.get("lastPollTime")
            page: Page[CompletedContact] = response.parsed
            bodies = []
            for record in page.items:
                records += 1
                try:
                    bodies.append(envelope_from_completed(record).to_json())
                except EventValidationError as exc:
                    skipped += 1
                    log.warning("skipping completed contact %s: %s", record.contact_id, exc)
            await self.queue.enqueue(bodies)
            enqueued += len(bodies)
            request = pager.after(request, page)
        if poll_time:
            self._save(poll_time)
        return PollResult(records, enqueued, skipped, pages, since, poll_time or self.watermark())
