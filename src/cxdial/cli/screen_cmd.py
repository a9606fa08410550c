"""``cxdial screen``: screen a contacts CSV through the compliance gate.

Contract (stable): ``cxdial screen INPUT.csv [--at ISO] [--purpose P] [--dnc FILE]...
[--history FILE | --history-from-store] [--out cleared.csv] [--report report.csv] [--json]
[--strict]``; also ``--consent FILE``, ``--consent-from-store``, ``--seller NAME`` and
``--rnd FILE``.
``--history-from-store`` reads the attempts the event pipeline recorded in the store
(``CXDIAL_DATABASE_URL``), so campaign calls count against the frequency caps.
The work is :func:`cxdial.compliance.run_screen`; this module only parses options and
prints. Nothing the user wrote is parsed as console markup.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer

from cxdial.cli.app import console, console_err, emit_json, state_of
from cxdial.compliance.models import Purpose
from cxdial.errors import ValidationError

if TYPE_CHECKING:
    from cxdial.compliance.screening import ScreenFiles, ScreenRun
    from cxdial.compliance.table import RowError

__all__ = ["register", "screen"]

#: Malformed rows printed to a terminal; the rest are counted (all go to --json).
BAR_WIDTH = 24
"""Characters of the share bar beside each outcome."""
SAMPLE_ROWS = 20


def screen(
    ctx: typer.Context,
    input_csv: Path = typer.Argument(..., dir_okay=False, help="contacts CSV"),
    at: str | None = typer.Option(None, "--at", help="ISO-8601 call instant (default: now)"),
    purpose: Purpose = typer.Option(Purpose.TELEMARKETING, "--purpose", case_sensitive=False),
    dnc: list[Path] = typer.Option([], "--dnc", dir_okay=False, help="DNC list (repeatable)"),
    history: Path | None = typer.Option(
        None, "--history", dir_okay=False, help="CSV phone,at,subject,debt_id,outcome"
    ),
    history_from_store: bool = typer.Option(
        False,
        "--history-from-store",
        help="count the attempts the event pipeline recorded in the store (CXDIAL_DATABASE_URL)",
    ),
    consent: Path | None = typer.Option(
        None, "--consent", dir_okay=False, help="consent records (CSV, or .json)"
    ),
    consent_from_store: bool = typer.Option(
        False,
        "--consent-from-store",
        help="add the consent records of the store (settings database_url)",
    ),
    seller: str | None = typer.Option(
        None, "--seller", help="the seller calling: consent records of other sellers do not count"
    ),
    rnd: Path | None = typer.Option(
        None, "--rnd", dir_okay=False, help="Reassigned Numbers Database results (CSV)"
    ),
    out: Path | None = typer.Option(None, "--out", help="write the cleared rows here"),
    report: Path | None = typer.Option(None, "--report", help="write the per-row report here"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object for scripts"),
    strict: bool = typer.Option(False, "--strict", help="exit 2 if any row was malformed"),
    manual: bool = typer.Option(
        False, "--manual", help="calls are dialed manually (no autodialer)"
    ),
    rules_dir: Path | None = typer.Option(
        None, "--rules-dir", envvar="CXDIAL_RULES_DIR", help="override directory of rules files"
    ),
    guard_minutes: int = typer.Option(
        0, "--guard-minutes", min=0, max=120, help="stop this many minutes before each window ends"
    ),
    max_input_mb: int = typer.Option(
        2048,
        "--max-input-mb",
        min=1,
        envvar="CXDIAL_SCREEN_MAX_INPUT_MB",
        help="refuse input files larger than this",
    ),
) -> None:
    """Screen contacts: who may be called at --at, and why not for every blocked record."""
    from cxdial.compliance.screening import ScreenFiles, parse_at, run_screen

    instant = parse_at(at, lambda: datetime.now(UTC))
    files = ScreenFiles(
        input=input_csv,
        dnc=tuple(dnc),
        history=history,
        out=out,
        report=report,
        rules_dir=rules_dir,
        max_bytes=max_input_mb * 1024 * 1024,
        consent=consent,
        rnd=rnd,
        history_store=state_of(ctx).settings().database_url if history_from_store else None,
        consent_store=_store_url(ctx) if consent_from_store else None,
    )
    files.check_outputs()
    show = console_err.is_terminal and not as_json
    if show:
        run = _with_progress(files, instant, purpose, not manual, guard_minutes, seller)
    else:
        run = run_screen(
            files,
            instant,
            purpose=purpose,
            autodialed=not manual,
            guard_minutes=guard_minutes,
            seller=seller,
        )
    summary = run.summary()
    error: ValidationError | None = None
    if strict and run.errors:
        first = run.errors[0]
        error = ValidationError(
            f"{summary['malformed']} malformed row(s) in {input_csv}, first at line {first.line}",
            field=first.field,
            fix="correct the rows listed, or drop --strict to skip them",
        )
    if as_json:
        summary["errors"] = [
            {"line": e.line, "field": e.field, "value": e.value, "message": e.message}
            for e in run.errors
        ]
        emit_json(summary)  # one compact line, no pretty-printer
    else:
        _print_errors(input_csv, run.errors)
        _print_summary(summary)
    if error is not None:  # the root handler reports it on stderr; stdout keeps one object
        raise error


def _store_url(ctx: typer.Context) -> str:
    """The store's database URL, from the settings (``CXDIAL_DATABASE_URL``)."""
    from cxdial.cli.state import state_of

    return state_of(ctx).settings().database_url


