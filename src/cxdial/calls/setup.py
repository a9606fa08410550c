"""One gated call from settings: the wiring ``cxdial call`` (or any script) needs.

:func:`place_gated_call` resolves the caller ID and skill, loads the attempt history (a
CSV, or the store's last eight days) and the store's consent records of the number, builds
the compliance gate with its ledger (its DNC lists: the files given and the store's
internal do-not-call requests for the number), places
the call through :class:`~cxdial.calls.CallPlacer`, optionally follows it, and feeds the
attempt back to the frequency caps — also when following fails after the dial.
:func:`follow_contact` follows a call placed earlier, by its contact id.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxdial.calls.compliance_hook import gate_check, record_attempt
from cxdial.calls.models import CallOutcome, CallResult, DialIntent, PlacedCall, Via
from cxdial.compliance import AttemptHistory, Contact, Decision, DncIndex, Gate, Purpose
from cxdial.compliance.consent import ConsentBook
from cxdial.errors import ComplianceBlocked, ConfigurationError, ValidationError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cxdial.calls.placer import PreDialCheck
    from cxdial.config import Settings
    from cxdial.store import Ledger

__all__ = [
    "CONTACT_ATTRIBUTES",
    "CallReport",
    "CallRequest",
    "Screening",
    "follow_contact",
    "place_gated_call",
]

HISTORY_DAYS = 8
"""How far back the store's attempts are read: the longest frequency-cap window (7 days) + 1."""

CONTACT_ATTRIBUTES = (
    "state",
    "postal_code",
    "timezone",
    "phone_type",
    "consent",
    "consent_at",
    "revoked_at",
    "ebr_at",
    "inquiry_at",
    "subject",
    "debt_id",
)
"""The contact fields of ``cxdial screen`` that a single call may carry."""


@dataclass(frozen=True)
class CallRequest:
    """Whom to call, from where, how, and whether to follow it (``None``: from settings)."""

    to: str
    caller_id: str | None = None
    skill_id: int | None = None
    via: Via = Via.SCRIPT
    context_id: str | None = None
    wait: bool = False
    timeout: float = 120.0


@dataclass(frozen=True)
class Screening:
    """What the compliance gate judges the call on."""

    purpose: Purpose = Purpose.TELEMARKETING
    attributes: Mapping[str, Any] = field(default_factory=dict)
    """Contact fields (:data:`CONTACT_ATTRIBUTES`); ``None`` values are left out."""
    dnc_files: Sequence[Path] = ()
    history_csv: Path | None = None
    """Earlier attempts as CSV; without it the store's attempt log is read and written."""
    override_reason: str | None = None
    seller: str | None = None
    """The seller calling: consent records of other sellers do not count."""
    attribute_labels: Mapping[str, str] = field(default_factory=dict)
    """How each attribute is named to the user in errors (e.g. ``--phone-type``)."""


@dataclass(frozen=True)
class CallReport:
    """The dial CXone accepted, its outcome when followed, and the gate's decision."""

    placed: PlacedCall
    result: CallResult | None
    decision: Decision | None

    @property
    def in_progress(self) -> bool:
        """Followed, but still ringing or talking when following gave up."""
        return self.result is not None and self.result.outcome is CallOutcome.PENDING


def _check_attributes(screening: Screening) -> dict[str, Any]:
    """The non-empty attributes, refused with the option's name when one is invalid."""
    present = {k: v for k, v in screening.attributes.items() if v is not None}
    unknown = sorted(set(present) - set(CONTACT_ATTRIBUTES))
    if unknown:
        raise ValidationError(
            f"unknown contact attribute {unknown[0]!r}",
            field=unknown[0],
            fix=f"one of: {', '.join(CONTACT_ATTRIBUTES)}",
        )
    from pydantic import ValidationError as PydanticError

    try:
        Contact.model_validate({**present, "id": "check", "phone": "+12025550100"})
    except PydanticError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "contact"
        label = screening.attribute_labels.get(name, name)
        value = present.get(name)
        raise ValidationError(
            f"invalid {label} {value!r}: {first['msg']}",
            field=label,
            fix="see `cxdial call --help` for the accepted values",
        ) from None
    return present


