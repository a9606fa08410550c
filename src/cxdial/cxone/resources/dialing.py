"""Placing calls: ``scripts/start`` (ad-hoc dial) and ``queuecallback`` (``cxone-api.md`` §3.4).

``scripts.start`` spawns the configured Studio script with ``number|callerId|contextId``.
After an ambiguous failure its verify hook looks for the contact whose custom data
``cxdialContextId`` equals the context id — among active contacts, then completed contacts
of the skill updated since just before the first attempt — so a lost answer is recovered
instead of dialing twice. ``queuecallback`` cannot be verified and is never retried blindly.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from cxdial.cxone.models.base import parse_model, validate_request
from cxdial.cxone.models.dialing import CallbackRequest, ScriptStart, StartedContact
from cxdial.cxone.request import NOT_APPLIED, APIRequest, Verify
from cxdial.cxone.resources._base import AsyncResource, SyncResource, parse_none
from cxdial.cxone.resources.contacts import ContactRequests
from cxdial.cxone.versions import acd_path

__all__ = [
    "CONTEXT_FIELD",
    "AsyncCallbacks",
    "AsyncScripts",
    "CallbackRequests",
    "Callbacks",
    "ScriptRequests",
    "Scripts",
    "national_digits",
]

CONTEXT_FIELD = "cxdialContextId"
"""Custom-data name under which the dialing script stores the context id."""
DEFAULT_SCRIPT = "Personal\\cxdial\\AdhocDial"
_contacts = ContactRequests()


def national_digits(number: str | None) -> str:
    """The last ten digits of a number in any format: how CXone addresses are compared."""
    return "".join(ch for ch in number or "" if ch.isdigit())[-10:]


def find_context(skill_id: int, phone_number: str, context_id: str, since: str) -> Verify:
    """Verify hook: the ``{contactId}`` whose custom data holds ``context_id``, else NOT_APPLIED."""
    candidates: list[int] = []
    active = yield _contacts.active(skill_id=skill_id, page_size=1000).first()
    candidates += [
        c.contact_id
        for c in active.parsed.items
        if national_digits(c.to_address) in ("", national_digits(phone_number))
    ]
    completed = yield _contacts.completed(skill_id=skill_id, updated_since=since).first()
    candidates += [
        c.contact_id
        for c in completed.parsed.items
        if national_digits(c.to_address) in ("", national_digits(phone_number))
    ]
    for contact_id in dict.fromkeys(candidates):
        data = yield _contacts.custom_data(contact_id)
        if any(d.name == CONTEXT_FIELD and str(d.value) == context_id for d in data.parsed):
            return {"contactId": contact_id}
    return NOT_APPLIED


class ScriptRequests:
    """I/O-free builder for ``POST /scripts/start``."""

    def start(
        self,
        *,
        skill_id: int,
        phone_number: str,
        caller_id: str,
        context_id: str | None = None,
        script_path: str = DEFAULT_SCRIPT,
        idempotency_key: str | None = None,
        now: datetime | None = None,
    ) -> APIRequest[StartedContact]:
        """The ad-hoc dial request; ``context_id`` defaults to a fresh UUID."""
        dial = validate_request(
            ScriptStart,
            {
                "phoneNumber": phone_number,
                "callerId": caller_id,
                "contextId": context_id or uuid.uuid4().hex,
            },
        )
        since = ((now or datetime.now(UTC)) - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        params = {"skillId": skill_id, "scriptPath": script_path, "parameters": dial.parameters()}
        return APIRequest(
            "POST",
            acd_path("/scripts/start"),
            params=params,
            parse=lambda b: parse_model(StartedContact, b),
            idempotency_key=idempotency_key,
            verify=lambda: find_context(skill_id, dial.phone_number, dial.context_id, since),
        )


class CallbackRequests:
    """I/O-free builder for ``POST /queuecallback`` (all inputs are query parameters)."""

    def queue(
        self, request: CallbackRequest | dict[str, Any], *, idempotency_key: str | None = None
    ) -> APIRequest[None]:
        """Queue an immediate callback; an ambiguous failure raises :class:`AmbiguousWrite`."""
        model = validate_request(CallbackRequest, request)
        params = model.model_dump(by_alias=True, exclude_none=True)
        return APIRequest(
            "POST",
            acd_path("/queuecallback"),
            params=params,
            idempotency_key=idempotency_key,
            parse=parse_none,
        )


class Scripts(SyncResource):
    """``client.scripts``: spawn Studio scripts (the ad-hoc dial)."""

    requests = ScriptRequests()

    def start(
        self,
        *,
        skill_id: int,
        phone_number: str,
        caller_id: str,
        context_id: str | None = None,
        script_path: str = DEFAULT_SCRIPT,
        idempotency_key: str | None = None,
    ) -> StartedContact:
        """Spawn the dialing script; returns the new contact (dialed exactly once)."""
        return self._call(
            self.requests.start(
                skill_id=skill_id,
                phone_number=phone_number,
                caller_id=caller_id,
                context_id=context_id,
                script_path=script_path,
                idempotency_key=idempotency_key,
                now=datetime.fromtimestamp(self._http.core.clock.time(), UTC),
            )
        )


class AsyncScripts(AsyncResource):
    """``client.scripts`` on the async client."""

    requests = ScriptRequests()

    async def start(
        self,
        *,
        skill_id: int,
        phone_number: str,
        caller_id: str,
        context_id: str | None = None,
        script_path: str = DEFAULT_SCRIPT,
        idempotency_key: str | None = None,
    ) -> StartedContact:
        """Spawn the dialing script; returns the new contact (dialed exactly once)."""
        return await self._call(
            self.requests.start(
                skill_id=skill_id,
                phone_number=phone_number,
                caller_id=caller_id,
                context_id=context_id,
                script_path=script_path,
                idempotency_key=idempotency_key,
                now=datetime.fromtimestamp(self._http.core.clock.time(), UTC),
            )
        )


class Callbacks(SyncResource):
    """``client.callbacks``: queued callbacks (agent first, then the number)."""

    requests = CallbackRequests()

    def queue(
        self, request: CallbackRequest | dict[str, Any], *, idempotency_key: str | None = None
    ) -> None:
        """Queue an immediate callback."""
        self._call(self.requests.queue(request, idempotency_key=idempotency_key))


class AsyncCallbacks(AsyncResource):
    """``client.callbacks`` on the async client."""

    requests = CallbackRequests()

    async def queue(
        self, request: CallbackRequest | dict[str, Any], *, idempotency_key: str | None = None
    ) -> None:
        """Queue an immediate callback."""
        await self._call(self.requests.queue(request, idempotency_key=idempotency_key))
