"""The gate every dial goes through: ``check`` one contact, ``screen`` a table."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from cxdial.compliance.consent import (
    CallScope,
    Channel,
    ConsentBook,
    ConsentFinding,
    resolve,
    within,
)
from cxdial.compliance.dnc import DncIndex
from cxdial.compliance.history import AttemptHistory
from cxdial.compliance.locate import address_facts, locate, presumed_state
from cxdial.compliance.memo import Memo
from cxdial.compliance.models import (
    CONSENT_RANK,
    DNC_REASON,
    REASON_ORDER,
    TEMPORAL_REASONS,
    WINDOW_REASONS,
    ConsentLevel,
    Contact,
    Decision,
    Purpose,
    ReasonCode,
    blocked_only_by_time,
)
from cxdial.compliance.parsing import months_before
from cxdial.compliance.phones import PhoneFacts, phone_facts
from cxdial.compliance.profile import ProfileKey, ProfileRules
from cxdial.compliance.reassigned import ReassignedNumbers
from cxdial.compliance.ruleset import CapRule, RuleSet
from cxdial.errors import ComplianceBlocked, ValidationError
from cxdial.store.records import DecisionRecord

if TYPE_CHECKING:
    import polars as pl

    from cxdial.compliance.result import ScreenResult
    from cxdial.store.ledger import Ledger

__all__ = [
    "Gate",
    "call_scope",
    "contacts_frame",
    "ebr_active",
    "effective_consent",
    "ledger_record",
    "require_aware",
]

log = logging.getLogger(__name__)
#: What a number without consent records yields (immutable).
_NO_RECORDS = ConsentFinding()


def require_aware(at: datetime) -> datetime:
    """``at`` must carry a time zone (an instant, not a wall-clock time)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValidationError(
            "the call instant has no time zone", field="at", fix="pass an aware datetime (UTC)"
        )
    return at.astimezone(UTC)


def effective_consent(contact: Contact, at: datetime) -> ConsentLevel:
    """Consent in force at ``at``: none once revoked or before it was given."""
    if contact.revoked_at is not None and contact.revoked_at <= at:
        return ConsentLevel.NONE
    if contact.consent_at is not None and contact.consent_at > at:
        return ConsentLevel.NONE
    return contact.consent


def call_scope(
    contact: Contact, purpose: Purpose, autodialed: bool, seller: str | None
) -> CallScope:
    """The call as consent records see it; its matter is the debt, else the subject."""
    return CallScope(
        purpose=purpose,
        channel=Channel.AUTODIALED if autodialed else Channel.LIVE,
        seller=seller,
        matter=contact.debt_id if contact.debt_id is not None else contact.subject,
    )


def shorthand_void(contact: Contact, consent: ConsentLevel, gone: datetime | None) -> bool:
    """The one-column consent predates the number's disconnection (or has no date)."""
    return (
        gone is not None
        and consent is not ConsentLevel.NONE
        and (contact.consent_at is None or contact.consent_at < gone)
    )


def ebr_active(rules: RuleSet, contact: Contact, at: datetime) -> bool:
    """An established business relation: purchase within 18 months, inquiry within 3."""
    purchase = months_before(at, rules.ebr.purchase_months)
    inquiry = months_before(at, rules.ebr.inquiry_months)
    return (contact.ebr_at is not None and purchase <= contact.ebr_at <= at) or (
        contact.inquiry_at is not None and inquiry <= contact.inquiry_at <= at
    )


