"""``diagnose``: why isn't my campaign dialing? From what the platform reports."""

from __future__ import annotations

from cxdial.campaigns.context import CampaignContext
from cxdial.campaigns.lifecycle import current_state
from cxdial.campaigns.preflight import PreflightReport, preflight
from cxdial.campaigns.spec import CampaignSpec

__all__ = ["diagnose"]


def diagnose(ctx: CampaignContext, spec: CampaignSpec, skill_id: int) -> PreflightReport:
    """Why the campaign is (not) dialing, from what the platform reports."""
    report = preflight(ctx, spec, skill_id)
    state, _ = current_state(ctx, spec.name)
    report.facts["state"] = state
    running = report.facts.get("is_running")
    if state in ("paused", "stopped", "ready", "draft"):
        report.add("error", "state", f"the campaign is {state}: start or resume it")
    elif not running:
        report.add("error", "state", "the platform does not run the skill")
    idle = report.facts.get("agents_available", 0) == 0
    if running and idle and spec.dialing.mode != "agentless":
        report.add("warning", "agents", "no agent is available: the dialer waits for one")
    if report.ok:
        report.add("info", "state", "running, with agents and records: it should be dialing")
    return report
