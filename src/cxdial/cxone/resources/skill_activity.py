"""Real-time skill activity: ``GET /skills/{skillId}/activity`` (``cxone-api.md`` §3.7)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from cxdial.cxone.models.base import ResponseModel, parse_model
from cxdial.cxone.request import APIRequest
from cxdial.cxone.resources._base import AsyncResource, SyncResource
from cxdial.cxone.versions import acd_path

__all__ = [
    "AsyncSkillActivityResource",
    "SkillActivity",
    "SkillActivityRequests",
    "SkillActivityResource",
]


class SkillActivity(ResponseModel):
    """One skill's live figures: agents logged in / available / working, queue, running."""

    skill_id: int
    skill_name: str | None = None
    is_outbound: bool | None = None
    is_running: bool | None = None
    agents_logged_in: int = 0
    agents_available: int = 0
    agents_working: int = 0
    queue_count: int = 0
    contacts_active: int = 0


class _ActivityPage(ResponseModel):
    skill_activity: list[SkillActivity] = Field(default_factory=list)
    last_poll_time: str | None = None


def _one(body: Any) -> SkillActivity | None:
    items = parse_model(_ActivityPage, body).skill_activity if body else []
    return items[0] if items else None


class SkillActivityRequests:
    """I/O-free builder of the skill activity call."""

    def get(self, skill_id: int) -> APIRequest[SkillActivity | None]:
        """``GET /skills/{skillId}/activity`` (None when CXone answers 204)."""
        return APIRequest(
            "GET", acd_path("/skills/{skillId}/activity", skillId=skill_id), parse=_one
        )


class SkillActivityResource(SyncResource):
    """``SkillActivityResource(client.http)``: real-time skill activity."""

    requests = SkillActivityRequests()

    def get(self, skill_id: int) -> SkillActivity | None:
        """The skill's activity now."""
        return self._call(self.requests.get(skill_id))


class AsyncSkillActivityResource(AsyncResource):
    """The asyncio twin."""

    requests = SkillActivityRequests()

    async def get(self, skill_id: int) -> SkillActivity | None:
        """The skill's activity now."""
        return await self._call(self.requests.get(skill_id))