def _require(request: CallRequest, settings: Settings) -> tuple[str, int]:
    caller = request.caller_id or settings.caller_id
    skill_id = request.skill_id or settings.skill_id
    if caller is None:
        raise ConfigurationError(
            "no caller ID", field="caller_id", fix="pass --from or set CXDIAL_CALLER_ID"
        )
    if skill_id is None:
        raise ConfigurationError(
            "no skill to dial on", field="skill_id", fix="pass --skill or set CXDIAL_SKILL_ID"
        )
    return caller, skill_id


@contextmanager
def _store(settings: Settings) -> Iterator[Engine]:
    """One engine on the store for the attempt log, the internal DNC list and consents."""
    from cxdial.store import make_engine

    engine = make_engine(settings.database_url)
    try:
        yield engine
    finally:
        engine.dispose()  # a PostgreSQL store's connections are returned, not left to the GC


def _history(screening: Screening, engine: Engine, now: datetime) -> AttemptHistory:
    if screening.history_csv is not None:
        return AttemptHistory.from_csv(screening.history_csv)
    from cxdial.store import AttemptLog

    return AttemptHistory.from_store(AttemptLog(engine), since=now - timedelta(days=HISTORY_DAYS))


def _dnc(screening: Screening, engine: Engine, to: str) -> DncIndex | None:
    """``--dnc`` files, plus the store's internal do-not-call list when it names ``to``
    (requests recorded from call dispositions by the event pipeline)."""
    from cxdial.compliance.phones import national_number
    from cxdial.store.rescreen_tables import InternalDncStore

    index = DncIndex.from_files(screening.dnc_files) if screening.dnc_files else None
    national = national_number(to)
    if national is None:
        return index
    listed = InternalDncStore(engine).numbers(phone=national)
    if listed:
        index = index or DncIndex.empty()
        index.add_lines(["# registry: internal", *listed], source="store internal_dnc")
    return index


def _consents(engine: Engine, to: str) -> ConsentBook:
    """The consent records the store holds for the number dialed."""
    from cxdial.store import ConsentStore

    return ConsentBook.from_store(ConsentStore(engine), phone=to)


@contextmanager
def _ledger(settings: Settings) -> Iterator[Ledger]:
    """The compliance ledger every decision of this call is written to (key from the env)."""
    import os

    from cxdial.store import open_ledger

    ledger = open_ledger(settings.database_url, environ=os.environ)
    try:
        yield ledger
    finally:
        ledger.close()


def _local_intent(request: CallRequest, caller: str, skill_id: int) -> DialIntent:
    """The dial as :meth:`CallPlacer.intent` will build it, checked without any I/O.

    Both numbers are checked as E.164 and the skill id as positive here, so bad input is
    refused (exit 2) before the gate or CXone is consulted; the caller ID is checked
    against the business unit's numbers only once the gate has cleared the call.
    """
    from cxdial.cxone.numbers import to_e164

    to = to_e164(request.to, field="to")
    caller_e164 = to_e164(caller, field="caller_id")
    if skill_id <= 0:
        raise ValidationError(
            f"skill id {skill_id} is not a skill", field="skill_id", fix="pass --skill ID"
        )
    return DialIntent(
        to=to,
        caller_id=caller_e164,
        skill_id=skill_id,
        via=Via(request.via),
        context_id=request.context_id or uuid.uuid4().hex[:12],
        idempotency_key=str(uuid.uuid4()),
    )


def _already_gated(cleared: DialIntent) -> PreDialCheck:
    """The pre-dial hook of a dial the gate has judged (and recorded) already."""

    def check(intent: DialIntent) -> None:
        if intent.idempotency_key != cleared.idempotency_key:
            raise ValidationError(
                "this placer dials only the call the gate judged",
                field="to",
                fix="gate every dial: use place_gated_call",
            )

    return check


