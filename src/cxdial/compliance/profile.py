"""Location- and consent-dependent rules, evaluated once per distinct profile.

A *profile* is everything a window/consent decision depends on besides the instant:
candidate zones and states, purpose, technology, line type, effective consent and EBR.
``Gate.check`` calls :func:`evaluate_profile`; the batch screener calls its building
blocks (:func:`select_rules`, :func:`window_verdict`, :func:`consent_reason`) once per
distinct combination, so both entry points apply the same rule definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from functools import lru_cache

import holidays as holidays_lib

from cxdial.compliance.models import CONSENT_RANK, ConsentLevel, PhoneType, Purpose, ReasonCode
from cxdial.compliance.parsing import zone_info
from cxdial.compliance.ruleset import (
    WEEKDAYS,
    CapRule,
    ConsentRule,
    CooldownRule,
    DaysRule,
    DncRule,
    EmergencyRule,
    HoursRule,
    RevocationRule,
    Rule,
    RuleSet,
)

__all__ = [
    "NONGEO_DETAIL",
    "ProfileKey",
    "ProfileVerdict",
    "Selection",
    "consent_reason",
    "evaluate_profile",
    "select_rules",
    "window_verdict",
]

_SEARCH_DAYS = 16


@dataclass(frozen=True, slots=True)
class ProfileKey:
    """Inputs of the location/consent rules for one contact."""

    zones: tuple[str, ...]
    states: tuple[str, ...]
    unplaced: bool
    nongeo: bool
    purpose: Purpose
    autodialed: bool
    phone_type: PhoneType
    consent: ConsentLevel
    ebr: bool


@dataclass(frozen=True, slots=True)
class ProfileVerdict:
    """Reasons from windows and consent, plus the list/history rules that apply."""

    reasons: dict[ReasonCode, str]
    local_times: tuple[datetime, ...]
    next_allowed_at: datetime | None
    dnc_rules: tuple[DncRule, ...]
    caps: tuple[CapRule | CooldownRule, ...]
    revocation: bool


def _exempt(rule: Rule, key: ProfileKey) -> bool:
    ex = rule.exempt
    if ex.consent is not None and CONSENT_RANK[key.consent] >= CONSENT_RANK[ex.consent]:
        return True
    return ex.ebr and key.ebr


@lru_cache(maxsize=4096)
def _holidays(country: str, subdiv: str | None, year: int) -> dict[date, str]:
    cal = holidays_lib.country_holidays(country, subdiv=subdiv, years=year)
    return {d: str(name) for d, name in cal.items()}


def _holiday_name(rule: DaysRule, day: date) -> str | None:
    cal = rule.holidays
    if cal is None or day in cal.removed_dates:
        return None
    if day in cal.extra_dates:
        return "reviewed restricted date"
    return _holidays(cal.country, cal.subdiv, day.year).get(day)


def _seconds(t: dtime) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


@dataclass(frozen=True, slots=True)
class _Windows:
    hours: tuple[HoursRule, ...]
    days: tuple[DaysRule, ...]
    emergencies: tuple[EmergencyRule, ...]
    guard_minutes: int


def _check_instant(w: _Windows, zones: tuple[str, ...], at: datetime) -> dict[ReasonCode, str]:
    """Window reasons at ``at`` (empty when every candidate zone allows the call)."""
    out: dict[ReasonCode, str] = {}
    for rule in w.hours:
        guard = (rule.guard_minutes + w.guard_minutes) * 60
        for zone in (*zones, *rule.extra_zones):
            local = at.astimezone(zone_info(zone))
            window = rule.window_for(local.weekday())
            if window == "unrestricted":
                continue
            if window is None:
                out.setdefault(
                    ReasonCode.RESTRICTED_DAY,
                    f"{rule.id}: no calls on {WEEKDAYS[local.weekday()]} ({zone})",
                )
                continue
            now = _seconds(local.time())
            if not _seconds(window.start) <= now < _seconds(window.end) - guard:
                out.setdefault(
                    ReasonCode.OUTSIDE_HOURS,
                    f"{rule.id}: {local:%H:%M} {zone} is outside "
                    f"{window.start:%H:%M}-{window.end:%H:%M}"
                    + (f" (guard {guard // 60:.0f} min)" if guard else ""),
                )
    for zone in zones:
        local = at.astimezone(zone_info(zone))
        day = local.date()
        for days_rule in w.days:
            if WEEKDAYS[local.weekday()] in days_rule.weekdays:
                out.setdefault(
                    ReasonCode.RESTRICTED_DAY,
                    f"{days_rule.id}: no calls on {WEEKDAYS[local.weekday()]} ({zone})",
                )
            name = _holiday_name(days_rule, day)
            if name is not None:
                out.setdefault(
                    ReasonCode.RESTRICTED_DAY, f"{days_rule.id}: {day} is {name} ({zone})"
                )
        for em in w.emergencies:
            for decl in em.declarations:
                if decl.start <= day and (decl.end is None or day <= decl.end):
                    out.setdefault(
                        ReasonCode.EMERGENCY, f"{em.id}: {decl.title} since {decl.start}"
                    )
    return out


def _next_allowed(w: _Windows, zones: tuple[str, ...], at: datetime) -> datetime | None:
    """The first instant after ``at`` at which no window rule blocks (searches 16 days)."""
    starts: set[dtime] = {dtime(0, 0)}
    for rule in w.hours:
        for text in rule.windows.values():
            if text is not None:
                starts.add(dtime.fromisoformat(text.partition("-")[0].strip()))
    candidates: set[datetime] = set()
    all_zones = set(zones) | {z for r in w.hours for z in r.extra_zones}
    for zone in all_zones:
        tz = zone_info(zone)
        first = at.astimezone(tz).date()
        for offset in range(_SEARCH_DAYS):
            day = first + timedelta(days=offset)
            for start in starts:
                instant = datetime.combine(day, start, tzinfo=tz).astimezone(at.tzinfo)
                if instant > at:
                    candidates.add(instant)
    for instant in sorted(candidates):
        if not _check_instant(w, zones, instant):
            return instant
    return None


@lru_cache(maxsize=4096)
def _applicable(
    rules: RuleSet, states: tuple[str, ...], purpose: Purpose, autodialed: bool, day: date
) -> tuple[Rule, ...]:
    at = datetime.combine(day, dtime(12, 0), tzinfo=UTC)
    found = rules.rules(states=states, purpose=purpose, autodialed=autodialed, at=at)
    return tuple(r for _, r in found)


@lru_cache(maxsize=16384)
def window_verdict(
    rules: RuleSet, zones: tuple[str, ...], rule_ids: tuple[str, ...], at: datetime, guard: int
) -> tuple[dict[ReasonCode, str], datetime | None]:
    """Window reasons (and the next allowed instant) for one zone set and rule selection."""
    chosen = [rules.by_id[i] for i in rule_ids]
    w = _Windows(
        hours=tuple(r for r in chosen if isinstance(r, HoursRule)),
        days=tuple(r for r in chosen if isinstance(r, DaysRule)),
        emergencies=tuple(r for r in chosen if isinstance(r, EmergencyRule)),
        guard_minutes=guard,
    )
    reasons = _check_instant(w, zones, at)
    window_only = bool(reasons) and ReasonCode.EMERGENCY not in reasons
    return reasons, _next_allowed(w, zones, at) if window_only else None


@dataclass(frozen=True, slots=True)
class Selection:
    window_ids: tuple[str, ...]
    consent: tuple[ConsentRule, ...]
    dnc: tuple[DncRule, ...]
    caps: tuple[CapRule | CooldownRule, ...]
    revocation: bool


@lru_cache(maxsize=16384)
def select_rules(
    rules: RuleSet,
    states: tuple[str, ...],
    purpose: Purpose,
    autodialed: bool,
    day: date,
    consent: ConsentLevel,
    ebr: bool,
) -> Selection:
    """The applicable, non-exempt rules, split by kind."""
    probe = ProfileKey(
        (), states, False, False, purpose, autodialed, PhoneType.UNKNOWN, consent, ebr
    )
    applicable = [
        r for r in _applicable(rules, states, purpose, autodialed, day) if not _exempt(r, probe)
    ]
    return Selection(
        window_ids=tuple(
            r.id for r in applicable if isinstance(r, HoursRule | DaysRule | EmergencyRule)
        ),
        consent=tuple(r for r in applicable if isinstance(r, ConsentRule)),
        dnc=tuple(r for r in applicable if isinstance(r, DncRule)),
        caps=tuple(r for r in applicable if isinstance(r, CapRule | CooldownRule)),
        revocation=any(isinstance(r, RevocationRule) for r in applicable),
    )


NONGEO_DETAIL = "toll-free/non-geographic number and no address: its location is unknown"


def consent_reason(sel: Selection, phone_type: PhoneType, consent: ConsentLevel) -> str | None:
    """Why the consent on record is not enough for this line type (None when it is)."""
    for r in sel.consent:
        if phone_type in r.line_types and CONSENT_RANK[consent] < CONSENT_RANK[r.requires]:
            return f"{r.id}: needs {r.requires} consent for a {phone_type} line, has {consent}"
    return None


@lru_cache(maxsize=65536)
def evaluate_profile(
    rules: RuleSet, key: ProfileKey, at: datetime, guard_minutes: int = 0
) -> ProfileVerdict:
    """Window, day, emergency, consent and non-geographic rules for one profile."""
    at = at.astimezone(UTC)
    sel = select_rules(
        rules, key.states, key.purpose, key.autodialed, at.date(), key.consent, key.ebr
    )
    window_reasons, nxt = window_verdict(rules, key.zones, sel.window_ids, at, guard_minutes)
    reasons: dict[ReasonCode, str] = {}
    if key.nongeo and key.unplaced and key.purpose is Purpose.TELEMARKETING:
        reasons[ReasonCode.NON_GEOGRAPHIC] = NONGEO_DETAIL
    reasons.update(window_reasons)
    why = consent_reason(sel, key.phone_type, key.consent)
    if why is not None:
        reasons[ReasonCode.NO_CONSENT] = why
    window_only = bool(reasons) and set(reasons) <= {
        ReasonCode.OUTSIDE_HOURS,
        ReasonCode.RESTRICTED_DAY,
    }
    return ProfileVerdict(
        reasons=reasons,
        local_times=_local_times(key.zones, at),
        next_allowed_at=nxt if window_only else None,
        dnc_rules=sel.dnc,
        caps=sel.caps,
        revocation=sel.revocation,
    )


@lru_cache(maxsize=16384)
def _local_times(zones: tuple[str, ...], at: datetime) -> tuple[datetime, ...]:
    return tuple(at.astimezone(zone_info(z)) for z in zones)
