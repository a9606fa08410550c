"""``cxdial campaign …``: campaigns as code (docs/campaigns.md), and ``monitor`` (rates,
failover, auto-pause).

Exit codes: 0 success (and ``plan`` without ``--detailed-exitcode``), 1 API or runtime error
(a conflict with a console edit, a refused pre-flight), 2 invalid input (an invalid spec,
``validate`` finding an error, an invalid lifecycle transition), 4 ``plan
--detailed-exitcode`` found changes or drift, 5 ``apply``/``rollback`` failed and the
previous configuration was restored. With ``--json`` every command prints one JSON object.

The campaign package, the client and the store load inside the commands only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cxdial.cli.app import console, emit_json, state_of, styled

if TYPE_CHECKING:
    from cxdial.campaigns.context import CampaignContext
    from cxdial.campaigns.spec import CampaignSpec

__all__ = ["campaign_app", "register"]

campaign_app = typer.Typer(
    help="Campaigns as code: validate, plan, apply (with rollback), run, diagnose, export.",
    no_args_is_help=True,
)

_SPEC = typer.Argument(..., metavar="SPEC.yaml", help="the campaign spec file")
_JSON = typer.Option(False, "--json", help="print one JSON object")
_DB_HELP = "SQLAlchemy URL of the store (default: the settings' database_url)"
INVALID_EXIT = 2
DRIFT_EXIT = 4


def _db_option() -> Any:
    return typer.Option(None, "--database-url", envvar="CXDIAL_DATABASE_URL", help=_DB_HELP)


def _actor_option() -> Any:
    return typer.Option(
        None, "--actor", envvar="CXDIAL_ACTOR", help="who the audit log names (default: $USER)"
    )


def _load(path: Path) -> CampaignSpec:
    from cxdial.campaigns.spec import load_spec

    return load_spec(path)


@contextmanager
def _context(
    ctx: typer.Context, database_url: str | None, actor: str | None
) -> Iterator[CampaignContext]:
    """A client, the campaign store and the audit log, closed on the way out."""
    from cxdial.campaigns.context import CampaignContext, default_actor
    from cxdial.cxone import Client
    from cxdial.events.outbound import Outbox
    from cxdial.store.audit import open_audit_log
    from cxdial.store.campaigns import CampaignStore

    settings = state_of(ctx).settings()
    url = database_url or settings.database_url
    with (
        Client.from_settings(settings) as client,
        CampaignStore(url) as store,
        open_audit_log(url, environ=os.environ) as audit,
    ):
        yield CampaignContext(
            client=client,
            store=store,
            audit=audit,
            actor=actor or default_actor(),
            outbox=Outbox(store.engine),
        )


@contextmanager
def _campaign(
    ctx: typer.Context,
    spec_path: Path,
    as_json: bool,
    database_url: str | None = None,
    actor: str | None = None,
) -> Iterator[tuple[CampaignSpec, CampaignContext]]:
    """What most commands start with: JSON mode set, the spec loaded, the context open."""
    state_of(ctx).json_output = as_json
    spec = _load(spec_path)
    with _context(ctx, database_url, actor) as cctx:
        yield spec, cctx


def _say(as_json: bool, payload: dict[str, Any], *text: str | tuple[str, str]) -> None:
    """``payload`` as the one JSON object, or ``text`` as one plain line."""
    if as_json:
        emit_json(payload)
    else:
        console.print(styled(*text), soft_wrap=True)


def _skill_id(cctx: CampaignContext, spec: CampaignSpec) -> int:
    from cxdial.campaigns.apply import resolve_skill_id
    from cxdial.errors import ValidationError

    skill_id = resolve_skill_id(cctx, spec)
    if skill_id is None:
        raise ValidationError(
            f"campaign {spec.name!r} has no skill on the tenant yet",
            field="skill.id",
            fix="run `cxdial campaign apply` first (it creates the skill)",
        )
    return skill_id


@campaign_app.command("validate")
def validate(
    ctx: typer.Context,
    spec_path: Path = _SPEC,
    offline: bool = typer.Option(
        False, "--offline", help="skip the tenant checks (port limits, caller ID)"
    ),
    no_simulate: bool = typer.Option(False, "--no-simulate", help="skip the capacity check"),
    as_json: bool = _JSON,
) -> None:
    """Check the spec: schema, legal bounds, lists, the tenant's limits, capacity (exit 2)."""
    from cxdial.campaigns.render import findings_table
    from cxdial.campaigns.validate import validate_spec

    state_of(ctx).json_output = as_json
    spec = _load(spec_path)
    base = spec_path.parent
    if offline:
        report = validate_spec(spec, base_dir=base, simulate=not no_simulate)
    else:
        from cxdial.cxone import Client

        with Client.from_settings(state_of(ctx).settings()) as client:
            report = validate_spec(spec, base_dir=base, client=client, simulate=not no_simulate)
    if as_json:
        emit_json({"ok": report.ok, **report.as_dict()})
    else:
        verdict = ("valid", "green") if report.ok else ("INVALID", "bold red")
        console.print(styled(f"{spec.name}: ", verdict), soft_wrap=True)
        console.print(findings_table(report.findings))
    if not report.ok:
        raise typer.Exit(INVALID_EXIT)


