"""The pre-dial compliance gate: one rule set, a per-dial check and a batch screener.

Names load on first use (PEP 562), so ``import cxdial.compliance.phones`` — the one
number normaliser other areas call — does not pull in polars, NumPy or the rule files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxdial._lazy import lazy_exports

if TYPE_CHECKING:
    from cxdial.compliance.consent import Consent, ConsentBook
    from cxdial.compliance.csvfile import read_contacts
    from cxdial.compliance.dnc import DncIndex, DncSnapshot
    from cxdial.compliance.gate import Gate
    from cxdial.compliance.history import Attempt, AttemptHistory
    from cxdial.compliance.models import (
        ConsentLevel,
        Contact,
        Decision,
        PhoneType,
        Purpose,
        ReasonCode,
    )
    from cxdial.compliance.reassigned import ReassignedNumbers
    from cxdial.compliance.result import ScreenResult
    from cxdial.compliance.ruleset import RuleSet
    from cxdial.compliance.screening import ScreenFiles, ScreenRun, run_screen
    from cxdial.compliance.table import RowError

__all__ = [
    "Attempt",
    "AttemptHistory",
    "Consent",
    "ConsentBook",
    "ConsentLevel",
    "Contact",
    "Decision",
    "DncIndex",
    "DncSnapshot",
    "Gate",
    "PhoneType",
    "Purpose",
    "ReasonCode",
    "ReassignedNumbers",
    "RowError",
    "RuleSet",
    "ScreenFiles",
    "ScreenResult",
    "ScreenRun",
    "read_contacts",
    "run_screen",
]

_HOME = {
    "Attempt": "history",
    "AttemptHistory": "history",
    "Consent": "consent",
    "ConsentBook": "consent",
    "ConsentLevel": "models",
    "Contact": "models",
    "Decision": "models",
    "DncIndex": "dnc",
    "DncSnapshot": "dnc",
    "Gate": "gate",
    "PhoneType": "models",
    "Purpose": "models",
    "ReasonCode": "models",
    "ReassignedNumbers": "reassigned",
    "RowError": "table",
    "RuleSet": "ruleset",
    "ScreenFiles": "screening",
    "ScreenResult": "result",
    "ScreenRun": "screening",
    "read_contacts": "csvfile",
    "run_screen": "screening",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOME)
