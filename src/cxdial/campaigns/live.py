"""Read and write a skill's managed sections through the client (one request per section).

Reads use ``GET /skills/{id}`` and ``GET /skills/{id}/parameters/{block}`` (a single block
comes back unwrapped; ``time-zones`` as ``{timeZoneSettings: [...]}``; the cadence block's
``cadenceMaximumAttempts`` is read as its PUT name ``maximumAttempts``). Writes use
``PUT /skills/{id}`` (``{"skill": {...}}``) and ``PUT /skills/{id}/parameters/{block}``
(wrapped in the block's key by the resource). Each write returns its request id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from cxdial.campaigns.mapping import SECTIONS, Config

if TYPE_CHECKING:
    from cxdial.cxone import Client
    from cxdial.cxone.models.skills import ParameterBlock

__all__ = ["LiveSkill", "read_config", "read_skill", "write_section"]

_SKILL_FIELDS = {
    "skillName": "skill_name",
    "callerIdOverride": "caller_id_override",
    "campaignId": "campaign_id",
    "agentless": "agentless",
    "agentlessPorts": "agentless_ports",
}

_CADENCE_GET = {"cadenceMaximumAttempts": "maximumAttempts"}
"""The cadence block's GET names that differ from its PUT names (CJ)."""


@dataclass(frozen=True)
class LiveSkill:
    """What the platform says about the skill itself (run state included)."""

    skill_id: int
    name: str | None
    is_outbound: bool
    strategy: str | None
    is_running: bool
    is_active: bool
    calling_lists: tuple[str, ...]


def read_skill(client: Client, skill_id: int) -> LiveSkill:
    """The skill's identity, run state and attached calling lists."""
    skill = client.skills.get(skill_id)
    everything = client.skills.parameters(skill_id)
    lists = everything.get("callingLists") or []
    return LiveSkill(
        skill_id=skill_id,
        name=skill.skill_name,
        is_outbound=bool(skill.is_outbound),
        strategy=skill.outbound_strategy,
        is_running=bool(skill.is_running),
        is_active=skill.is_active is not False,
        calling_lists=tuple(str(x.get("name")) for x in lists if isinstance(x, dict)),
    )


def read_config(client: Client, skill_id: int, sections: Iterable[str] = SECTIONS) -> Config:
    """The live sections (every field the platform returns for each)."""
    out: Config = {}
    for section in sections:
        if section == "skill":
            skill = client.skills.get(skill_id)
            out[section] = {wire: getattr(skill, name) for wire, name in _SKILL_FIELDS.items()}
            continue
        block = client.skills.parameters(skill_id, cast("ParameterBlock", section))
        if section == "time-zones" and isinstance(block, list):
            block = {"timeZoneSettings": block}
        if section == "cadence-settings" and isinstance(block, dict):
            block = {_CADENCE_GET.get(k, k): v for k, v in block.items()}
        out[section] = block if isinstance(block, dict) else {}
    return out


def write_section(
    client: Client, skill_id: int, section: str, fields: dict[str, Any]
) -> str | None:
    """Write one section's fields; the request id of the write."""
    requests = client.skills.requests
    if section == "skill":
        changes = {_SKILL_FIELDS[k]: v for k, v in fields.items() if k in _SKILL_FIELDS}
        return client.send(requests.update(skill_id, changes)).request_id
    values: Any = fields["timeZoneSettings"] if section == "time-zones" else fields
    block = cast("ParameterBlock", section)
    return client.send(requests.put_parameters(skill_id, block, values)).request_id
