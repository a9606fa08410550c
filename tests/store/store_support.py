"""Shared by the store tests: a decision record, the databases, raw SQL access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from cxdial.store import DecisionRecord

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_START = "sudo pg_ctlcluster 15 main start  (or: sudo service postgresql start)"
AT = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


def record(i: int = 0, *, allowed: bool = True, writer: int = 0) -> DecisionRecord:
    """A decision record numbered ``i`` (``writer`` tells concurrent writers apart)."""
    return DecisionRecord(
        contact_id=f"c{i}",
        allowed=allowed,
        reasons=() if allowed else ("OUTSIDE_HOURS",),
        rule_set_version="2026.11",
        purpose="informational",
        phone_e164="+12125550142",
        decided_for=AT,
        zones=("America/New_York",),
        details={} if allowed else {"OUTSIDE_HOURS": "22:00 local"},
        inputs={"writer": writer, "i": i, "contact": {"phone": "212-555-0142"}},
    )


@dataclass
class Backend:
    """One database the ledger runs on, and raw SQL access to it (the attacker's view)."""

    name: str
    url: str
    sqlite_file: Path | None = None

    def execute(self, *statements: str) -> None:
        """Run raw SQL on a fresh connection, outside the store."""
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                for sql in statements:
                    conn.exec_driver_sql(sql)
        finally:
            engine.dispose()

    def drop_guards(self) -> None:
        """Remove the append-only triggers, as anyone who owns the table can."""
        if self.name == "sqlite":
            self.execute(
                "DROP TRIGGER compliance_ledger_no_update",
                "DROP TRIGGER compliance_ledger_no_delete",
            )
        else:
            self.execute("ALTER TABLE compliance_ledger DISABLE TRIGGER USER")
