"""``cxdial screen``: screen a contacts CSV through the compliance gate.

Contract (stable): ``cxdial screen INPUT.csv [--at ISO] [--purpose P] [--dnc FILE]...
[--history FILE] [--out cleared.csv] [--report report.csv] [--json] [--strict]``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import polars as pl
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cxdial.cli.app import console, console_err
from cxdial.compliance import (
    AttemptHistory,
    DncIndex,
    Gate,
    Purpose,
    RuleSet,
    ScreenResult,
    read_contacts,
)
from cxdial.compliance.parsing import parse_instant
from cxdial.compliance.result import REPORT_COLUMNS
from cxdial.errors import ValidationError

__all__ = ["register", "screen"]

CHUNK_ROWS = 250_000


def _at(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise ValidationError(
            str(exc), field="--at", fix="an ISO-8601 instant, e.g. 2026-11-23T15:00:00Z"
        ) from None


def _run(
    gate: Gate,
    table: pl.DataFrame,
    at: datetime,
    purpose: Purpose,
    autodialed: bool,
    show_progress: bool,
) -> ScreenResult:
    if not show_progress or table.height <= CHUNK_ROWS:
        return gate.screen(table, at, purpose=purpose, autodialed=autodialed)
    parts: list[ScreenResult] = []
    columns = [TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console_err, transient=True) as progress:
        task = progress.add_task("screen", total=table.height)
        for start in range(0, table.height, CHUNK_ROWS):
            chunk = table.slice(start, CHUNK_ROWS)
            parts.append(gate.screen(chunk, at, purpose=purpose, autodialed=autodialed))
            progress.advance(task, chunk.height)
    first = parts[0]
    return ScreenResult(
        frame=pl.concat([p.frame for p in parts]),
        errors=[e for p in parts for e in p.errors],
        input_columns=first.input_columns,
        source=pl.concat([p.source for p in parts]),
        cleared_mask=pl.concat([p.cleared_mask for p in parts]),
        rule_set_version=first.rule_set_version,
        at=at,
        purpose=purpose,
    )


def screen(
    input_csv: Path = typer.Argument(..., exists=True, dir_okay=False, help="contacts CSV"),
    at: str | None = typer.Option(None, "--at", help="ISO-8601 call instant (default: now)"),
    purpose: Purpose = typer.Option(Purpose.TELEMARKETING, "--purpose", case_sensitive=False),
    dnc: list[Path] = typer.Option(
        [], "--dnc", exists=True, dir_okay=False, help="DNC list (repeatable)"
    ),
    history: Path | None = typer.Option(
        None, "--history", exists=True, dir_okay=False, help="CSV phone,at,subject,debt_id,outcome"
    ),
    out: Path | None = typer.Option(None, "--out", help="write the cleared rows here"),
    report: Path | None = typer.Option(None, "--report", help="write the per-row report here"),
    as_json: bool = typer.Option(False, "--json", help="print a JSON summary for scripts"),
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
) -> None:
    """Screen contacts: who may be called at --at, and why not for every blocked record."""
    instant = _at(at)
    gate = Gate(
        rules=RuleSet.load(rules_dir),
        dnc=DncIndex.from_files(dnc),
        history=AttemptHistory.from_csv(history) if history else AttemptHistory(),
        guard_minutes=guard_minutes,
    )
    table = read_contacts(input_csv)
    show = console_err.is_terminal and not as_json
    result = _run(gate, table, instant, purpose, not manual, show)
    if out is not None:
        result.cleared().write_csv(out)
    if report is not None:
        result.report().select(REPORT_COLUMNS).write_csv(report)
    summary = result.summary()
    if as_json:
        summary["errors"] = [
            {"line": e.line, "field": e.field, "value": e.value, "message": e.message}
            for e in result.errors
        ]
        console.print_json(json.dumps(summary))
    else:
        for e in result.errors:
            console_err.print(
                f"[yellow]malformed[/] {input_csv}:{e}", highlight=False, soft_wrap=True
            )
        _print_summary(summary)
    if strict and result.errors:
        first = result.errors[0]
        raise ValidationError(
            f"{summary['malformed']} malformed row(s) in {input_csv}, first at line {first.line}",
            field=first.field,
            fix="correct the rows listed, or drop --strict to skip them",
        )


def _print_summary(summary: dict[str, object]) -> None:
    table = Table(title=f"screened at {summary['at']} ({summary['purpose']})")
    table.add_column("outcome")
    table.add_column("rows", justify="right")
    decisions = cast(dict[str, int], summary["decisions"])
    reasons = cast(dict[str, int], summary["reasons"])
    for key, value in decisions.items():
        table.add_row(str(key), str(value))
    for key, value in reasons.items():
        table.add_row(f"  {key}", str(value))
    table.add_row("malformed", str(summary["malformed"]))
    console.print(table)
    console.print(f"rules {summary['rule_set_version']}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``screen`` to the root app."""
    app.command("screen")(screen)
