"""Tables fit an 80-column terminal whole: no column is cut, no line is longer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

COMPLIANCE = Path(__file__).resolve().parents[2] / "examples" / "scenarios" / "compliance.yaml"

COMMANDS = {
    "simulate": ["simulate", "--agents", "8", "--hours", "0.5", "--policy", "all"],
    "simulate-30-days": ["simulate", str(COMPLIANCE), "--policy", "predictive,ratio:2"],
    "capacity": ["capacity", "--contacts", "150", "--hours", "1", "--policy", "predictive,ratio:2"],
}

RENDER = """
import json, sys
from cxdial.cli import main
for argv in json.loads(sys.argv[1]).values():
    assert main(argv) == 0, argv
    print("\\x00", flush=True)
"""


def _render_all(tmp_path: Path) -> dict[str, str]:
    """What each command of :data:`COMMANDS` prints on stdout at COLUMNS=80 (one process)."""
    env = {**os.environ, "COLUMNS": "80", "CXDIAL_BOUND_CACHE": str(tmp_path)}
    done = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-c", RENDER, json.dumps(COMMANDS)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    outputs = done.stdout.split("\x00\n")
    assert len(outputs) == len(COMMANDS) + 1
    return dict(zip(COMMANDS, outputs, strict=False))


def test_tables_fit_80_columns(tmp_path: Path) -> None:
    """simulate (one day and thirty) and capacity print every column whole at 80 columns."""
    for name, text in _render_all(tmp_path).items():
        lines = text.splitlines()
        assert lines, name
        assert max(len(line) for line in lines) <= 80, name
        assert "…" not in text, name
        assert "ratio:2" in text, name
