"""Placing calls: ``scripts/start`` (ad-hoc dial) and ``queuecallback`` (``cxone-api.md`` §3.4).

``scripts.start`` spawns the configured Studio script with ``number|callerId|contextId``.
The context id is unique to the logical call: the caller's label plus a nonce derived
from the call's idempotency key (:func:`dial_context_id`), so an earlier call with the
same label can never be taken for this one. After an ambiguous failure the verify hook
(:func:`find_context`) looks for the contact whose custom data ``cxdialContextId`` is
exactly that id: among all active contacts of the skill and all its completed contacts
updated since just before the first attempt (paging to the end), narrowed to the dialed
number and to contacts started inside that window, newest first — so a lost answer is
recovered instead of dialing twice, however many contacts the skill has. A client
refuses to start two dials with the same idempotency key. ``queuecallback`` carries no
correlation id, cannot be verified and is never retried blindly.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import OrderedDict
from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from cxdial.config import DEFAULT_DIAL_SCRIPT
from cxdial.cxone.http import AsyncHTTP, SyncHTTP
from cxdial.cxone.models.base import parse_model, validate_request
from cxdial.cxone.models.contacts import ActiveContact, CompletedContact
from cxdial.cxone.models.dialing import CallbackRequest, ScriptStart, StartedContact
from cxdial.cxone.numbers import same_number
from cxdial.cxone.request import NOT_APPLIED, APIRequest, APIResponse, Verify
from cxdial.cxone.resources._base import AsyncResource, Pager, SyncResource, parse_none
from cxdial.cxone.resources.contacts import ContactRequests
from cxdial.cxone.timestamps import parse_timestamp
from cxdial.cxone.versions import acd_path
from cxdial.errors import ValidationError

__all__ = [
    "CONTEXT_FIELD",
    "VERIFY_WINDOW",
    "AsyncCallbacks",
    "AsyncScripts",
    "CallbackRequests",
    "Callbacks",
    "ScriptRequests",
    "Scripts",
    "dial_context_id",
    "find_context",
]

CONTEXT_FIELD = "cxdialContextId"
"""Custom-data name under which the dialing script stores the context id."""
VERIFY_WINDOW = timedelta(minutes=2)
"""How far before the first attempt the verify hook looks (clock skew between client and CXone)."""
_NONCE_LENGTH = 16
_LABEL_MAX = 64 - _NONCE_LENGTH - 1
_contacts = ContactRequests()
I = TypeVar("I")  # noqa: E741 - the conventional name of an item type


def dial_context_id(label: str | None, idempotency_key: str) -> str:
    """The context id of one logical call: ``label.<nonce>`` (or the bare nonce).

    The nonce is derived from the call's idempotency key, so every attempt of one call
    carries the same id and two calls never do, whatever label they share.
    """
    nonce = hashlib.sha256(idempotency_key.encode()).hexdigest()[:_NONCE_LENGTH]
    if not label:
        return nonce
    if len(label) > _LABEL_MAX:
        raise ValidationError(
            f"context id {label[:20]!r}… is longer than {_LABEL_MAX} characters",
            field="contextId",
            fix=f"use a label of at most {_LABEL_MAX} characters (cxdial adds a nonce)",
        )
    return f"{label}.{nonce}"


def _all_pages(pager: Pager[I]) -> Generator[APIRequest[Any], APIResponse[Any], list[I]]:
    """Every item of every page (a verify hook's paging, I/O-free)."""
    items: list[I] = []
    request: APIRequest[Any] | None = pager.first()
    while request is not None:
        page = (yield request).parsed
        items += page.items
        request = pager.after(request, page)
    return items


def _started_at(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_timestamp(text)
    except ValueError:
        return None


def find_context(skill_id: int, phone_number: str, context_id: str, since: datetime) -> Verify:
    """Verify hook: ``{contactId}`` of the contact whose custom data is ``context_id``.

    Candidates are every active and every completed contact of ``skill_id`` (all pages),
    to ``phone_number``, started (or, lacking a start date, updated) after ``since``; their
    custom data is read newest first. NOT_APPLIED when none carries the id.
    """
    active = yield from _all_pages(_contacts.active(skill_id=skill_id, page_size=1000))
    completed = yield from _all_pages(
        _contacts.completed(
            skill_id=skill_id, updated_since=since, page_size=1000, newest_first=True, now=since
        )
    )
    candidates: dict[int, datetime] = {}
    floor = datetime.min.replace(tzinfo=UTC)
    everyone: list[ActiveContact | CompletedContact] = [*active, *completed]
    for contact in everyone:
        if contact.skill_id not in (None, skill_id):
            continue
        if contact.to_address and not same_number(contact.to_address, phone_number):
            continue
        started = _started_at(contact.contact_start_date)
        if started is not None and started < since:
            continue
        candidates.setdefault(contact.contact_id, started or floor)
    newest_first = sorted(candidates, key=lambda c: (candidates[c], c), reverse=True)
    for contact_id in newest_first:
        data = yield _contacts.custom_data(contact_id)
        if any(d.name == CONTEXT_FIELD and str(d.value) == context_id for d in data.parsed):
            return {"contactId": contact_id, "contextId": context_id}
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
        script_path: str = DEFAULT_DIAL_SCRIPT,
        idempotency_key: str | None = None,
        now: datetime | None = None,
    ) -> APIRequest[StartedContact]:
        """The ad-hoc dial request; ``context_id`` is your label (a nonce is added to it)."""
        key = idempotency_key or str(uuid.uuid4())
        dial = validate_request(
            ScriptStart,
            {
                "phoneNumber": phone_number,
                "callerId": caller_id,
                "contextId": dial_context_id(context_id, key),
            },
        )
        since = (now or datetime.now(UTC)) - VERIFY_WINDOW
        params = {"skillId": skill_id, "scriptPath": script_path, "parameters": dial.parameters()}
        wire_id = dial.context_id

        def parse(body: Any) -> StartedContact:
            return parse_model(StartedContact, {**(body or {}), "contextId": wire_id})

        return APIRequest(
            "POST",
            acd_path("/scripts/start"),
            params=params,
            parse=parse,
            idempotency_key=key,
            verify=lambda: find_context(skill_id, dial.phone_number, wire_id, since),
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


class _KeysUsed:
    """Idempotency keys this client has dialed with (bounded), so none is used twice."""

    def __init__(self, limit: int = 10_000) -> None:
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._limit = limit

    def claim(self, key: str | None) -> str:
        """``key`` (or a new one), refusing a key this client already dialed with."""
        key = key or str(uuid.uuid4())
        if key in self._keys:
            raise ValidationError(
                f"idempotency key {key!r} was already used for a dial by this client",
                field="idempotency_key",
                fix="give each logical call its own key (or pass none and let cxdial make one)",
            )
        self._keys[key] = None
        if len(self._keys) > self._limit:
            self._keys.popitem(last=False)
        return key


class Scripts(SyncResource):
    """``client.scripts``: spawn Studio scripts (the ad-hoc dial)."""

    requests = ScriptRequests()

    def __init__(self, http: SyncHTTP) -> None:
        super().__init__(http)
        self._used = _KeysUsed()

    def start(
        self,
        *,
        skill_id: int,
        phone_number: str,
        caller_id: str,
        context_id: str | None = None,
        script_path: str = DEFAULT_DIAL_SCRIPT,
        idempotency_key: str | None = None,
    ) -> StartedContact:
        """Spawn the dialing script; the new contact and its context id (dialed once)."""
        return self._call(
            self.requests.start(
                skill_id=skill_id,
                phone_number=phone_number,
                caller_id=caller_id,
                context_id=context_id,
                script_path=script_path,
                idempotency_key=self._used.claim(idempotency_key),
                now=datetime.fromtimestamp(self._http.core.clock.time(), UTC),
            )
        )


class AsyncScripts(AsyncResource):
    """``client.scripts`` on the async client."""

    requests = ScriptRequests()

    def __init__(self, http: AsyncHTTP) -> None:
        super().__init__(http)
        self._used = _KeysUsed()

    async def start(
        self,
        *,
        skill_id: int,
        phone_number: str,
        caller_id: str,
        context_id: str | None = None,
        script_path: str = DEFAULT_DIAL_SCRIPT,
        idempotency_key: str | None = None,
    ) -> StartedContact:
        """Spawn the dialing script; the new contact and its context id (dialed once)."""
        return await self._call(
            self.requests.start(
                skill_id=skill_id,
                phone_number=phone_number,
                caller_id=caller_id,
                context_id=context_id,
                script_path=script_path,
                idempotency_key=self._used.claim(idempotency_key),
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
