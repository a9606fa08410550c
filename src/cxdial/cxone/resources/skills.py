"""Skills: list, get, create (PC skill), update, start, stop, parameters, agents."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any

from cxdial.cxone.models.base import parse_model, to_wire, validate_request
from cxdial.cxone.models.skills import (
    BatchResult,
    ParameterBlock,
    Skill,
    SkillAgentAssignment,
    SkillCreate,
    SkillList,
    SkillUpdate,
)
from cxdial.cxone.request import NOT_APPLIED, APIRequest, Verify
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

__all__ = ["AsyncSkills", "SkillRequests", "Skills"]


_UNWRAPPED_PUT = frozenset({"cadence-settings", "list-management"})
"""Blocks whose PUT body is the block itself, not ``{blockKey: …}``."""


def _camel_block(block: str) -> str:
    head, *rest = block.split("-")
    name = head + "".join(p.title() for p in rest)
    return {"timeZones": "timeZoneSettings", "cpaManagement": "cpaSettings"}.get(name, name)


def _skills_page(body: Any) -> Page[Skill]:
    return Page(parse_model(SkillList, body).skills, _next(body))


def _next(body: Any) -> str | None:
    links = body.get("_links") if isinstance(body, dict) else None
    nxt = links.get("next") if isinstance(links, dict) else None
    return nxt if isinstance(nxt, str) and nxt else None


class SkillRequests:
    """I/O-free builders of every skills call (for raw use: ``client.send(...)``)."""

    def pager(
        self, *, outbound: bool | None = None, strategy: str | None = None, page_size: int = 100
    ) -> Pager[Skill]:
        """Pages of ``GET /skills``."""
        params = {"isOutbound": outbound, "outboundStrategy": strategy}
        return Pager(
            acd_path("/skills"),
            params,
            _skills_page,
            page_size,
        )

    def get(self, skill_id: int) -> APIRequest[Skill]:
        """``GET /skills/{skillId}``."""
        return APIRequest(
            "GET",
            acd_path("/skills/{skillId}", skillId=skill_id),
            parse=_one_skill,
        )

    def create(self, skills: Sequence[SkillCreate | Mapping[str, Any]]) -> APIRequest[list[int]]:
        """``POST /skills`` (batch: per-item failures raise :class:`PartialFailure`)."""
        body = {"skills": [to_wire(validate_request(SkillCreate, s)) for s in skills]}
        return APIRequest(
            "POST",
            acd_path("/skills"),
            json=body,
            batch=True,
            parse=lambda b: parse_model(BatchResult, b).ids("skillId"),
        )

    def update(self, skill_id: int, changes: SkillUpdate | Mapping[str, Any]) -> APIRequest[None]:
        """``PUT /skills/{skillId}`` with ``{"skill": {...}}`` (idempotent)."""
        body = {"skill": to_wire(validate_request(SkillUpdate, changes))}
        return APIRequest(
            "PUT",
            acd_path("/skills/{skillId}", skillId=skill_id),
            json=body,
            idempotent=True,
            parse=parse_none,
        )

    def _running_is(self, skill_id: int, running: bool) -> Verify:
        response = yield self.get(skill_id)
        return {} if response.parsed.is_running is running else NOT_APPLIED

    def start(self, skill_id: int) -> APIRequest[None]:
        """``POST /skills/{skillId}/start``; an ambiguous failure is checked via ``isRunning``."""
        return APIRequest(
            "POST",
            acd_path("/skills/{skillId}/start", skillId=skill_id),
            parse=parse_none,
            verify=lambda: self._running_is(skill_id, True),
        )

    def stop(self, skill_id: int, *, force: bool = False) -> APIRequest[None]:
        """``POST /skills/{skillId}/stop?force=`` (force ends active calls)."""
        return APIRequest(
            "POST",
            acd_path("/skills/{skillId}/stop", skillId=skill_id),
            params={"force": force},
            parse=parse_none,
            verify=lambda: self._running_is(skill_id, False),
        )

    def parameters(
        self, skill_id: int, block: ParameterBlock | None = None
    ) -> APIRequest[dict[str, Any]]:
        """``GET /skills/{skillId}/parameters[/{block}]`` (the whole set, or one block)."""
        if block is None:
            path = acd_path("/skills/{skillId}/parameters", skillId=skill_id)
            return APIRequest("GET", path, parse=lambda b: dict(b or {}))
        path = acd_path("/skills/{skillId}/parameters/{block}", skillId=skill_id, block=block)
        key = _camel_block(block)
        return APIRequest("GET", path, parse=lambda b: _unwrap(b, key))

    def put_parameters(
        self, skill_id: int, block: ParameterBlock, values: Mapping[str, Any] | Sequence[Any]
    ) -> APIRequest[None]:
        """``PUT /skills/{skillId}/parameters/{block}``, ``values`` wrapped in the block's key.

        The spec takes ``cadence-settings`` and ``list-management`` unwrapped (CJ
        ``AdminSkills``); every other block is wrapped.
        """
        path = acd_path("/skills/{skillId}/parameters/{block}", skillId=skill_id, block=block)
        inner: Any = values if isinstance(values, Sequence) else dict(values)
        body = inner if block in _UNWRAPPED_PUT else {_camel_block(block): inner}
        return APIRequest("PUT", path, json=body, idempotent=True, parse=parse_none)

    def assign_agents(
        self, skill_id: int, agents: Sequence[SkillAgentAssignment | Mapping[str, Any]]
    ) -> APIRequest[BatchResult]:
        """``POST /skills/{skillId}/agents`` (re-assigning is harmless, so idempotent)."""
        body = {"agents": [to_wire(validate_request(SkillAgentAssignment, a)) for a in agents]}
        return APIRequest(
            "POST",
            acd_path("/skills/{skillId}/agents", skillId=skill_id),
            json=body,
            batch=True,
            idempotent=True,
            parse=lambda b: parse_model(BatchResult, _unwrap(b, "resultSet")),
        )


def _one_skill(body: Any) -> Skill:
    """A skill from ``{"skills": [...]}`` (what CXone returns), ``{"skill": {...}}`` or bare."""
    if isinstance(body, dict) and isinstance(body.get("skills"), list) and body["skills"]:
        return Skill.model_validate(body["skills"][0])
    return Skill.model_validate(_unwrap(body, "skill"))


def _unwrap(body: Any, key: str) -> Any:
    if isinstance(body, dict) and isinstance(body.get(key), dict | list):
        return body[key]
    return body if body is not None else {}


class Skills(SyncResource):
    """``client.skills``: Personal Connection skills."""

    requests = SkillRequests()

    def list(
        self, *, outbound: bool | None = None, strategy: str | None = None, page_size: int = 100
    ) -> Iterator[Skill]:
        """Every skill (paged lazily)."""
        return iterate(
            self._http,
            self.requests.pager(outbound=outbound, strategy=strategy, page_size=page_size),
        )

    def get(self, skill_id: int) -> Skill:
        """One skill, with ``is_running``."""
        return self._call(self.requests.get(skill_id))

    def create(self, *skills: SkillCreate | Mapping[str, Any]) -> builtins.list[int]:
        """Create skills; returns their ids."""
        return self._call(self.requests.create(skills))

    def update(self, skill_id: int, changes: SkillUpdate | Mapping[str, Any]) -> None:
        """Change a skill's fields."""
        self._call(self.requests.update(skill_id, changes))

    def start(self, skill_id: int) -> None:
        """Start dialing (resume)."""
        self._call(self.requests.start(skill_id))

    def stop(self, skill_id: int, *, force: bool = False) -> None:
        """Stop dialing (pause); ``force`` ends active calls."""
        self._call(self.requests.stop(skill_id, force=force))

    def parameters(self, skill_id: int, block: ParameterBlock | None = None) -> dict[str, Any]:
        """All parameter blocks, or one."""
        return self._call(self.requests.parameters(skill_id, block))

    def put_parameters(
        self, skill_id: int, block: ParameterBlock, values: Mapping[str, Any] | Sequence[Any]
    ) -> None:
        """Replace one parameter block."""
        self._call(self.requests.put_parameters(skill_id, block, values))

    def assign_agents(
        self, skill_id: int, agents: Sequence[SkillAgentAssignment | Mapping[str, Any]]
    ) -> BatchResult:
        """Assign agents to the skill."""
        return self._call(self.requests.assign_agents(skill_id, agents))


