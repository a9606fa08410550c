"""The store: SQLAlchemy tables and their migrations, the ledger, attempts, consent records.

Names load on first use (PEP 562), so ``import cxdial.store`` — or a light module such as
``cxdial.store.paths`` or ``cxdial.store.records`` — does not import SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxdial._lazy import lazy_exports

if TYPE_CHECKING:
    from cxdial.store.attempts import AttemptLog
    from cxdial.store.checkpoints import Checkpoint, CheckpointError, CheckpointFile
    from cxdial.store.consents import ConsentStore
    from cxdial.store.db import make_engine, session_scope
    from cxdial.store.explain import EntryReport
    from cxdial.store.factory import open_ledger
    from cxdial.store.integrity import LedgerTampered, Problem, VerifyReport
    from cxdial.store.keys import LedgerKey, load_ledger_key
    from cxdial.store.ledger import Ledger
    from cxdial.store.paths import (
        default_checkpoint_path,
        default_database_url,
        default_key_path,
    )
    from cxdial.store.records import DecisionRecord
    from cxdial.store.schema import create_schema, schema_state, upgrade
    from cxdial.store.tables import AttemptRow, Base, ConsentRow, LedgerEntry

__all__ = [
    "AttemptLog",
    "AttemptRow",
    "Base",
    "Checkpoint",
    "CheckpointError",
    "CheckpointFile",
    "ConsentRow",
    "ConsentStore",
    "DecisionRecord",
    "EntryReport",
    "Ledger",
    "LedgerEntry",
    "LedgerKey",
    "LedgerTampered",
    "Problem",
    "VerifyReport",
    "create_schema",
    "default_checkpoint_path",
    "default_database_url",
    "default_key_path",
    "load_ledger_key",
    "make_engine",
    "open_ledger",
    "schema_state",
    "session_scope",
    "upgrade",
]

_HOME = {
    "AttemptLog": "attempts",
    "AttemptRow": "tables",
    "Base": "tables",
    "Checkpoint": "checkpoints",
    "CheckpointError": "checkpoints",
    "CheckpointFile": "checkpoints",
    "ConsentRow": "tables",
    "ConsentStore": "consents",
    "DecisionRecord": "records",
    "EntryReport": "explain",
    "Ledger": "ledger",
    "LedgerEntry": "tables",
    "LedgerKey": "keys",
    "LedgerTampered": "integrity",
    "Problem": "integrity",
    "VerifyReport": "integrity",
    "create_schema": "schema",
    "default_checkpoint_path": "paths",
    "default_database_url": "paths",
    "default_key_path": "paths",
    "load_ledger_key": "keys",
    "make_engine": "db",
    "open_ledger": "factory",
    "schema_state": "schema",
    "session_scope": "db",
    "upgrade": "schema",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOME)