class Gate:
    """One rule set, the DNC lists and the attempt history; optionally a ledger."""

    def __init__(
        self,
        rules: RuleSet | None = None,
        dnc: DncIndex | None = None,
        history: AttemptHistory | None = None,
        ledger: Ledger | None = None,
        *,
        guard_minutes: int = 0,
        consents: ConsentBook | None = None,
        reassigned: ReassignedNumbers | None = None,
    ) -> None:
        self.rules = rules if rules is not None else RuleSet.load_default()
        self.profiles = ProfileRules(self.rules)
        self._phones: Memo[str, PhoneFacts] = Memo(65536)
        self.dnc = dnc if dnc is not None else DncIndex.empty()
        self.history = history if history is not None else AttemptHistory()
        self.ledger = ledger
        self.guard_minutes = guard_minutes
        self.consents = consents if consents is not None else ConsentBook()
        self.reassigned = reassigned if reassigned is not None else ReassignedNumbers()
        self._uncounted: dict[str, CapRule] = {}  # caps with every outcome counted (notes)

    def check(
        self,
        contact: Contact,
        at: datetime,
        *,
        purpose: Purpose,
        autodialed: bool = True,
        seller: str | None = None,
    ) -> Decision:
        """Decide one dial at ``at``; written to the ledger when one is attached.

        ``seller`` picks the consent records that name it (records without one fit any).
        """
        decision = self._decide(contact, require_aware(at), Purpose(purpose), autodialed, seller)
        if self.ledger is not None:
            self.ledger.append(_record(decision, _inputs(contact, autodialed, seller)))
        return decision

    def _consent(
        self,
        contact: Contact,
        national: str,
        at: datetime,
        purpose: Purpose,
        autodialed: bool,
        seller: str | None,
    ) -> tuple[ConsentLevel, ConsentFinding, bool]:
        """Effective consent (shorthand and records), the records' finding, shorthand voided."""
        gone = self.reassigned.disconnected_at(national)
        gone = gone if gone is not None and gone <= at else None
        records = self.consents.records(national)
        finding = (
            resolve(
                records,
                call_scope(contact, purpose, autodialed, seller),
                at,
                revoke_all=self.rules.revoke_all_in_force(at.date()),
                disconnected_at=gone,
            )
            if records
            else _NO_RECORDS
        )
        short = effective_consent(contact, at)
        void = shorthand_void(contact, short, gone)
        if void:
            short = ConsentLevel.NONE
        level = max(short, finding.level, key=CONSENT_RANK.__getitem__)
        return level, finding, void

    def _decide(
        self,
        contact: Contact,
        at: datetime,
        purpose: Purpose,
        autodialed: bool,
        seller: str | None = None,
    ) -> Decision:
        facts = self._phones.get(contact.phone, lambda: phone_facts(contact.phone))
        base: dict[str, Any] = {
            "rule_set_version": self.rules.version,
            "contact_id": contact.id,
            "purpose": purpose,
            "at": at,
        }
        if facts.e164 is None:
            return Decision(
                allowed=False,
                reasons=(ReasonCode.INVALID_NUMBER,),
                phone_e164=None,
                zones=(),
                local_times=(),
                next_allowed_at=None,
                details={
                    ReasonCode.INVALID_NUMBER: (
                        f"{contact.phone!r} is not a dialable US or Canadian number"
                    )
                },
                **base,
            )
        national = facts.e164[2:]
        address = address_facts(contact.postal_code, contact.state, contact.timezone)
        loc = locate(facts.zones, presumed_state(self.rules, facts), address, facts.country)
        consent, finding, void = self._consent(contact, national, at, purpose, autodialed, seller)
        key = ProfileKey(
            zones=loc.zones,
            states=tuple(st for st in loc.states if st in self.rules.state_codes),
            unplaced=loc.unplaced,
            nongeo=facts.kind == "nongeo",
            purpose=purpose,
            autodialed=autodialed,
            phone_type=contact.phone_type,
            consent=consent,
            ebr=ebr_active(self.rules, contact, at),
            countries=loc.countries,
        )
        verdict = self.profiles.evaluate(key, at, self.guard_minutes)
        reasons = dict(verdict.reasons)
        hits = self.dnc.hits(national)
        for rule in verdict.dnc_rules:
            if rule.registry in hits:
                reasons.setdefault(DNC_REASON[rule.registry], f"{rule.id}: number is listed")
            stale = self.dnc.stale(
                rule.registry, at.date(), rule.max_age_days, rule.require_snapshot
            )
            if stale:
                reasons.setdefault(ReasonCode.DNC_STALE, f"{rule.id}: {stale}")
        if verdict.revocation and contact.revoked_at is not None and contact.revoked_at <= at:
            reasons[ReasonCode.CONSENT_REVOKED] = f"consent revoked at {contact.revoked_at}"
        elif verdict.revocation and finding.revoked_by is not None:
            reasons[ReasonCode.CONSENT_REVOKED] = (
                f"consent record {finding.revoked_by} revoked at {finding.revoked_at}"
            )
        if verdict.reassigned and (void or finding.voided) and consent is ConsentLevel.NONE:
            reasons[ReasonCode.REASSIGNED_NUMBER] = (
                "number permanently disconnected at "
                f"{self.reassigned.disconnected_at(national)}, after the consent on record"
                + (f" ({', '.join(finding.voided)})" if finding.voided else "")
            )
        notes: list[str] = []
        clears: list[datetime | None] = []
        for cap in verdict.caps:
            days = cap.direct_consent_days
            if days is not None and within(finding.direct_given_at, at, days):
                notes.append(
                    f"{cap.id}: call excluded, direct prior consent {finding.direct_evidence} "
                    f"given {finding.direct_given_at} (within {days} days; 12 CFR 1006.14(b)(3))"
                )
                continue
            if isinstance(cap, CapRule):
                n = self.history.count(cap, national, contact.subject, contact.debt_id, at)
                if cap.exclude_outcomes:
                    every = self._uncounted.get(cap.id)
                    if every is None:
                        every = self._uncounted[cap.id] = cap.model_copy(
                            update={"exclude_outcomes": ()}
                        )
                    skipped = (
                        self.history.count(every, national, contact.subject, contact.debt_id, at)
                        - n
                    )
                    if skipped:
                        notes.append(
                            f"{cap.id}: {skipped} earlier call(s) not counted, outcome "
                            f"{'/'.join(cap.exclude_outcomes)} (did not connect)"
                        )
                if n >= cap.max_attempts:
                    reasons.setdefault(
                        cap.reason,
                        f"{cap.id}: {n} attempts in {cap.window_hours:g} h "
                        f"(max {cap.max_attempts})",
                    )
                    clears.append(
                        self.history.cap_clears_at(
                            cap, national, contact.subject, contact.debt_id, at
                        )
                    )
            else:
                last = self.history.cooling(cap, national, contact.debt_id, at)
                if last is not None:
                    reasons.setdefault(cap.reason, f"{cap.id}: {cap.after_outcome} at {last}")
                    clears.append(last + timedelta(hours=cap.hours))
        ordered = tuple(sorted(reasons, key=REASON_ORDER.__getitem__))
        nxt: datetime | None = None
        if blocked_only_by_time(ordered, WINDOW_REASONS):
            nxt = verdict.next_allowed_at
        elif blocked_only_by_time(ordered, TEMPORAL_REASONS):
            nxt = self.next_allowed_after_caps(clears, loc.zones, verdict.window_ids)
        return Decision(
            allowed=not ordered,
            reasons=ordered,
            phone_e164=facts.e164,
            zones=loc.zones,
            local_times=verdict.local_times,
            next_allowed_at=nxt,
            details={code: reasons[code] for code in ordered},
            states=loc.states,
            notes=tuple(notes),
            evidence=self._evidence(consent, finding, void, verdict.rule_ids),
            **base,
        )

    def _evidence(
        self,
        consent: ConsentLevel,
        finding: ConsentFinding,
        void: bool,
        rule_ids: tuple[str, ...],
    ) -> dict[str, Any]:
        """What the verdict rests on, for the ledger: consent record, snapshots, rules."""
        if finding.evidence_id is not None and finding.level == consent:
            used: str | None = finding.evidence_id
        else:
            used = "consent column" if consent is not ConsentLevel.NONE else None
        return {
            "consent_evidence_id": used,
            "consent_level": consent.value,
            "revoked_by": finding.revoked_by,
            "voided_by_reassignment": [*finding.voided, *(["consent column"] if void else [])],
            "dnc_snapshots": [
                {"list": s.label, "fetched": s.fetched.isoformat() if s.fetched else None}
                for s in self.dnc.snapshots
            ],
            "rules": list(rule_ids),
        }

    def next_allowed_after_caps(
        self,
        clears: Sequence[datetime | None],
        zones: tuple[str, ...],
        window_ids: tuple[str, ...],
    ) -> datetime | None:
        """When attempt limits have lapsed (latest of ``clears``) and the windows allow.

        None when a limit never lapses (``max_attempts: 0``) or no window opens in reach.
        """
        if not clears or any(c is None for c in clears):
            return None
        lapsed = max(c for c in clears if c is not None).astimezone(UTC)
        return self.profiles.window_open_from(zones, window_ids, lapsed, self.guard_minutes)

    def window_closes_at(
        self, zones: tuple[str, ...], window_ids: tuple[str, ...], at: datetime
    ) -> datetime | None:
        """When a call allowed at ``at`` stops being allowed by the window rules (the first
        blocked instant after it: callee local time, days, holidays, emergencies, this
        gate's guard); None when nothing closes within 16 days."""
        return self.profiles.window_closes_at(zones, window_ids, at, self.guard_minutes)

    def require_clear(
        self,
        contact: Contact,
        at: datetime,
        *,
        purpose: Purpose,
        override_reason: str | None = None,
        autodialed: bool = True,
        seller: str | None = None,
    ) -> Decision:
        """The decision, or :class:`ComplianceBlocked`; overrides only for informational calls.

        An honoured override returns the (blocked) decision with ``override_reason`` set; it
        is logged and written to the ledger.
        """
        purpose = Purpose(purpose)
        decision = self._decide(contact, require_aware(at), purpose, autodialed, seller)
        inputs = _inputs(contact, autodialed, seller)
        if decision.allowed:
            if self.ledger is not None:
                self.ledger.append(_record(decision, inputs))
            return decision
        reason = (override_reason or "").strip()
        honoured = (
            bool(reason)
            and purpose is Purpose.INFORMATIONAL
            and ReasonCode.INVALID_NUMBER not in decision.reasons
        )
        if honoured:
            decision = replace(decision, override_reason=reason)
            log.warning(
                "compliance override for contact %s (%s): %s; reasons overridden: %s",
                contact.id,
                decision.phone_e164,
                reason,
                ",".join(decision.reasons),
            )
        if self.ledger is not None:
            self.ledger.append(_record(decision, {**inputs, "override_requested": reason or None}))
        if honoured:
            return decision
        fix = "wait until next_allowed_at" if decision.next_allowed_at else "do not dial"
        if reason:
            fix = "overrides are honoured only for informational calls to valid numbers"
        raise ComplianceBlocked(
            f"compliance gate blocked contact {contact.id} "
            f"({decision.phone_e164 or contact.phone})",
            reasons=[str(r) for r in decision.reasons],
            next_allowed_at=decision.next_allowed_at.isoformat()
            if decision.next_allowed_at
            else None,
            decision=decision,
            fix=fix,
        )

    def screen(
        self,
        table: pl.DataFrame | Sequence[Contact],
        at: datetime,
        *,
        purpose: Purpose,
        autodialed: bool = True,
        record: bool = False,
        seller: str | None = None,
    ) -> ScreenResult:
        """Screen a table (string columns as in the CSV) or a list of contacts, vectorised.

        With ``record=True`` and a ledger attached, every screened row is appended to it.
        """
        import polars as pl

        from cxdial.compliance.screen import screen_table

        if not isinstance(table, pl.DataFrame):
            table = contacts_frame(table)
        result = screen_table(
            table,
            require_aware(at),
            Purpose(purpose),
            autodialed,
            profiles=self.profiles,
            dnc=self.dnc,
            history=self.history,
            guard_minutes=self.guard_minutes,
            next_allowed=self.next_allowed_after_caps,
            consents=self.consents,
            reassigned=self.reassigned,
            seller=seller,
        )
        if record and self.ledger is not None:
            inputs = {"autodialed": autodialed, "screen": True}
            batch = [_record(d, inputs) for d in result.decisions()]
            for start in range(0, len(batch), 10_000):
                self.ledger.append_many(batch[start : start + 10_000])
        return result


