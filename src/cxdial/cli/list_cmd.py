"""``cxdial list upload SPEC.yaml LIST.csv``: screen a list, upload what the gate clears.
``cxdial list rescreen SPEC.yaml``: screen what is on it again, remove what became blocked.

Exit codes: 0 every row is on the calling list; 3 some rows were left out (blocked by the
compliance gate, malformed, or rejected by the platform's upload job) and the rest were
uploaded; 1 an API or runtime error; 2 invalid input. Every decision of the gate goes to
the compliance ledger. With ``--json`` the command prints one object with the counts and
every rejected row. The work is :func:`cxdial.campaigns.upload.upload_list`; the campaign
package, the client, the gate and the stores load inside the command only.

``rescreen`` (:class:`cxdial.campaigns.rescreen.Rescreener`) exits 0 when every record the
gate now blocks was removed (none, or all), 5 when the platform kept some (not finished:
run it again), 1/2 as above; each removal is a ledger entry with its reasons.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cxdial.cli.app import console, console_err, emit_json, state_of, styled

if TYPE_CHECKING:
    from cxdial.campaigns.context import CampaignContext
    from cxdial.campaigns.spec import CampaignSpec
    from cxdial.campaigns.upload import Progress, UploadReport
    from cxdial.compliance.gate import Gate

__all__ = ["list_app", "register", "rescreen", "upload"]

PARTIAL_EXIT = 3
"""Some rows were not uploaded (the compliance-block code)."""
SAMPLE_ROWS = 20
"""Rejected rows printed to a terminal; ``--json`` carries all of them."""

list_app = typer.Typer(help="Calling lists screened through the compliance gate.")

# The options both commands take (one definition each).
SpecArg = Annotated[
    Path, typer.Argument(metavar="SPEC.yaml", help="the campaign spec file", show_default=False)
]
ListOpt = Annotated[
    str | None, typer.Option("--list", help="which of the spec's lists (default: its only one)")
]
DncOpt = Annotated[list[Path], typer.Option("--dnc", dir_okay=False, help="DNC list (repeatable)")]
HistoryOpt = Annotated[Path | None, typer.Option("--history", dir_okay=False, help="attempts CSV")]
ConsentOpt = Annotated[
    Path | None, typer.Option("--consent", dir_okay=False, help="consent records (CSV or .json)")
]
RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules-dir", envvar="CXDIAL_RULES_DIR", help="override directory of rules files"
    ),
]
AtOpt = Annotated[
    str | None, typer.Option("--at", help="ISO-8601 screening instant (default: now)")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON object")]
DatabaseOpt = Annotated[
    str | None,
    typer.Option("--database-url", envvar="CXDIAL_DATABASE_URL", help="store and ledger URL"),
]


@list_app.callback()
def _group() -> None:
    """Calling lists screened through the compliance gate."""


@contextmanager
def _bar(enabled: bool) -> Iterator[Progress | None]:
    """A rich progress bar on stderr when it is a terminal (else no progress)."""
    if not enabled or not console_err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    labels = {"screen": "screening", "upload": "uploading", "job": "upload job"}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console_err,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def advance(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(labels.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield advance


@contextmanager
def _session(
    ctx: typer.Context,
    spec_path: Path,
    *,
    input_path: Path,
    screen: dict[str, Any],
    at: str | None,
    database_url: str | None,
) -> Iterator[tuple[CampaignContext, CampaignSpec, Gate, int | None]]:
    """The spec, a gate writing to the ledger, and a campaign context on the client and store.

    Yields ``(context, spec, gate, skill id or None)``; everything closes on exit.
    """
    from cxdial.campaigns.apply import resolve_skill_id
    from cxdial.campaigns.context import CampaignContext
    from cxdial.campaigns.spec import load_spec
    from cxdial.compliance.screening import ScreenFiles, build_gate, parse_at
    from cxdial.cxone import Client
    from cxdial.store import open_ledger
    from cxdial.store.audit import open_audit_log
    from cxdial.store.campaigns import CampaignStore

    instant = parse_at(at, lambda: datetime.now(UTC))
    spec = load_spec(spec_path)
    gate = build_gate(ScreenFiles(input=input_path, **screen))
    settings = state_of(ctx).settings()
    url = database_url or settings.database_url
    with (
        Client.from_settings(settings) as client,
        CampaignStore(url) as store,
        open_audit_log(url, environ=os.environ) as audit,
        open_ledger(url, environ=os.environ) as ledger,
    ):
        gate.ledger = ledger
        cctx = CampaignContext(client=client, store=store, audit=audit, clock=lambda: instant)
        yield cctx, spec, gate, resolve_skill_id(cctx, spec)


@list_app.command("upload")
def upload(
    ctx: typer.Context,
    spec_path: SpecArg,
    list_csv: Annotated[
        Path, typer.Argument(metavar="LIST.csv", dir_okay=False, help="records", show_default=False)
    ],
    list_name: ListOpt = None,
    dnc: DncOpt = [],  # noqa: B006 - typer reads the default, never mutates it
    history: HistoryOpt = None,
    consent: ConsentOpt = None,
    rules_dir: RulesOpt = None,
    at: AtOpt = None,
    max_wait: Annotated[
        float, typer.Option("--max-wait", min=0, help="seconds to await the job")
    ] = 300.0,
    poll_interval: Annotated[
        float, typer.Option("--poll-interval", min=0.01, help="seconds between job polls")
    ] = 1.0,
    as_json: JsonOpt = False,
    database_url: DatabaseOpt = None,
) -> None:
    """Screen LIST.csv; upload only the cleared records to the skill (exit 3: some left out)."""
    from cxdial.campaigns.upload import upload_list
    from cxdial.errors import ValidationError

    state_of(ctx).json_output = as_json
    screen = {"dnc": tuple(dnc), "history": history, "consent": consent, "rules_dir": rules_dir}
    with _session(
        ctx, spec_path, input_path=list_csv, screen=screen, at=at, database_url=database_url
    ) as (cctx, spec, gate, skill_id):
        if skill_id is None:
            raise ValidationError(
                f"campaign {spec.name!r} has no skill on the tenant yet",
                field="skill.id",
                fix="run `cxdial campaign apply` first (it creates the skill)",
            )
        with _bar(not as_json) as progress:
            report = upload_list(
                cctx,
                spec,
                list_csv,
                gate,
                skill_id=skill_id,
                list_name=list_name,
                progress=progress,
                max_wait=max_wait,
                interval=poll_interval,
            )
    if as_json:
        emit_json({"ok": report.complete, **report.as_dict()})
    else:
        _print(report)
    if not report.complete:
        raise typer.Exit(PARTIAL_EXIT)


def _print(report: UploadReport) -> None:
    """Counts, then a bounded sample of the rows left out (no phone numbers)."""
    verdict = ("uploaded", "green") if report.complete else ("partly uploaded", "yellow")
    console.print(
        styled(
            f"{report.campaign}/{report.list_name}: ",
            verdict,
            f" {report.accepted} of {report.rows} rows on list {report.list_id}"
            f" (blocked {report.blocked}, malformed {report.malformed},"
            f" rejected by the platform {report.platform_rejected})",
        ),
        soft_wrap=True,
    )
    for row in report.rejected[:SAMPLE_ROWS]:
        who = row.external_id or (f"line {row.line}" if row.line else "record")
        console.print(f"  {row.source}: {who}: {', '.join(row.reasons)}", soft_wrap=True)
    if len(report.rejected) > SAMPLE_ROWS:
        console.print(f"  … and {len(report.rejected) - SAMPLE_ROWS} more (--json lists all)")


NOT_FINISHED_EXIT = 5
"""Some blocked records are still on the platform's list."""


