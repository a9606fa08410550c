"""Place one call to one number now, then follow it to its disposition.

CXone has no "POST a call" endpoint for a service account, so a call goes through one of
the real mechanisms (``cxone-api.md`` §3.4): the Studio dialing script
(``/scripts/start``, the default), a queued callback (``/queuecallback``) or an agent
session's ``dial-phone``. Before any of them, both numbers are checked as E.164, the
caller ID against the numbers the business unit owns, and the pre-dial hook (the
compliance gate) runs: if it raises, nothing is dialed. The hook is required; skipping
the gate takes an explicit, logged :func:`ungated` hook.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from cxdial.calls.models import CallOutcome, CallResult, DialIntent, PlacedCall, Via
from cxdial.calls.numbers import to_e164
from cxdial.calls.outcome import is_finished, outcome_of
from cxdial.cxone.client import Client
from cxdial.cxone.models.contacts import ContactDetail
from cxdial.cxone.resources.dialing import national_digits
from cxdial.errors import APIConnectionError, NotFound, ValidationError

__all__ = ["CallPlacer", "PreDialCheck", "ungated"]

log = logging.getLogger("cxdial.calls")

PreDialCheck = Callable[[DialIntent], None]
"""Runs before every dial; raises (e.g. :class:`cxdial.errors.ComplianceBlocked`) to stop it."""


def ungated(reason: str) -> PreDialCheck:
    """An explicit, logged opt-out of the compliance gate (tests, lab tenants).

    Every dial still passes through a hook: this one only records why no gate ran.
    """
    if not reason.strip():
        raise ValidationError(
            "dialing without the compliance gate needs a reason",
            field="reason",
            fix="say why, e.g. ungated('emulator smoke test')",
        )

    def check(intent: DialIntent) -> None:
        log.warning(
            "dialing %s without the compliance gate: %s (context %s)",
            intent.to,
            reason,
            intent.context_id,
        )

    return check


class CallPlacer:
    """Places ad-hoc calls through a :class:`~cxdial.cxone.Client` and follows them."""

    def __init__(
        self,
        client: Client,
        *,
        pre_dial: PreDialCheck,
        script_path: str = "Personal\\cxdial\\AdhocDial",
        check_caller_id: bool = True,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._pre_dial = pre_dial
        self._script_path = script_path
        self._check_caller_id = check_caller_id
        self._sleep = sleep
        self._monotonic = monotonic
        self._caller_ids: list[str] | None = None
        self._sessions: dict[int, str] = {}

    # -- validation ------------------------------------------------------------------
    def intent(
        self,
        to: str,
        *,
        caller_id: str,
        skill_id: int,
        via: Via | str = Via.SCRIPT,
        context_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> DialIntent:
        """Validate a call request into a :class:`DialIntent` (no I/O but the caller-ID list)."""
        try:
            how = Via(via)
        except ValueError as exc:
            raise ValidationError(
                f"unknown dialing mechanism {via!r}",
                field="via",
                fix=f"one of: {', '.join(v.value for v in Via)}",
            ) from exc
        number = to_e164(to, field="to")
        caller = to_e164(caller_id, field="caller_id")
        if skill_id <= 0:
            raise ValidationError(
                f"skill id {skill_id} is not a skill", field="skill_id", fix="pass --skill ID"
            )
        if self._check_caller_id:
            owned = self.caller_ids()
            if owned and caller not in owned:
                raise ValidationError(
                    f"caller ID {caller} is not a number this business unit owns",
                    field="caller_id",
                    fix=f"use one of: {', '.join(owned)}",
                )
        return DialIntent(
            to=number,
            caller_id=caller,
            skill_id=skill_id,
            via=how,
            context_id=context_id or uuid.uuid4().hex,
            idempotency_key=idempotency_key or str(uuid.uuid4()),
        )

    def caller_ids(self) -> list[str]:
        """The business unit's caller IDs (read once per placer)."""
        if self._caller_ids is None:
            self._caller_ids = self._client.business_unit.caller_ids()
        return self._caller_ids

    # -- dialing ---------------------------------------------------------------------
    def place(self, intent: DialIntent) -> PlacedCall:
        """Run the pre-dial hook, then dial exactly once by the intent's mechanism."""
        self._pre_dial(intent)
        log.info(
            "dialing",
            extra={"to": intent.to, "via": intent.via.value, "context_id": intent.context_id},
        )
        if intent.via is Via.SCRIPT:
            started = self._client.scripts.start(
                skill_id=intent.skill_id,
                phone_number=intent.to,
                caller_id=intent.caller_id,
                context_id=intent.context_id,
                script_path=self._script_path,
                idempotency_key=intent.idempotency_key,
            )
            return PlacedCall(intent, started.contact_id)
        if intent.via is Via.CALLBACK:
            before = {
                c.contact_id for c in self._client.contacts.iter_active(skill_id=intent.skill_id)
            }
            self._client.callbacks.queue(
                {"phoneNumber": intent.to, "skill": intent.skill_id, "callerId": intent.caller_id},
                idempotency_key=intent.idempotency_key,
            )
            return PlacedCall(intent, self._find_new_contact(intent, before))
        return PlacedCall(intent, self._dial_as_agent(intent))

    def _find_new_contact(self, intent: DialIntent, before: set[int]) -> int | None:
        """The contact a callback created: new since ``before``, same skill and number."""
        for contact in self._client.contacts.iter_active(skill_id=intent.skill_id):
            if contact.contact_id not in before and national_digits(
                contact.to_address
            ) == national_digits(intent.to):
                return contact.contact_id
        return None

    def _dial_as_agent(self, intent: DialIntent, *, wait_events: int = 5) -> int | None:
        sessions = self._client.agent_sessions
        session_id = sessions.create()
        self._sessions[id(intent)] = session_id
        sessions.set_state(session_id, "Available")
        sessions.dial_phone(
            session_id,
            {"phoneNumber": intent.to, "skillId": intent.skill_id, "callerId": intent.caller_id},
            idempotency_key=intent.idempotency_key,
        )
        for _ in range(wait_events):
            for event in sessions.next_event(session_id, wait=2).events:
                if event.get("Type") == "CallContactEvent" and national_digits(
                    str(event.get("ToAddress", ""))
                ) == national_digits(intent.to):
                    return int(event["ContactID"])
        return None

    # -- following -------------------------------------------------------------------
    def follow(
        self, call: PlacedCall, *, timeout: float = 120.0, poll_interval: float = 1.0
    ) -> CallResult:
        """Poll ``/contacts/{id}`` until the call ends (or ``timeout``); its outcome."""
        if call.contact_id is None:
            raise APIConnectionError(
                f"CXone did not report a contact for the call to {call.intent.to}",
                fix="look it up with /contacts/completed by toAddress, or retry with --via script",
            )
        deadline = self._monotonic() + timeout
        try:
            while True:
                detail = self._detail(call)
                if is_finished(detail):
                    outcome, reason = outcome_of(detail)
                    states = tuple(
                        s.contact_state_name or ""
                        for s in self._client.contacts.state_history(call.contact_id)
                    )
                    return CallResult(
                        contact_id=call.contact_id,
                        outcome=outcome,
                        reason=reason,
                        duration_seconds=detail.total_duration_seconds,
                        agent_seconds=detail.agent_seconds,
                        disposition_id=detail.primary_disposition_id,
                        states=states,
                    )
                if self._monotonic() >= deadline:
                    return CallResult(
                        contact_id=call.contact_id,
                        outcome=CallOutcome.PENDING,
                        reason=f"still {detail.state_name or 'active'} after {timeout:g}s",
                    )
                self._sleep(poll_interval)
        finally:
            self._end_session(call)

    def _detail(self, call: PlacedCall) -> ContactDetail:
        """``/contacts/{id}``; a contact it no longer serves is read from completed contacts."""
        assert call.contact_id is not None
        try:
            return self._client.contacts.get(call.contact_id)
        except NotFound:
            since = (call.placed_at - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
            completed = self._client.contacts.iter_completed(
                skill_id=call.intent.skill_id, updated_since=since
            )
            for done in completed:
                if done.contact_id == call.contact_id:
                    return ContactDetail.model_validate({**done.model_dump(), "is_active": False})
            raise

    def _end_session(self, call: PlacedCall) -> None:
        session_id = self._sessions.pop(id(call.intent), None)
        if session_id is not None:
            self._client.agent_sessions.end(session_id)

    def call(
        self,
        to: str,
        *,
        caller_id: str,
        skill_id: int,
        via: Via | str = Via.SCRIPT,
        context_id: str | None = None,
        wait: bool = False,
        timeout: float = 120.0,
    ) -> tuple[PlacedCall, CallResult | None]:
        """Validate, gate, dial and (with ``wait``) follow one call."""
        placed = self.place(
            self.intent(to, caller_id=caller_id, skill_id=skill_id, via=via, context_id=context_id)
        )
        return placed, (self.follow(placed, timeout=timeout) if wait else None)

    @contextmanager
    def sessions_closed(self) -> Iterator[CallPlacer]:
        """Context that ends any agent session this placer opened."""
        try:
            yield self
        finally:
            for session_id in self._sessions.values():
                self._client.agent_sessions.end(session_id)
            self._sessions.clear()
