"""Campaign metrics per skill and time window, from the consumed call states.

Rates, for the calls that ended in the window (by start time):

* answer rate = live answers ÷ ended calls, where a live answer is a person picking up
  (``answered`` or ``abandoned``; machines, busy, no answer and failures are not);
* success rate = calls connected to an agent (``answered``) ÷ ended calls;
* abandonment rate, on the regulatory basis (TSR 16 CFR 310.4(b)(4)(i); Ofcom likewise):
  abandoned ÷ live answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from cxdial.store.db import session_scope
from cxdial.store.event_tables import CallStateRow

__all__ = ["WindowMetrics", "metrics", "totals"]


@dataclass(frozen=True, slots=True)
class WindowMetrics:
    """Counts and rates of one skill in one window."""

    skill_id: int
    window_start: datetime
    ended: int
    answered: int
    abandoned: int
    machine: int

    @property
    def live_answers(self) -> int:
        """A person picked up: agent-connected or abandoned."""
        return self.answered + self.abandoned

    @property
    def answer_rate(self) -> float:
        """Live answers ÷ ended calls."""
        return self.live_answers / self.ended if self.ended else 0.0

    @property
    def success_rate(self) -> float:
        """Agent-connected calls ÷ ended calls."""
        return self.answered / self.ended if self.ended else 0.0

    @property
    def abandonment_rate(self) -> float:
        """Abandoned ÷ live answers (the regulatory basis)."""
        return self.abandoned / self.live_answers if self.live_answers else 0.0


def _utc(at: datetime) -> datetime:
    """``at`` in UTC (a naive one is taken as UTC): the store keeps instants as UTC, and
    SQLite compares them as text, so an instant in another zone would miss its rows."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _bucket(at: datetime, window: timedelta) -> datetime:
    at = _utc(at)
    size = int(window.total_seconds())
    return datetime.fromtimestamp(int(at.timestamp()) // size * size, UTC)


def metrics(
    engine: Engine,
    *,
    window: timedelta = timedelta(hours=1),
    since: datetime | None = None,
    skill_id: int | None = None,
) -> list[WindowMetrics]:
    """Per skill and window (``window`` long, aligned to the epoch), oldest first."""
    stmt = select(CallStateRow).where(CallStateRow.outcome.is_not(None))
    if since is not None:
        stmt = stmt.where(CallStateRow.started_at >= _utc(since))
    if skill_id is not None:
        stmt = stmt.where(CallStateRow.skill_id == skill_id)
    with session_scope(engine) as session:
        rows: Iterable[CallStateRow] = list(session.scalars(stmt))
    tally: dict[tuple[int, datetime], list[int]] = {}
    for row in rows:
        counts = tally.setdefault((row.skill_id, _bucket(row.started_at, window)), [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += row.outcome == "answered"
        counts[2] += row.outcome == "abandoned"
        counts[3] += row.outcome == "machine"
    return [
        WindowMetrics(skill, start, *counts)
        for (skill, start), counts in sorted(tally.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]


def totals(engine: Engine, skill_id: int, since: datetime, until: datetime) -> WindowMetrics | None:
    """One skill's counts over ``[since, until)`` (a rolling window); None when the
    pipeline holds no ended call of the skill in it (or has no tables yet)."""
    from sqlalchemy import inspect

    if not inspect(engine).has_table(CallStateRow.__tablename__):
        return None
    stmt = select(CallStateRow.outcome).where(
        CallStateRow.outcome.is_not(None),
        CallStateRow.skill_id == skill_id,
        CallStateRow.started_at >= _utc(since),
        CallStateRow.started_at < _utc(until),
    )
    with session_scope(engine) as session:
        outcomes = list(session.scalars(stmt))
    if not outcomes:
        return None
    return WindowMetrics(
        skill_id,
        since,
        len(outcomes),
        outcomes.count("answered"),
        outcomes.count("abandoned"),
        outcomes.count("machine"),
    )
