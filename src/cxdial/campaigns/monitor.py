"""Monitor a running campaign; fail over to its backup and pause it by itself when needed.

:func:`observe` measures rolling rates per window (the spec's failover window, 24 h and
30 days, each ending now) for the campaign's skill: from the event pipeline's consumed
call states (:func:`cxdial.events.metrics.totals`, the store's ``event_call_state``) when
the pipeline holds any call of the skill in the last 30 days, else from the reporting API
(``GET /skills/{id}/summary``: ``dials`` = ended calls, ``connects`` = live answers,
``rightPartyConnects`` = agent-connected, ``abandonCount``). Rates as the pipeline defines
them: success = agent-connected ÷ ended, answer = live answers ÷ ended, abandonment =
abandoned ÷ live answers. The compliance rejection rate is the share of rows the gate
blocked in the campaign's list uploads of the last 30 days (the ``list.uploaded`` audit
entries).

:func:`evaluate` acts on a snapshot, only while the campaign runs, as actor ``monitor``:

* **auto-pause** when the 30-day abandonment reaches the legal cap minus
  ``monitor.abandon_margin`` (with at least ``monitor.min_calls`` live answers), or when
  the rejection rate exceeds ``failover.max_rejection_rate`` (default 30 %);
* **failover** when the success rate in the failover window falls below
  ``failover.min_success_rate`` (with at least ``monitor.min_calls`` ended calls): the
  backup's newest applied spec passes pre-flight, the primary is paused and the backup
  started. Hysteresis: the campaign stays *degraded* (no second failover) until its rate
  is back above ``failover.recover_rate``. There is no automatic fail-back.

Every action is an audit entry (``auto_pause``, ``failover``; the pause and start they
cause are entries of their own) and an outbound event (``campaign.paused``,
``campaign.activated``, ``campaign.failover``). A second evaluation of the same facts does
nothing: the primary is no longer running and the degraded state is remembered
(``campaign_monitor``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from cxdial.campaigns.context import CampaignContext
from cxdial.campaigns.lifecycle import Action, current_state, transition
from cxdial.campaigns.spec import ABANDON_CAP, CampaignSpec, parse_spec

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = [
    "DEFAULT_REJECTION_LIMIT",
    "MONITOR_ACTOR",
    "Evaluation",
    "MonitorAction",
    "Rates",
    "Rejections",
    "Snapshot",
    "evaluate",
    "observe",
    "pipeline_rates",
    "rate_windows",
]

MONITOR_ACTOR = "monitor"
"""The audit log's actor of every automatic action."""
DEFAULT_REJECTION_LIMIT = 0.30
"""Auto-pause above this share of rows blocked by the gate (``failover.max_rejection_rate``)."""
_THIRTY_DAYS = timedelta(days=30)
Source = Literal["pipeline", "reporting"]


@dataclass(frozen=True)
class Rates:
    """Counts and rates of one skill over one rolling window."""

    label: str
    start: datetime
    end: datetime
    source: Source
    ended: int = 0
    answered: int = 0
    """Connected to an agent."""
    abandoned: int = 0
    live_answers: int = 0

    @property
    def success_rate(self) -> float:
        """Agent-connected ÷ ended."""
        return self.answered / self.ended if self.ended else 0.0

    @property
    def answer_rate(self) -> float:
        """Live answers ÷ ended."""
        return self.live_answers / self.ended if self.ended else 0.0

    @property
    def abandonment_rate(self) -> float:
        """Abandoned ÷ live answers (the regulatory basis)."""
        return self.abandoned / self.live_answers if self.live_answers else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "window": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "source": self.source,
            "ended": self.ended,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "live_answers": self.live_answers,
            "success_rate": round(self.success_rate, 4),
            "answer_rate": round(self.answer_rate, 4),
            "abandonment_rate": round(self.abandonment_rate, 4),
        }


@dataclass(frozen=True)
class Rejections:
    """Rows the compliance gate screened and blocked in the campaign's uploads."""

    rows: int
    blocked: int

    @property
    def rate(self) -> float:
        """Blocked ÷ screened."""
        return self.blocked / self.rows if self.rows else 0.0


@dataclass(frozen=True)
class Snapshot:
    """What the monitor saw of one campaign at one moment."""

    campaign: str
    skill_id: int | None
    state: str
    at: datetime
    windows: tuple[Rates, ...]
    rejections: Rejections | None
    primary_window: str

    def window(self, label: str) -> Rates:
        """One window's rates by label (``30d``, ``24h``, the failover window …)."""
        return next(w for w in self.windows if w.label == label)

    @property
    def source(self) -> str:
        """Where the figures came from."""
        return self.windows[0].source if self.windows else "none"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        rej = self.rejections
        return {
            "campaign": self.campaign,
            "skill_id": self.skill_id,
            "state": self.state,
            "at": self.at.isoformat(),
            "source": self.source,
            "primary_window": self.primary_window,
            "windows": [w.as_dict() for w in self.windows],
            "rejections": None
            if rej is None
            else {"rows": rej.rows, "blocked": rej.blocked, "rate": round(rej.rate, 4)},
        }


