"""``cxdial emulator``: --print-env output and exit codes."""

from __future__ import annotations

import pytest

from cxdial.cli import main


def test_print_env_prints_exports_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    """--print-env prints the export lines for the chosen port and exits 0 without serving."""
    assert main(["emulator", "--port", "9911", "--print-env"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "export CXDIAL_ISSUER=http://127.0.0.1:9911",
        "export CXDIAL_ACCESS_KEY_ID=EMULATOR-ACCESS-KEY",
        "export CXDIAL_ACCESS_KEY_SECRET=emulator-access-secret",
        "export CXDIAL_CLIENT_ID=cxdial-emulator",
        "export CXDIAL_CLIENT_SECRET=emulator-client-secret",
        "export CXDIAL_SKILL_ID=24000001",
        "export CXDIAL_CALLER_ID=+18005550100",
    ]


def test_bad_faults_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed --faults spec exits 2 and names the bad item."""
    assert main(["emulator", "--faults", "429=lots", "--print-env"]) == 2
    assert "429=lots" in capsys.readouterr().err


def test_bad_speed_exits_two(capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid option value exits 2 naming the option."""
    assert main(["emulator", "--speed", "0", "--print-env"]) == 2
    assert "--speed" in capsys.readouterr().err
