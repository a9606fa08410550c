"""The campaign lifecycle: an explicit state machine over a platform that only starts and stops.

States: ``draft`` (never applied), ``ready`` (applied, never started), ``running``,
``paused``, ``stopping`` (a stop was sent, the platform still runs), ``stopped``,
``completed`` (the lists are exhausted) and ``failed``. CXone has no pause: pause is a
graceful ``POST /skills/{id}/stop`` remembered as ``paused``, and resume is a start.

Requests are idempotent: a request for the state the campaign is already in is a no-op
that says so (and records nothing); a request the state does not allow raises
:class:`InvalidTransition`. After each start/stop the platform is polled until it reports
the target (``isRunning``) with bounded exponential back-off. Run-state changes never
change configuration.
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
    "transition",
    "wait_running",
]

State = Literal[
    "draft", "ready", "running", "paused", "stopping", "stopped", "completed", "failed"
]
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
) -> TransitionResult:
    """Carry out ``action`` (see the module docstring); returns what happened.

    With ``spec``, a start or resume first runs :func:`~cxdial.campaigns.preflight.preflight`
    and raises :class:`~cxdial.campaigns.preflight.PreflightFailed` on any error.
    """
    state, skill_id = current_state(ctx, campaign)
    sources, target = TRANSITIONS[action]
    if state == target or (action == "resume" and state == "running"):
        return TransitionResult(campaign, action, state, state, False, _NOOP[action])
    if skill_id is None or state not in sources:
        raise InvalidTransition(campaign, state, action, allowed_actions(state))
    request_ids: list[str] = []
    client = ctx.client
    requests = client.skills.requests
    if target == "running" and spec is not None:
        from cxdial.campaigns.preflight import PreflightFailed, preflight

        report = preflight(ctx, spec, skill_id)
        if not report.ok:
            raise PreflightFailed(report)
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
    ctx.record(
        action,
        campaign,
        version=latest.number if latest else None,
        before={"state": state},
        after={"state": target},
        request_ids=request_ids,
        detail={"skill_id": skill_id, "force": force},
    )
    message = {"pause": "paused (graceful stop)", "resume": "resumed (started)"}.get(
        action, f"{target}"
    )
    return TransitionResult(campaign, action, state, target, True, message)
