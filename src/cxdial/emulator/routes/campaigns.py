"""Campaigns: CXone's reporting groups of skills (the skill is the dialing unit).

Shapes: calljacob/nice-cxone-api @28a1bd4b, ``AdminSkillsService.ts`` (``getCampaigns``,
``postCampaigns``, ``getCampaignsId``, ``putCampaignsId``, ``patchCampaignsIdStatus``,
``getCampaignsIdSkills``, ``postCampaignsIdSkills``, ``deleteCampaignsIdSkills``,
``getCampaignsIdSkillsUnassigned``; "Updated in v33.0"); outboundani/cxone-mcp @17439bd6
``src/tools.js`` (flat create body from v33, ``campaignId``/``campaignName`` read on v30,
``{skills:[{skillId}]}`` assignment). A skill's campaign is :attr:`Skill.campaign_id`.

Design: below v33 the items are named ``campaignId``/``campaignName`` and the create body
may say ``campaignName`` (INFERRED from MCP's v30 reads); from v33 ``id``/``name``.
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803, N815

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import model_validator

from cxdial.emulator.admin_state import Campaign
from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.admin_common import (
    StatusBody,
    listing_page,
    read_json,
    status_flag,
    validate,
)
from cxdial.emulator.validation import StrictModel, query_flag

__all__ = ["NEW_NAMES_FROM", "campaign_name", "router"]

router = APIRouter(prefix=ACD_PREFIX)
_VIEW = Depends(acd("Campaigns View"))
_EDIT = Depends(acd("Campaigns Edit"))
NEW_NAMES_FROM = 33
"""First version whose campaign items say ``id``/``name`` (CJ "Updated in v33.0")."""


class _CampaignBody(StrictModel):
    name: str | None = None
    campaignName: str | None = None
    description: str | None = None
    notes: str | None = None
    divisionId: int | None = None
    isActive: bool | None = None

    @model_validator(mode="after")
    def _one_name(self) -> _CampaignBody:
        if self.name is not None and self.campaignName is not None:
            raise ValueError("send 'name' (v33+) or 'campaignName', not both")
        return self

    @property
    def given_name(self) -> str | None:
        return self.name if self.name is not None else self.campaignName


class _SkillRef(StrictModel):
    skillId: int


class _SkillsBody(StrictModel):
    addAll: bool | None = None
    skills: list[int | _SkillRef] | None = None


def campaign_name(ctx: Ctx, campaign_id: int) -> str | None:
    """The name of a campaign id (None for 0 or an unknown id)."""
    found = ctx.world.admin.campaigns.get(campaign_id)
    return found.name if found else None


def _find(ctx: Ctx, campaign_id: int) -> Campaign:
    found = ctx.world.admin.campaigns.get(campaign_id)
    if found is None:
        raise ApiError(404, "CampaignNotFound", f"No campaign with campaignId {campaign_id}")
    return found


def _item(ctx: Ctx, c: Campaign, *, detail: bool = False) -> dict[str, Any]:
    new = ctx.version >= NEW_NAMES_FROM
    item: dict[str, Any] = {
        ("id" if new else "campaignId"): c.campaign_id,
        ("name" if new else "campaignName"): c.name,
        "isActive": c.is_active,
        "description": c.description,
        "notes": c.notes,
        "lastUpdateTime": ctx.world.iso(c.updated),
    }
    if detail:
        item["divisionId"] = c.division_id
    return item


def _name_error(ctx: Ctx, name: str | None, own_id: int | None) -> None:
    field = "name" if ctx.version >= NEW_NAMES_FROM else "campaignName"
    if name is None or not name.strip():
        raise ApiError(400, "InvalidParameter", f"Missing required field '{field}'")
    for c in ctx.world.admin.campaigns.values():
        if c.name.lower() == name.strip().lower() and c.campaign_id != own_id:
            raise ApiError(
                409, "DuplicateName", f"A campaign named '{name.strip()}' already exists"
            )


@router.get("/campaigns")
async def list_campaigns(
    ctx: Ctx = _VIEW,
    top: int | None = None,
    skip: int | None = None,
    isActive: str | None = None,
    searchString: str | None = None,
) -> Any:
    """Campaigns, paged; 204 when the page holds nothing."""
    active = None if isActive is None else query_flag(isActive, "isActive")
    text = (searchString or "").strip().lower()
    items = [
        c
        for c in sorted(ctx.world.admin.campaigns.values(), key=lambda c: c.campaign_id)
        if (active is None or c.is_active == active) and text in c.name.lower()
    ]
    paged = listing_page(ctx, items, top, skip)
    if isinstance(paged, Response):
        return paged
    chunk, meta = paged
    return {
        **meta,
        "businessUnitId": DEMO_BUSINESS_UNIT,
        "campaigns": [_item(ctx, c) for c in chunk],
    }


@router.post("/campaigns", openapi_extra=request_body(_CampaignBody))
async def create_campaign(ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Create a campaign from a flat body; answers its id."""
    body = validate(_CampaignBody, await read_json(ctx))
    _name_error(ctx, body.given_name, None)
    admin = ctx.world.admin
    name = (body.given_name or "").strip()
    campaign = Campaign(
        admin.next_id("campaign"),
        name,
        description=body.description,
        notes=body.notes,
        division_id=body.divisionId,
        is_active=True if body.isActive is None else body.isActive,
        updated=ctx.world.now,
    )
    admin.campaigns[campaign.campaign_id] = campaign
    key = "id" if ctx.version >= NEW_NAMES_FROM else "campaignId"
    return {key: campaign.campaign_id}


