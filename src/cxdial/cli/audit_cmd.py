"""``cxdial audit``: the campaign audit log, and ``cxdial audit verify``: prove its chain.

``cxdial audit [--since ISO] [--campaign NAME] [--json]`` lists entries oldest first;
``--json`` prints one JSON array of ``{at, actor, action, campaign, version, before, after,
request_ids, …}``. ``verify`` exits 4 when the chain fails verification. The log lives on
the store's ledger under the name ``campaign-audit`` with its own checkpoint
(``CXDIAL_AUDIT_CHECKPOINT``; docs/campaigns.md, docs/ledger.md).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cxdial.cli.app import console, emit_json, state_of

if TYPE_CHECKING:
    from cxdial.store.audit import AuditLog

__all__ = ["audit_app", "register"]

audit_app = typer.Typer(
    help="The campaign audit log: list it, or verify its hash chain.",
    invoke_without_command=True,
)

_DB_HELP = "SQLAlchemy URL of the store (default: the settings' database_url)"


def _open(ctx: typer.Context, database_url: str | None, key_file: Path | None) -> AuditLog:
    from cxdial.store.audit import open_audit_log

    url = database_url or state_of(ctx).settings().database_url
    return open_audit_log(url, environ=os.environ, key_file=key_file, create_key=False)


@audit_app.callback()
def audit(
    ctx: typer.Context,
    since: datetime | None = typer.Option(None, "--since", help="only entries from then (UTC)"),
    campaign: str | None = typer.Option(None, "--campaign", help="only this campaign"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON array"),
    database_url: str | None = typer.Option(
        None, "--database-url", envvar="CXDIAL_DATABASE_URL", help=_DB_HELP
    ),
    key_file: Path | None = typer.Option(
        None, "--key-file", envvar="CXDIAL_LEDGER_KEY_FILE", help="ledger key file"
    ),
) -> None:
    """List audit entries oldest first: who, when, what, before → after, request ids."""
    if ctx.invoked_subcommand is not None:
        return
    state_of(ctx).json_output = as_json
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    with _open(ctx, database_url, key_file) as log:
        entries = log.entries(campaign=campaign, since=since)
    if as_json:
        emit_json([e.as_dict() for e in entries])
        return
    for e in entries:
        version = f" v{e.version}" if e.version is not None else ""
        console.print(
            f"{e.at.isoformat(timespec='seconds')}  {e.actor}  {e.action}  {e.campaign}{version}"
            f"  {e.before} → {e.after}",
            soft_wrap=True,
        )
    if not entries:
        console.print("no audit entries", soft_wrap=True)


@audit_app.command("verify")
def verify(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    database_url: str | None = typer.Option(
        None, "--database-url", envvar="CXDIAL_DATABASE_URL", help=_DB_HELP
    ),
    key_file: Path | None = typer.Option(
        None, "--key-file", envvar="CXDIAL_LEDGER_KEY_FILE", help="ledger key file"
    ),
) -> None:
    """Check every audit entry (number, chain, hash, signature) and the checkpoint; exit 4."""
    state_of(ctx).json_output = as_json
    with _open(ctx, database_url, key_file) as log:
        report = log.verify()
    if as_json:
        emit_json(report.as_dict())
    elif report.ok:
        console.print(f"audit log: OK, {report.entries_checked} entries verified", soft_wrap=True)
    else:
        console.print(f"audit log: FAILED verification: {report.reason}", soft_wrap=True)
    report.raise_for_tampering()


def register(app: typer.Typer) -> None:
    """Add the ``audit`` group to the root app."""
    app.add_typer(audit_app, name="audit")
