"""``cxdial emulator``: serve the CXone emulator on loopback, or print the env to reach it.

Contract (stable): ``cxdial emulator [--host 127.0.0.1] [--port 8765] [--seed N]
[--faults SPEC] [--speed X] [--agents N] [--pacing P] [--manual-clock] [--rate-limit R]
[--webhook-url URL] [--webhook-secret S] [--print-env] [-v]``; every option also reads
``CXDIAL_EMULATOR_<NAME>``. A bad option (``--port 99999``, ``--faults 429=lots``) exits 2
naming it; a port that cannot be bound (in use, no permission) exits 1 naming it.
``-v`` logs each request (method, path, status) and each call; phone numbers are masked.

The emulator (FastAPI, uvicorn) is imported only when this command runs, and needs the
``emulator`` extra.
"""

from __future__ import annotations

import logging
import shlex
import socket
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError as PydanticValidationError

from cxdial.cli.app import console_err
from cxdial.errors import ConfigurationError, CxdialError, ValidationError

if TYPE_CHECKING:
    from cxdial.emulator.config import EmulatorConfig

__all__ = ["emulator", "env_lines", "register"]

_ENV = "CXDIAL_EMULATOR_"
_MAX_PORT = 65_535


def env_lines(host: str, port: int) -> list[str]:
    """The ``export`` lines that point every ``cxdial`` command at the emulator."""
    from cxdial.emulator import credentials as creds

    values = creds.demo_env(f"http://{host}:{port}", dialing=True)
    return [f"export {name}={shlex.quote(value)}" for name, value in values.items()]


def _check_port(port: int) -> None:
    if not 1 <= port <= _MAX_PORT:
        raise ValidationError(
            f"invalid --port: {port} is not a TCP port",
            field="--port",
            fix=f"use 1-{_MAX_PORT}, e.g. --port 8765 (or set {_ENV}PORT)",
        )


def _config(**values: object) -> EmulatorConfig:
    from cxdial.emulator.config import EmulatorConfig
    from cxdial.emulator.faults import FaultSpec, FaultSpecError

    faults = str(values.get("faults") or "")
    try:
        FaultSpec.parse(faults)
    except FaultSpecError as exc:
        raise ValidationError(
            str(exc), field="--faults", fix="e.g. --faults '429=0.1,500=0.05,latency=200ms'"
        ) from exc
    try:
        return EmulatorConfig.model_validate({k: v for k, v in values.items() if v is not None})
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        name = "--" + str(first["loc"][0]).replace("_", "-")
        raise ValidationError(f"invalid {name}: {first['msg']}", field=name) from exc


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or a runtime error naming the port."""
    try:
        return socket.create_server((host, port), backlog=128)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CxdialError(
            f"cannot listen on {host}:{port}: {reason}",
            field="--port",
            fix=f"stop what is using port {port}, or pick another with --port",
        ) from exc


def _verbose(level: int) -> None:
    """``-v``: request and call lines of the emulator at INFO."""
    if level:
        logging.getLogger("cxdial.emulator").setLevel(logging.INFO)


def emulator(
    host: str = typer.Option("127.0.0.1", "--host", envvar=_ENV + "HOST"),
    port: int = typer.Option(8765, "--port", envvar=_ENV + "PORT", help="TCP port, 1-65535"),
    seed: int = typer.Option(7, "--seed", envvar=_ENV + "SEED", help="seed of outcomes, faults"),
    faults: str = typer.Option(
        "", "--faults", envvar=_ENV + "FAULTS", help="e.g. '429=0.1,500=0.05,latency=200ms'"
    ),
    speed: float = typer.Option(
        1.0, "--speed", envvar=_ENV + "SPEED", help="simulated seconds per real second"
    ),
    agents: int = typer.Option(
        10, "--agents", envvar=_ENV + "AGENTS", help="simulated agents on PC skills"
    ),
    pacing: str = typer.Option(
        "progressive",
        "--pacing",
        envvar=_ENV + "PACING",
        help="dialer pacing: predictive, progressive, ratio:X, vicidial",
    ),
    manual_clock: bool = typer.Option(
        False, "--manual-clock", envvar=_ENV + "MANUAL_CLOCK", help="time moves only by API"
    ),
    rate_limit: float | None = typer.Option(
        None, "--rate-limit", envvar=_ENV + "RATE_LIMIT", help="requests/s per key"
    ),
    webhook_url: str | None = typer.Option(
        None, "--webhook-url", envvar=_ENV + "WEBHOOK_URL", help="POST call events here"
    ),
    webhook_secret: str | None = typer.Option(
        None, "--webhook-secret", envvar=_ENV + "WEBHOOK_SECRET", help="signing secret"
    ),
    print_env: bool = typer.Option(False, "--print-env", help="print export lines and exit"),
    verbose: int = typer.Option(
        0, "--verbose", "-v", count=True, help="log requests and calls (numbers masked)"
    ),
) -> None:
    """Run a local CXone tenant (same REST API, simulated agents and telephony)."""
    _check_port(port)
    config = _config(
        seed=seed,
        faults=faults,
        speed=speed,
        agents=agents,
        pacing=pacing,
        manual_clock=manual_clock,
        rate_limit=rate_limit,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
    )
    if print_env:
        for line in env_lines(host, port):
            typer.echo(line)
        return
    try:
        import uvicorn

        from cxdial.emulator.app import create_app
        from cxdial.emulator.middleware import quiet_dropped_logs
    except ModuleNotFoundError as exc:
        raise ConfigurationError(
            f"the emulator needs the 'emulator' extra ({exc.name} is not installed)",
            fix="pip install 'cxdial[emulator]'",
        ) from exc
    _verbose(verbose)
    listener = _bind(host, port)
    quiet_dropped_logs()
    console_err.print(
        f"CXone emulator on http://{host}:{port} (seed {seed}); Ctrl-C stops it",
        markup=False,
        highlight=False,
    )
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning"))
    try:
        server.run(sockets=[listener])
    finally:
        listener.close()


def register(app: typer.Typer) -> None:
    """Add ``cxdial emulator`` to the root app."""
    app.command("emulator")(emulator)