@campaign_app.command("plan")
def plan(
    ctx: typer.Context,
    spec_path: Path = _SPEC,
    detailed_exitcode: bool = typer.Option(
        False, "--detailed-exitcode", help="exit 4 when there are changes or drift"
    ),
    as_json: bool = _JSON,
    database_url: str | None = _db_option(),
) -> None:
    """Show what apply would change on the live skill, and drift since the last apply."""
    from cxdial.campaigns.apply import plan_campaign
    from cxdial.campaigns.render import plan_renderable

    with _campaign(ctx, spec_path, as_json, database_url) as (spec, cctx):
        result = plan_campaign(cctx, spec)
    if as_json:
        emit_json({"ok": True, **result.as_dict()})
    else:
        console.print(plan_renderable(result), width=80)
    if detailed_exitcode and (result.has_changes or result.drift):
        raise typer.Exit(DRIFT_EXIT)


@campaign_app.command("apply")
def apply(
    ctx: typer.Context,
    spec_path: Path = _SPEC,
    expect_version: int | None = typer.Option(
        None, "--expect-version", min=0, help="refuse unless this is the newest applied version"
    ),
    force: bool = typer.Option(False, "--force", help="overwrite console edits (drift)"),
    as_json: bool = _JSON,
    database_url: str | None = _db_option(),
    actor: str | None = _actor_option(),
) -> None:
    """Apply the spec as a new version; on any failure restore the snapshot (exit 5)."""
    from cxdial.campaigns.apply import apply_campaign

    with _campaign(ctx, spec_path, as_json, database_url, actor) as (spec, cctx):
        result = apply_campaign(cctx, spec, expect_version=expect_version, force=force)
    _print_apply(result.as_dict(), as_json, "applied")


def _print_apply(payload: dict[str, Any], as_json: bool, verb: str) -> None:
    name, version, count = payload["campaign"], payload["version"], len(payload["changes"])
    if not payload["changed"]:
        _say(as_json, {"ok": True, **payload}, f"{name}: no changes (version {version} is current)")
        return
    line = ((f"{name}: {verb} version {version}", "green"), f" ({count} field(s) written)")
    _say(as_json, {"ok": True, **payload}, *line)


@campaign_app.command("rollback")
def rollback(
    ctx: typer.Context,
    spec_path: Path = _SPEC,
    to: int | None = typer.Option(None, "--to", min=1, help="version (default: the previous)"),
    force: bool = typer.Option(False, "--force", help="overwrite console edits (drift)"),
    as_json: bool = _JSON,
    database_url: str | None = _db_option(),
    actor: str | None = _actor_option(),
) -> None:
    """Restore an earlier applied version (as a new version)."""
    from cxdial.campaigns.apply import rollback_campaign

    with _campaign(ctx, spec_path, as_json, database_url, actor) as (spec, cctx):
        result = rollback_campaign(cctx, spec.name, to=to, force=force)
    _print_apply(result.as_dict(), as_json, "rolled back as")


