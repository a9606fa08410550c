"""Skills: Personal Connection skills are CXone's dialing unit (``cxone-api.md`` §3.1)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from cxdial.cxone.models.base import RequestModel, ResponseModel

__all__ = [
    "BatchResult",
    "OutboundStrategy",
    "ParameterBlock",
    "Skill",
    "SkillAgentAssignment",
    "SkillCreate",
    "SkillList",
    "SkillUpdate",
]

OutboundStrategy = Literal["Personal Connection", "Manual", "Proactive XS"]
ParameterBlock = Literal[
    "general-settings",
    "retry-settings",
    "schedule-settings",
    "time-zones",
    "delivery-preferences",
    "cpa-management",
    "xs-settings",
    "cadence-settings",
    "list-management",
]
"""The parameter blocks of a PC skill (path segment under ``/skills/{id}/parameters/``)."""


class Skill(ResponseModel):
    """A skill as ``GET /skills`` and ``GET /skills/{id}`` return it."""

    skill_id: int
    skill_name: str | None = None
    media_type_id: int | None = None
    is_outbound: bool | None = None
    outbound_strategy: str | None = None
    is_running: bool | None = None
    is_active: bool | None = None
    campaign_id: int | None = None
    caller_id_override: str | None = None
    agentless: bool | None = None
    agentless_ports: int | None = None


class SkillList(ResponseModel):
    """A page of skills."""

    skills: list[Skill] = Field(default_factory=list)
    total_records: int | None = None


class SkillCreate(RequestModel):
    """One skill in ``POST /skills`` (a phone, outbound, Personal Connection skill by default)."""

    skill_name: str = Field(min_length=1, max_length=100)
    media_type_id: int = 4
    is_outbound: bool = True
    outbound_strategy: OutboundStrategy = "Personal Connection"
    campaign_id: int | None = None
    caller_id_override: str | None = None
    script_id: int | None = None
    agentless: bool | None = None
    agentless_ports: int | None = None
    outbound_telecom_route_id: int | None = None
    call_suppression_script_id: int | None = None
    require_disposition: bool | None = None
    deliver_multiple_numbers_serially: bool | None = None
    dispositions: list[dict[str, Any]] | None = None


class SkillUpdate(RequestModel):
    """The fields ``PUT /skills/{id}`` may change (sent as ``{"skill": {...}}``)."""

    skill_name: str | None = None
    caller_id_override: str | None = None
    campaign_id: int | None = None
    script_id: int | None = None
    agentless: bool | None = None
    agentless_ports: int | None = None
    require_disposition: bool | None = None
    is_active: bool | None = None


class SkillAgentAssignment(RequestModel):
    """One agent for ``POST /skills/{id}/agents``."""

    agent_id: int
    is_active: bool = True
    proficiency: int = Field(default=1, ge=1, le=20)


class BatchResult(ResponseModel):
    """A batch answer: ``errorCount`` and the per-item results (any ``…Results`` key)."""

    error_count: int = 0

    def results(self) -> list[dict[str, Any]]:
        """The per-item results, whatever the endpoint calls the list."""
        for key, value in (self.model_extra or {}).items():
            if key.endswith("Results") and isinstance(value, list):
                return [item for item in value if isinstance(item, dict)]
        return []

    def ids(self, key: str) -> list[int]:
        """The ``key`` (e.g. ``skillId``) of each successful item."""
        return [
            int(r[key]) for r in self.results() if r.get(key) is not None and r.get("success", True)
        ]
