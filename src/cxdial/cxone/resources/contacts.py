"""Contacts: active, completed (``updatedSince`` paging), one contact, history, custom data.

Envelopes are read in the spec's shape and the emulator's older one alike
(``emulator-fidelity.md`` §1.6, §1.7): ``GET /contacts/{id}`` nests the record under a key
named ``contactId`` (or answers it flat); ``custom-data`` is ``{contactCustomData: [...]}``
(or a bare list). ``/contacts/completed`` needs a date (the real API answers 400 without
one) and ``updatedSince`` at most 30 days back, so older values are clamped to the limit.
"""

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
from cxdial.cxone.timestamps import parse_timestamp
from cxdial.cxone.versions import acd_path
from cxdial.errors import ValidationError

__all__ = ["REPORT_WINDOW", "AsyncContacts", "ContactRequests", "Contacts", "iso_utc"]

REPORT_WINDOW = timedelta(days=30)
"""How far back ``/contacts/completed`` reaches (real API: 400 beyond it; TAP clamps too)."""
_CLAMP_SLACK = timedelta(days=1)
"""Kept inside the window: the tenant's clock is not ours (and the emulator's simulated
clock runs ahead of it), so a clamped value stays a day clear of CXone's 30-day limit."""


def iso_utc(moment: datetime) -> str:
    """``2026-11-23T09:00:00Z``: the date-time form CXone's query parameters take."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(value: str | datetime, name: str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    try:
        return parse_timestamp(value)
    except ValueError:
        raise ValidationError(
            f"{name} {value!r} is not an ISO-8601 date-time",
            field=name,
            fix="write it like 2026-11-23T09:00:00Z",
        ) from None


def _report_dates(
    updated_since: str | datetime | None,
    start_date: str | datetime | None,
    end_date: str | datetime | None,
    now: datetime,
) -> dict[str, str | None]:
    """The date parameters of ``/contacts/completed``, checked and clamped like CXone's."""
    if updated_since is None and start_date is None:
        raise ValidationError(
            "completed contacts need a date: CXone answers 400 without one",
            field="updated_since",
            fix="pass updated_since (at most 30 days back) or start_date",
        )
    if end_date is not None and start_date is None:
        raise ValidationError(
            "end_date needs a start_date", field="start_date", fix="pass start_date too"
        )
    dates: dict[str, str | None] = {"updatedSince": None, "startDate": None, "endDate": None}
    if updated_since is not None:
        since = max(_moment(updated_since, "updated_since"), now - REPORT_WINDOW + _CLAMP_SLACK)
        dates["updatedSince"] = iso_utc(since)
    if start_date is not None:
        start = _moment(start_date, "start_date")
        end = _moment(end_date, "end_date") if end_date is not None else now
        if end - start > REPORT_WINDOW:
            raise ValidationError(
                "start_date to end_date spans more than 30 days, which CXone refuses",
                field="start_date",
                fix="split the range into windows of 30 days or less",
            )
        dates["startDate"] = iso_utc(start)
        dates["endDate"] = iso_utc(end) if end_date is not None else None
    return dates


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
    if isinstance(body, dict) and isinstance(body.get("contactId"), dict):
        body = body["contactId"]  # the spec: {businessUnitId, lastPollTime, contactId: {...}}
    elif isinstance(body, dict) and isinstance(body.get("contacts"), list) and body["contacts"]:
        body = body["contacts"][0]
    return ContactDetail.model_validate(body or {})


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
        updated_since: str | datetime | None = None,
        skill_id: int | None = None,
        start_date: str | datetime | None = None,
        end_date: str | datetime | None = None,
        page_size: int = 1000,
        newest_first: bool = False,
        now: datetime | None = None,
    ) -> Pager[CompletedContact]:
        """Pages of ``GET /contacts/completed`` ordered by ``lastUpdateTime`` (TAP's pattern).

        A date is required (``updated_since`` or ``start_date``); ``updated_since`` older
        than 30 days before ``now`` is clamped to the limit; a range over 30 days is refused.
        """
        dates = _report_dates(updated_since, start_date, end_date, now or datetime.now(UTC))
        params = {
            **dates,
            "skillId": skill_id,
            "orderBy": "lastUpdateTime desc" if newest_first else "lastUpdateTime asc",
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
        updated_since: str | datetime | None = None,
        skill_id: int | None = None,
        page_size: int = 1000,
    ) -> Iterator[CompletedContact]:
        """Every completed contact updated since ``updated_since`` (≤ 30 days), page by page."""
        pager = self.requests.completed(
            updated_since=updated_since,
            skill_id=skill_id,
            page_size=page_size,
            now=datetime.fromtimestamp(self._http.core.clock.time(), UTC),
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
        updated_since: str | datetime | None = None,
        skill_id: int | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[CompletedContact]:
        """Every completed contact updated since ``updated_since`` (≤ 30 days), page by page."""
        pager = self.requests.completed(
            updated_since=updated_since,
            skill_id=skill_id,
            page_size=page_size,
            now=datetime.fromtimestamp(self._http.core.clock.time(), UTC),
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