@list_app.command("rescreen")
def rescreen(
    ctx: typer.Context,
    spec_path: SpecArg,
    list_name: ListOpt = None,
    dnc: DncOpt = [],  # noqa: B006 - typer reads the default, never mutates it
    history: HistoryOpt = None,
    consent: ConsentOpt = None,
    rules_dir: RulesOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
    database_url: DatabaseOpt = None,
) -> None:
    """Re-screen the records on the list; remove the blocked ones (removeProspects)."""
    from cxdial.campaigns.rescreen import Rescreener

    state_of(ctx).json_output = as_json
    screen = {"dnc": tuple(dnc), "history": history, "consent": consent, "rules_dir": rules_dir}
    with _session(
        ctx, spec_path, input_path=spec_path, screen=screen, at=at, database_url=database_url
    ) as (cctx, spec, gate, skill_id):
        report = Rescreener(cctx, spec, gate, list_name=list_name, skill_id=skill_id).run(
            trigger="cli"
        )
    if as_json:
        emit_json({"ok": report.failed == 0, **report.as_dict()})
    else:
        console.print(
            f"{report.campaign}/{report.list_name}: screened {report.screened}, kept "
            f"{report.kept}, outside hours {report.waiting}, removed {report.removed}"
            + (f", still on the list {report.failed}" if report.failed else ""),
            soft_wrap=True,
        )
        for removal in report.removals[:SAMPLE_ROWS]:
            state = "removed" if removal.removed else f"NOT removed ({removal.result})"
            console.print(
                f"  {removal.external_id}: {state}: {', '.join(removal.reasons)}", soft_wrap=True
            )
        if len(report.removals) > SAMPLE_ROWS:
            console.print(f"  … and {len(report.removals) - SAMPLE_ROWS} more (--json lists all)")
    if report.failed:
        raise typer.Exit(NOT_FINISHED_EXIT)


def register(app: typer.Typer) -> None:
    """Add the ``list`` group to the root app."""
    app.add_typer(list_app, name="list")
