"""Benchmark how fast ``cxdial`` starts: ``--help``, ``--version`` and a gate-blocked call.

Each command runs as a fresh process (the way a shell or a script per contact runs it),
interleaved over rounds, beside ``python -c pass`` in the same run. The table shows the
median wall time, its ratio to bare Python, the median CPU time (less sensitive to a
loaded machine) and the targets of issue 12: ``--help`` under 0.3 s, a blocked ``call``
under 0.6 s. The blocked call is configured for an emulator started here and is refused
by an internal DNC list, so it is blocked at any hour; the gate runs before any HTTP, so
it requests no token and no caller IDs (and imports neither httpx nor polars). Run:
``.venv/bin/python bench/cli.py [--rounds 7]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from cxdial.emulator import EmulatorConfig
from cxdial.emulator import credentials as demo
from cxdial.emulator.testing import EmulatorServer

CALLEE = "+12025550000"
TARGETS = {"cxdial --help": 0.3, "cxdial --version": 0.3, "cxdial call (blocked)": 0.6}


def _cxdial() -> list[str]:
    """The installed ``cxdial`` script beside this interpreter, else ``python -m cxdial.cli``."""
    script = Path(sys.executable).with_name("cxdial")
    if script.exists():
        return [str(script)]
    found = shutil.which("cxdial")
    return [found] if found else [sys.executable, "-m", "cxdial.cli"]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(argv: list[str], env: dict[str, str], expect: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh process running ``argv``."""
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)  # noqa: S603
    elapsed = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"{argv} exited {done.returncode}: {done.stderr.decode()[-400:]}")
    return elapsed, _cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    cxdial = _cxdial()
    with tempfile.TemporaryDirectory() as tmp, EmulatorServer(EmulatorConfig(seed=1)) as server:
        dnc = Path(tmp) / "dnc-internal.txt"
        dnc.write_text(f"# registry: internal, fetched: 2026-11-20\n{CALLEE[2:]}\n")
        env = {
            **os.environ,
            **demo.demo_env(server.url, dialing=True),
            "CXDIAL_DATABASE_URL": f"sqlite:///{tmp}/store.db",
            "CXDIAL_PROFILE_FILE": f"{tmp}/profiles.toml",
        }
        blocked = [*cxdial, "call", CALLEE, "--state", "DC", "--dnc", str(dnc)]
        cases: dict[str, tuple[list[str], int]] = {
            "python -c pass": ([sys.executable, "-c", "pass"], 0),
            "cxdial --help": ([*cxdial, "--help"], 0),
            "cxdial --version": ([*cxdial, "--version"], 0),
            "cxdial call (blocked)": (blocked, 3),
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for argv, code in cases.values():  # warm the file cache once
            _time(argv, env, code)
        for _ in range(args.rounds):
            for name, (argv, code) in cases.items():
                times[name].append(_time(argv, env, code))
    base = statistics.median(wall for wall, _ in times["python -c pass"])
    load = os.getloadavg()[0]
    table = Table(
        title=f"cxdial start-up, median of {args.rounds} fresh processes "
        f"(load average {load:.1f} on {os.cpu_count()} CPUs)"
    )
    for column in ("command", "wall s", "× python", "CPU s", "target s", "met"):
        table.add_column(column, justify="left" if column == "command" else "right")
    for name, values in times.items():
        median = statistics.median(wall for wall, _ in values)
        cpu = statistics.median(c for _, c in values)
        target = TARGETS.get(name)
        met = "—" if target is None else ("yes" if median < target else "NO")
        table.add_row(
            name,
            f"{median:.3f}",
            f"{median / base:.1f}",
            f"{cpu:.3f}",
            "—" if target is None else f"{target:.1f}",
            met,
        )
    Console().print(table)
    console_note = "wall times on a loaded machine overstate start-up; CPU s is less affected"
    if load > (os.cpu_count() or 1):
        Console(stderr=True).print(console_note)


if __name__ == "__main__":
    main()