@router.get("/campaigns/{campaign_id}")
async def get_campaign(campaign_id: int, ctx: Ctx = _VIEW) -> dict[str, Any]:
    """One campaign (a flat object)."""
    return _item(ctx, _find(ctx, campaign_id), detail=True)


@router.put("/campaigns/{campaign_id}", openapi_extra=request_body(_CampaignBody))
async def update_campaign(campaign_id: int, ctx: Ctx = _EDIT) -> Response:
    """Update a campaign; the spec requires ``name`` on every update."""
    campaign = _find(ctx, campaign_id)
    body = validate(_CampaignBody, await read_json(ctx))
    _name_error(ctx, body.given_name, campaign.campaign_id)
    campaign.name = (body.given_name or "").strip()
    if body.description is not None:
        campaign.description = body.description
    if body.notes is not None:
        campaign.notes = body.notes
    if body.divisionId is not None:
        campaign.division_id = body.divisionId
    if body.isActive is not None:
        campaign.is_active = body.isActive
    campaign.updated = ctx.world.now
    return Response(status_code=200)


@router.patch(
    "/campaigns/{campaign_id}/status",
    openapi_extra=request_body(StatusBody, required=False),
)
async def campaign_status(
    campaign_id: int, ctx: Ctx = _EDIT, isActive: str | None = None
) -> Response:
    """Activate or deactivate: ``isActive`` in the JSON body or the query (the spec names
    no input; both are accepted)."""
    campaign = _find(ctx, campaign_id)
    campaign.is_active = await status_flag(ctx, isActive)
    campaign.updated = ctx.world.now
    return Response(status_code=200)


def _skill_items(ctx: Ctx, skill_ids: list[int]) -> list[dict[str, Any]]:
    world = ctx.world
    return [
        {
            "mediaType": world.skills[s].media_type_id,
            "mediaName": "Phone Call" if world.skills[s].media_type_id == 4 else "Other",
            "skillId": s,
            "skillName": world.skills[s].name,
        }
        for s in skill_ids
    ]


@router.get("/campaigns/{campaign_id}/skills")
async def campaign_skills(campaign_id: int, ctx: Ctx = _VIEW) -> Any:
    """Skills assigned to the campaign; 204 when none."""
    _find(ctx, campaign_id)
    ids = sorted(s.skill_id for s in ctx.world.skills.values() if s.campaign_id == campaign_id)
    if not ids:
        return Response(status_code=204)
    return {
        "businessUnitId": DEMO_BUSINESS_UNIT,
        "totalRecords": len(ids),
        "skills": _skill_items(ctx, ids),
    }


@router.get("/campaigns/{campaign_id}/skills/unassigned")
async def campaign_unassigned_skills(campaign_id: int, ctx: Ctx = _VIEW) -> Any:
    """Skills not assigned to the campaign; 204 when none."""
    _find(ctx, campaign_id)
    ids = sorted(s.skill_id for s in ctx.world.skills.values() if s.campaign_id != campaign_id)
    if not ids:
        return Response(status_code=204)
    return {
        "businessUnitId": DEMO_BUSINESS_UNIT,
        "totalRecords": len(ids),
        "skills": _skill_items(ctx, ids),
    }


@router.api_route(
    "/campaigns/{campaign_id}/skills",
    methods=["POST", "DELETE"],
    openapi_extra=request_body(_SkillsBody),
)
async def change_campaign_skills(campaign_id: int, ctx: Ctx = _EDIT) -> dict[str, Any]:
    """Assign (POST) or unassign (DELETE) skills: ``{addAll?, skills:[id]}`` (spec) or
    ``{skills:[{skillId}]}`` (MCP). Answers the skills it applied to and the unknown ones."""
    _find(ctx, campaign_id)
    body = validate(_SkillsBody, await read_json(ctx))
    world = ctx.world
    if body.addAll:
        wanted = sorted(world.skills)
    elif body.skills:
        wanted = [s if isinstance(s, int) else s.skillId for s in body.skills]
    else:
        raise ApiError(400, "InvalidParameter", "Missing required field 'skills' (or addAll)")
    adding = ctx.request.method == "POST"
    applied: list[int] = []
    invalid: list[int] = []
    for skill_id in wanted:
        skill = world.skills.get(skill_id)
        if skill is None or (not adding and skill.campaign_id != campaign_id):
            invalid.append(skill_id)
            continue
        skill.campaign_id = campaign_id if adding else 0
        skill.updated = world.now
        applied.append(skill_id)
    return {"assignedSkills": applied, "invalidSkills": invalid}
