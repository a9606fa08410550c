"""The ``cxdial`` command line: a thin shell over the library.

The root callback resolves settings once into a :class:`CliState` its subcommands share.
Each capability registers its commands from its own module (listed in ``_COMMANDS``).
One handler maps errors to a message and a stable exit code:
0 ok, 1 API/runtime error, 2 invalid input or configuration, 3 compliance block.
"""

from __future__ import annotations

import importlib
import logging
import sys

import typer

from cxdial.cli.app import app, console_err
from cxdial.errors import CxdialError, exit_code_for

__all__ = ["app", "main"]

# Modules that define a ``register(app)`` function adding their commands.
_COMMANDS: tuple[str, ...] = (
    "cxdial.cli.call_cmd",
    "cxdial.cli.demo_cmd",
    "cxdial.cli.screen_cmd",
    "cxdial.cli.emulator_cmd",
    "cxdial.cli.simulate_cmd",
    "cxdial.cli.ledger_cmd",
)


def _register_all() -> None:
    for name in _COMMANDS:
        module = importlib.import_module(name)
        module.register(app)


_register_all()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return (and exit with) the stable exit code."""
    try:
        app(args=argv, standalone_mode=False)
    except CxdialError as exc:
        console_err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        code = exit_code_for(exc)
    except typer.Exit as exc:
        code = int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        console_err.print("aborted")
        code = 130
    except SystemExit as exc:  # click usage errors in standalone_mode=False still exit
        code = exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:  # last-resort handler keeps exit codes stable
        logging.getLogger("cxdial").debug("unhandled error", exc_info=True)
        console_err.print(f"[bold red]error:[/] {type(exc).__name__}: {exc}")
        code = 1
    else:
        code = 0
    if argv is None:
        sys.exit(code)
    return code
