"""Rules as versioned data: one YAML file per jurisdiction, validated into a ``RuleSet``.

A compliance owner reviews the shipped files (``compliance/rules/*.yaml``) and may point
at an override directory: a file there replaces the shipped file of the same name, or adds
a jurisdiction. The version recorded in every decision is a hash of the exact contents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError

from cxdial.compliance.models import ConsentLevel, PhoneType, Purpose, ReasonCode
from cxdial.compliance.parsing import parse_zone
from cxdial.errors import ConfigurationError
from cxdial.validation_errors import field_error

__all__ = [
    "AbandonmentRule",
    "CapRule",
    "ConsentRule",
    "CooldownRule",
    "DaysRule",
    "DncRule",
    "EmergencyRule",
    "HoursRule",
    "Jurisdiction",
    "ReassignedRule",
    "RevocationRule",
    "RevokeAll",
    "Rule",
    "RuleSet",
]

RULES_DIR = Path(__file__).with_name("rules")
#: libyaml's safe loader when present: the same documents as ``yaml.safe_load``, ~12x faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Technology = Literal["any", "automated", "prerecorded"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppliesTo(_Strict):
    """Which calls a rule governs."""

    purposes: tuple[Purpose, ...]
    technology: Technology = "any"


class Exempt(_Strict):
    """What lifts the rule: a consent level and/or an established business relation."""

    consent: ConsentLevel | None = None
    ebr: bool = False


class Window(_Strict):
    """A half-open local window ``[start, end)``."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> Window:
        """``"08:00-21:00"``."""
        start, _, end = text.partition("-")
        return cls(start=time.fromisoformat(start.strip()), end=time.fromisoformat(end.strip()))


@lru_cache(maxsize=256)
def _window(text: str) -> Window:
    return Window.parse(text)


class _RuleBase(_Strict):
    id: str
    title: str
    applies_to: AppliesTo
    effective_from: date | None = None
    effective_to: date | None = Field(default=None, description="exclusive")
    source: str
    confidence: Literal["P", "S", "M", "policy"]
    exempt: Exempt = Exempt()
    notes: str = ""

    def in_force(self, day: date) -> bool:
        """Whether the rule is effective on ``day``."""
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day < self.effective_to