@campaign_app.command("status")
def status(
    ctx: typer.Context,
    spec_path: Path = _SPEC,
    as_json: bool = _JSON,
    database_url: str | None = _db_option(),
) -> None:
    """The campaign's state, skill, newest version and drift."""
    from cxdial.campaigns.apply import plan_campaign
    from cxdial.campaigns.lifecycle import current_state

    with _campaign(ctx, spec_path, as_json, database_url) as (spec, cctx):
        state, skill_id = current_state(cctx, spec.name)
        latest = cctx.store.latest(spec.name)
        planned = plan_campaign(cctx, spec)
    payload = {
        "ok": True,
        "campaign": spec.name,
        "state": state,
        "skill_id": skill_id,
        "version": latest.number if latest else None,
        "content_hash": latest.content_hash if latest else None,
        "pending_changes": len(planned.changes),
        "drift": len(planned.drift),
    }
    version = f"version {payload['version']}" if latest else "never applied"
    _say(
        as_json,
        payload,
        f"{spec.name}: {state}, skill {skill_id or '—'}, {version}; "
        f"{payload['pending_changes']} pending change(s), {payload['drift']} drifted field(s)",
    )


@campaign_app.command("diagnose")
def diagnose(
    ctx: typer.Context,
    spec_path: Path = _SPEC,
    as_json: bool = _JSON,
    database_url: str | None = _db_option(),
) -> None:
    """Why isn't my campaign dialing? (from what the platform reports)."""
    from cxdial.campaigns.diagnose import diagnose as run_diagnose
    from cxdial.campaigns.render import findings_table

    with _campaign(ctx, spec_path, as_json, database_url) as (spec, cctx):
        report = run_diagnose(cctx, spec, _skill_id(cctx, spec))
    if as_json:
        emit_json(report.as_dict())
        return
    facts = ", ".join(f"{k}={v}" for k, v in report.facts.items())
    console.print(f"{spec.name}: {facts}", soft_wrap=True)
    console.print(findings_table(report.findings))


def _lifecycle(
    ctx: typer.Context,
    spec_path: Path,
    action: str,
    as_json: bool,
    database_url: str | None,
    actor: str | None,
    *,
    force: bool = False,
    skip_preflight: bool = False,
) -> None:
    from cxdial.campaigns.lifecycle import transition

    with _campaign(ctx, spec_path, as_json, database_url, actor) as (spec, cctx):
        result = transition(
            cctx,
            spec.name,
            action,  # type: ignore[arg-type]
            spec=None if skip_preflight else spec,
            force=force,
        )
    payload = {"ok": True, **result.as_dict()}
    if result.changed:
        _say(as_json, payload, (f"{spec.name}: {result.message}", "green"))
    else:
        _say(as_json, payload, f"{spec.name}: nothing to do, {result.message}")


_SKIP = typer.Option(False, "--skip-preflight", help="start without the pre-flight checks")


@campaign_app.command("start")
def start(
    ctx: typer.Context,
    spec_path: Path = _SPEC,
    skip_preflight: bool = _SKIP,
    as_json: bool = _JSON,
    database_url: str | None = _db_option(),
    actor: str | None = _actor_option(),
) -> None:
    """Start dialing (after the pre-flight checks); a running campaign is a no-op."""
    _lifecycle(ctx, spec_path, "start", as_json, database_url, actor, skip_preflight=skip_preflight)


@campaign_app.command("pause")
def pause(
    ctx: typer.Context,
    spec_path: Path = _SPEC,
    as_json: bool = _JSON,
    database_url: str | None = _db_option(),
    actor: str | None = _actor_option(),
) -> None:
    """Pause: a graceful stop remembered as paused."""
    _lifecycle(ctx, spec_path, "pause", as_json, database_url, actor)


@campaign_app.command("resume")
def resume(
    ctx: typer.Context,
    spec_path: Path = _SPEC,
    skip_preflight: bool = _SKIP,
    as_json: bool = _JSON,
    database_url: str | None = _db_option(),
    actor: str | None = _actor_option(),
) -> None:
    """Resume a paused campaign (a start)."""
    _lifecycle(
        ctx, spec_path, "resume", as_json, database_url, actor, skip_preflight=skip_preflight
    )