def _label(minutes: int) -> str:
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def rate_windows(spec: CampaignSpec | None) -> list[tuple[str, timedelta]]:
    """The windows rates are judged over: the failover window (30 min by default), 24 h,
    30 days (labels such as ``30m``, ``24h``, ``30d``)."""
    minutes = spec.failover.window_minutes if spec is not None and spec.failover else 30
    out = [(_label(minutes), timedelta(minutes=minutes))]
    for label, span in (("24h", timedelta(hours=24)), ("30d", _THIRTY_DAYS)):
        if label not in {x for x, _ in out}:
            out.append((label, span))
    return out


def pipeline_rates(
    engine: Engine, skill_id: int, label: str, start: datetime, end: datetime
) -> Rates:
    """The rates of ``skill_id`` in ``[start, end)`` from the event pipeline's call state."""
    from cxdial.events.metrics import totals

    found = totals(engine, skill_id, start, end)
    if found is None:
        return Rates(label, start, end, "pipeline")
    return Rates(
        label,
        start,
        end,
        "pipeline",
        ended=found.ended,
        answered=found.answered,
        abandoned=found.abandoned,
        live_answers=found.live_answers,
    )


def _reporting(
    ctx: CampaignContext, skill_id: int, label: str, start: datetime, end: datetime
) -> Rates:
    from cxdial.cxone.resources.skill_summary import SkillSummaryResource

    summary = SkillSummaryResource(ctx.client.http).get(skill_id, start, end)
    if summary is None:
        return Rates(label, start, end, "reporting")
    return Rates(
        label,
        start,
        end,
        "reporting",
        ended=summary.dials,
        answered=summary.right_party_connects,
        abandoned=summary.abandon_count,
        live_answers=summary.connects,
    )


def _rejections(ctx: CampaignContext, campaign: str, since: datetime) -> Rejections | None:
    if ctx.audit is None:
        return None
    rows = blocked = 0
    for entry in ctx.audit.entries(campaign=campaign, since=since):
        if entry.action != "list.uploaded":
            continue
        counts = entry.detail.get("counts") or {}
        rows += int(counts.get("rows") or 0)
        blocked += int(counts.get("blocked") or 0)
    return Rejections(rows, blocked) if rows else None


def observe(ctx: CampaignContext, spec: CampaignSpec, *, engine: Engine | None = None) -> Snapshot:
    """The campaign's rates per window now (see the module docstring for the sources)."""
    from cxdial.campaigns.apply import resolve_skill_id
    from cxdial.events.metrics import totals

    now = ctx.clock()
    state, skill_id = current_state(ctx, spec.name)
    if skill_id is None:
        skill_id = resolve_skill_id(ctx, spec)
    spans = rate_windows(spec)
    rates: list[Rates] = []
    if skill_id is not None:
        engine = engine if engine is not None else ctx.store.engine
        piped = totals(engine, skill_id, now - _THIRTY_DAYS, now) is not None
        for label, span in spans:
            if piped:
                rates.append(pipeline_rates(engine, skill_id, label, now - span, now))
            else:
                rates.append(_reporting(ctx, skill_id, label, now - span, now))
    return Snapshot(
        campaign=spec.name,
        skill_id=skill_id,
        state=state,
        at=now,
        windows=tuple(rates),
        rejections=_rejections(ctx, spec.name, now - _THIRTY_DAYS),
        primary_window=spans[0][0],
    )


@dataclass(frozen=True)
class MonitorAction:
    """One automatic action: ``auto_pause`` or ``failover``, on which campaign, and why."""

    kind: str
    campaign: str
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "kind": self.kind,
            "campaign": self.campaign,
            "reason": self.reason,
            "detail": self.detail,
        }


@dataclass
class Evaluation:
    """What one evaluation did, and why it did nothing else."""

    snapshot: Snapshot
    actions: list[MonitorAction] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            **self.snapshot.as_dict(),
            "actions": [a.as_dict() for a in self.actions],
            "notes": self.notes,
        }


def _pause_reason(spec: CampaignSpec, snap: Snapshot) -> tuple[str, dict[str, Any]] | None:
    guard = spec.monitor
    month = snap.window("30d")
    limit = ABANDON_CAP - guard.abandon_margin
    if month.live_answers >= guard.min_calls and month.abandonment_rate >= limit:
        return (
            f"30-day abandonment {month.abandonment_rate:.1%} reached {limit:.1%} "
            f"(the {ABANDON_CAP:.0%} cap less a {guard.abandon_margin:.1%} margin)",
            {
                "trigger": "abandonment",
                "abandonment_rate": round(month.abandonment_rate, 4),
                "limit": round(limit, 4),
                "live_answers": month.live_answers,
            },
        )
    rej = snap.rejections
    rej_limit = spec.failover.max_rejection_rate if spec.failover else DEFAULT_REJECTION_LIMIT
    if rej is not None and rej.rows >= guard.min_calls and rej.rate > rej_limit:
        return (
            f"compliance rejection rate {rej.rate:.1%} exceeds {rej_limit:.0%}",
            {
                "trigger": "rejections",
                "rejection_rate": round(rej.rate, 4),
                "limit": rej_limit,
                "rows": rej.rows,
                "blocked": rej.blocked,
            },
        )
    return None


