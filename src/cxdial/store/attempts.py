"""The attempt-history table: call events append, frequency caps read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from cxdial.store.db import EngineHolder, session_scope
from cxdial.store.schema import create_schema
from cxdial.store.tables import AttemptRow

__all__ = ["AttemptLog", "AttemptRow"]


class AttemptLog(EngineHolder):
    """Persisted call attempts (``AttemptHistory.from_store`` reads them).

    A URL makes an engine that :meth:`close` disposes; an ``Engine`` stays the caller's.
    """

    def __init__(self, engine: Engine | str) -> None:
        super().__init__(engine)
        create_schema(self.engine)

    def record(
        self,
        phone_e164: str,
        at: datetime,
        *,
        subject: str | None = None,
        debt_id: str | None = None,
        outcome: str = "answered",
    ) -> None:
        """Append one attempt."""
        with session_scope(self.engine) as session:
            session.add(
                AttemptRow(
                    phone_e164=phone_e164,
                    at=at.astimezone(UTC),
                    subject=subject,
                    debt_id=debt_id,
                    outcome=outcome,
                )
            )

    def since(self, start: datetime | None = None) -> Sequence[AttemptRow]:
        """Attempts at or after ``start`` (all when None), oldest first, times in UTC."""
        stmt = select(AttemptRow).order_by(AttemptRow.at)
        if start is not None:
            stmt = stmt.where(AttemptRow.at >= start)
        with session_scope(self.engine) as session:
            rows = list(session.scalars(stmt))
        for row in rows:
            if row.at.tzinfo is None:  # SQLite drops the zone; values were stored in UTC
                row.at = row.at.replace(tzinfo=UTC)
        return rows
