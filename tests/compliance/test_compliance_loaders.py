"""Fast loaders: polars reads of history and DNC lists, the cached ZIP table, quick blocks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxdial.compliance import dnc as dnc_module
from cxdial.compliance import history as history_module
from cxdial.compliance import locate
from cxdial.compliance.dnc import DncIndex
from cxdial.compliance.history import AttemptHistory
from cxdial.compliance.models import ConsentLevel, Purpose
from cxdial.compliance.profile import ProfileRules
from cxdial.compliance.ruleset import CapRule, RuleSet
from cxdial.errors import ValidationError

HISTORY = (
    "phone,at,subject,debt_id,outcome\n"
    "+12025550143,2026-11-20T14:05:00Z,solar,,no_answer\n"
    "2025550143,2026-11-21,,D1,\n"
    '(212) 555-0142,2026-11-22T09:00:00-05:00,"",D2,Busy\n'
)
CAP = CapRule.model_validate(
    {
        "id": "TEST-CAP",
        "title": "cap",
        "kind": "frequency",
        "applies_to": {"purposes": ["telemarketing"]},
        "source": "test",
        "confidence": "policy",
        "scope": "phone",
        "max_attempts": 1,
        "window_hours": 240,
        "reason": "FREQUENCY_CAP",
    }
)


def _both(monkeypatch: pytest.MonkeyPatch, path: Path) -> tuple[AttemptHistory, AttemptHistory]:
    careful = AttemptHistory.from_csv(path)
    monkeypatch.setattr(history_module, "FAST_BYTES", 0)
    fast = AttemptHistory.from_csv(path)
    return careful, fast


def test_history_read_by_polars_equals_the_careful_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large history file read by polars gives the same attempts, frame and counts."""
    path = tmp_path / "history.csv"
    path.write_text(HISTORY)
    careful, fast = _both(monkeypatch, path)
    order = ["national", "at"]
    assert fast.frame().sort(order).equals(careful.frame().sort(order), null_equal=True)
    at = datetime(2026, 11, 23, tzinfo=UTC)
    assert len(fast) == len(careful) == 3
    assert fast.count(CAP, "2025550143", None, None, at) == 2


def test_history_polars_reader_leaves_bad_rows_to_the_careful_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad instant in a large file is still an error naming its line and field."""
    path = tmp_path / "history.csv"
    path.write_text(HISTORY + "2025550143,yesterday,,,\n")
    monkeypatch.setattr(history_module, "FAST_BYTES", 0)
    with pytest.raises(ValidationError) as err:
        AttemptHistory.from_csv(path)
    assert err.value.field == "at"
    assert ":5:" in str(err.value)


def test_dnc_read_by_polars_equals_the_careful_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large list read by polars answers single numbers and whole columns alike."""
    path = tmp_path / "dnc.txt"
    path.write_text(
        "# registry: national, fetched: 2026-11-20\n"
        "+1 (202) 555-0143\n2125550142 # note\n\n201XXXXXXX\n3055550100\n"
    )
    careful = DncIndex.from_files([path])
    monkeypatch.setattr(dnc_module, "FAST_BYTES", 0)
    fast = DncIndex.from_files([path])
    numbers = ["2025550143", "2125550142", "2015550000", "3055550100", "9995550000"]
    assert [fast.hits(n) for n in numbers] == [careful.hits(n) for n in numbers]
    frame = pl.DataFrame({"n": numbers})
    column = frame.select(fast.expr("national", pl.col("n")))
    assert column.to_series().to_list() == [True, True, True, True, False]
    assert fast.snapshots[0].entries == careful.snapshots[0].entries == 4


def test_dnc_polars_reader_names_the_bad_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line that is no number is refused with its line number, as by the careful reader."""
    path = tmp_path / "dnc.txt"
    path.write_text("2025550143\nnot a number\n")
    monkeypatch.setattr(dnc_module, "FAST_BYTES", 0)
    with pytest.raises(ValidationError, match=r"dnc.txt:2: not a US number"):
        DncIndex.from_files([path])


def test_zip_table_is_cached_by_content_hash(tmp_path: Path) -> None:
    """The ZIP table is written once to the cache folder, named by a hash of the data,
    and read back from there (a damaged file is rebuilt)."""
    build = locate.zip_table.__wrapped__
    first = build(tmp_path)
    (cached,) = tmp_path.glob("zip-table-*.json")
    rows = json.loads(cached.read_text())
    rows[0][2] = "ZZ"
    cached.write_text(json.dumps(rows))
    assert build(tmp_path)[rows[0][0]][1] == "ZZ"  # read from the cache, not rebuilt
    cached.write_text("{damaged")
    assert build(tmp_path) == first


@settings(max_examples=60, deadline=None)
@given(minutes=st.lists(st.integers(0, 14 * 24 * 60), min_size=1, max_size=12))
def test_next_allowed_reused_within_a_blocked_span_is_exact(minutes: list[int]) -> None:
    """Blocked instants checked in any order get the next allowed instant a fresh
    evaluation computes, although later ones reuse the span of earlier blocks."""
    rules = RuleSet.load_default()
    warm = ProfileRules(rules)
    base = datetime(2026, 11, 20, tzinfo=UTC)
    ids = warm.select_rules(
        ("FL",), Purpose.TELEMARKETING, True, base.date(), ConsentLevel.NONE, False
    ).window_ids
    zones = ("America/New_York", "America/Los_Angeles")
    for m in sorted(minutes):
        at = base + timedelta(minutes=m)
        assert warm.window_verdict(zones, ids, at, 0) == ProfileRules(rules).window_verdict(
            zones, ids, at, 0
        )
