"""Place one call to one number now, then follow it to its disposition.

CXone has no "POST a call" endpoint for a service account, so a call goes through one of
the real mechanisms (``cxone-api.md`` §3.4): the Studio dialing script
(``/scripts/start``, the default), a queued callback (``/queuecallback``) or an agent
session's ``dial-phone``. Before any of them, both numbers are checked as E.164, the
caller ID against the numbers the business unit owns, and the pre-dial hook (the
compliance gate) runs: if it raises, nothing is dialed. The hook is required; skipping
the gate takes an explicit, logged :func:`ungated` hook. Logs never carry the numbers.

Waiting (``follow``) goes through the client's :class:`~cxdial.cxone.backoff.Clock`, the
one time seam of the client, unless another clock is passed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from cxdial.calls.models import CallOutcome, CallResult, DialIntent, PlacedCall, Via
from cxdial.calls.outcome import is_finished, outcome_of
from cxdial.cxone.backoff import Clock
from cxdial.cxone.client import Client
from cxdial.cxone.models.contacts import ActiveContact, CompletedContact, ContactDetail
from cxdial.cxone.numbers import same_number, to_e164
from cxdial.errors import APIError, NotFound, ValidationError

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
            "dialing without the compliance gate: %s (context %s)", reason, intent.context_id
        )

    return check


class CallPlacer:
    """Places ad-hoc calls through a :class:`~cxdial.cxone.Client` and follows them."""

    def __init__(
        self,
        client: Client,
        *,
        pre_dial: PreDialCheck,
        script_path: str | None = None,
        check_caller_id: bool = True,
        clock: Clock | None = None,
    ) -> None:
        """``script_path`` defaults to the client's ``dial_script_path`` setting, ``clock``
        to the client's clock."""
        self._client = client
        self._pre_dial = pre_dial
        self._script_path = script_path or client.settings.dial_script_path
        self._check_caller_id = check_caller_id
        self._clock = clock or client.clock
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
            context_id=context_id or uuid.uuid4().hex[:12],
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
        log.info("dialing via %s (context %s)", intent.via.value, intent.context_id)
        placed_at = datetime.fromtimestamp(self._clock.time(), UTC)
        if intent.via is Via.SCRIPT:
            started = self._client.scripts.start(
                skill_id=intent.skill_id,
                phone_number=intent.to,
                caller_id=intent.caller_id,
                context_id=intent.context_id,
                script_path=self._script_path,
                idempotency_key=intent.idempotency_key,
            )
            return PlacedCall(intent, started.contact_id, placed_at, context_id=started.context_id)
        if intent.via is Via.CALLBACK:
            contacts = self._client.contacts
            since = placed_at - timedelta(minutes=2)
            before = {c.contact_id for c in contacts.iter_active(skill_id=intent.skill_id)}
            before |= {
                c.contact_id
                for c in contacts.iter_completed(skill_id=intent.skill_id, updated_since=since)
            }
            self._client.callbacks.queue(
                {"phoneNumber": intent.to, "skill": intent.skill_id, "callerId": intent.caller_id},
                idempotency_key=intent.idempotency_key,
            )
            return PlacedCall(intent, self._find_new_contact(intent, before, since), placed_at)
        return PlacedCall(intent, self._dial_as_agent(intent), placed_at)

    def _find_new_contact(
        self, intent: DialIntent, before: set[int], since: datetime
    ) -> int | None:
        """The contact a callback created: new since ``before``, same skill and number.

        Looked for among active contacts, then completed ones (a busy or invalid number
        ends before anyone looks).
        """
        contacts = self._client.contacts
        found: list[ActiveContact | CompletedContact] = [
            *contacts.iter_active(skill_id=intent.skill_id),
            *contacts.iter_completed(skill_id=intent.skill_id, updated_since=since),
        ]
        for contact in found:
            if contact.contact_id not in before and same_number(contact.to_address, intent.to):
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
                if event.get("Type") == "CallContactEvent" and same_number(
                    str(event.get("ToAddress", "")), intent.to
                ):
                    return int(event["ContactID"])
        return None

    # -- following -------------------------------------------------------------------
    def follow(
        self, call: PlacedCall, *, timeout: float = 120.0, poll_interval: float = 1.0
    ) -> CallResult:
        """Poll ``/contacts/{id}`` until the call ends (or ``timeout``); its outcome."""
        if call.contact_id is None:
            raise APIError(
                f"the call (context {call.intent.context_id}) was placed, but CXone reported "
                "no contact for it to follow",
                fix="look it up in completed contacts by skill and number; do not dial again",
            )
        deadline = self._clock.monotonic() + timeout
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
                if self._clock.monotonic() >= deadline:
                    return CallResult(
                        contact_id=call.contact_id,
                        outcome=CallOutcome.PENDING,
                        reason=f"still {detail.state_name or 'active'} after {timeout:g}s",
                    )
                self._clock.sleep(poll_interval)
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