def _backup_spec(ctx: CampaignContext, name: str) -> CampaignSpec | None:
    latest = ctx.store.latest(name)
    if latest is None:
        return None
    return parse_spec(latest.spec, source=f"{name} version {latest.number}")


def evaluate(
    ctx: CampaignContext, spec: CampaignSpec, snapshot: Snapshot | None = None
) -> Evaluation:
    """Act on ``snapshot`` (default: :func:`observe` now); see the module docstring."""
    snap = snapshot if snapshot is not None else observe(ctx, spec)
    result = Evaluation(snap)
    auto = dataclasses.replace(ctx, actor=MONITOR_ACTOR)
    if snap.state != "running" or not snap.windows:
        result.notes.append(f"the campaign is {snap.state}: nothing to judge")
        return result
    pause = _pause_reason(spec, snap)
    if pause is not None:
        reason, detail = pause
        done = transition(auto, spec.name, "pause", reason=reason)
        if done.changed:
            auto.record(
                "auto_pause",
                spec.name,
                version=_version(ctx, spec.name),
                before={"state": done.before},
                after={"state": done.after},
                detail={"reason": reason, **detail},
            )
            result.actions.append(MonitorAction("auto_pause", spec.name, reason, detail))
        return result
    if spec.failover is not None:
        _failover(auto, spec, snap, result)
    return result


def _version(ctx: CampaignContext, campaign: str) -> int | None:
    latest = ctx.store.latest(campaign)
    return latest.number if latest else None


def _failover(ctx: CampaignContext, spec: CampaignSpec, snap: Snapshot, out: Evaluation) -> None:
    from cxdial.campaigns.apply import resolve_skill_id
    from cxdial.campaigns.preflight import preflight

    rule = spec.failover
    assert rule is not None
    window = snap.window(snap.primary_window)
    memory = ctx.store.monitor_state(spec.name)
    recover = rule.recover_rate or rule.min_success_rate
    if window.ended < spec.monitor.min_calls:
        out.notes.append(
            f"{window.ended} call(s) in {window.label}: fewer than {spec.monitor.min_calls} "
            "to judge the success rate"
        )
        return
    rate = window.success_rate
    if memory.degraded:
        if rate >= recover:
            ctx.store.set_monitor_state(dataclasses.replace(memory, degraded=False))
            out.notes.append(f"success rate {rate:.1%} is back above {recover:.1%}")
        else:
            out.notes.append(
                f"degraded since the failover to {memory.backup}; waiting for {recover:.1%}"
            )
        return
    if rate >= rule.min_success_rate:
        return
    backup = _backup_spec(ctx, rule.backup)
    backup_skill = resolve_skill_id(ctx, backup) if backup is not None else None
    if backup is None or backup_skill is None:
        out.notes.append(f"backup {rule.backup!r} was never applied: cannot fail over")
        return
    check = preflight(ctx, backup, backup_skill)
    if not check.ok:
        first = next(f for f in check.findings if f.level == "error")
        out.notes.append(f"backup {rule.backup!r} cannot start: {first.message}")
        return
    reason = f"success rate {rate:.1%} over {window.label} is below {rule.min_success_rate:.1%}"
    paused = transition(ctx, spec.name, "pause", reason=f"failover: {reason}")
    backup_state, _ = current_state(ctx, backup.name)
    action: Action = "resume" if backup_state == "paused" else "start"
    try:
        started = transition(
            ctx, backup.name, action, spec=backup, reason=f"failover from {spec.name}"
        )
    except Exception as exc:  # the primary stays paused; the entry says the backup failed
        ctx.record(
            "failover",
            spec.name,
            version=_version(ctx, spec.name),
            before={"state": paused.before, "backup_state": backup_state},
            after={"state": paused.after, "backup_state": backup_state},
            detail={"reason": reason, "backup": backup.name, "error": str(exc)},
        )
        raise
    ctx.store.set_monitor_state(
        dataclasses.replace(memory, degraded=True, backup=backup.name, failed_over_at=snap.at)
    )
    detail = {
        "backup": backup.name,
        "success_rate": round(rate, 4),
        "threshold": rule.min_success_rate,
        "recover_rate": recover,
        "window": window.label,
        "calls": window.ended,
        "source": window.source,
    }
    ctx.record(
        "failover",
        spec.name,
        version=_version(ctx, spec.name),
        before={"state": paused.before, "backup_state": started.before},
        after={"state": paused.after, "backup_state": started.after},
        detail={"reason": reason, **detail},
    )
    ctx.publish("campaign.failover", spec.name, reason=reason, **detail)
    out.actions.append(MonitorAction("failover", spec.name, reason, detail))