class HoursRule(_RuleBase):
    """Calling hours per weekday (``all`` as the default); ``null`` means no calls that day."""

    kind: Literal["hours"]
    windows: dict[Weekday | Literal["all"], str | None]
    guard_minutes: int = Field(default=0, ge=0, le=120)
    extra_zones: tuple[str, ...] = ()

    @field_validator("windows")
    @classmethod
    def _check_windows(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        for text in value.values():
            if text is not None:
                Window.parse(text)
        return value

    @field_validator("extra_zones")
    @classmethod
    def _check_zones(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(parse_zone(z) for z in value)

    def window_for(self, weekday: int) -> Window | Literal["unrestricted"] | None:
        """The window on ``weekday`` (0 = Monday), None for a closed day."""
        key = WEEKDAYS[weekday]
        if key in self.windows:
            text = self.windows[key]
        elif "all" in self.windows:
            text = self.windows["all"]
        else:
            return "unrestricted"
        return None if text is None else _window(text)


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    j = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * j) // 451
    month, day = divmod(h + j - 7 * m + 114, 31)
    return date(year, month, day + 1)


class RecurringHoliday(_Strict):
    """A state holiday the package lacks, for every year: a fixed date, Easter-relative, or
    relative to a package holiday (``after: Thanksgiving Day, days: 1``)."""

    name: str
    fixed: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$", description="MM-DD")
    easter_offset: int | None = None
    after: str | None = None
    days: int = 0

    @model_validator(mode="after")
    def _one_way(self) -> RecurringHoliday:
        ways = [v is not None for v in (self.fixed, self.easter_offset, self.after)]
        if sum(ways) != 1:
            raise ValueError("give exactly one of fixed, easter_offset or after")
        return self

    def date_in(self, year: int, calendar: dict[date, str]) -> date | None:
        """This holiday's date in ``year`` (None when its anchor holiday is not in ``calendar``)."""
        if self.fixed is not None:
            month, day = (int(x) for x in self.fixed.split("-"))
            return date(year, month, day)
        if self.easter_offset is not None:
            return easter_sunday(year) + timedelta(days=self.easter_offset)
        found = [d for d, name in calendar.items() if name == self.after and d.year == year]
        return min(found) + timedelta(days=self.days) if found else None


class HolidayCalendar(_Strict):
    """A ``holidays`` calendar (``holidays.US(subdiv=...)``) plus the state's own holidays.

    ``recurring`` computes the state's extra holidays for any year; ``extra_dates`` are the
    reviewed restricted dates for the years they list (kept as a cross-check: a test fails if
    the two disagree for a listed year) and ``removed_dates`` take days out.
    """

    country: str = "US"
    subdiv: str | None = None
    recurring: tuple[RecurringHoliday, ...] = ()
    extra_dates: tuple[date, ...] = ()
    removed_dates: tuple[date, ...] = ()


class DaysRule(_RuleBase):
    """Days with no calls: weekdays and holidays."""

    kind: Literal["days"]
    weekdays: tuple[Weekday, ...] = ()
    holidays: HolidayCalendar | None = None


class Declaration(_Strict):
    """A declared state of emergency, inclusive local dates."""

    start: date
    end: date | None = None
    title: str
    source: str


class EmergencyRule(_RuleBase):
    """No calls while a declared emergency is in force."""

    kind: Literal["emergency"]
    declarations: tuple[Declaration, ...] = ()


class DncRule(_RuleBase):
    """A do-not-call list must be honoured; registry snapshots expire."""

    kind: Literal["dnc"]
    registry: Literal["national", "state", "internal", "dncl"]
    max_age_days: int | None = None
    require_snapshot: bool = False


class ConsentRule(_RuleBase):
    """A minimum consent level for the listed line types."""

    kind: Literal["consent"]
    line_types: tuple[PhoneType, ...]
    requires: ConsentLevel


class RevokeAll(_Strict):
    """The FCC "revoke-all" scope: a revocation covers every robocall of the seller."""

    effective_from: date
    source: str
    confidence: Literal["P", "S", "M", "policy"]
    notes: str = ""


class RevocationRule(_RuleBase):
    """A revoked consent blocks from the revocation instant on; ``revoke_all`` widens it."""

    kind: Literal["revocation"]
    revoke_all: RevokeAll | None = None


class ReassignedRule(_RuleBase):
    """Consent older than the number's permanent disconnection (RND) does not count."""

    kind: Literal["reassigned"]


class CapRule(_RuleBase):
    """At most ``max_attempts`` earlier attempts in the rolling window, per scope key."""

    kind: Literal["frequency"]
    max_attempts: int = Field(ge=0)
    window_hours: float = Field(gt=0)
    scope: Literal["phone", "phone_subject", "debt"]
    exclude_outcomes: tuple[str, ...] = ()
    reason: Literal[ReasonCode.FREQUENCY_CAP, ReasonCode.REG_F_FREQUENCY] = ReasonCode.FREQUENCY_CAP
    direct_consent_days: int | None = Field(
        default=None, ge=1, description="direct prior consent this recent excludes the call"
    )


class CooldownRule(_RuleBase):
    """No attempts for ``hours`` after an attempt with ``after_outcome`` (Reg F conversation)."""

    kind: Literal["cooldown"]
    after_outcome: str
    hours: float = Field(gt=0)
    scope: Literal["phone", "debt"]
    reason: Literal[ReasonCode.REG_F_CONVERSATION] = ReasonCode.REG_F_CONVERSATION
    direct_consent_days: int | None = Field(
        default=None, ge=1, description="direct prior consent this recent excludes the call"
    )


class AbandonmentRule(_RuleBase):
    """A cap on a dialer's abandoned calls: a campaign setting, never checked per dial.

    ``cxdial.campaigns``' legal cap on ``pacing.abandon_target`` is the strictest of these
    (:meth:`RuleSet.abandonment_caps`; a test keeps the two in step).
    """

    kind: Literal["abandonment"]
    max_rate: float = Field(gt=0, lt=1, description="fraction of live-answered calls")
    measured_over_days: int = Field(ge=1)
    connect_seconds: float = Field(gt=0, description="no live agent within this: abandoned")


Rule = Annotated[
    HoursRule
    | DaysRule
    | EmergencyRule
    | DncRule
    | ConsentRule
    | RevocationRule
    | ReassignedRule
    | CapRule
    | CooldownRule
    | AbandonmentRule,
    Field(discriminator="kind"),
]


class Ebr(_Strict):
    """Established-business-relation windows."""

    purchase_months: int = 18
    inquiry_months: int = 3


class Jurisdiction(_Strict):
    """One rules file: ``federal``, ``canada``, ``company`` or a two-letter state.

    A national file names its ``country`` (``US``, ``CA``) and applies to calls that may
    reach that country; a file without one (``company``) applies to every call; a state or
    province file applies where the contact may be in it.
    """

    jurisdiction: str
    name: str
    country: Literal["US", "CA"] | None = None
    area_codes: tuple[str, ...] = Field(default=(), description="area-code presumption")
    ebr: Ebr | None = None
    rules: tuple[Rule, ...] = ()

    @property
    def is_state(self) -> bool:
        """Whether this file is a state's (applies only where the contact may be)."""
        return len(self.jurisdiction) == 2 and self.jurisdiction.isupper()


class RuleSet:
    """Every jurisdiction's rules, with a content hash as version."""

    def __init__(self, jurisdictions: Sequence[Jurisdiction], version: str) -> None:
        self.jurisdictions = tuple(jurisdictions)
        self.version = version
        self.by_code = {j.jurisdiction: j for j in self.jurisdictions}
        ebrs = [j.ebr for j in self.jurisdictions if j.ebr is not None]
        self.ebr = ebrs[0] if ebrs else Ebr()
        self.by_id: dict[str, Rule] = {r.id: r for j in self.jurisdictions for r in j.rules}
        self.state_codes = frozenset(j.jurisdiction for j in self.jurisdictions if j.is_state)
        self._revoke_all = [
            (r, r.revoke_all.effective_from)
            for r in self.by_id.values()
            if isinstance(r, RevocationRule) and r.revoke_all is not None
        ]
        self.presumed_state: dict[str, str] = {
            npa: j.jurisdiction for j in self.jurisdictions if j.is_state for npa in j.area_codes
        }

    def revoke_all_in_force(self, day: date) -> bool:
        """Whether a revocation covers every robocall of the seller on ``day`` (FCC 24-24)."""
        return any(r.in_force(day) and since <= day for r, since in self._revoke_all)

    def __repr__(self) -> str:
        return f"RuleSet(version={self.version!r}, jurisdictions={len(self.jurisdictions)})"

    @classmethod
    def load_default(cls) -> RuleSet:
        """The rules shipped with cxdial."""
        return cls.load()

    @classmethod
    def load(cls, override_dir: Path | str | None = None) -> RuleSet:
        """Shipped rules, with files of ``override_dir`` replacing or adding by file name."""
        files = {p.name: p for p in sorted(RULES_DIR.glob("*.yaml"))}
        if override_dir is not None:
            folder = Path(override_dir)
            if not folder.is_dir():
                raise ConfigurationError(
                    f"rules override directory {folder} does not exist",
                    field="rules_dir",
                    fix="point at a folder of <jurisdiction>.yaml files",
                )
            files.update({p.name: p for p in sorted(folder.glob("*.yaml"))})
        return cls.from_texts((name, files[name].read_text()) for name in sorted(files))

    @classmethod
    def from_texts(cls, named_texts: Iterable[tuple[str, str]]) -> RuleSet:
        """Validate ``(file name, YAML text)`` pairs into a rule set."""
        digest = hashlib.sha256()
        jurisdictions = []
        for name, text in named_texts:
            digest.update(name.encode() + b"\0" + text.encode() + b"\0")
            fix = "correct the file against the schema in docs/compliance.md"
            try:
                document = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
                jurisdictions.append(Jurisdiction.model_validate(document))
            except yaml.YAMLError as exc:
                raise ConfigurationError(
                    f"invalid rules file {name}: not YAML ({exc})", field=name, fix=fix
                ) from None
            except PydanticValidationError as exc:
                raise field_error(
                    exc,
                    what=f"invalid rules file {name}",
                    fix=fix,
                    kind=ConfigurationError,
                    field_prefix=name,
                ) from None
        seen: set[str] = set()
        for j in jurisdictions:
            for rule in j.rules:
                if rule.id in seen:
                    raise ConfigurationError(
                        f"duplicate rule id {rule.id}", field=rule.id, fix="rule ids are unique"
                    )
                seen.add(rule.id)
        return cls(jurisdictions, "sha256:" + digest.hexdigest()[:16])

    def abandonment_caps(self) -> dict[str, AbandonmentRule]:
        """The abandoned-call cap of each country's rules (``US``, ``CA``), by country."""
        return {
            j.country: r
            for j in self.jurisdictions
            if j.country is not None
            for r in j.rules
            if isinstance(r, AbandonmentRule)
        }

    def rules(
        self,
        *,
        states: Iterable[str],
        purpose: Purpose,
        autodialed: bool,
        at: datetime,
        countries: Iterable[str] = ("US",),
    ) -> list[tuple[str, Rule]]:
        """Rules in force at ``at`` for this purpose and technology: every candidate country's
        national rules, the company's, and the candidate states' (or provinces')."""
        wanted = set(states)
        nations = set(countries)
        day = at.date()
        out: list[tuple[str, Rule]] = []
        for j in self.jurisdictions:
            if j.is_state and j.jurisdiction not in wanted:
                continue
            if j.country is not None and not j.is_state and j.country not in nations:
                continue
            for rule in j.rules:
                tech = rule.applies_to.technology
                if tech == "prerecorded" or (tech == "automated" and not autodialed):
                    continue
                if purpose in rule.applies_to.purposes and rule.in_force(day):
                    out.append((j.jurisdiction, rule))
        return out
