"""CXone's date-times: ISO-8601, ``Z`` for UTC on the wire; a value without offset is UTC."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["parse_timestamp"]


def parse_timestamp(text: str) -> datetime:
    """``text`` as an aware datetime (naive read as UTC); ValueError if not ISO-8601."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
