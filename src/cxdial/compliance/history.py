"""Attempt history the frequency caps read: a CSV file, the store, or live events.

CSV format (``--history``): ``phone,at,subject,debt_id,outcome``; ``outcome`` is e.g.
``conversation``, ``no_answer``, ``busy``, ``answered``. The event pipeline calls
:meth:`AttemptHistory.record_attempt`, which also writes through to the store when one
is attached.

A large file (over :data:`FAST_BYTES`) is read by polars straight into the frame the batch
screener uses; the per-number indexes of ``Gate.check`` are built from it only when a
single check needs them. A small one (a single call's) is read without polars. Both
readers accept the same files and give the same attempts; anything unusual (quotes, a
bad row) goes to the careful reader, whose errors name the line and field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cxdial.compliance.files import DEFAULT_MAX_BYTES, read_input
from cxdial.compliance.parsing import parse_instant
from cxdial.compliance.phones import national_number
from cxdial.compliance.ruleset import CapRule, CooldownRule
from cxdial.errors import ValidationError

if TYPE_CHECKING:
    import polars as pl

    from cxdial.store.attempts import AttemptRow

__all__ = ["FAST_BYTES", "Attempt", "AttemptHistory", "AttemptSink", "debt_key"]

#: History files larger than this are read with polars (1 MiB, some 20,000 attempts).
FAST_BYTES = 1 << 20


def debt_key(national: str, debt_id: str | None) -> str:
    """Reg F counts per debt; without a debt id, every collection call to the number counts."""
    return f"debt:{debt_id}" if debt_id else f"phone:{national}"


@dataclass(frozen=True, slots=True)
class Attempt:
    """One earlier call attempt."""

    national: str
    at: datetime
    subject: str | None = None
    debt_id: str | None = None
    outcome: str = "answered"


class AttemptSink(Protocol):
    """Where recorded attempts are persisted (``cxdial.store.AttemptLog``)."""

    def record(
        self,
        phone_e164: str,
        at: datetime,
        *,
        subject: str | None,
        debt_id: str | None,
        outcome: str,
    ) -> None: ...

    def since(self, start: datetime | None = None) -> Sequence[AttemptRow]: ...


class AttemptHistory:
    """Earlier attempts, indexed by number and debt."""

    def __init__(self, attempts: Iterable[Attempt] = (), *, sink: AttemptSink | None = None):
        self._by_phone: dict[str, list[Attempt]] = {}
        self._by_debt: dict[str, list[Attempt]] = {}
        self._frame: pl.DataFrame | None = None
        self._loaded: pl.DataFrame | None = None
        self.sink = sink
        for attempt in attempts:
            self._add(attempt)

    def __len__(self) -> int:
        if self._loaded is not None:
            return self._loaded.height
        return sum(len(v) for v in self._by_phone.values())

    def _index(self) -> None:
        """Build the per-number indexes from a frame loaded by polars (once, on demand)."""
        loaded, self._loaded = self._loaded, None
        if loaded is None:
            return
        for national, at, subject, debt_id, outcome in loaded.iter_rows():
            self._add(Attempt(national, at, subject, debt_id, outcome))

    def _add(self, a: Attempt) -> None:
        self._index()
        self._by_phone.setdefault(a.national, []).append(a)
        self._by_debt.setdefault(debt_key(a.national, a.debt_id), []).append(a)
        self._frame = None

    @classmethod
    def from_csv(cls, path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> AttemptHistory:
        """Load a ``--history`` file; a malformed line is an error naming line and field."""
        attempts = []
        data = read_input(path, option="--history", max_bytes=max_bytes)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                f"--history {path}: not UTF-8 text (byte {exc.start})",
                field="--history",
                fix="a UTF-8 CSV file: phone,at,subject,debt_id,outcome",
            ) from None
        if len(data) > FAST_BYTES:
            loaded = _read_frame(text)
            if loaded is not None:
                history = cls()
                history._loaded = loaded
                return history
        if "\n" not in text:
            text = text.replace("\r", "\n")  # CR-only line endings
        with io.StringIO(text, newline="") as fh:
            reader = csv.DictReader(fh)
            fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
            for need in ("phone", "at"):
                if need not in fields:
                    raise ValidationError(
                        f"{path}: history file has no {need!r} column",
                        field=need,
                        fix="header: phone,at,subject,debt_id,outcome",
                    )
            for lineno, row in enumerate(reader, start=2):
                get = {k: (row.get(orig) or "").strip() for k, orig in fields.items()}
                national = national_number(get["phone"])
                if national is None:
                    raise ValidationError(
                        f"{path}:{lineno}: invalid phone {get['phone']!r}",
                        field="phone",
                        fix="a 10-digit US number or E.164",
                    )
                try:
                    at = parse_instant(get["at"])
                except ValueError as exc:
                    raise ValidationError(
                        f"{path}:{lineno}: {exc}",
                        field="at",
                        fix="ISO-8601, e.g. 2026-11-23T14:05:00Z",
                    ) from None
                attempts.append(
                    Attempt(
                        national,
                        at,
                        get.get("subject") or None,
                        get.get("debt_id") or None,
                        (get.get("outcome") or "answered").lower(),
                    )
                )
        return cls(attempts)

    @classmethod
    def from_store(cls, log: AttemptSink, since: datetime | None = None) -> AttemptHistory:
        """Attempts recorded in the store (from ``since`` on), writing new ones through."""
        rows = log.since(since)
        attempts = []
        for r in rows:
            national = national_number(r.phone_e164)
            if national is not None:  # the store holds only numbers the gate accepted
                attempts.append(Attempt(national, r.at, r.subject, r.debt_id, r.outcome))
        return cls(attempts, sink=log)

    def record_attempt(
        self,
        phone: str,
        at: datetime,
        *,
        subject: str | None = None,
        debt_id: str | None = None,
        outcome: str = "answered",
    ) -> Attempt:
        """Add an attempt (fed by call events); persisted when a store is attached."""
        national = national_number(phone)
        if national is None:
            raise ValidationError(f"invalid phone {phone!r}", field="phone", fix="E.164")
        attempt = Attempt(national, parse_instant(at.isoformat()), subject, debt_id, outcome)
        self._add(attempt)
        if self.sink is not None:
            self.sink.record(
                "+1" + national, attempt.at, subject=subject, debt_id=debt_id, outcome=outcome
            )
        return attempt

    # --- single contact ---------------------------------------------------------------
    def _scope(self, scope: str, national: str, debt_id: str | None) -> list[Attempt]:
        self._index()
        if scope == "debt":
            return self._by_debt.get(debt_key(national, debt_id), [])
        return self._by_phone.get(national, [])

    def _counted(
        self,
        cap: CapRule,
        national: str,
        subject: str | None,
        debt_id: str | None,
        at: datetime,
    ) -> list[datetime]:
        start = at - timedelta(hours=cap.window_hours)
        return [
            a.at
            for a in self._scope(cap.scope, national, debt_id)
            if start < a.at <= at
            and a.outcome not in cap.exclude_outcomes
            and (cap.scope != "phone_subject" or subject is None or a.subject in (None, subject))
        ]

    def count(
        self,
        cap: CapRule,
        national: str,
        subject: str | None,
        debt_id: str | None,
        at: datetime,
    ) -> int:
        """Earlier attempts counted by ``cap`` in its rolling window ending at ``at``."""
        return len(self._counted(cap, national, subject, debt_id, at))

    def cap_clears_at(
        self,
        cap: CapRule,
        national: str,
        subject: str | None,
        debt_id: str | None,
        at: datetime,
    ) -> datetime | None:
        """When the rolling count drops below ``max_attempts`` again (None: it never does).

        With ``n`` counted attempts ``a_0 <= ... <= a_{n-1}``, the count falls to
        ``max - 1`` once ``a_{n-max}`` leaves the window: at ``a_{n-max} + window``.
        """
        times = sorted(self._counted(cap, national, subject, debt_id, at))
        if cap.max_attempts == 0 or len(times) < cap.max_attempts:
            return None
        return times[len(times) - cap.max_attempts] + timedelta(hours=cap.window_hours)

    def cooling(
        self, rule: CooldownRule, national: str, debt_id: str | None, at: datetime
    ) -> datetime | None:
        """The latest ``after_outcome`` attempt still inside the cooldown, if any."""
        start = at - timedelta(hours=rule.hours)
        hits = [
            a.at
            for a in self._scope(rule.scope, national, debt_id)
            if a.outcome == rule.after_outcome and start < a.at <= at
        ]
        return max(hits) if hits else None

    # --- batch ------------------------------------------------------------------------
    def restricted_to(self, nationals: pl.Series, debt_keys: pl.Series) -> AttemptHistory:
        """The attempts on ``nationals`` or ``debt_keys`` only, as a frame-only history.

        A batch of a large screen counts its caps against these few attempts rather than
        the whole history, so each batch costs what its own rows need.
        """
        import polars as pl

        whole = self.frame()
        view = AttemptHistory()
        view._frame = whole.filter(
            pl.col("national").is_in(nationals.drop_nulls().unique().implode())
            | pl.col("debt_key").is_in(debt_keys.drop_nulls().unique().implode())
        )
        return view

    def frame(self) -> pl.DataFrame:
        """Every attempt as a polars frame (national, at, subject, debt_key, outcome)."""
        import polars as pl

        if self._loaded is not None:
            if self._frame is not None:
                return self._frame
            self._frame = self._loaded.select(
                "national",
                "at",
                "subject",
                pl.when(pl.col("debt_id").is_null())
                .then(pl.lit("phone:") + pl.col("national"))
                .otherwise(pl.lit("debt:") + pl.col("debt_id"))
                .alias("debt_key"),
                "outcome",
            )
        if self._frame is None:
            rows = [a for lst in self._by_phone.values() for a in lst]
            self._frame = pl.DataFrame(
                {
                    "national": [a.national for a in rows],
                    "at": [a.at for a in rows],
                    "subject": [a.subject for a in rows],
                    "debt_key": [debt_key(a.national, a.debt_id) for a in rows],
                    "outcome": [a.outcome for a in rows],
                },
                schema={
                    "national": pl.String,
                    "at": pl.Datetime("us", "UTC"),
                    "subject": pl.String,
                    "debt_key": pl.String,
                    "outcome": pl.String,
                },
            )
        return self._frame


def _read_frame(text: str) -> pl.DataFrame | None:
    """A plain history file as (national, at, subject, debt_id, outcome), read by polars.

    None when the file needs the careful reader: quotes, CR line ends, blank or ragged
    lines, duplicate or missing columns, a bad number or instant (whose error it names).
    """
    import polars as pl

    from cxdial.compliance.phones import national_number_expr

    if "\r" in text or "\n\n" in text:
        return None
    if '"' in text:  # quoted fields: each record must be one line of balanced quotes
        odd = (
            pl.Series([text]).str.split("\n").explode().str.count_matches('"', literal=True) % 2
            == 1
        )
        if odd.any():
            return None
    try:
        raw = pl.read_csv(text.encode(), infer_schema=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError):
        return None
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    names = {c.strip().lower(): c for c in raw.columns}
    if raw.height != lines - 1 or len(names) != raw.width or not {"phone", "at"} <= set(names):
        return None

    def text_of(key: str) -> pl.Expr:
        if key not in names:
            return pl.lit(None, dtype=pl.String)
        col = pl.col(names[key]).str.strip_chars()
        return pl.when(col.str.len_chars() > 0).then(col)

    frame = raw.select(
        national_number_expr(pl.col(names["phone"]).fill_null("").str.strip_chars()).alias(
            "national"
        ),
        text_of("at").alias("at"),
        text_of("subject").alias("subject"),
        text_of("debt_id").alias("debt_id"),
        text_of("outcome").str.to_lowercase().fill_null("answered").alias("outcome"),
    )
    if frame["national"].null_count() or frame["at"].null_count():
        return None
    uniques = frame["at"].unique().to_list()
    try:
        instants = [parse_instant(u) for u in uniques]
    except ValueError:
        return None
    at = pl.col("at").replace_strict(
        uniques,
        pl.Series(instants, dtype=pl.Datetime("us", "UTC")),
        return_dtype=pl.Datetime("us", "UTC"),
    )
    return frame.with_columns(at)
