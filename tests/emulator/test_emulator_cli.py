"""``cxdial emulator``: --print-env output, exit codes, env vars, and what it imports."""

from __future__ import annotations

import ast
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from cxdial.cli import emulator_cmd, main


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


@pytest.mark.parametrize("port", ["99999", "0", "-5"])
def test_port_out_of_range_is_a_usage_error(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--port outside 1-65535 exits 2 naming --port, before anything starts."""
    assert main(["emulator", "--port", port]) == 2
    err = capsys.readouterr().err
    assert "--port" in err
    assert "Traceback" not in err


def test_busy_port_is_a_runtime_error_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    """A port another socket listens on exits 1 (not 3) and names the port."""
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        assert main(["emulator", "--port", str(port), "--manual-clock"]) == 1
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in err
    assert "Traceback" not in err


def test_options_read_cxdial_emulator_env(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """CXDIAL_EMULATOR_HOST/PORT fill the options; a bad CXDIAL_EMULATOR_SPEED exits 2."""
    monkeypatch.setenv("CXDIAL_EMULATOR_HOST", "127.0.0.2")
    monkeypatch.setenv("CXDIAL_EMULATOR_PORT", "9913")
    assert main(["emulator", "--print-env"]) == 0
    assert "export CXDIAL_ISSUER=http://127.0.0.2:9913" in capsys.readouterr().out
    monkeypatch.setenv("CXDIAL_EMULATOR_SPEED", "0")
    assert main(["emulator", "--print-env"]) == 2
    assert "--speed" in capsys.readouterr().err


def test_emulator_command_imports_the_emulator_only_when_it_runs() -> None:
    """emulator_cmd's module-level imports name no emulator, FastAPI or uvicorn module."""
    tree = ast.parse(Path(emulator_cmd.__file__).read_text())
    names = [
        alias.name if isinstance(node, ast.Import) else str(node.module)
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    heavy = ("cxdial.emulator", "fastapi", "uvicorn", "starlette", "cryptography")
    assert names
    assert [n for n in names if n.startswith(heavy)] == []


def test_starting_the_emulator_loads_no_scipy_or_matplotlib() -> None:
    """Building the app and dialing with predictive pacing never imports SciPy or matplotlib."""
    code = (
        "import sys, asyncio, httpx\n"
        "from cxdial.emulator import EmulatorConfig, create_app\n"
        "app = create_app(EmulatorConfig(pacing='predictive', manual_clock=True))\n"
        "async def go():\n"
        "    t = httpx.ASGITransport(app=app)\n"
        "    async with httpx.AsyncClient(transport=t, base_url='http://e') as c:\n"
        "        r = await c.get('/_emulator/openapi.json')\n"
        "        assert r.status_code == 200\n"
        "        await c.post('/_emulator/clock/advance', json={'seconds': 5})\n"
        "asyncio.run(go())\n"
        "app.state.world.policy_for(24000001)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'matplotlib'}))\n"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