class AsyncSkills(AsyncResource):
    """``client.skills`` on :class:`~cxdial.cxone.AsyncClient`."""

    requests = SkillRequests()

    def list(
        self, *, outbound: bool | None = None, strategy: str | None = None, page_size: int = 100
    ) -> AsyncIterator[Skill]:
        """Every skill (paged lazily)."""
        return iterate_async(
            self._http,
            self.requests.pager(outbound=outbound, strategy=strategy, page_size=page_size),
        )

    async def get(self, skill_id: int) -> Skill:
        """One skill, with ``is_running``."""
        return await self._call(self.requests.get(skill_id))

    async def create(self, *skills: SkillCreate | Mapping[str, Any]) -> builtins.list[int]:
        """Create skills; returns their ids."""
        return await self._call(self.requests.create(skills))

    async def update(self, skill_id: int, changes: SkillUpdate | Mapping[str, Any]) -> None:
        """Change a skill's fields."""
        await self._call(self.requests.update(skill_id, changes))

    async def start(self, skill_id: int) -> None:
        """Start dialing (resume)."""
        await self._call(self.requests.start(skill_id))

    async def stop(self, skill_id: int, *, force: bool = False) -> None:
        """Stop dialing (pause); ``force`` ends active calls."""
        await self._call(self.requests.stop(skill_id, force=force))

    async def parameters(
        self, skill_id: int, block: ParameterBlock | None = None
    ) -> dict[str, Any]:
        """All parameter blocks, or one."""
        return await self._call(self.requests.parameters(skill_id, block))

    async def put_parameters(
        self, skill_id: int, block: ParameterBlock, values: Mapping[str, Any] | Sequence[Any]
    ) -> None:
        """Replace one parameter block."""
        await self._call(self.requests.put_parameters(skill_id, block, values))

    async def assign_agents(
        self, skill_id: int, agents: Sequence[SkillAgentAssignment | Mapping[str, Any]]
    ) -> BatchResult:
        """Assign agents to the skill."""
        return await self._call(self.requests.assign_agents(skill_id, agents))
