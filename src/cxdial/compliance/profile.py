"""Location- and consent-dependent rules, evaluated once per distinct profile.

A *profile* is everything a window/consent decision depends on besides the instant:
candidate zones and states, purpose, technology, line type, effective consent and EBR.
``Gate.check`` calls :meth:`ProfileRules.evaluate`; the batch screener calls its building
blocks (:meth:`~ProfileRules.select_rules`, :meth:`~ProfileRules.window_verdict`,
:func:`consent_reason`) once per distinct combination, so both entry points apply the
same rule definitions. The memos live on the ``ProfileRules`` object, never in the module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from cxdial.compliance.memo import Memo
from cxdial.compliance.models import (
    CONSENT_RANK,
    WINDOW_REASONS,
    ConsentLevel,
    PhoneType,
    Purpose,
    ReasonCode,
    blocked_only_by_time,
)
from cxdial.compliance.parsing import zone_info
from cxdial.compliance.ruleset import (
    WEEKDAYS,
    AbandonmentRule,
    CapRule,
    ConsentRule,
    CooldownRule,
    DaysRule,
    DncRule,
    EmergencyRule,
    HoursRule,
    ReassignedRule,
    RevocationRule,
    Rule,
    RuleSet,
)

__all__ = [
    "NONGEO_DETAIL",
    "ProfileKey",
    "ProfileRules",
    "ProfileVerdict",
    "Selection",
    "consent_reason",
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
    countries: tuple[str, ...] = ("US",)


@dataclass(frozen=True, slots=True)
class ProfileVerdict:
    """Reasons from windows and consent, plus the list/history rules that apply."""

    reasons: dict[ReasonCode, str]
    local_times: tuple[datetime, ...]
    next_allowed_at: datetime | None
    window_ids: tuple[str, ...]
    dnc_rules: tuple[DncRule, ...]
    caps: tuple[CapRule | CooldownRule, ...]
    revocation: bool
    reassigned: bool
    rule_ids: tuple[str, ...]


def _exempt(rule: Rule, key: ProfileKey) -> bool:
    ex = rule.exempt
    if ex.consent is not None and CONSENT_RANK[key.consent] >= CONSENT_RANK[ex.consent]:
        return True
    return ex.ebr and key.ebr


def _holiday_name(
    rule: DaysRule, day: date, calendar: Callable[[str, str | None, int], dict[date, str]]
) -> str | None:
    cal = rule.holidays
    if cal is None or day in cal.removed_dates:
        return None
    if day in cal.extra_dates:
        return "reviewed restricted date"
    base = calendar(cal.country, cal.subdiv, day.year)
    for extra in cal.recurring:
        if extra.date_in(day.year, base) == day:
            return extra.name
    return base.get(day)


def _seconds(t: dtime) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


@dataclass(frozen=True, slots=True)
class _Windows:
    hours: tuple[HoursRule, ...]
    days: tuple[DaysRule, ...]
    emergencies: tuple[EmergencyRule, ...]
    guard_minutes: int
    calendar: Callable[[str, str | None, int], dict[date, str]]


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
            name = _holiday_name(days_rule, day, w.calendar)
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
    """The first instant after ``at`` at which no window rule blocks (searches 16 days).

    Candidates are each zone's midnight and window starts, day by day: the days are made
    only until one allows the call. A day's candidates are checked (in order) up to the
    earliest next midnight of any zone, before which no later day can produce one.
    """
    starts: set[dtime] = {dtime(0, 0)}
    for rule in w.hours:
        for text in rule.windows.values():
            if text is not None:
                starts.add(dtime.fromisoformat(text.partition("-")[0].strip()))
    all_zones = set(zones) | {z for r in w.hours for z in r.extra_zones}
    firsts = [(tz, at.astimezone(tz).date()) for tz in map(zone_info, sorted(all_zones))]
    pending: set[datetime] = set()
    for offset in range(_SEARCH_DAYS):
        for tz, first in firsts:
            day = first + timedelta(days=offset)
            for start in starts:
                instant = datetime.combine(day, start, tzinfo=tz).astimezone(at.tzinfo)
                if instant > at:
                    pending.add(instant)
        if offset + 1 < _SEARCH_DAYS:
            horizon = min(
                datetime.combine(first + timedelta(days=offset + 1), dtime(0, 0), tzinfo=tz)
                for tz, first in firsts
            ).astimezone(at.tzinfo)
            ready = sorted(i for i in pending if i < horizon)
            pending.difference_update(ready)
        else:
            ready = sorted(pending)
        for instant in ready:
            if not _check_instant(w, zones, instant):
                return instant
    return None


def _closes_at(w: _Windows, zones: tuple[str, ...], at: datetime) -> datetime | None:
    """The first instant after ``at`` at which a window rule blocks (searches 16 days).

    An allowed stretch can only end where a block begins: at a window's end (less its
    guard) or at a local midnight (a restricted day, a holiday, an emergency). Those
    candidates are checked in order; None when none blocks within the search.
    """
    ends: set[tuple[dtime, int]] = {(dtime(0, 0), 0)}
    for rule in w.hours:
        guard = (rule.guard_minutes + w.guard_minutes) * 60
        for text in rule.windows.values():
            if text is not None:
                ends.add((dtime.fromisoformat(text.partition("-")[2].strip()), guard))
    all_zones = set(zones) | {z for r in w.hours for z in r.extra_zones}
    candidates: set[datetime] = set()
    for tz in map(zone_info, sorted(all_zones)):
        first = at.astimezone(tz).date()
        for offset in range(_SEARCH_DAYS + 1):
            day = first + timedelta(days=offset)
            for end, guard in ends:
                instant = datetime.combine(day, end, tzinfo=tz) - timedelta(seconds=guard)
                instant = instant.astimezone(UTC)
                if instant > at:
                    candidates.add(instant)
    for instant in sorted(candidates):
        if _check_instant(w, zones, instant):
            return instant
    return None


@dataclass(frozen=True, slots=True)
class Selection:
    window_ids: tuple[str, ...]
    consent: tuple[ConsentRule, ...]
    dnc: tuple[DncRule, ...]
    caps: tuple[CapRule | CooldownRule, ...]
    revocation: bool
    reassigned: bool
    rule_ids: tuple[str, ...]


NONGEO_DETAIL = "toll-free/non-geographic number and no address: its location is unknown"


def consent_reason(sel: Selection, phone_type: PhoneType, consent: ConsentLevel) -> str | None:
    """Why the consent on record is not enough for this line type (None when it is)."""
    for r in sel.consent:
        if phone_type in r.line_types and CONSENT_RANK[consent] < CONSENT_RANK[r.requires]:
            return f"{r.id}: needs {r.requires} consent for a {phone_type} line, has {consent}"
    return None


class ProfileRules:
    """One rule set's profile evaluation, with the memos of its results (owned, not global).

    ``Gate`` makes one per rule set; the batch screener is handed the same object, so
    both entry points share rule definitions and cached verdicts.
    """

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._holidays: Memo[tuple[str, str | None, int], dict[date, str]] = Memo(4096)
        self._applicable: Memo[tuple[Any, ...], tuple[Rule, ...]] = Memo(4096)
        self._selections: Memo[tuple[Any, ...], Selection] = Memo(16384)
        self._windows: Memo[tuple[Any, ...], tuple[dict[ReasonCode, str], datetime | None]] = Memo(
            16384
        )
        self._profiles: Memo[tuple[Any, ...], ProfileVerdict] = Memo(65536)
        self._local_times: Memo[tuple[Any, ...], tuple[datetime, ...]] = Memo(16384)
        #: (zones, rule ids, guard) -> (a blocked instant, the next allowed one after it):
        #: every instant between them is blocked until that same next allowed instant.
        self._blocked_spans: dict[tuple[Any, ...], tuple[datetime, datetime]] = {}

    def holidays(self, country: str, subdiv: str | None, year: int) -> dict[date, str]:
        """The ``holidays`` calendar of one country/subdivision and year, by date."""

        def make() -> dict[date, str]:
            import holidays as holidays_lib  # only when a rule consults a calendar

            cal = holidays_lib.country_holidays(country, subdiv=subdiv, years=year)
            return {d: str(name) for d, name in cal.items()}

        return self._holidays.get((country, subdiv, year), make)

    def applicable(
        self,
        states: tuple[str, ...],
        purpose: Purpose,
        autodialed: bool,
        day: date,
        countries: tuple[str, ...] = ("US",),
    ) -> tuple[Rule, ...]:
        """Per-dial rules in force on ``day`` for the countries, states, purpose, technology."""

        def make() -> tuple[Rule, ...]:
            at = datetime.combine(day, dtime(12, 0), tzinfo=UTC)
            found = self.rules.rules(
                states=states, purpose=purpose, autodialed=autodialed, at=at, countries=countries
            )
            return tuple(r for _, r in found if not isinstance(r, AbandonmentRule))

        return self._applicable.get((states, purpose, autodialed, day, countries), make)

    def window_verdict(
        self, zones: tuple[str, ...], rule_ids: tuple[str, ...], at: datetime, guard: int
    ) -> tuple[dict[ReasonCode, str], datetime | None]:
        """Window reasons (and the next allowed instant) for one zone set and rule selection."""

        def make() -> tuple[dict[ReasonCode, str], datetime | None]:
            chosen = [self.rules.by_id[i] for i in rule_ids]
            w = _Windows(
                hours=tuple(r for r in chosen if isinstance(r, HoursRule)),
                days=tuple(r for r in chosen if isinstance(r, DaysRule)),
                emergencies=tuple(r for r in chosen if isinstance(r, EmergencyRule)),
                guard_minutes=guard,
                calendar=self.holidays,
            )
            reasons = _check_instant(w, zones, at)
            if blocked_only_by_time(reasons, WINDOW_REASONS):
                return reasons, self._next_after_block(w, (zones, rule_ids, guard), at)
            return reasons, None

        return self._windows.get((zones, rule_ids, at, guard), make)

    def _next_after_block(
        self, w: _Windows, span_key: tuple[Any, ...], at: datetime
    ) -> datetime | None:
        """``_next_allowed`` for a blocked ``at``, reusing the span of an earlier block.

        If ``start <= at < nxt`` for a remembered span, every window candidate between
        ``start`` and ``nxt`` was blocked, so the first allowed one after ``at`` is ``nxt``.
        """
        span = self._blocked_spans.get(span_key)
        if span is not None and span[0] <= at < span[1]:
            return span[1]
        nxt = _next_allowed(w, span_key[0], at)
        if nxt is not None:
            if len(self._blocked_spans) >= 4096:
                self._blocked_spans.clear()
            self._blocked_spans[span_key] = (at, nxt)
        return nxt

    def window_closes_at(
        self, zones: tuple[str, ...], rule_ids: tuple[str, ...], at: datetime, guard: int
    ) -> datetime | None:
        """The first instant after ``at`` at which the window rules block a call allowed at
        ``at`` (callee local time in every zone, days, holidays, emergencies); None when
        none does within 16 days."""
        chosen = [self.rules.by_id[i] for i in rule_ids]
        w = _Windows(
            hours=tuple(r for r in chosen if isinstance(r, HoursRule)),
            days=tuple(r for r in chosen if isinstance(r, DaysRule)),
            emergencies=tuple(r for r in chosen if isinstance(r, EmergencyRule)),
            guard_minutes=guard,
            calendar=self.holidays,
        )
        return _closes_at(w, zones, at.astimezone(UTC))

    def window_open_from(
        self, zones: tuple[str, ...], rule_ids: tuple[str, ...], at: datetime, guard: int
    ) -> datetime | None:
        """The first instant from ``at`` on that the windows allow (None: not within reach)."""
        reasons, nxt = self.window_verdict(zones, rule_ids, at, guard)
        return at if not reasons else nxt

    def select_rules(
        self,
        states: tuple[str, ...],
        purpose: Purpose,
        autodialed: bool,
        day: date,
        consent: ConsentLevel,
        ebr: bool,
        countries: tuple[str, ...] = ("US",),
    ) -> Selection:
        """The applicable, non-exempt rules, split by kind."""

        def make() -> Selection:
            probe = ProfileKey(
                (), states, False, False, purpose, autodialed, PhoneType.UNKNOWN, consent, ebr
            )
            applicable = [
                r
                for r in self.applicable(states, purpose, autodialed, day, countries)
                if not _exempt(r, probe)
            ]
            return Selection(
                window_ids=tuple(
                    r.id for r in applicable if isinstance(r, HoursRule | DaysRule | EmergencyRule)
                ),
                consent=tuple(r for r in applicable if isinstance(r, ConsentRule)),
                dnc=tuple(r for r in applicable if isinstance(r, DncRule)),
                caps=tuple(r for r in applicable if isinstance(r, CapRule | CooldownRule)),
                revocation=any(isinstance(r, RevocationRule) for r in applicable),
                reassigned=any(isinstance(r, ReassignedRule) for r in applicable),
                rule_ids=tuple(r.id for r in applicable),
            )

        return self._selections.get(
            (states, purpose, autodialed, day, consent, ebr, countries), make
        )

    def local_times(self, zones: tuple[str, ...], at: datetime) -> tuple[datetime, ...]:
        """``at`` as wall-clock time in each zone."""
        return self._local_times.get(
            (zones, at), lambda: tuple(at.astimezone(zone_info(z)) for z in zones)
        )

    def evaluate(self, key: ProfileKey, at: datetime, guard_minutes: int = 0) -> ProfileVerdict:
        """Window, day, emergency, consent and non-geographic rules for one profile."""
        return self._profiles.get(
            (key, at, guard_minutes), lambda: self._evaluate(key, at, guard_minutes)
        )

    def _evaluate(self, key: ProfileKey, at: datetime, guard_minutes: int) -> ProfileVerdict:
        at = at.astimezone(UTC)
        sel = self.select_rules(
            key.states, key.purpose, key.autodialed, at.date(), key.consent, key.ebr, key.countries
        )
        window_reasons, nxt = self.window_verdict(key.zones, sel.window_ids, at, guard_minutes)
        reasons: dict[ReasonCode, str] = {}
        if key.nongeo and key.unplaced and key.purpose is Purpose.TELEMARKETING:
            reasons[ReasonCode.NON_GEOGRAPHIC] = NONGEO_DETAIL
        reasons.update(window_reasons)
        why = consent_reason(sel, key.phone_type, key.consent)
        if why is not None:
            reasons[ReasonCode.NO_CONSENT] = why
        return ProfileVerdict(
            reasons=reasons,
            local_times=self.local_times(key.zones, at),
            next_allowed_at=nxt if blocked_only_by_time(reasons, WINDOW_REASONS) else None,
            window_ids=sel.window_ids,
            dnc_rules=sel.dnc,
            caps=sel.caps,
            revocation=sel.revocation,
            reassigned=sel.reassigned,
            rule_ids=sel.rule_ids,
        )
