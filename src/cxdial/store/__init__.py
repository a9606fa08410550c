"""The store: SQLAlchemy tables, the compliance ledger and the attempt history."""

from cxdial.store.attempts import AttemptLog
from cxdial.store.db import create_schema, make_engine, session_scope
from cxdial.store.ledger import Ledger, LedgerTampered
from cxdial.store.tables import AttemptRow, Base, LedgerEntry

__all__ = [
    "AttemptLog",
    "AttemptRow",
    "Base",
    "Ledger",
    "LedgerEntry",
    "LedgerTampered",
    "create_schema",
    "make_engine",
    "session_scope",
]
