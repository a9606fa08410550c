"""``cxdial emulator``: serve the CXone emulator on loopback, or print the env to reach it.

Contract (stable): ``cxdial emulator [--host 127.0.0.1] [--port 8765] [--seed N]
[--faults SPEC] [--speed X] [--agents N] [--manual-clock] [--rate-limit R]
[--webhook-url URL] [--webhook-secret S] [--print-env]``. A bad ``--faults`` exits 2.
"""

from __future__ import annotations

import shlex

import typer
from pydantic import ValidationError as PydanticValidationError

from cxdial.cli.app import console_err
from cxdial.emulator import EmulatorConfig, FaultSpec, FaultSpecError
from cxdial.emulator.credentials import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_CALLER_ID,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_SKILL_ID,
)
from cxdial.errors import ValidationError

__all__ = ["emulator", "env_lines", "register"]


def env_lines(host: str, port: int) -> list[str]:
    """The ``export`` lines that point every ``cxdial`` command at the emulator."""
    values = {
        "CXDIAL_ISSUER": f"http://{host}:{port}",
        "CXDIAL_ACCESS_KEY_ID": DEMO_ACCESS_KEY_ID,
        "CXDIAL_ACCESS_KEY_SECRET": DEMO_ACCESS_KEY_SECRET,
        "CXDIAL_CLIENT_ID": DEMO_CLIENT_ID,
        "CXDIAL_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "CXDIAL_SKILL_ID": str(DEMO_SKILL_ID),
        "CXDIAL_CALLER_ID": DEMO_CALLER_ID,
    }
    return [f"export {name}={shlex.quote(value)}" for name, value in values.items()]


def _config(**values: object) -> EmulatorConfig:
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


def emulator(
    host: str = typer.Option("127.0.0.1", "--host", envvar="CXDIAL_EMULATOR_HOST"),
    port: int = typer.Option(8765, "--port", envvar="CXDIAL_EMULATOR_PORT"),
    seed: int = typer.Option(7, "--seed", help="seed of outcomes and faults"),
    faults: str = typer.Option("", "--faults", help="e.g. '429=0.1,500=0.05,latency=200ms'"),
    speed: float = typer.Option(1.0, "--speed", help="simulated seconds per real second"),
    agents: int = typer.Option(10, "--agents", help="simulated agents on PC skills"),
    pacing: str = typer.Option(
        "progressive", "--pacing", help="dialer pacing: predictive, progressive, ratio:X, vicidial"
    ),
    manual_clock: bool = typer.Option(False, "--manual-clock", help="time moves only by API"),
    rate_limit: float | None = typer.Option(None, "--rate-limit", help="requests/s per key"),
    webhook_url: str | None = typer.Option(None, "--webhook-url", help="POST call events here"),
    webhook_secret: str | None = typer.Option(
        None, "--webhook-secret", envvar="CXDIAL_EMULATOR_WEBHOOK_SECRET", help="signing secret"
    ),
    print_env: bool = typer.Option(False, "--print-env", help="print export lines and exit"),
) -> None:
    """Run a local CXone tenant (same REST API, simulated agents and telephony)."""
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
    import uvicorn

    from cxdial.emulator import create_app
    from cxdial.emulator.middleware import quiet_dropped_logs

    quiet_dropped_logs()
    console_err.print(f"CXone emulator on http://{host}:{port} (seed {seed}); Ctrl-C stops it")
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add ``cxdial emulator`` to the root app."""
    app.command("emulator")(emulator)
