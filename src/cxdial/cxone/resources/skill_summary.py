"""Skill reporting: ``GET /skills/{skillId}/summary`` and ``GET /skills/summary``
(``cxone-api.md`` §3.6: ``skillSummaries[{abandonCount, abandonRate, contactsHandled, dials,
connects, connectsAHT, rightPartyConnects…}]``, ``startDate``/``endDate`` required)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from cxdial.cxone.models.base import ResponseModel, parse_model
from cxdial.cxone.request import APIRequest
from cxdial.cxone.resources._base import AsyncResource, SyncResource
from cxdial.cxone.resources.contacts import iso_utc
from cxdial.cxone.versions import acd_path

__all__ = [
    "AsyncSkillSummaryResource",
    "SkillSummary",
    "SkillSummaryRequests",
    "SkillSummaryResource",
]


class SkillSummary(ResponseModel):
    """One skill's figures over a date range (the fields cxdial reads; the rest kept)."""

    skill_id: int
    skill_name: str | None = None
    dials: int = 0
    connects: int = 0
    right_party_connects: int = 0
    contacts_handled: int = 0
    abandon_count: int = 0
    abandon_rate: float = 0.0
    """Per cent of connects."""


class _SummaryPage(ResponseModel):
    skill_summaries: list[SkillSummary] = Field(default_factory=list)


def _all(body: Any) -> list[SkillSummary]:
    return parse_model(_SummaryPage, body).skill_summaries if body else []


def _one(body: Any) -> SkillSummary | None:
    items = _all(body)
    return items[0] if items else None


def _range(start: datetime, end: datetime) -> dict[str, str]:
    return {"startDate": iso_utc(start), "endDate": iso_utc(end)}


class SkillSummaryRequests:
    """I/O-free builders of the skill summary calls."""

    def get(self, skill_id: int, start: datetime, end: datetime) -> APIRequest[SkillSummary | None]:
        """``GET /skills/{skillId}/summary?startDate&endDate`` (None when CXone answers 204)."""
        path = acd_path("/skills/{skillId}/summary", skillId=skill_id)
        return APIRequest("GET", path, parse=_one, params=_range(start, end))

    def all(self, start: datetime, end: datetime) -> APIRequest[list[SkillSummary]]:
        """``GET /skills/summary?startDate&endDate`` (every skill; empty on 204)."""
        return APIRequest("GET", acd_path("/skills/summary"), parse=_all, params=_range(start, end))


class SkillSummaryResource(SyncResource):
    """``SkillSummaryResource(client.http)``: skill reporting over a date range."""

    requests = SkillSummaryRequests()

    def get(self, skill_id: int, start: datetime, end: datetime) -> SkillSummary | None:
        """One skill's figures."""
        return self._call(self.requests.get(skill_id, start, end))

    def all(self, start: datetime, end: datetime) -> list[SkillSummary]:
        """Every skill's figures."""
        return self._call(self.requests.all(start, end))


class AsyncSkillSummaryResource(AsyncResource):
    """The asyncio twin."""

    requests = SkillSummaryRequests()

    async def get(self, skill_id: int, start: datetime, end: datetime) -> SkillSummary | None:
        """One skill's figures."""
        return await self._call(self.requests.get(skill_id, start, end))

    async def all(self, start: datetime, end: datetime) -> list[SkillSummary]:
        """Every skill's figures."""
        return await self._call(self.requests.all(start, end))
