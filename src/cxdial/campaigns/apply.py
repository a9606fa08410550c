"""Plan, versioned apply with snapshot and automatic rollback, and rollback on demand.

Apply, in order:

1. ``--expect-version``: the newest applied version must be the one the caller saw;
2. read the live sections the spec touches (the *before* snapshot);
3. conflict check: those fields must still equal the *after* snapshot of the last apply —
   a console edit in between is a :class:`ConfigConflict`, never an overwrite;
4. number the new version (under the campaign's write lock, so two applies cannot both
   win), keep the before snapshot, write the sections that differ;
5. re-read and compare with the spec; on any failure restore the before snapshot, re-read
   again to verify the restore field for field, and raise :class:`RolledBack` carrying both
   errors (exit code 5).

Configuration changes never start or stop the skill.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cxdial.campaigns.context import CampaignContext
from cxdial.campaigns.diff import Change, Plan, diff_configs
from cxdial.campaigns.errors import ConfigConflict, RolledBack
from cxdial.campaigns.live import read_config, read_skill, write_section
from cxdial.campaigns.mapping import ABSENT, SECTIONS, Config, desired_config, project
from cxdial.campaigns.spec import CampaignSpec, parse_spec, spec_data, spec_hash
from cxdial.errors import CxdialError, NotFound, ValidationError

__all__ = [
    "ApplyResult",
    "apply_campaign",
    "plan_campaign",
    "resolve_skill_id",
    "rollback_campaign",
]


@dataclass
class ApplyResult:
    """What one apply (or rollback) did."""

    campaign: str
    skill_id: int
    version: int
    changed: bool
    changes: list[Change] = field(default_factory=list)
    request_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "campaign": self.campaign,
            "skill_id": self.skill_id,
            "version": self.version,
            "changed": self.changed,
            "changes": [
                {"section": c.section, "field": c.field, "before": c.before, "after": c.after}
                for c in self.changes
            ],
            "request_ids": self.request_ids,
        }


def resolve_skill_id(ctx: CampaignContext, spec: CampaignSpec) -> int | None:
    """The spec's skill: its ``id``, else the one cxdial remembers, else one with its name."""
    if spec.skill.id is not None:
        return spec.skill.id
    run = ctx.store.run(spec.name)
    if run is not None:
        return run.skill_id
    for skill in ctx.client.skills.list(outbound=True):
        if skill.skill_name == spec.skill.name:
            return skill.skill_id
    return None


def _drift(ctx: CampaignContext, campaign: str, live: Config) -> tuple[int | None, list[Change]]:
    """The newest applied version and the fields changed since its after snapshot."""
    latest = ctx.store.latest(campaign)
    if latest is None:
        return None, []
    after = ctx.store.snapshot(campaign, latest.number, "after")
    if after is None:
        return latest.number, []
    return latest.number, diff_configs(after.config, project(live, after.config))


def plan_campaign(ctx: CampaignContext, spec: CampaignSpec) -> Plan:
    """What apply would change, and any drift since the last apply."""
    desired = desired_config(spec)
    skill_id = resolve_skill_id(ctx, spec)
    latest = ctx.store.latest(spec.name)
    content = spec_hash(spec)
    side_changed = latest is None or latest.content_hash != content
    if skill_id is None:
        return Plan(
            spec.name,
            0,
            content,
            changes=diff_configs({}, desired),
            last_version=latest.number if latest else None,
            missing_lists=[lst.name for lst in spec.lists],
            cxdial_side_changed=side_changed,
        )
    live = _read(ctx, spec, skill_id, desired)
    last, drift = _drift(ctx, spec.name, live)
    attached = read_skill(ctx.client, skill_id).calling_lists
    return Plan(
        spec.name,
        skill_id,
        content,
        changes=diff_configs(live, desired),
        drift=drift,
        last_version=last,
        missing_lists=[lst.name for lst in spec.lists if lst.name not in attached],
        cxdial_side_changed=side_changed,
    )


def _read(ctx: CampaignContext, spec: CampaignSpec, skill_id: int, desired: Config) -> Config:
    """The live sections ``desired`` names; a missing skill is the spec's error."""
    try:
        return read_config(ctx.client, skill_id, desired)
    except NotFound as exc:
        raise ValidationError(
            f"skill {skill_id} of campaign {spec.name!r} does not exist on the tenant",
            field="skill.id",
            fix="correct skill.id, or remove it to create the skill",
        ) from exc


def _create_skill(ctx: CampaignContext, spec: CampaignSpec) -> int:
    ids = ctx.client.skills.create(
        {
            "skill_name": spec.skill.name,
            "caller_id_override": spec.caller_id,
            "agentless": spec.dialing.mode == "agentless",
            "agentless_ports": spec.dialing.agentless_ports,
            "campaign_id": spec.skill.campaign_id,
        }
    )
    if not ids:
        raise CxdialError(f"CXone created no skill named {spec.skill.name!r}")
    ctx.record("create_skill", spec.name, after={"skillId": ids[0], "skillName": spec.skill.name})
    return ids[0]


