"""Pre-flight before a start: is the campaign able to dial?

Both read only what the platform reports: the skill (``GET /skills/{id}``), its blocks and
calling lists (``GET /skills/{id}/parameters``) and its real-time activity
(``GET /skills/{id}/activity``: agents logged in / available, records queued).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cxdial.campaigns.context import CampaignContext
from cxdial.campaigns.diff import Change, diff_configs
from cxdial.campaigns.live import read_config, read_skill
from cxdial.campaigns.mapping import desired_config
from cxdial.campaigns.spec import CampaignSpec
from cxdial.campaigns.validate import Finding, Level
from cxdial.errors import CxdialError, NotFound

__all__ = [
    "MODE_FIELDS",
    "PreflightFailed",
    "PreflightReport",
    "check_screening",
    "mode_mismatch",
    "preflight",
]

MODE_FIELDS = frozenset(
    {
        ("skill", "agentless"),
        ("general-settings", "maximumRatio"),
        ("general-settings", "maxConcurrentCallsPerAgent"),
        ("delivery-preferences", "confirmationRequiredDisabled"),
    }
)
"""The platform fields that make up a dialing mode (see :mod:`cxdial.campaigns.mapping`)."""
_MODE_SECTIONS = ("skill", "general-settings", "delivery-preferences")


@dataclass
class PreflightReport:
    """The checks' findings, and the figures they were judged on."""

    campaign: str
    skill_id: int | None
    findings: list[Finding] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not any(f.level == "error" for f in self.findings)

    def add(self, level: Level, path: str, message: str) -> None:
        """Record one finding."""
        self.findings.append(Finding(level, path, message))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "campaign": self.campaign,
            "skill_id": self.skill_id,
            "ok": self.ok,
            "facts": self.facts,
            "findings": [
                {"level": f.level, "path": f.path, "message": f.message} for f in self.findings
            ],
        }


class PreflightFailed(CxdialError):
    """A start was refused because pre-flight found a problem (nothing was started)."""

    def __init__(self, report: PreflightReport) -> None:
        self.report = report
        first = next(f for f in report.findings if f.level == "error")
        super().__init__(
            f"campaign {report.campaign!r} cannot start: {first.message}",
            field=first.path,
            fix="fix it (`cxdial campaign diagnose` shows the facts), then start again",
        )


def mode_mismatch(ctx: CampaignContext, spec: CampaignSpec, skill_id: int) -> list[Change]:
    """The live fields that make the skill dial in another mode than the spec's."""
    desired = desired_config(spec)
    live = read_config(ctx.client, skill_id, _MODE_SECTIONS)
    wanted = {s: desired[s] for s in live}
    return [c for c in diff_configs(live, wanted) if (c.section, c.field) in MODE_FIELDS]


def preflight(ctx: CampaignContext, spec: CampaignSpec, skill_id: int) -> PreflightReport:
    """Every check a start needs: skill, list, dialing mode, agents."""
    from cxdial.cxone.resources.skill_activity import SkillActivityResource

    report = PreflightReport(spec.name, skill_id)
    try:
        skill = read_skill(ctx.client, skill_id)
    except NotFound:
        report.add("error", "skill.id", f"skill {skill_id} does not exist on the tenant")
        return report
    report.facts.update(
        is_running=skill.is_running, strategy=skill.strategy, lists=list(skill.calling_lists)
    )
    if not skill.is_outbound or skill.strategy != "Personal Connection":
        report.add(
            "error",
            "skill.id",
            f"skill {skill_id} is not an outbound Personal Connection skill "
            f"(strategy {skill.strategy!r})",
        )
    if not skill.is_active:
        report.add("error", "skill.id", f"skill {skill_id} is inactive")
    activity = SkillActivityResource(ctx.client.http).get(skill_id)
    queued = activity.queue_count if activity else 0
    logged_in = activity.agents_logged_in if activity else 0
    report.facts.update(
        queued_records=queued,
        agents_logged_in=logged_in,
        agents_available=activity.agents_available if activity else 0,
    )
    if not skill.calling_lists:
        report.add("error", "lists", "no calling list is attached to the skill")
    elif queued == 0:
        report.add("error", "lists", "the calling lists hold no callable record")
    mismatch = mode_mismatch(ctx, spec, skill_id)
    if mismatch:
        report.add(
            "error",
            "dialing.mode",
            f"the skill does not dial in {spec.dialing.mode} mode ({mismatch[0]}); "
            "a start with the applied spec patches it (pause, patch, start)",
        )
    if spec.dialing.mode != "agentless" and logged_in == 0:
        report.add("error", "agents", "no agent is logged in to the skill")
    check_screening(ctx, spec, report, skill.calling_lists)
    return report


def check_screening(
    ctx: CampaignContext, spec: CampaignSpec, report: PreflightReport, lists: tuple[str, ...]
) -> None:
    """Each calling list the skill dials was screened by the gate under the current rules.

    Reads the newest screening (upload or re-screen) of each list in the store; a list
    never screened by cxdial, or screened under another rule-set version, is an error
    whose message says what to run.
    """
    from cxdial.store.list_screens import ListScreenStore

    current = ctx.rule_set_version
    if current is None:
        from cxdial.compliance.ruleset import RuleSet

        current = RuleSet.load_default().version
    screens = ListScreenStore(ctx.store)
    seen: dict[str, str | None] = {}
    for name in lists:
        last = screens.latest_screen(name, spec.name) or screens.latest_screen(name)
        seen[name] = last.rule_set_version if last is not None else None
        if last is None:
            report.add(
                "error",
                "lists.screening",
                f"calling list {name!r} was never screened by the compliance gate; "
                f"upload it with `cxdial list upload SPEC.yaml LIST.csv --list {name}`",
            )
        elif last.rule_set_version != current:
            report.add(
                "error",
                "lists.screening",
                f"calling list {name!r} was screened under rule set {last.rule_set_version} "
                f"({last.screened_for:%Y-%m-%d %H:%M} UTC), not the current {current}; run "
                f"`cxdial list rescreen SPEC.yaml --list {name}` (or upload it again)",
            )
    report.facts.update(rule_set_version=current, screened_under=seen)
