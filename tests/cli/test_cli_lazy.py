"""The CLI starts light: listing, help and version import no capability; commands plug in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import CALLEE, CONSENTED, dnc_file

from cxdial.cli.registry import COMMANDS, load_module_commands

HEAVY = ("fastapi", "scipy", "matplotlib", "sqlalchemy", "uvicorn", "polars", "cxdial.emulator")
"""Never loaded by ``import cxdial.cli``, ``--help`` or ``--version``."""

NOT_FOR_A_CALL = ("fastapi", "scipy", "matplotlib", "uvicorn", "cxdial.emulator", "cxdial.pacing")
"""Never loaded by a ``cxdial call`` (it needs the gate, the client and the store only)."""

PROBE = """
import json, sys
from cxdial.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _loaded(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    """Run ``cxdial argv`` in a fresh interpreter; its exit code and every module it loaded."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


def _heavy(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.mark.parametrize("argv", [[], ["--help"], ["--version"], ["call", "--help"]])
def test_help_and_version_load_no_capability(argv: list[str]) -> None:
    """``cxdial``, ``--help``, ``--version``, ``call --help`` import none of the heavy parts."""
    code, modules = _loaded(argv)
    assert code in (0, 2)
    allowed = HEAVY if argv != ["call", "--help"] else NOT_FOR_A_CALL
    assert _heavy(modules, allowed) == []


def test_a_blocked_call_loads_no_emulator_pacing_or_web_stack(
    tenant_env: dict[str, str], tmp_path: Path
) -> None:
    """A call the gate blocks loads the gate, client and store, never FastAPI or SciPy."""
    import os

    dnc = dnc_file(tmp_path, CALLEE[2:])
    env = {**os.environ, **tenant_env}
    code, modules = _loaded(["call", CALLEE, *CONSENTED, "--dnc", str(dnc)], env)
    assert code == 3
    assert _heavy(modules, NOT_FOR_A_CALL) == []


@pytest.mark.parametrize("module", sorted({c.module for c in COMMANDS}))
def test_each_listed_module_registers_exactly_its_commands(module: str) -> None:
    """Every command module the registry lists registers exactly the names listed for it."""
    listed = {c.name for c in COMMANDS if c.module == module}
    assert set(load_module_commands(module)) == listed


def test_every_registered_command_is_listed_once() -> None:
    """No command name is listed twice (a second module could not shadow the first)."""
    names = [c.name for c in COMMANDS]
    assert len(names) == len(set(names))


def test_shell_completion_reaches_a_lazily_loaded_command() -> None:
    """Shell completion (typer's) completes command names and a subcommand's options."""
    import os

    env = {**os.environ, "_CXDIAL_COMPLETE": "complete_bash", "COMP_CWORD": "2"}
    done = subprocess.run(
        [sys.executable, "-m", "cxdial.cli"],
        env={**env, "COMP_WORDS": "cxdial simulate --pl"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.stdout.split() == ["--plot"]
