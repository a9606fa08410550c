"""``cxdial ledger verify`` and ``cxdial ledger explain``: prove the compliance ledger.

Exit codes: 0 the ledger verifies, 4 it fails verification (tampering, or the wrong key),
1/2 as for every command (runtime / configuration errors). The store loads only when a
command runs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cxdial.cli.app import state_of

if TYPE_CHECKING:
    from cxdial.store import Ledger, VerifyReport

__all__ = ["ledger_app", "register"]

ledger_app = typer.Typer(
    help="Prove the compliance ledger: verify every entry, explain one decision.",
    no_args_is_help=True,
)

# The options both commands take: one declaration each, shared as parameter defaults.
_AS_JSON = typer.Option(False, "--json", help="print one JSON object")
_DATABASE_URL = typer.Option(
    None,
    "--database-url",
    envvar="CXDIAL_DATABASE_URL",
    help="SQLAlchemy URL of the store (default: the settings' database_url)",
)
_CHECKPOINT = typer.Option(
    None,
    "--checkpoint",
    envvar="CXDIAL_LEDGER_CHECKPOINT",
    help="signed checkpoint file (default: under the user state dir)",
)
_KEY_FILE = typer.Option(
    None,
    "--key-file",
    envvar="CXDIAL_LEDGER_KEY_FILE",
    help="ledger key file, if CXDIAL_LEDGER_KEY is not set (default: user config dir)",
)


def _open(
    ctx: typer.Context, database_url: str | None, checkpoint: Path | None, key_file: Path | None
) -> Ledger:
    from cxdial.store import open_ledger

    url = database_url or state_of(ctx).settings().database_url
    return open_ledger(
        url, environ=os.environ, key_file=key_file, checkpoint=checkpoint, create_key=False
    )


def _entries(n: int) -> str:
    return f"{n} entry" if n == 1 else f"{n} entries"


def _report_text(report: VerifyReport, checkpoint: Path) -> str:
    vouched = (
        f"the checkpoint of {report.checkpoint_at.isoformat()} vouches for "
        f"{report.checkpoint_count}"
        if report.checkpoint_at is not None
        else "no checkpoint yet"
    )
    if report.ok:
        return (
            f"ledger {report.ledger}: OK, {_entries(report.entries_checked)} verified; "
            f"{vouched}, {report.unconfirmed} written after it ({checkpoint})"
        )
    where = f" at entry #{report.first_bad_seq}" if report.first_bad_seq else ""
    if report.first_bad_id is not None:
        where += f" (id {report.first_bad_id})"
    return (
        f"ledger {report.ledger}: FAILED verification: {report.problem}{where}\n"
        f"{report.reason}\n"
        f"{_entries(report.entries_checked)} verified before it; {vouched} ({checkpoint})"
    )


@ledger_app.command("verify")
def verify(
    ctx: typer.Context,
    as_json: bool = _AS_JSON,
    database_url: str | None = _DATABASE_URL,
    checkpoint: Path | None = _CHECKPOINT,
    key_file: Path | None = _KEY_FILE,
) -> None:
    """Check every entry (number, chain, hash, signature) and the checkpoint; exit 4 if bad."""
    with _open(ctx, database_url, checkpoint, key_file) as ledger:
        report = ledger.verify()
        path = ledger.checkpoint_path
    if as_json:
        typer.echo(json.dumps({**report.as_dict(), "checkpoint_path": str(path)}))
    else:
        typer.echo(_report_text(report, path))
    report.raise_for_tampering()  # LedgerTampered: exit code 4, one line on stderr


@ledger_app.command("explain")
def explain(
    ctx: typer.Context,
    entry_id: int = typer.Argument(..., help="entry id (as `verify` and the call logs name it)"),
    as_json: bool = _AS_JSON,
    database_url: str | None = _DATABASE_URL,
    checkpoint: Path | None = _CHECKPOINT,
    key_file: Path | None = _KEY_FILE,
) -> None:
    """One past decision: verdict, reasons, rule-set version, inputs, hashes and signature."""
    with _open(ctx, database_url, checkpoint, key_file) as ledger:
        entry = ledger.describe(entry_id)
    typer.echo(json.dumps(entry.as_dict()) if as_json else entry.text())


def register(app: typer.Typer) -> None:
    """Add the ``ledger`` group to the root app."""
    app.add_typer(ledger_app, name="ledger")
