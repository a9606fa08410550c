"""The plain record the ledger stores: primitive fields only, so the store knows no caller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["DecisionRecord"]


@dataclass(frozen=True)
class DecisionRecord:
    """One compliance decision as the ledger records it (callers convert their own types).

    ``inputs`` must be JSON-serialisable (values that are not are stored as ``str``).
    """

    contact_id: str
    allowed: bool
    reasons: tuple[str, ...]
    rule_set_version: str
    purpose: str
    phone_e164: str | None = None
    decided_for: datetime | None = None
    next_allowed_at: datetime | None = None
    zones: tuple[str, ...] = ()
    details: Mapping[str, str] = field(default_factory=dict)
    override_reason: str | None = None
    inputs: Mapping[str, Any] = field(default_factory=dict)
