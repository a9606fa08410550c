"""``cxdial screen`` as a library call: read the files, screen, write the outputs.

Every file problem is found before the work starts: a missing or hostile input, an
output in a missing folder or over an input. The input is read, screened and written in
batches (:func:`cxdial.compliance.csvfile.read_contact_batches`), so memory follows the
batch size rather than the file; ``--out``/``--report`` grow batch by batch and hold the
same bytes as a whole-file screen. Outputs are CSV with spreadsheet formulas neutralised
(see :mod:`cxdial.compliance.files`); phone columns are written as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from cxdial.compliance.consent import ConsentBook
from cxdial.compliance.csvfile import BATCH_BYTES, read_contact_batches
from cxdial.compliance.dnc import DncIndex
from cxdial.compliance.files import (
    DEFAULT_MAX_BYTES,
    check_output,
    neutralise_formulas,
    read_input,
)
from cxdial.compliance.gate import Gate
from cxdial.compliance.history import AttemptHistory
from cxdial.compliance.models import Purpose, ReasonCode
from cxdial.compliance.parsing import parse_instant
from cxdial.compliance.reassigned import ReassignedNumbers
from cxdial.compliance.result import REPORT_COLUMNS, ScreenResult
from cxdial.compliance.ruleset import RuleSet
from cxdial.compliance.table import RowError
from cxdial.errors import ValidationError

__all__ = ["ScreenFiles", "ScreenRun", "build_gate", "parse_at", "run_screen"]

#: Columns never neutralised: the numbers CXone dials.
PHONE_COLUMNS = ("phone", "phone_e164")

#: ``progress(bytes read, bytes in the file)``, called after each batch.
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
    history_store: str | None = None
    """A store URL whose attempt history (fed by the event pipeline) the caps read."""
    consent_store: str | None = None
    """Database URL whose ``consent_records`` join ``consent`` (``--consent-from-store``)."""

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


@dataclass
class ScreenRun:
    """What a screen found (counts, malformed rows) and where it wrote the rows."""

    files: ScreenFiles
    rule_set_version: str
    at: datetime
    purpose: Purpose
    screened: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)

    def add(self, result: ScreenResult) -> None:
        """Count one screened batch."""
        self.screened += result.frame.height
        self.errors.extend(result.errors)
        for value, n in result.frame["decision"].value_counts().iter_rows():
            self.decisions[value] += n
        exploded = result.frame["reasons"].str.split(";").explode().drop_nulls()
        for value, n in exploded.filter(exploded != "").value_counts().iter_rows():
            self.reasons[value] += n

    def summary(self) -> dict[str, Any]:
        """Counts by decision and reason, as :meth:`ScreenResult.summary` gives them."""
        malformed = len({e.line for e in self.errors})
        return {
            "rule_set_version": self.rule_set_version,
            "at": self.at.isoformat(),
            "purpose": self.purpose.value,
            "rows": self.screened + malformed,
            "screened": self.screened,
            "malformed": malformed,
            "decisions": {"ALLOW": 0, "BLOCK": 0, **self.decisions},
            "reasons": {c.value: n for c in ReasonCode if (n := self.reasons[c.value])},
        }


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


#: How far back ``--history-from-store`` reads: the longest cap window (7 days) + 1.
STORE_HISTORY = timedelta(days=8)


def _history(files: ScreenFiles, at: datetime | None) -> AttemptHistory:
    if files.history is not None and files.history_store is not None:
        raise ValidationError(
            "--history and --history-from-store both give the attempt history",
            field="--history",
            fix="use one of them",
        )
    if files.history is not None:
        return AttemptHistory.from_csv(files.history, max_bytes=files.max_bytes)
    if files.history_store is None:
        return AttemptHistory()
    from cxdial.store.attempts import AttemptLog

    log = AttemptLog(files.history_store)
    try:
        history = AttemptHistory.from_store(log, None if at is None else at - STORE_HISTORY)
    finally:
        log.close()
    history.sink = None  # a screen reads the history; it records no attempt
    return history


def build_gate(files: ScreenFiles, *, guard_minutes: int = 0, at: datetime | None = None) -> Gate:
    """The gate of one screen: the rules, ``--dnc``, ``--history`` (or the store's history
    before ``at``), ``--consent``, ``--rnd``."""
    return Gate(
        rules=RuleSet.load(files.rules_dir),
        dnc=DncIndex.from_files(files.dnc, max_bytes=files.max_bytes),
        history=_history(files, at),
        guard_minutes=guard_minutes,
        consents=_consents(files),
        reassigned=_reassigned(files),
    )


def run_screen(
    files: ScreenFiles,
    at: datetime,
    *,
    purpose: Purpose = Purpose.TELEMARKETING,
    autodialed: bool = True,
    guard_minutes: int = 0,
    progress: Progress | None = None,
    batch_bytes: int = BATCH_BYTES,
    seller: str | None = None,
) -> ScreenRun:
    """Screen ``files.input`` at ``at`` batch by batch, appending to ``--out``/``--report``.

    ``progress(bytes read, file size)`` is called after each batch of about
    ``batch_bytes`` of input; ``seller`` picks the consent records that name it.
    """
    files.check_outputs()
    gate = build_gate(files, guard_minutes=guard_minutes, at=at)
    run = ScreenRun(files, gate.rules.version, at, purpose)
    with ExitStack() as stack:
        out = stack.enter_context(files.out.open("wb")) if files.out is not None else None
        report = stack.enter_context(files.report.open("wb")) if files.report else None
        first = True
        for batch in read_contact_batches(
            files.input, max_bytes=files.max_bytes, batch_bytes=batch_bytes
        ):
            result = gate.screen(
                batch.frame, at, purpose=purpose, autodialed=autodialed, seller=seller
            )
            run.add(result)
            _write(result, out, report, header=first)
            first = False
            if progress is not None:
                progress(batch.bytes_read, batch.total_bytes)
    return run


def _write(
    result: ScreenResult, out: IO[bytes] | None, report: IO[bytes] | None, *, header: bool
) -> None:
    """Append one batch's cleared rows and report rows (the header with the first batch)."""
    if out is not None:
        cleared = result.cleared()
        keep = [c for c in cleared.columns if c.strip().lower() in PHONE_COLUMNS]
        neutralise_formulas(cleared, keep=keep).write_csv(out, include_header=header)
    if report is not None:
        rows = result.report().select(REPORT_COLUMNS)
        neutralise_formulas(rows, keep=PHONE_COLUMNS).write_csv(report, include_header=header)


def _consents(files: ScreenFiles) -> ConsentBook | None:
    """``--consent FILE`` (CSV, or JSON by its ``.json`` suffix) and the store's records."""
    book: ConsentBook | None = None
    if files.consent is not None:
        raw = read_input(files.consent, option="--consent", max_bytes=files.max_bytes)
        is_json = files.consent.suffix.lower() == ".json"
        text = _utf8(raw, "--consent", files.consent)
        book = ConsentBook.from_text(text, source=str(files.consent), json_format=is_json)
    if files.consent_store is not None:
        from cxdial.store import ConsentStore

        with ConsentStore(files.consent_store) as store:
            stored = ConsentBook.from_store(store)
        book = stored if book is None else book.merged(stored)
    return book


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
