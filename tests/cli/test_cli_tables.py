"""Tables fit an 80-column terminal whole: no column is cut, no line is longer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMPLIANCE = Path(__file__).resolve().parents[2] / "examples" / "scenarios" / "compliance.yaml"


def _render(argv: list[str], tmp_path: Path) -> str:
    """What ``cxdial argv`` prints on stdout at COLUMNS=80."""
    env = {**os.environ, "COLUMNS": "80", "CXDIAL_BOUND_CACHE": str(tmp_path)}
    done = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "cxdial.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _assert_fits(text: str) -> None:
    lines = text.splitlines()
    assert lines
    assert max(len(line) for line in lines) <= 80
    assert "…" not in text


@pytest.mark.parametrize(
    "argv",
    [
        ["simulate", "--agents", "8", "--hours", "0.5", "--policy", "all"],
        ["simulate", str(COMPLIANCE), "--policy", "predictive,ratio:2"],
        ["capacity", "--contacts", "150", "--hours", "1", "--policy", "predictive,ratio:2"],
    ],
    ids=["simulate", "simulate-30-days", "capacity"],
)
def test_tables_fit_80_columns(argv: list[str], tmp_path: Path) -> None:
    """simulate (one day and thirty) and capacity print every column whole at 80 columns."""
    out = _render(argv, tmp_path)
    _assert_fits(out)
    for policy in ("predictive", "ratio:2"):
        assert policy in out
