"""The consent-records table: ``ConsentBook.from_store`` reads it, ``ConsentBook.save`` fills it.

The store knows no compliance types: rows go in and come out as plain mappings with the
columns of a consent CSV (``cxdial.compliance.consent.CONSENT_COLUMNS``), so the compliance
side validates them exactly as it validates a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from cxdial.store.db import EngineHolder, session_scope
from cxdial.store.schema import create_schema
from cxdial.store.tables import ConsentRow

__all__ = ["CONSENT_FIELDS", "ConsentRow", "ConsentStore"]

#: The columns a row carries in and out (the consent CSV's header).
CONSENT_FIELDS = (
    "phone",
    "seller",
    "purposes",
    "channels",
    "level",
    "method",
    "evidence_id",
    "given_at",
    "revoked_at",
    "revocation_channel",
    "matter",
)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    # SQLite drops the zone; values were stored in UTC
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_CHUNK = 500
"""Numbers per ``IN (…)`` when checking what is stored."""


def _identity(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """What makes two stored records the same record (see :meth:`ConsentStore.add_new`)."""
    return (
        row.get("evidence_id"),
        row.get("seller"),
        _utc(row.get("given_at")),
        _utc(row.get("revoked_at")),
    )


class ConsentStore(EngineHolder):
    """Persisted consent records. A URL makes an engine :meth:`close` disposes."""

    def __init__(self, engine: Engine | str) -> None:
        super().__init__(engine)
        create_schema(self.engine)

    def add(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Append rows (mappings with :data:`CONSENT_FIELDS`, validated by the caller)."""
        items = [ConsentRow(**{k: row.get(k) for k in CONSENT_FIELDS}) for row in rows]
        for item in items:
            item.given_at = _utc(item.given_at)  # type: ignore[assignment]
            item.revoked_at = _utc(item.revoked_at)
        with session_scope(self.engine) as session:
            session.add_all(items)
        return len(items)

    def add_new(self, rows: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
        """Append the rows not stored yet; ``(added, already stored)``.

        A row is already stored when a record of the same number has the same evidence id,
        seller, given and revoked instants, so importing one file twice adds nothing.
        """
        items = list(rows)
        phones = sorted({str(row.get("phone")) for row in items})
        known: set[tuple[Any, ...]] = set()
        with session_scope(self.engine) as session:
            for start in range(0, len(phones), _CHUNK):  # a few IN queries, not one per number
                part = phones[start : start + _CHUNK]
                found = session.scalars(select(ConsentRow).where(ConsentRow.phone.in_(part)))
                known.update((r.phone, *_identity(r.__dict__)) for r in found)
        fresh: list[Mapping[str, Any]] = []
        for row in items:
            identity = (str(row.get("phone")), *_identity(row))
            if identity not in known:
                known.add(identity)
                fresh.append(row)
        return self.add(fresh), len(items) - len(fresh)

    def rows(self, phone: str | None = None) -> list[dict[str, Any]]:
        """Every record (of one 10-digit ``phone`` when given), oldest id first."""
        stmt = select(ConsentRow).order_by(ConsentRow.id)
        if phone is not None:
            stmt = stmt.where(ConsentRow.phone == phone)
        with session_scope(self.engine) as session:
            return [_as_row(r) for r in session.scalars(stmt)]

    def rows_of(self, phones: Iterable[str]) -> list[dict[str, Any]]:
        """The records of these 10-digit numbers, oldest id first: a few ``IN`` queries
        (:data:`_CHUNK` numbers each), so a caller that needs a handful of numbers does not
        read a table of millions."""
        wanted = sorted(set(phones))
        found: list[ConsentRow] = []
        with session_scope(self.engine) as session:
            for start in range(0, len(wanted), _CHUNK):
                part = wanted[start : start + _CHUNK]
                found.extend(session.scalars(select(ConsentRow).where(ConsentRow.phone.in_(part))))
            found.sort(key=lambda r: r.id)
            return [_as_row(r) for r in found]


def _as_row(row: ConsentRow) -> dict[str, Any]:
    data = {k: getattr(row, k) for k in CONSENT_FIELDS}
    data["given_at"] = _utc(row.given_at)
    data["revoked_at"] = _utc(row.revoked_at)
    return data
