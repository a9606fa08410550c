"""Agents: the roster and their real-time states."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterator
from typing import Any

from cxdial.cxone.models.base import ResponseModel, parse_model
from cxdial.cxone.models.contacts import AgentState, AgentStatesPage
from cxdial.cxone.request import APIRequest
from cxdial.cxone.resources._base import (
    AsyncResource,
    Page,
    Pager,
    SyncResource,
    iterate,
    iterate_async,
)
from cxdial.cxone.versions import acd_path

__all__ = ["Agent", "AgentRequests", "Agents", "AsyncAgents"]


class Agent(ResponseModel):
    """An agent (``GET /agents``)."""

    agent_id: int
    user_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_active: bool | None = None


def _agents(body: Any) -> Page[Agent]:
    items = body.get("agents", []) if isinstance(body, dict) else []
    links = body.get("_links") if isinstance(body, dict) else None
    nxt = links.get("next") if isinstance(links, dict) else None
    return Page([Agent.model_validate(a) for a in items], nxt if isinstance(nxt, str) else None)


class AgentRequests:
    """I/O-free builders for the agents calls."""

    def pager(self, *, page_size: int = 100) -> Pager[Agent]:
        """Pages of ``GET /agents``."""
        return Pager(acd_path("/agents"), {}, _agents, page_size)

    def states(self, *, updated_since: str | None = None) -> APIRequest[list[AgentState]]:
        """``GET /agents/states``."""
        return APIRequest(
            "GET",
            acd_path("/agents/states"),
            params={"updatedSince": updated_since},
            parse=lambda b: parse_model(AgentStatesPage, b).agent_states,
        )


class Agents(SyncResource):
    """``client.agents``."""

    requests = AgentRequests()

    def list(self) -> Iterator[Agent]:
        """Every agent (paged lazily)."""
        return iterate(self._http, self.requests.pager())

    def states(self, *, updated_since: str | None = None) -> builtins.list[AgentState]:
        """Each agent's current state."""
        return self._call(self.requests.states(updated_since=updated_since))


class AsyncAgents(AsyncResource):
    """``client.agents`` on the async client."""

    requests = AgentRequests()

    def list(self) -> AsyncIterator[Agent]:
        """Every agent (paged lazily)."""
        return iterate_async(self._http, self.requests.pager())

    async def states(self, *, updated_since: str | None = None) -> builtins.list[AgentState]:
        """Each agent's current state."""
        return await self._call(self.requests.states(updated_since=updated_since))
