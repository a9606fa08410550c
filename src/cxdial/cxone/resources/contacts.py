"""Contacts: active, completed (``updatedSince`` paging), one contact, history, custom data."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import TypeAdapter

from cxdial.cxone.models.base import parse_model
from cxdial.cxone.models.contacts import (
    ActiveContact,
    ActivePage,
    CompletedContact,
    CompletedPage,
    ContactDetail,
    ContactState,
    CustomDatum,
)
from cxdial.cxone.request import APIRequest
from cxdial.cxone.resources._base import (
    AsyncResource,
    Page,
    Pager,
    SyncResource,
    iterate,
    iterate_async,
    parse_none,
)
from cxdial.cxone.versions import acd_path

__all__ = ["AsyncContacts", "ContactRequests", "Contacts"]

_CUSTOM = TypeAdapter(list[CustomDatum])
_HISTORY = TypeAdapter(list[ContactState])


def _active(body: Any) -> Page[ActiveContact]:
    page = parse_model(ActivePage, body)
    return Page(page.active_contacts, page.links.next if page.links else None)


def _completed(body: Any) -> Page[CompletedContact]:
    page = parse_model(CompletedPage, body)
    return Page(page.completed_contacts, page.links.next if page.links else None)


def _custom(body: Any) -> list[CustomDatum]:
    if isinstance(body, dict):
        for key in ("contactCustomData", "customData", "customDataValues"):
            if key in body:
                body = body[key]
                break
        else:
            body = []
    return _CUSTOM.validate_python(body or [])


def _history(body: Any) -> list[ContactState]:
    if isinstance(body, dict):
        body = body.get("contactStateHistory", [])
    return _HISTORY.validate_python(body or [])


def _contact(body: Any) -> ContactDetail:
    if isinstance(body, dict) and isinstance(body.get("contacts"), list) and body["contacts"]:
        body = body["contacts"][0]
    if isinstance(body, dict) and isinstance(body.get("contactId"), dict):
        body = body["contactId"]  # the spec nests the record under ``contactId``
    return ContactDetail.model_validate(body or {})


_MAX_LOOKBACK = timedelta(days=29)
"""CXone's limit is 30 days; a day of margin covers clock skew (and a simulated clock ahead)."""


def _clamp_since(value: str | None) -> str:
    """``value``, or 29 days ago when it is older or absent (CXone allows 30 at most)."""
    floor = datetime.now(UTC) - _MAX_LOOKBACK
    if value is not None:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value  # the server names the bad value
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if moment >= floor:
            return value
    return floor.isoformat(timespec="seconds").replace("+00:00", "Z")


class ContactRequests:
    """I/O-free builders for the contacts calls."""

    def active(
        self, *, skill_id: int | None = None, updated_since: str | None = None, page_size: int = 100
    ) -> Pager[ActiveContact]:
        """Pages of ``GET /contacts/active``."""
        params = {"skillId": skill_id, "updatedSince": updated_since}
        return Pager(
            acd_path("/contacts/active"),
            params,
            _active,
            page_size,
        )

    def completed(
        self,
        *,
        updated_since: str | None = None,
        skill_id: int | None = None,
        start_date: str | None = None,
        end_date: str | None = None,
        page_size: int = 1000,
    ) -> Pager[CompletedContact]:
        """Pages of ``GET /contacts/completed`` ordered by ``lastUpdateTime`` (TAP's pattern).

        CXone refuses ``updatedSince`` older than 30 days (and a request with no date at
        all), so it is clamped into that window, as TAP does.
        """
        if start_date is None and end_date is None:
            updated_since = _clamp_since(updated_since)
        params = {
            "updatedSince": updated_since,
            "skillId": skill_id,
            "startDate": start_date,
            "endDate": end_date,
            "orderBy": "lastUpdateTime asc",
        }
        return Pager(
            acd_path("/contacts/completed"),
            params,
            _completed,
            page_size,
        )

    def get(self, contact_id: int) -> APIRequest[ContactDetail]:
        """``GET /contacts/{contactId}``."""
        return APIRequest(
            "GET", acd_path("/contacts/{contactId}", contactId=contact_id), parse=_contact
        )

    def state_history(self, contact_id: int) -> APIRequest[list[ContactState]]:
        """``GET /contacts/{contactId}/state-history``."""
        path = acd_path("/contacts/{contactId}/state-history", contactId=contact_id)
        return APIRequest("GET", path, parse=_history)

    def custom_data(self, contact_id: int) -> APIRequest[list[CustomDatum]]:
        """``GET /contacts/{contactId}/custom-data``."""
        path = acd_path("/contacts/{contactId}/custom-data", contactId=contact_id)
        return APIRequest("GET", path, parse=_custom)

    def end(self, contact_id: int) -> APIRequest[None]:
        """``POST /contacts/{contactId}/end`` (ending twice is harmless: idempotent)."""
        path = acd_path("/contacts/{contactId}/end", contactId=contact_id)
        return APIRequest("POST", path, idempotent=True, parse=parse_none)


