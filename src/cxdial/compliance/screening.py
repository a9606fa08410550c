"""``cxdial screen`` as a library call: read the files, screen, write the outputs.

Every file problem is found before the work starts: a missing or hostile input, an
output in a missing folder or over an input. Outputs are CSV with spreadsheet formulas
neutralised (see :mod:`cxdial.compliance.files`); phone columns are written as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from cxdial.compliance.consent import ConsentBook
from cxdial.compliance.csvfile import read_contacts
from cxdial.compliance.dnc import DncIndex
from cxdial.compliance.files import (
    DEFAULT_MAX_BYTES,
    check_output,
    neutralise_formulas,
    read_input,
)
from cxdial.compliance.gate import Gate
from cxdial.compliance.history import AttemptHistory
from cxdial.compliance.models import Purpose
from cxdial.compliance.parsing import parse_instant
from cxdial.compliance.reassigned import ReassignedNumbers
from cxdial.compliance.result import REPORT_COLUMNS, ScreenResult
from cxdial.compliance.ruleset import RuleSet
from cxdial.errors import ValidationError

__all__ = ["CHUNK_ROWS", "ScreenFiles", "ScreenRun", "parse_at", "run_screen"]

#: Rows screened per step when progress is reported.
CHUNK_ROWS = 250_000
#: Columns never neutralised: the numbers CXone dials.
PHONE_COLUMNS = ("phone", "phone_e164")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ScreenFiles:
    """The files of one screen: the input, lists, history, outputs and the size limit."""

    input: Path
    dnc: tuple[Path, ...] = ()
    history: Path | None = None
    out: Path | None = None
    report: Path | None = None
    rules_dir: Path | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    consent: Path | None = None
    rnd: Path | None = None

    def check_outputs(self) -> None:
        """Refuse outputs in missing folders, over an input, or over each other."""
        extra = [p for p in (self.history, self.consent, self.rnd) if p is not None]
        inputs = [self.input, *self.dnc, *extra]
        if self.out is not None:
            check_output(self.out, option="--out", inputs=inputs)
        if self.report is not None:
            check_output(self.report, option="--report", inputs=inputs)
        if self.out is not None and self.report is not None:
            check_output(self.report, option="--report", inputs=[self.out])


@dataclass(frozen=True)
class ScreenRun:
    """What a screen produced and where it wrote it."""

    result: ScreenResult
    files: ScreenFiles


def parse_at(text: str | None, now: Callable[[], datetime]) -> datetime:
    """``--at`` as an aware UTC instant (``now()`` when not given)."""
    if text is None:
        return now()
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise ValidationError(
            str(exc), field="--at", fix="an ISO-8601 instant, e.g. 2026-11-23T15:00:00Z"
        ) from None


def run_screen(
    files: ScreenFiles,
    at: datetime,
    *,
    purpose: Purpose = Purpose.TELEMARKETING,
    autodialed: bool = True,
    guard_minutes: int = 0,
    progress: Progress | None = None,
) -> ScreenRun:
    """Screen ``files.input`` at ``at`` and write ``--out``/``--report``.

    ``progress(done, total)`` is called after each chunk of :data:`CHUNK_ROWS` rows.
    """
    files.check_outputs()
    gate = Gate(
        rules=RuleSet.load(files.rules_dir),
        dnc=DncIndex.from_files(files.dnc, max_bytes=files.max_bytes),
        history=AttemptHistory.from_csv(files.history, max_bytes=files.max_bytes)
        if files.history
        else AttemptHistory(),
        guard_minutes=guard_minutes,
        consents=_consents(files),
        reassigned=_reassigned(files),
    )
    table = read_contacts(files.input, max_bytes=files.max_bytes)
    result = _screen(gate, table, at, purpose, autodialed, progress)
    if files.out is not None:
        cleared = result.cleared()
        keep = [c for c in cleared.columns if c.strip().lower() in PHONE_COLUMNS]
        neutralise_formulas(cleared, keep=keep).write_csv(files.out)
    if files.report is not None:
        report = result.report().select(REPORT_COLUMNS)
        neutralise_formulas(report, keep=PHONE_COLUMNS).write_csv(files.report)
    return ScreenRun(result, files)


def _consents(files: ScreenFiles) -> ConsentBook | None:
    """``--consent FILE`` (CSV, or JSON by its ``.json`` suffix)."""
    if files.consent is None:
        return None
    raw = read_input(files.consent, option="--consent", max_bytes=files.max_bytes)
    is_json = files.consent.suffix.lower() == ".json"
    text = _utf8(raw, "--consent", files.consent)
    return ConsentBook.from_text(text, source=str(files.consent), json_format=is_json)


def _reassigned(files: ScreenFiles) -> ReassignedNumbers | None:
    """``--rnd FILE``: Reassigned Numbers Database results."""
    if files.rnd is None:
        return None
    raw = read_input(files.rnd, option="--rnd", max_bytes=files.max_bytes)
    return ReassignedNumbers.from_text(_utf8(raw, "--rnd", files.rnd), source=str(files.rnd))


def _utf8(raw: bytes, option: str, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            f"{option} {path}: not UTF-8 text", field=option, fix="save the file as UTF-8"
        ) from None


def _screen(
    gate: Gate,
    table: pl.DataFrame,
    at: datetime,
    purpose: Purpose,
    autodialed: bool,
    progress: Progress | None,
) -> ScreenResult:
    if progress is None or table.height <= CHUNK_ROWS:
        result = gate.screen(table, at, purpose=purpose, autodialed=autodialed)
        if progress is not None:
            progress(table.height, table.height)
        return result
    parts: list[ScreenResult] = []
    for start in range(0, table.height, CHUNK_ROWS):
        chunk = table.slice(start, CHUNK_ROWS)
        parts.append(gate.screen(chunk, at, purpose=purpose, autodialed=autodialed))
        progress(start + chunk.height, table.height)
    first = parts[0]
    return ScreenResult(
        frame=pl.concat([p.frame for p in parts]),
        errors=[e for p in parts for e in p.errors],
        input_columns=first.input_columns,
        source=pl.concat([p.source for p in parts], how="diagonal"),
        cleared_mask=pl.concat([p.cleared_mask for p in parts]),
        rule_set_version=first.rule_set_version,
        at=at,
        purpose=purpose,
    )
