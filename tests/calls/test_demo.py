"""``cxdial demo``: the main job runs end to end against an emulator it starts itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxdial.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_demo_screens_dials_and_follows_calls(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo authenticates, screens the sample list and follows five calls; three are gated."""
    code = main(["demo", "--skip-pacing", "--speed", "120", "--examples", str(EXAMPLES)])
    out = capsys.readouterr().out
    assert code == 0
    assert "demo complete: 5 calls placed and followed, 3 blocked" in out
    assert "DNC_INTERNAL" in out
    assert "machine" in out