class Contacts(SyncResource):
    """``client.contacts``."""

    requests = ContactRequests()

    def iter_active(
        self, *, skill_id: int | None = None, updated_since: str | None = None
    ) -> Iterator[ActiveContact]:
        """Every live contact."""
        return iterate(
            self._http, self.requests.active(skill_id=skill_id, updated_since=updated_since)
        )

    def iter_completed(
        self,
        *,
        updated_since: str | None = None,
        skill_id: int | None = None,
        page_size: int = 1000,
    ) -> Iterator[CompletedContact]:
        """Every completed contact updated since ``updated_since`` (ISO-8601), page by page."""
        pager = self.requests.completed(
            updated_since=updated_since, skill_id=skill_id, page_size=page_size
        )
        return iterate(self._http, pager)

    def get(self, contact_id: int) -> ContactDetail:
        """One contact, active or completed."""
        return self._call(self.requests.get(contact_id))

    def state_history(self, contact_id: int) -> list[ContactState]:
        """The states the contact went through."""
        return self._call(self.requests.state_history(contact_id))

    def custom_data(self, contact_id: int) -> list[CustomDatum]:
        """The contact's custom data (``cxdialContextId`` for ad-hoc calls)."""
        return self._call(self.requests.custom_data(contact_id))

    def end(self, contact_id: int) -> None:
        """Force-end a contact."""
        self._call(self.requests.end(contact_id))


class AsyncContacts(AsyncResource):
    """``client.contacts`` on the async client."""

    requests = ContactRequests()

    def iter_active(
        self, *, skill_id: int | None = None, updated_since: str | None = None
    ) -> AsyncIterator[ActiveContact]:
        """Every live contact."""
        pager = self.requests.active(skill_id=skill_id, updated_since=updated_since)
        return iterate_async(self._http, pager)

    def iter_completed(
        self,
        *,
        updated_since: str | None = None,
        skill_id: int | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[CompletedContact]:
        """Every completed contact updated since ``updated_since`` (ISO-8601), page by page."""
        pager = self.requests.completed(
            updated_since=updated_since, skill_id=skill_id, page_size=page_size
        )
        return iterate_async(self._http, pager)

    async def get(self, contact_id: int) -> ContactDetail:
        """One contact, active or completed."""
        return await self._call(self.requests.get(contact_id))

    async def state_history(self, contact_id: int) -> list[ContactState]:
        """The states the contact went through."""
        return await self._call(self.requests.state_history(contact_id))

    async def custom_data(self, contact_id: int) -> list[CustomDatum]:
        """The contact's custom data."""
        return await self._call(self.requests.custom_data(contact_id))

    async def end(self, contact_id: int) -> None:
        """Force-end a contact."""
        await self._call(self.requests.end(contact_id))