def _fields(changes: list[Change], side: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for c in changes:
        out.setdefault(c.section, {})[c.field] = c.before if side == "before" else c.after
    return out


def _restore(ctx: CampaignContext, skill_id: int, snapshot: Config, sections: list[str]) -> None:
    """Write ``snapshot`` back into ``sections`` and prove it by re-reading."""
    for section in sections:
        values = snapshot[section]
        fields = (
            values if section == "time-zones" else {k: v for k, v in values.items() if v != ABSENT}
        )
        write_section(ctx.client, skill_id, section, fields)
    reread = read_config(ctx.client, skill_id, [s for s in SECTIONS if s in snapshot])
    left = diff_configs(reread, snapshot)
    if left:
        raise CxdialError(
            f"the restore did not hold: {left[0]}"
            + (f" (and {len(left) - 1} more)" if len(left) > 1 else ""),
            fix="a field that did not exist before cannot be removed through the API; "
            "check the skill in the console",
        )


def apply_campaign(
    ctx: CampaignContext,
    spec: CampaignSpec,
    *,
    expect_version: int | None = None,
    force: bool = False,
    action: str = "apply",
) -> ApplyResult:
    """Apply ``spec`` as a new version; see the module docstring for the steps."""
    name = spec.name
    latest = ctx.store.latest(name)
    newest = latest.number if latest else 0
    if expect_version is not None and expect_version != newest:
        raise ConfigConflict(
            name, [], reason=f"--expect-version {expect_version}, but version {newest} is applied"
        )
    skill_id = resolve_skill_id(ctx, spec)
    if skill_id is None:
        skill_id = _create_skill(ctx, spec)
    desired = desired_config(spec)
    live = _read(ctx, spec, skill_id, desired)
    before = project(live, desired)
    if not force:
        _, drift = _drift(ctx, name, live)
        if drift:
            raise ConfigConflict(name, [str(c) for c in drift])
    changes = diff_configs(live, desired)
    content = spec_hash(spec)
    if not changes and latest is not None and latest.content_hash == content:
        return ApplyResult(name, skill_id, newest, changed=False)
    from cxdial.store.campaigns import VersionMoved

    try:
        version = ctx.store.begin_version(
            name,
            content_hash=content,
            spec=spec_data(spec),
            config=desired,
            skill_id=skill_id,
            actor=ctx.actor,
            expect=newest,
        )
    except VersionMoved as moved:
        raise ConfigConflict(
            name, [], reason=f"version {moved.applied} was applied while this apply ran"
        ) from None
    number = version.number
    ctx.store.save_snapshot(name, number, "before", before)
    sections = [s for s in SECTIONS if any(c.section == s for c in changes)]
    request_ids: list[str] = []
    try:
        for section in sections:
            rid = write_section(ctx.client, skill_id, section, desired[section])
            request_ids.append(rid or "")
        reread = read_config(ctx.client, skill_id, desired)
        left = diff_configs(reread, desired)
        if left:
            raise CxdialError(f"the platform did not keep {left[0]}")
    except Exception as exc:
        restore_error: BaseException | None = None
        try:
            _restore(ctx, skill_id, before, sections)
        except Exception as second:  # both errors are reported
            restore_error = second
        ctx.store.finish_version(name, number, "rolled_back")
        ctx.record(
            "rolled_back",
            name,
            version=number,
            before=_fields(changes, "after"),
            after=_fields(changes, "before"),
            request_ids=request_ids,
            detail={"error": str(exc), "restore_error": str(restore_error or "")},
        )
        ctx.publish(
            "campaign.rolled_back",
            name,
            skill_id=skill_id,
            version=number,
            restored_version=newest or None,
            automatic=True,
            error=str(exc),
            restore_failed=restore_error is not None,
        )
        raise RolledBack(name, exc, restore_error=restore_error) from exc
    ctx.store.save_snapshot(name, number, "after", project(reread, desired))
    ctx.store.finish_version(name, number, "applied")
    if ctx.store.run(name) is None:
        running = read_skill(ctx.client, skill_id).is_running
        ctx.store.set_run(name, skill_id, "running" if running else "ready")
    ctx.record(
        action,
        name,
        version=number,
        before=_fields(changes, "before"),
        after=_fields(changes, "after"),
        request_ids=request_ids,
        detail={"content_hash": content, "skill_id": skill_id},
    )
    return ApplyResult(name, skill_id, number, True, changes, [r for r in request_ids if r])


def rollback_campaign(
    ctx: CampaignContext, campaign: str, *, to: int | None = None, force: bool = False
) -> ApplyResult:
    """Apply an earlier applied version again (default: the one before the newest)."""
    applied = [v for v in ctx.store.versions(campaign) if v.status == "applied"]
    if to is None:
        if len(applied) < 2:
            raise ValidationError(
                f"campaign {campaign!r} has no earlier applied version to roll back to",
                field="--to",
                fix="name a version with --to, or apply a spec first",
            )
        target = applied[-2]
    else:
        match = [v for v in applied if v.number == to]
        if not match:
            known = ", ".join(str(v.number) for v in applied) or "none"
            raise ValidationError(
                f"campaign {campaign!r} has no applied version {to}",
                field="--to",
                fix=f"applied versions: {known}",
            )
        target = match[0]
    spec = parse_spec(target.spec, source=f"{campaign} version {target.number}")
    result = apply_campaign(ctx, spec, force=force, action="rollback")
    if result.changed:
        ctx.publish(
            "campaign.rolled_back",
            campaign,
            skill_id=result.skill_id,
            version=result.version,
            restored_version=target.number,
            automatic=False,
        )
    return result