def _with_progress(
    files: ScreenFiles,
    at: datetime,
    purpose: Purpose,
    autodialed: bool,
    guard: int,
    seller: str | None,
) -> ScreenRun:
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TransferSpeedColumn,
    )

    from cxdial.compliance.screening import run_screen

    columns = [
        TextColumn("screening"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=console_err, transient=True) as bar:
        task = bar.add_task("screen", total=None)

        def advance(done: int, total: int) -> None:  # bytes of the input read so far
            bar.update(task, completed=done, total=total)

        return run_screen(
            files,
            at,
            purpose=purpose,
            autodialed=autodialed,
            guard_minutes=guard,
            progress=advance,
            seller=seller,
        )


def _print_errors(source: Path, errors: list[RowError]) -> None:
    """Malformed rows: a bounded sample on a terminal, every row as plain lines otherwise."""
    if not errors:
        return
    if not console_err.is_terminal:
        sys.stderr.write("".join(f"malformed {source}:{e}\n" for e in errors))
        return
    for e in errors[:SAMPLE_ROWS]:
        console_err.print(f"malformed {source}:{e}", markup=False, highlight=False, soft_wrap=True)
    if len(errors) > SAMPLE_ROWS:
        console_err.print(
            f"… and {len(errors) - SAMPLE_ROWS} more malformed row(s) (all of them: --json)",
            markup=False,
            highlight=False,
        )


def _print_summary(summary: dict[str, object]) -> None:
    """The outcome table, each row with a bar of its share of the rows screened."""
    from rich.bar import Bar
    from rich.table import Table

    # the instant on a line of its own: a table title would wrap it at the table's width
    console.print(f"screened at {summary['at']} ({summary['purpose']})", markup=False)
    decisions = cast(dict[str, int], summary["decisions"])
    reasons = cast(dict[str, int], summary["reasons"])
    malformed = cast(int, summary["malformed"])
    total = sum(decisions.values()) + malformed
    table = Table()
    table.add_column("outcome")
    table.add_column("rows", justify="right")
    table.add_column("share", justify="right")
    table.add_column("", width=BAR_WIDTH)

    def row(label: str, value: int, style: str) -> None:
        share = value / total if total else 0.0
        bar = Bar(1.0, 0.0, share, width=BAR_WIDTH, color=style, bgcolor="grey23")
        table.add_row(label, str(value), f"{share:.1%}", bar)

    for key, value in decisions.items():
        row(str(key), value, "green" if str(key).upper() == "ALLOW" else "red")
    for key, value in reasons.items():
        row(f"  {key}", value, "yellow")
    row("malformed", malformed, "magenta")
    console.print(table)
    console.print(f"rules {summary['rule_set_version']}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add ``screen`` to the root app."""
    app.command("screen")(screen)