def _gate_first(
    gate: Gate,
    hook: PreDialCheck,
    intent: DialIntent,
    screening: Screening,
    attributes: Mapping[str, Any],
    clock: Callable[[], datetime],
) -> PreDialCheck:
    """Judge ``intent`` before any HTTP; the hook the placer should run at the dial.

    A ledger-less probe decides first. When it blocks, the real hook runs at once (it
    records the decision and raises :class:`ComplianceBlocked`, so nothing connects to
    CXone). When it clears, the real hook runs at the dial instant instead, so exactly one
    decision is recorded per dial either way.
    """
    probe = Gate(
        rules=gate.rules,
        dnc=gate.dnc,
        history=gate.history,
        consents=gate.consents,
        reassigned=gate.reassigned,
    )
    probe_hook = gate_check(
        probe,
        purpose=screening.purpose,
        attributes=attributes,
        override_reason=screening.override_reason,
        at=clock,
        seller=screening.seller,
    )
    try:
        probe_hook(intent)
    except ComplianceBlocked:
        hook(intent)  # recorded; raises unless an override is honoured or a window opened
        return _already_gated(intent)
    return hook


def place_gated_call(
    settings: Settings,
    request: CallRequest,
    screening: Screening,
    *,
    clock: Callable[[], datetime],
) -> CallReport:
    """Gate, place and (with ``request.wait``) follow one call; record the attempt.

    Raises :class:`~cxdial.errors.ComplianceBlocked` (nothing dialed, nothing sent to
    CXone) when the gate refuses, :class:`~cxdial.errors.ValidationError` /
    :class:`~cxdial.errors.ConfigurationError` for bad input before anything is sent.
    """
    caller, skill_id = _require(request, settings)
    attributes = _check_attributes(screening)
    local = _local_intent(request, caller, skill_id)
    with _store(settings) as engine, _ledger(settings) as ledger:
        attempts = _history(screening, engine, clock())
        gate = Gate(
            dnc=_dnc(screening, engine, local.to),
            history=attempts,
            ledger=ledger,
            consents=_consents(engine, local.to),
        )
        decisions: list[Decision] = []
        hook = gate_check(
            gate,
            purpose=screening.purpose,
            attributes=attributes,
            override_reason=screening.override_reason,
            at=clock,
            on_decision=decisions.append,
            seller=screening.seller,
        )
        pre_dial = _gate_first(gate, hook, local, screening, attributes, clock)
        from cxdial.calls.placer import CallPlacer
        from cxdial.cxone import Client

        with Client.from_settings(settings) as client:
            placer = CallPlacer(client, pre_dial=pre_dial, script_path=settings.dial_script_path)
            with placer.sessions_closed():
                intent = placer.intent(
                    local.to,
                    caller_id=local.caller_id,
                    skill_id=local.skill_id,
                    via=local.via,
                    context_id=local.context_id,
                    idempotency_key=local.idempotency_key,
                )
                placed = placer.place(intent)
                result: CallResult | None = None
                try:
                    if request.wait:
                        result = placer.follow(placed, timeout=request.timeout)
                finally:
                    record_attempt(
                        attempts,
                        placed,
                        result,
                        at=clock(),
                        subject=attributes.get("subject"),
                        debt_id=attributes.get("debt_id"),
                    )
    return CallReport(placed, result, decisions[-1] if decisions else None)


def follow_contact(
    settings: Settings,
    contact_id: int,
    *,
    skill_id: int | None,
    placed_at: datetime,
    timeout: float,
) -> CallResult:
    """Follow a call placed earlier (by ``cxdial call``) to its outcome, by contact id.

    ``skill_id`` and ``placed_at`` narrow the completed-contacts lookup once CXone no longer
    serves the contact as active. The number is not needed: the contact id identifies the
    call, so the intent carries placeholders that nothing dials.
    """
    from cxdial.calls.placer import CallPlacer
    from cxdial.cxone import Client

    skill = skill_id or settings.skill_id
    if skill is None:
        raise ConfigurationError(
            "no skill to look the contact up on",
            field="skill_id",
            fix="pass --skill or set CXDIAL_SKILL_ID",
        )
    intent = DialIntent(
        to="(placed earlier)",
        caller_id="(placed earlier)",
        skill_id=skill,
        via=Via.SCRIPT,
        context_id="",
        idempotency_key="",
    )
    with Client.from_settings(settings) as client:
        placer = CallPlacer(client, pre_dial=_never_dials, check_caller_id=False)
        return placer.follow(PlacedCall(intent, contact_id, placed_at), timeout=timeout)


def _never_dials(intent: DialIntent) -> None:
    """The pre-dial hook of a placer that only follows: it refuses every dial."""
    raise ValidationError(
        "this placer only follows calls", field="to", fix="use place_gated_call to dial"
    )
