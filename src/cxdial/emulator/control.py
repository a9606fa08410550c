"""The control API (not CXone): stats, faults, the clock, tokens, the dial ledger, seeded
call history, reset, and per-skill behaviour (outcome mix, pacing) to degrade a campaign
on purpose.

Mounted under ``/_emulator/`` without authentication; tests and demos drive it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import Field

from cxdial.emulator.credentials import DEMO_CALLER_ID
from cxdial.emulator.deps import world_of
from cxdial.emulator.errors import ApiError
from cxdial.emulator.faults import FaultSpec, FaultSpecError, OneShot
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.common import normalize_phone
from cxdial.emulator.telephony import DRAWN_OUTCOMES, seed_completed
from cxdial.emulator.validation import StrictModel, parse_body
from cxdial.errors import ValidationError
from cxdial.pacing.factory import make_policy

__all__ = ["router"]

router = APIRouter(prefix="/_emulator")


class _OneShotBody(StrictModel):
    path_contains: str
    fault: str = Field(pattern=r"^(drop|timeout|404|408|429|5\d\d)$")
    retry_after: float | None = None
    delay: float = Field(default=2.0, ge=0, le=600)
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] | None = None
    times: int = Field(default=1, ge=1)


class _FaultsBody(StrictModel):
    spec: str | None = None
    next: list[_OneShotBody] = Field(default_factory=list)
    clear: bool = False


_YEAR = 365 * 86_400


class _Seconds(StrictModel):
    seconds: float = Field(gt=0, le=_YEAR)


class _Advance(StrictModel):
    seconds: float = Field(ge=0, le=10 * _YEAR)
    """At most ten simulated years per call (the clock's dates must stay printable)."""


class _SeedCompleted(StrictModel):
    skill_id: int
    to: str
    caller_id: str = DEMO_CALLER_ID
    outcome: Literal["answered", "busy", "failed", "machine", "no_answer"] = "busy"
    count: int = Field(default=1, ge=1, le=100_000)
    context_prefix: str | None = Field(default=None, min_length=1, max_length=40)
    """Context ids ``{prefix}-0`` … ``{prefix}-{count-1}``; none without a prefix."""


class _OutcomeMix(StrictModel):
    weights: dict[str, float] | None = None
    """Outcome → probability (answered, no_answer, busy, machine; the rest fails); None resets."""


class _SkillPacing(StrictModel):
    policy: str | None = None
    """A pacing policy (``ratio:5`` over-dials); None returns to the emulator's own."""


def _skill_of(request: Request, skill_id: int) -> int:
    if skill_id not in world_of(request).skills:
        raise ApiError(404, "NotFound", f"skill {skill_id} does not exist")
    return skill_id


@router.post("/skills/{skill_id}/outcomes", openapi_extra=request_body(_OutcomeMix))
async def outcome_mix(skill_id: int, request: Request) -> dict[str, Any]:
    """Set (or reset) the outcome weights of one skill's dials, e.g. to degrade its success."""
    world = world_of(request)
    _skill_of(request, skill_id)
    body = await parse_body(request, _OutcomeMix)
    if body.weights is None:
        world.outcome_mix.pop(skill_id, None)
        return {"skillId": skill_id, "weights": None}
    unknown = sorted(set(body.weights) - set(DRAWN_OUTCOMES))
    if unknown:
        raise ApiError(
            400, "InvalidParameter", f"weights.{unknown[0]}: use {', '.join(DRAWN_OUTCOMES)}"
        )
    if any(not 0 <= w <= 1 for w in body.weights.values()) or sum(body.weights.values()) > 1:
        raise ApiError(400, "InvalidParameter", "weights: each in [0, 1], summing to 1 at most")
    mix = tuple((name, body.weights.get(name, 0.0)) for name in DRAWN_OUTCOMES)
    world.outcome_mix[skill_id] = mix
    return {"skillId": skill_id, "weights": dict(mix)}


@router.post("/skills/{skill_id}/pacing", openapi_extra=request_body(_SkillPacing))
async def skill_pacing(skill_id: int, request: Request) -> dict[str, Any]:
    """Give one skill's dialer its own pacing policy (``ratio:5``: over-dial, abandoning)."""
    world = world_of(request)
    _skill_of(request, skill_id)
    body = await parse_body(request, _SkillPacing)
    if body.policy is None:
        world.policies.pop(skill_id, None)
        return {"skillId": skill_id, "policy": None}
    try:
        world.policies[skill_id] = make_policy(body.policy, grace=0.0)
    except ValidationError as exc:
        raise ApiError(400, "InvalidParameter", f"policy: {exc.message}; {exc.fix}") from exc
    return {"skillId": skill_id, "policy": body.policy}


@router.get("/stats")
async def stats(request: Request) -> dict[str, Any]:
    """Token grants, requests per route, statuses, injected faults, webhook deliveries."""
    world = world_of(request)
    sender = request.app.state.webhooks
    body = world.stats.as_json()
    body["tokenGrants"] = sum(world.tokens.grants.values())
    body["tokenGrantsByType"] = dict(world.tokens.grants)
    body["webhooks"] = {
        "delivered": sender.delivered,
        "failed": sender.failed,
        "retries": sender.retries,
        "pending": sender.pending,
    }
    body["clock"] = {"now": world.now, "iso": world.clock.iso(world.now)}
    return body


@router.post("/faults", openapi_extra=request_body(_FaultsBody))
async def faults(request: Request) -> dict[str, Any]:
    """Replace the fault spec and/or queue one-shot faults (``{"next": [...]}``)."""
    world = world_of(request)
    body = await parse_body(request, _FaultsBody)
    if body.spec is not None:
        try:
            world.faults.spec = FaultSpec.parse(body.spec)
        except FaultSpecError as exc:
            raise ApiError(400, "InvalidParameter", str(exc)) from exc
    if body.clear:
        world.faults.oneshots.clear()
    world.faults.oneshots.extend(OneShot(**shot.model_dump()) for shot in body.next)
    return {"spec": body.spec, "queued": [asdict(s) for s in world.faults.oneshots]}


@router.post("/clock/advance", openapi_extra=request_body(_Advance))
async def advance(request: Request) -> dict[str, Any]:
    """Move simulated time forward and run everything that falls due."""
    world = world_of(request)
    body = await parse_body(request, _Advance)
    world.clock.advance(body.seconds)
    world.advance()
    request.app.state.webhooks.kick()
    return {"now": world.now, "iso": world.clock.iso(world.now)}


@router.post("/tokens/revoke")
async def revoke(request: Request) -> dict[str, int]:
    """Revoke every live access token (the next API call gets 401)."""
    return {"revoked": world_of(request).tokens.revoke_all()}


@router.post("/token-lifetime", openapi_extra=request_body(_Seconds))
async def token_lifetime(request: Request) -> dict[str, float]:
    """Set the lifetime of tokens issued from now on."""
    body = await parse_body(request, _Seconds)
    world_of(request).tokens.lifetime = max(1, int(body.seconds))
    return {"seconds": world_of(request).tokens.lifetime}


@router.get("/dials")
async def dials(request: Request) -> dict[str, Any]:
    """Every dial the telephony placed, in order."""
    entries = [asdict(d) for d in world_of(request).stats.dials]
    return {"totalRecords": len(entries), "dials": entries}


@router.post("/contacts/completed", openapi_extra=request_body(_SeedCompleted))
async def seed_completed_contacts(request: Request) -> dict[str, Any]:
    """Create ``count`` contacts that completed just now (history, not dials: no dial
    ledger entry, no webhook); CXone has no such route, tests seed large histories."""
    world = world_of(request)
    body = await parse_body(request, _SeedCompleted)
    if body.skill_id not in world.skills:
        raise ApiError(404, "SkillNotFound", f"No skill with skillId {body.skill_id}")
    to, caller = normalize_phone(body.to), normalize_phone(body.caller_id)
    if to is None or caller is None:
        bad = "to" if to is None else "caller_id"
        raise ApiError(400, "InvalidParameter", f"'{bad}' must be a North American number")
    prefix = body.context_prefix
    made = seed_completed(
        world,
        skill_id=body.skill_id,
        to=to,
        caller_id=caller,
        outcome=body.outcome,
        context_ids=[f"{prefix}-{i}" if prefix else None for i in range(body.count)],
    )
    return {"created": len(made), "contactIds": [c.contact_id for c in made]}


@router.post("/webhooks/flush")
async def flush_webhooks(request: Request) -> dict[str, int]:
    """Deliver queued call events now and wait until they are delivered or given up."""
    sender = request.app.state.webhooks
    await sender.flush()
    return {"delivered": sender.delivered, "failed": sender.failed}


@router.get("/webhooks/deliveries")
async def webhook_deliveries(request: Request) -> dict[str, Any]:
    """Every webhook message so far, in send order, with its attempts and whether it was acked."""
    sender = request.app.state.webhooks
    entries = [d.as_json() for d in sender.deliveries]
    return {
        "totalRecords": len(entries),
        "acked": sender.delivered,
        "failed": sender.failed,
        "pending": sender.pending,
        "deliveries": entries,
    }


@router.post("/reset")
async def reset(request: Request) -> dict[str, bool]:
    """Forget every object, token and counter; start again from the config and seed."""
    world_of(request).reset()
    return {"reset": True}
