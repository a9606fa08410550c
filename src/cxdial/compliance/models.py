"""The gate's vocabulary: purposes, reason codes, the contact record and the decision."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from cxdial.compliance.parsing import parse_instant, parse_postal_code, parse_state, parse_zone

__all__ = [
    "CONSENT_RANK",
    "DNC_REASON",
    "TEMPORAL_REASONS",
    "WINDOW_REASONS",
    "ConsentLevel",
    "Contact",
    "Decision",
    "PhoneType",
    "Purpose",
    "ReasonCode",
    "Registry",
    "blocked_only_by_time",
]


class Purpose(StrEnum):
    """Why the call is made; rules apply by purpose."""

    TELEMARKETING = "telemarketing"
    INFORMATIONAL = "informational"
    DEBT_COLLECTION = "debt_collection"


class PhoneType(StrEnum):
    """Line type; ``unknown`` is treated as wireless."""

    MOBILE = "mobile"
    LANDLINE = "landline"
    VOIP = "voip"
    UNKNOWN = "unknown"


class ConsentLevel(StrEnum):
    """Consent on record, weakest first."""

    NONE = "none"
    EXPRESS = "express"
    EXPRESS_WRITTEN = "express_written"


CONSENT_RANK: dict[ConsentLevel, int] = {
    ConsentLevel.NONE: 0,
    ConsentLevel.EXPRESS: 1,
    ConsentLevel.EXPRESS_WRITTEN: 2,
}


class ReasonCode(StrEnum):
    """Stable reason codes (part of the command-line contract), in reporting order."""

    INVALID_NUMBER = "INVALID_NUMBER"
    NON_GEOGRAPHIC = "NON_GEOGRAPHIC"
    OUTSIDE_HOURS = "OUTSIDE_HOURS"
    RESTRICTED_DAY = "RESTRICTED_DAY"
    EMERGENCY = "EMERGENCY"
    DNC_NATIONAL = "DNC_NATIONAL"
    DNC_STATE = "DNC_STATE"
    DNC_INTERNAL = "DNC_INTERNAL"
    CA_DNCL = "CA_DNCL"
    DNC_STALE = "DNC_STALE"
    NO_CONSENT = "NO_CONSENT"
    CONSENT_REVOKED = "CONSENT_REVOKED"
    REASSIGNED_NUMBER = "REASSIGNED_NUMBER"
    FREQUENCY_CAP = "FREQUENCY_CAP"
    REG_F_FREQUENCY = "REG_F_FREQUENCY"
    REG_F_CONVERSATION = "REG_F_CONVERSATION"


REASON_ORDER: dict[ReasonCode, int] = {code: i for i, code in enumerate(ReasonCode)}
#: Reasons that lapse with the clock alone: calling windows and restricted days.
WINDOW_REASONS = frozenset({ReasonCode.OUTSIDE_HOURS, ReasonCode.RESTRICTED_DAY})
#: Reasons after which a dial becomes allowed by waiting: windows and attempt limits.
TEMPORAL_REASONS = WINDOW_REASONS | {
    ReasonCode.FREQUENCY_CAP,
    ReasonCode.REG_F_FREQUENCY,
    ReasonCode.REG_F_CONVERSATION,
}

#: ``dncl``: Canada's National Do Not Call List (CRTC).
Registry = Literal["national", "state", "internal", "dncl"]
#: The reason code a hit on each do-not-call registry gives.
DNC_REASON: dict[Registry, ReasonCode] = {
    "national": ReasonCode.DNC_NATIONAL,
    "state": ReasonCode.DNC_STATE,
    "internal": ReasonCode.DNC_INTERNAL,
    "dncl": ReasonCode.CA_DNCL,
}


def blocked_only_by_time(reasons: Iterable[ReasonCode], within: frozenset[ReasonCode]) -> bool:
    """Whether ``reasons`` block at all and every one of them is in ``within``.

    The one test behind every ``next_allowed_at``: with ``WINDOW_REASONS`` for window
    verdicts, with ``TEMPORAL_REASONS`` for a whole decision.
    """
    found = set(reasons)
    return bool(found) and found <= within


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


class Contact(BaseModel):
    """One record to screen; fields are exactly the CSV columns of ``cxdial screen``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    phone: str
    phone_type: PhoneType = PhoneType.UNKNOWN
    state: str | None = None
    postal_code: str | None = None
    timezone: str | None = None
    consent: ConsentLevel = ConsentLevel.NONE
    consent_at: datetime | None = None
    revoked_at: datetime | None = None
    ebr_at: datetime | None = None
    inquiry_at: datetime | None = None
    subject: str | None = None
    debt_id: str | None = None

    @field_validator("phone_type", "consent", mode="before")
    @classmethod
    def _enum_text(cls, value: Any, info: ValidationInfo) -> Any:
        value = _blank_to_none(value)
        if value is None:
            return "unknown" if info.field_name == "phone_type" else "none"
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("consent_at", "revoked_at", "ebr_at", "inquiry_at", mode="before")
    @classmethod
    def _instant(cls, value: Any) -> Any:
        value = _blank_to_none(value)
        if isinstance(value, str):
            return parse_instant(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    @field_validator("state", mode="before")
    @classmethod
    def _state(cls, value: Any) -> Any:
        value = _blank_to_none(value)
        return parse_state(value) if isinstance(value, str) else value

    @field_validator("postal_code", mode="before")
    @classmethod
    def _postal(cls, value: Any) -> Any:
        value = _blank_to_none(value)
        return parse_postal_code(value) if isinstance(value, str) else value

    @field_validator("timezone", mode="before")
    @classmethod
    def _zone(cls, value: Any) -> Any:
        value = _blank_to_none(value)
        return parse_zone(value) if isinstance(value, str) else value

    @field_validator("subject", "debt_id", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        value = _blank_to_none(value)
        return value.strip() if isinstance(value, str) else value

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Contact:
        """Build from a CSV-like mapping (header case ignored, extra keys dropped)."""
        lowered = {str(k).strip().lower(): v for k, v in row.items()}
        data = {name: lowered[name] for name in cls.model_fields if name in lowered}
        return cls.model_validate(data)


@dataclass(frozen=True)
class Decision:
    """The verdict for one dial: reasons, the zones and local times used, and when to retry."""

    allowed: bool
    reasons: tuple[ReasonCode, ...]
    phone_e164: str | None
    zones: tuple[str, ...]
    local_times: tuple[datetime, ...]
    next_allowed_at: datetime | None
    rule_set_version: str
    details: Mapping[ReasonCode, str] = field(default_factory=dict, hash=False)
    contact_id: str = ""
    purpose: Purpose = Purpose.TELEMARKETING
    at: datetime | None = None
    states: tuple[str, ...] = ()
    override_reason: str | None = None
    #: Exclusions and other facts that shaped the verdict without blocking (Reg F, ...).
    notes: tuple[str, ...] = ()
    #: What the verdict rests on: consent evidence id, DNC snapshot dates, rule ids.
    evidence: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def summary(self) -> str:
        """One line: verdict, reasons and next allowed instant."""
        verdict = "ALLOW" if self.allowed else "BLOCK"
        text = f"{verdict} {self.phone_e164 or '-'}"
        if self.reasons:
            text += " " + ";".join(self.reasons)
        if self.next_allowed_at is not None:
            text += f" next_allowed_at={self.next_allowed_at.isoformat()}"
        return text