def contacts_frame(contacts: Sequence[Contact]) -> pl.DataFrame:
    """Contacts as the string table ``screen`` reads (dates in ISO-8601)."""
    import polars as pl

    fields = list(Contact.model_fields)
    rows = [
        {
            k: (v.isoformat() if isinstance(v, datetime) else None if v is None else str(v))
            for k, v in c.model_dump().items()
        }
        for c in contacts
    ]
    return pl.DataFrame(rows, schema=dict.fromkeys(fields, pl.String), orient="row")


def ledger_record(decision: Decision, inputs: dict[str, Any]) -> DecisionRecord:
    """The ledger's record of ``decision`` with ``inputs`` (for callers that append their
    own entries, e.g. a re-screen recording each removal)."""
    return _record(decision, inputs)


def _inputs(contact: Contact, autodialed: bool, seller: str | None = None) -> dict[str, Any]:
    return {"contact": contact.model_dump(mode="json"), "autodialed": autodialed, "seller": seller}


def _record(decision: Decision, inputs: dict[str, Any]) -> DecisionRecord:
    """The ledger's plain record of ``decision`` (the store knows no compliance types)."""
    return DecisionRecord(
        contact_id=decision.contact_id,
        allowed=decision.allowed,
        reasons=tuple(str(r) for r in decision.reasons),
        rule_set_version=decision.rule_set_version,
        purpose=str(decision.purpose),
        phone_e164=decision.phone_e164,
        decided_for=decision.at,
        next_allowed_at=decision.next_allowed_at,
        zones=decision.zones,
        details={
            **{str(k): v for k, v in decision.details.items()},
            **{f"note {i + 1}": n for i, n in enumerate(decision.notes)},
            **({"evidence": _evidence_text(decision.evidence)} if decision.evidence else {}),
        },
        override_reason=decision.override_reason,
        inputs={**inputs, "evidence": dict(decision.evidence)} if decision.evidence else inputs,
    )


def _evidence_text(evidence: Mapping[str, Any]) -> str:
    """One line for ``ledger explain``: consent record, DNC snapshots, rules applied."""
    if "rules" not in evidence:  # a batch screen records the consent record only
        return f"consent {evidence.get('consent_evidence_id') or 'none'} (batch screen)"
    lists = ", ".join(
        f"{s['list']} fetched {s['fetched'] or 'unknown'}" for s in evidence["dnc_snapshots"]
    )
    return (
        f"consent {evidence['consent_evidence_id'] or 'none'} ({evidence['consent_level']}); "
        f"DNC snapshots: {lists or 'none loaded'}; rules: {', '.join(evidence['rules']) or '-'}"
    )