@campaign_app.command("stop")
def stop(
    ctx: typer.Context,
    spec_path: Path = _SPEC,
    force: bool = typer.Option(False, "--force", help="also end the calls in progress"),
    as_json: bool = _JSON,
    database_url: str | None = _db_option(),
    actor: str | None = _actor_option(),
) -> None:
    """Stop dialing (graceful; --force ends active calls)."""
    _lifecycle(ctx, spec_path, "stop", as_json, database_url, actor, force=force)


@campaign_app.command("monitor")
def monitor(
    ctx: typer.Context,
    spec_path: Path = _SPEC,
    once: bool = typer.Option(False, "--once", help="print one snapshot and exit"),
    interval: float = typer.Option(30.0, "--interval", min=1.0, help="seconds between looks"),
    count: int | None = typer.Option(
        None, "--count", min=1, help="stop after this many looks (default: until Ctrl-C)"
    ),
    watch_only: bool = typer.Option(
        False, "--watch-only", help="never fail over or pause, only show the rates"
    ),
    as_json: bool = typer.Option(False, "--json", help="print one snapshot as a JSON object"),
    database_url: str | None = _db_option(),
) -> None:
    """Rolling success / answer / abandonment rates; fail over and auto-pause by the spec."""
    import time

    from rich.live import Live

    from cxdial.campaigns.monitor import Evaluation, evaluate, observe
    from cxdial.campaigns.render import monitor_renderable

    def look(cctx: CampaignContext, spec: CampaignSpec) -> Evaluation:
        snap = observe(cctx, spec)
        return Evaluation(snap) if watch_only else evaluate(cctx, spec, snap)

    with _campaign(ctx, spec_path, as_json, database_url) as (spec, cctx):
        if as_json or once:
            result = look(cctx, spec)
            if as_json:
                emit_json({"ok": True, **result.as_dict()})
            else:
                console.print(monitor_renderable(result), width=80)
            return
        looks = 0
        with Live(console=console, auto_refresh=False) as live:
            try:
                while count is None or looks < count:
                    live.update(monitor_renderable(look(cctx, spec)), refresh=True)
                    looks += 1
                    if count is None or looks < count:
                        time.sleep(interval)
            except KeyboardInterrupt:
                pass


@campaign_app.command("export")
def export(
    ctx: typer.Context,
    skill_id: int = typer.Argument(..., metavar="SKILL_ID", help="the live skill to export"),
    output: Path | None = typer.Option(None, "-o", "--output", help="write the spec here"),
    name: str | None = typer.Option(None, "--name", help="campaign name (default: skill-ID)"),
    as_json: bool = _JSON,
) -> None:
    """Write the spec of a live skill (export then plan shows no diff)."""
    from cxdial.campaigns.live import read_config
    from cxdial.campaigns.mapping import SECTIONS, spec_from_config
    from cxdial.cxone import Client

    state_of(ctx).json_output = as_json
    with Client.from_settings(state_of(ctx).settings()) as client:
        live = read_config(client, skill_id, SECTIONS)
    text = spec_from_config(live, name=name or f"skill-{skill_id}", skill_id=skill_id)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    if as_json:
        emit_json(
            {
                "ok": True,
                "skill_id": skill_id,
                "path": str(output) if output else None,
                "spec": text,
            }
        )
    elif output is None:
        console.file.write(text)
    else:
        console.print(f"wrote {output}", soft_wrap=True)


@campaign_app.command("schema")
def schema(
    ctx: typer.Context,
    output: Path | None = typer.Option(None, "-o", "--output", help="write the schema here"),
) -> None:
    """Print (or write) the JSON Schema of the spec, for editors."""
    from cxdial.campaigns.schema import spec_schema_text

    del ctx
    text = spec_schema_text()
    if output is None:
        console.file.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``campaign`` group to the root app."""
    app.add_typer(campaign_app, name="campaign")
