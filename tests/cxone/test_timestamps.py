"""CXone date-times read one way everywhere (:func:`cxdial.cxone.timestamps.parse_timestamp`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from cxdial.cxone.timestamps import parse_timestamp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23T19:00:42.500Z", datetime(2026, 11, 23, 19, 0, 42, 500000, tzinfo=UTC)),
        ("2026-11-23T19:00:00", datetime(2026, 11, 23, 19, 0, tzinfo=UTC)),
        (
            "2026-11-23T14:00:00-05:00",
            datetime(2026, 11, 23, 14, 0, tzinfo=timezone(timedelta(hours=-5))),
        ),
    ],
)
def test_z_naive_and_offset_forms_read_as_aware_instants(text: str, expected: datetime) -> None:
    """``Z`` is UTC, a value without offset is UTC, an explicit offset is kept."""
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


def test_text_that_is_not_iso_8601_raises_value_error() -> None:
    """Callers turn the ValueError into their own typed error naming the field."""
    with pytest.raises(ValueError, match="yesterday"):
        parse_timestamp("yesterday")
