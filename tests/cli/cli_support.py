"""Shared pieces of the CLI tests: a pinned clock, a consented callee, a DNC file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from cxdial.cli import main

OFFICE_HOURS = datetime.fromisoformat("2026-11-24T10:00:00-05:00")
"""A Tuesday at 10:00 in Washington: inside calling hours."""

CALLEE = "+12025550000"
CONSENTED = ["--state", "DC", "--consent", "express_written", "--consent-at", "2026-01-01"]


def run(argv: list[str], at: datetime = OFFICE_HOURS) -> int:
    """``cxdial`` with the gate's clock pinned to ``at``."""
    return main(argv, clock=lambda: at)


def dnc_file(folder: Path, *numbers: str) -> Path:
    """An internal DNC list holding ``numbers`` (national digits)."""
    path = folder / "dnc-internal.txt"
    path.write_text("# registry: internal, fetched: 2026-11-20\n" + "\n".join(numbers) + "\n")
    return path
