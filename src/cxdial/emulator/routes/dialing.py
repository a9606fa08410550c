"""Ad-hoc calls without an agent session: ``/scripts/start`` and ``/queuecallback`` (§3.4).

The emulator ships one Studio script, ``Personal\\cxdial\\AdhocDial`` (id 9001), whose
pipe-delimited parameters are ``<phoneE164>|<callerIdE164>|<contextId>``; it places the
call and stores ``cxdialContextId`` and ``callerId`` as the contact's custom data.
Both endpoints take their inputs as query parameters, as CXone does.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Response

from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.errors import ApiError
from cxdial.emulator.routes.common import CxoneRoute, find_skill
from cxdial.emulator.telephony import place_call
from cxdial.emulator.world import CALLER_IDS

__all__ = ["ADHOC_SCRIPT_ID", "ADHOC_SCRIPT_PATH", "check_caller_id", "check_e164", "router"]

router = APIRouter(prefix=ACD_PREFIX, route_class=CxoneRoute)
ADHOC_SCRIPT_PATH = "Personal\\cxdial\\AdhocDial"
ADHOC_SCRIPT_ID = 9001
_SCRIPTS = Depends(acd("Scripts Start"))
_CALLBACKS = Depends(acd("Callbacks Create"))
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_SCRIPT_QUERY = {"skillid", "scriptpath", "scriptid", "parameters", "startdate"}
_CALLBACK_QUERY = {
    "phonenumber",
    "skill",
    "callerid",
    "calldelay",
    "targetagent",
    "prioritymanagement",
    "initialpriority",
    "acceleration",
    "maxpriority",
    "sequence",
    "ziptone",
    "screenpopsrc",
    "screenpopurl",
    "timeout",
}


def _query(ctx: Ctx, allowed: set[str]) -> dict[str, str]:
    """Query parameters by lower-cased name; unknown names are refused."""
    params = {k.lower(): v for k, v in ctx.request.query_params.items()}
    unknown = sorted(k for k in ctx.request.query_params if k.lower() not in allowed)
    if unknown:
        raise ApiError(
            400,
            "InvalidParameter",
            f"Unknown query parameter '{unknown[0]}'; expected one of {', '.join(sorted(allowed))}",
        )
    return params


def _int(params: dict[str, str], name: str, label: str) -> int:
    value = params.get(name)
    if value is None or not value.strip():
        raise ApiError(400, "InvalidParameter", f"Missing required query parameter '{label}'")
    try:
        return int(value)
    except ValueError:
        raise ApiError(400, "InvalidParameter", f"'{label}' must be an integer") from None


def check_e164(value: str, field: str) -> str:
    """``value`` if it is an E.164 number, else a 400 naming ``field``."""
    if not _E164.match(value.strip()):
        raise ApiError(
            400,
            "InvalidParameter",
            f"'{field}' must be an E.164 number like +15551234567, got '{value}'",
        )
    return value.strip()


def check_caller_id(value: str, field: str = "callerId") -> str:
    """``value`` if the business unit owns it, else a 400 naming ``field``."""
    check_e164(value, field)
    if value not in CALLER_IDS:
        raise ApiError(
            400,
            "InvalidCallerId",
            f"'{field}' {value} is not a number this business unit owns; "
            f"use one of {', '.join(CALLER_IDS)} (GET /business-unit lists them)",
        )
    return value


@router.post("/scripts/start")
async def start_script(ctx: Ctx = _SCRIPTS) -> dict[str, Any]:
    """Spawn the ad-hoc dialing script; returns the new contact's id."""
    params = _query(ctx, _SCRIPT_QUERY)
    skill = find_skill(ctx, _int(params, "skillid", "skillId"))
    path, script_id = params.get("scriptpath"), params.get("scriptid")
    if not path and not script_id:
        raise ApiError(400, "InvalidParameter", "Pass 'scriptPath' or 'scriptId'")
    if (path and path != ADHOC_SCRIPT_PATH) or (script_id and script_id != str(ADHOC_SCRIPT_ID)):
        raise ApiError(
            404,
            "ScriptNotFound",
            f"No script '{path or script_id}'; this tenant has "
            f"'{ADHOC_SCRIPT_PATH}' (scriptId {ADHOC_SCRIPT_ID})",
        )
    if not skill.is_outbound or not skill.is_active:
        raise ApiError(
            400, "InvalidParameter", f"skillId {skill.skill_id} is not an active outbound skill"
        )
    parts = params.get("parameters", "").split("|")
    if len(parts) != 3:
        raise ApiError(
            400,
            "InvalidParameter",
            "'parameters' must be '<phoneE164>|<callerIdE164>|<contextId>'"
            f" (3 pipe-delimited values), got {len(parts)}",
        )
    phone = check_e164(parts[0], "parameters[0] (phoneE164)")
    caller = check_caller_id(parts[1].strip(), "parameters[1] (callerId)")
    context = parts[2].strip() or None
    custom = {"callerId": caller, **({"cxdialContextId": context} if context else {})}
    contact = place_call(
        ctx.world,
        skill_id=skill.skill_id,
        to=phone,
        caller_id=caller,
        via="script",
        context_id=context,
        idempotency_key=ctx.idempotency_key,
        custom_data=custom,
    )
    return {"contactId": contact.contact_id}


@router.post("/queuecallback")
async def queue_callback(ctx: Ctx = _CALLBACKS) -> Response:
    """An immediate callback: an agent of the skill is reached, then the number is dialed.

    Answers with no body. The contact carries ``toAddress`` and the skill; CXone's
    callback API has no field for a caller-supplied correlation id, so none is accepted.
    """
    params = _query(ctx, _CALLBACK_QUERY)
    skill = find_skill(ctx, _int(params, "skill", "skill"))
    phone = check_e164(params.get("phonenumber", ""), "phoneNumber")
    raw_caller = params.get("callerid")
    caller = (
        check_caller_id(raw_caller) if raw_caller else skill.caller_id_override or CALLER_IDS[0]
    )
    delay = float(_int(params, "calldelay", "callDelay")) if params.get("calldelay") else 0.0
    world, key = ctx.world, ctx.idempotency_key

    def dial() -> None:
        agent = next(
            (
                a
                for a in sorted(skill.agent_ids)
                if a in world.agents
                and world.agents[a].simulated
                and world.agents[a].contact_id is None
                and world.agents[a].busy_until <= world.now
            ),
            None,
        )
        place_call(
            world,
            skill_id=skill.skill_id,
            to=phone,
            caller_id=caller,
            via="callback",
            idempotency_key=key,
            agent_id=agent,
        )

    if delay > 0:
        world.schedule(world.now + delay, dial)
    else:
        dial()
    return Response(status_code=202)
