"""A contact's disposition: read it, or set it through the API.

Shapes: cxone-api.md §3.5 (calljacob/nice-cxone-api @28a1bd4b and NICE's agent SDK v27):
``GET /contacts/{id}/disposition`` → ``{dispositionId, dispositionName,
dispositionByAgendId (sic), notes, lastUpdated}``; ``POST /contacts/{id}/set-disposition``
``{dispositionInfo:{skill, dispositionCode, callbackNumber?, callbackTime?,
commitmentAmount?, notes?}}``. ``dispositionCode`` is read as a disposition id of the
contact's skill (emulator reading of the spec's name).
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N815

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response

from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.entities import Contact
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.admin_common import read_json, validate
from cxdial.emulator.routes.common import find_skill
from cxdial.emulator.routes.dispositions import assigned_dispositions
from cxdial.emulator.validation import StrictModel

__all__ = ["router"]

router = APIRouter(prefix=ACD_PREFIX)
_CONTACTS = Depends(acd("Contacts View"))
_CONTACTS_EDIT = Depends(acd("Contacts Edit"))


class _DispositionInfo(StrictModel):
    skill: int | str
    dispositionCode: int | str
    callbackNumber: str | None = None
    callbackTime: str | None = None
    commitmentAmount: int | float | str | None = None
    notes: str | None = None


class _SetBody(StrictModel):
    dispositionInfo: _DispositionInfo


def _contact(ctx: Ctx, contact_id: int) -> Contact:
    found = ctx.world.contacts.get(contact_id)
    if found is None:
        raise ApiError(404, "ContactNotFound", f"No contact with contactId {contact_id}")
    return found


@router.get("/contacts/{contact_id}/disposition")
async def contact_disposition(contact_id: int, ctx: Ctx = _CONTACTS) -> Any:
    """The contact's disposition; 204 while it has none (emulator design)."""
    contact = _contact(ctx, contact_id)
    if contact.disposition_id is None:
        return Response(status_code=204)
    d = ctx.world.admin.dispositions.get(contact.disposition_id)
    return {
        "dispositionId": contact.disposition_id,
        "dispositionName": d.name if d else None,
        # sic: the spec spells it "Agend"
        "dispositionByAgendId": contact.agent_id,
        "notes": contact.disposition_notes or None,
        "lastUpdated": ctx.world.iso(contact.updated),
    }


def _as_int(value: int | str, name: str) -> int:
    if isinstance(value, int):
        return value
    if value.strip().isdigit():
        return int(value.strip())
    raise ApiError(400, "InvalidParameter", f"'dispositionInfo.{name}' must be a number")


@router.post("/contacts/{contact_id}/set-disposition", openapi_extra=request_body(_SetBody))
async def set_disposition(contact_id: int, ctx: Ctx = _CONTACTS_EDIT) -> Response:
    """Disposition a contact on its skill (``dispositionCode`` = a disposition id)."""
    contact = _contact(ctx, contact_id)
    info = validate(_SetBody, await read_json(ctx)).dispositionInfo
    skill_id = _as_int(info.skill, "skill")
    if skill_id != contact.skill_id:
        raise ApiError(
            400,
            "InvalidParameter",
            f"'dispositionInfo.skill' {skill_id} is not the contact's skill {contact.skill_id}",
        )
    code = _as_int(info.dispositionCode, "dispositionCode")
    skill = find_skill(ctx, skill_id)
    if code not in {d.disposition_id for d in assigned_dispositions(ctx, skill)}:
        raise ApiError(
            400,
            "InvalidParameter",
            f"'dispositionInfo.dispositionCode' {code} is not a disposition of skill "
            f"{skill_id}; GET /skills/{skill_id}/dispositions lists them",
        )
    contact.disposition_id = code
    contact.disposition_notes = info.notes or ""
    contact.updated = ctx.world.now
    return Response(status_code=200)
