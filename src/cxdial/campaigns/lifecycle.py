"""The campaign lifecycle: an explicit state machine over a platform that only starts and stops.

States: ``draft`` (never applied), ``ready`` (applied, never started), ``running``,
``paused``, ``stopping`` (a stop was sent, the platform still runs), ``stopped``,
``completed`` (the lists are exhausted) and ``failed``. CXone has no pause: pause is a
graceful ``POST /skills/{id}/stop`` remembered as ``paused``, and resume is a start.

Requests are idempotent: a request for the state the campaign is already in is a no-op
that says so (and records nothing); a request the state does not allow raises
:class:`InvalidTransition`. After each start/stop the platform is polled until it reports
the target (``isRunning``) with bounded exponential back-off. Run-state changes never
change configuration, with one exception the issue asks for: a start whose skill dials in
another mode than the applied spec is paused, patched (the mode fields only) and started
again (:func:`patch_dialing_mode`, audited as ``dialing_mode``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from cxdial.campaigns.context import CampaignContext
from cxdial.campaigns.errors import InvalidTransition
from cxdial.campaigns.live import read_skill
from cxdial.campaigns.spec import CampaignSpec
from cxdial.errors import CxdialError

__all__ = [
    "ACTIONS",
    "TRANSITIONS",
    "Action",
    "State",
    "TransitionResult",
    "current_state",
    "patch_dialing_mode",
    "transition",
    "wait_running",
]

State = Literal["draft", "ready", "running", "paused", "stopping", "stopped", "completed", "failed"]
Action = Literal["start", "pause", "resume", "stop"]
ACTIONS: tuple[Action, ...] = ("start", "pause", "resume", "stop")

TRANSITIONS: dict[Action, tuple[frozenset[str], State]] = {
    "start": (frozenset({"ready", "stopped", "failed"}), "running"),
    "pause": (frozenset({"running"}), "paused"),
    "resume": (frozenset({"paused"}), "running"),
    "stop": (frozenset({"running", "paused", "stopping", "failed"}), "stopped"),
}
"""For each action: the states it may start from, and the state it leads to."""

_POLL_FIRST = 0.2
_POLL_MAX = 5.0
_POLL_TOTAL = 60.0


@dataclass(frozen=True)
class TransitionResult:
    """What a lifecycle request did: ``changed`` False for a no-op (with its reason)."""

    campaign: str
    action: Action
    before: str
    after: str
    changed: bool
    message: str

    def as_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {
            "campaign": self.campaign,
            "action": self.action,
            "before": self.before,
            "after": self.after,
            "changed": self.changed,
            "message": self.message,
        }


def allowed_actions(state: str) -> list[str]:
    """The actions ``state`` allows."""
    return [a for a, (sources, _) in TRANSITIONS.items() if state in sources]


def current_state(ctx: CampaignContext, campaign: str) -> tuple[str, int | None]:
    """The campaign's state, reconciled with what the platform reports, and its skill id.

    A campaign remembered as running that the platform no longer runs is ``stopped``
    (stopped in the console, or its list ran out); one remembered as stopped/paused/ready
    that the platform runs is ``running`` (started in the console).
    """
    run = ctx.store.run(campaign)
    if run is None:
        return "draft", None
    running = read_skill(ctx.client, run.skill_id).is_running
    state = run.state
    if state in ("running", "stopping") and not running:
        state = "stopped"
    elif state in ("ready", "paused", "stopped", "completed", "failed") and running:
        state = "running"
    return state, run.skill_id


def wait_running(ctx: CampaignContext, skill_id: int, target: bool) -> None:
    """Poll ``GET /skills/{id}`` until ``isRunning`` is ``target`` (bounded back-off)."""
    sleep = ctx.sleep or time.sleep
    delay, waited = _POLL_FIRST, 0.0
    while read_skill(ctx.client, skill_id).is_running is not target:
        if waited >= _POLL_TOTAL:
            word = "running" if target else "stopped"
            raise CxdialError(
                f"skill {skill_id} did not report {word} within {_POLL_TOTAL:g} s",
                fix="check the skill in the console; `cxdial campaign diagnose` says why",
            )
        sleep(delay)
        waited += delay
        delay = min(_POLL_MAX, delay * 2)


_NOOP = {
    "start": "already running",
    "pause": "already paused",
    "resume": "already running",
    "stop": "already stopped",
}


def transition(
    ctx: CampaignContext,
    campaign: str,
    action: Action,
    *,
    spec: CampaignSpec | None = None,
    force: bool = False,
    reason: str | None = None,
) -> TransitionResult:
    """Carry out ``action`` (see the module docstring); returns what happened.

    With ``spec``, a start or resume first runs :func:`~cxdial.campaigns.preflight.preflight`
    and raises :class:`~cxdial.campaigns.preflight.PreflightFailed` on any error but a
    dialing-mode mismatch, which it repairs (:func:`patch_dialing_mode`): a skill the
    platform runs in the wrong mode is stopped gracefully, patched and started again.
    ``reason`` goes into the audit entry and the outbound event (the monitor's reasons).
    """
    state, skill_id = current_state(ctx, campaign)
    sources, target = TRANSITIONS[action]
    if target == "running" and spec is not None and skill_id is not None and state == "running":
        from cxdial.campaigns.preflight import mode_mismatch

        if mode_mismatch(ctx, spec, skill_id) and _checked(ctx, spec, skill_id):
            patch_dialing_mode(ctx, spec, skill_id, running=True)
            return TransitionResult(
                campaign,
                action,
                state,
                state,
                True,
                "dialing mode patched (paused, patched, started again)",
            )
    if state == target or (action == "resume" and state == "running"):
        return TransitionResult(campaign, action, state, state, False, _NOOP[action])
    if skill_id is None or state not in sources:
        raise InvalidTransition(campaign, state, action, allowed_actions(state))
    request_ids: list[str] = []
    client = ctx.client
    requests = client.skills.requests
    if target == "running" and spec is not None and _checked(ctx, spec, skill_id):
        patch_dialing_mode(ctx, spec, skill_id, running=False)
    if target == "running":
        request_ids.append(client.send(requests.start(skill_id)).request_id or "")
        wait_running(ctx, skill_id, True)
    else:
        ctx.store.set_run(campaign, skill_id, "stopping")
        try:
            response = client.send(requests.stop(skill_id, force=force))
            request_ids.append(response.request_id or "")
            wait_running(ctx, skill_id, False)
        except Exception:
            ctx.store.set_run(campaign, skill_id, state)
            raise
    ctx.store.set_run(campaign, skill_id, target)
    latest = ctx.store.latest(campaign)
    version = latest.number if latest else None
    detail: dict[str, object] = {"skill_id": skill_id, "force": force}
    if reason:
        detail["reason"] = reason
    ctx.record(
        action,
        campaign,
        version=version,
        before={"state": state},
        after={"state": target},
        request_ids=request_ids,
        detail=detail,
    )
    event = _EVENTS.get(action)
    if event is not None:
        extra = {"reason": reason} if reason else {}
        ctx.publish(
            event,
            campaign,
            skill_id=skill_id,
            version=version,
            action=action,
            before=state,
            after=target,
            **extra,
        )
    message = {"pause": "paused (graceful stop)", "resume": "resumed (started)"}.get(
        action, f"{target}"
    )
    return TransitionResult(campaign, action, state, target, True, message)


_EVENTS = {
    "start": "campaign.activated",
    "resume": "campaign.activated",
    "pause": "campaign.paused",
}
"""The outbound event each transition publishes (a stop publishes none)."""


def _checked(ctx: CampaignContext, spec: CampaignSpec, skill_id: int) -> bool:
    """Run pre-flight; raise on any error but the dialing mode; True when the mode differs."""
    from cxdial.campaigns.preflight import PreflightFailed, preflight

    report = preflight(ctx, spec, skill_id)
    errors = [f for f in report.findings if f.level == "error"]
    if any(f.path != "dialing.mode" for f in errors):
        raise PreflightFailed(report)
    return bool(errors)


def patch_dialing_mode(
    ctx: CampaignContext, spec: CampaignSpec, skill_id: int, *, running: bool
) -> list[str]:
    """Make the skill dial in the spec's mode again: stop (graceful) if ``running``, write the
    mode fields, verify by re-reading, start again if it was running; audited as
    ``dialing_mode``. Only the applied spec is written (a spec that differs from the newest
    applied version must be applied first); a skill already in the mode is left alone.
    Returns the request ids (none when nothing differed)."""
    from cxdial.campaigns.live import write_section
    from cxdial.campaigns.mapping import desired_config
    from cxdial.campaigns.preflight import mode_mismatch
    from cxdial.campaigns.spec import spec_hash
    from cxdial.errors import ValidationError

    mismatch = mode_mismatch(ctx, spec, skill_id)
    if not mismatch:
        return []
    latest = ctx.store.latest(spec.name)
    if latest is None or latest.content_hash != spec_hash(spec):
        raise ValidationError(
            f"campaign {spec.name!r}: the skill does not dial in {spec.dialing.mode} mode "
            "and this spec is not the applied version",
            field="dialing.mode",
            fix="run `cxdial campaign apply` with this spec, then start again",
        )
    desired = desired_config(spec)
    requests = ctx.client.skills.requests
    request_ids: list[str] = []
    if running:
        ctx.store.set_run(spec.name, skill_id, "stopping")
        request_ids.append(ctx.client.send(requests.stop(skill_id)).request_id or "")
        wait_running(ctx, skill_id, False)
        ctx.store.set_run(spec.name, skill_id, "paused")
    sections: dict[str, dict[str, object]] = {}
    for change in mismatch:
        wanted = desired[change.section][change.field]
        sections.setdefault(change.section, {})[change.field] = wanted
    for section, fields in sections.items():
        request_ids.append(write_section(ctx.client, skill_id, section, fields) or "")
    left = mode_mismatch(ctx, spec, skill_id)
    if left:
        raise CxdialError(
            f"the platform did not keep the dialing mode: {left[0]}",
            fix="check the skill in the console; the campaign stays paused",
        )
    if running:
        request_ids.append(ctx.client.send(requests.start(skill_id)).request_id or "")
        wait_running(ctx, skill_id, True)
        ctx.store.set_run(spec.name, skill_id, "running")
    ctx.record(
        "dialing_mode",
        spec.name,
        version=latest.number,
        before={f"{c.section}.{c.field}": c.before for c in mismatch},
        after={f"{c.section}.{c.field}": c.after for c in mismatch},
        request_ids=request_ids,
        detail={"skill_id": skill_id, "mode": spec.dialing.mode, "restarted": running},
    )
    return [r for r in request_ids if r]
