"""The pre-dial compliance gate: one rule set, a per-dial check and a batch screener."""

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
from cxdial.compliance.result import ScreenResult
from cxdial.compliance.ruleset import RuleSet
from cxdial.compliance.table import RowError, read_contacts

__all__ = [
    "Attempt",
    "AttemptHistory",
    "ConsentLevel",
    "Contact",
    "Decision",
    "DncIndex",
    "DncSnapshot",
    "Gate",
    "PhoneType",
    "Purpose",
    "ReasonCode",
    "RowError",
    "RuleSet",
    "ScreenResult",
    "read_contacts",
]
