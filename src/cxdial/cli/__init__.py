"""The ``cxdial`` command line: a thin shell over the library.

The root callback resolves settings once into a :class:`CliState` its subcommands share.
Each command lives in its own module, imported only when that command runs (the registry
is :data:`cxdial.cli.registry.COMMANDS`), so ``cxdial --help`` loads no capability.

One handler maps errors to a message and a stable exit code: 0 ok, 1 API or runtime
error, 2 invalid input, usage or configuration (click's convention: ``cxdial`` alone
prints the help and exits 2), 3 blocked by compliance, 4 verification found a
difference (``ledger verify`` / ``audit verify`` tampering, ``campaign plan
--detailed-exitcode`` changes or drift), 5 not finished as asked (a call still ringing
when ``--wait`` gave up, ``campaign apply`` rolled back), 130 interrupted. With
``--json`` every outcome, errors included, is one JSON object on stdout.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TextIO, cast

import typer

from cxdial.cli.app import app, console_err, emit_json, styled
from cxdial.cli.output import error_payload
from cxdial.cli.state import CliState, now_utc
from cxdial.errors import CxdialError, exit_code_for

__all__ = ["app", "main"]

log = logging.getLogger("cxdial.cli")


def _wants_json(argv: Sequence[str]) -> bool:
    head = list(argv)[: list(argv).index("--")] if "--" in argv else list(argv)
    return "--json" in head


def _usage_error(exc: typer.TyperException, as_json: bool) -> int:
    code = int(getattr(exc, "exit_code", 2))
    if type(exc).__name__ == "NoArgsIsHelpError":  # click: the help on stderr, exit 2
        console_err.print(exc.format_message(), soft_wrap=True)
        return code
    ctx = getattr(exc, "ctx", None)
    message = exc.format_message()
    if as_json:
        emit_json({"ok": False, "exit_code": code, "error": {"type": "usage", "message": message}})
        return code
    if ctx is not None:
        console_err.print(ctx.get_usage(), soft_wrap=True)
    console_err.print(styled(("error: ", "bold red"), message), soft_wrap=True)
    if ctx is not None:
        console_err.print(f"try '{ctx.command_path} --help' for help", soft_wrap=True)
    return code


class _StdoutWatch:
    """Stands in for ``sys.stdout`` during a run: forwards everything, notes any write.

    A command that printed its JSON object and then fails (``screen --strict``, ``ledger
    verify``) has said what it had to say on stdout; the error then goes to stderr only,
    so ``--json`` output stays one object.
    """

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner
        self.written = False

    def write(self, text: str) -> int:
        """Forward ``text``; remember that stdout is no longer empty."""
        if text:
            self.written = True
        return self._inner.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _report(exc: BaseException, code: int, as_json: bool, stdout: _StdoutWatch) -> int:
    if as_json and not stdout.written:  # one object: a command's own comes first
        emit_json(error_payload(exc, code))
    else:
        text = str(exc) if isinstance(exc, CxdialError) else f"unexpected error: {exc}"
        console_err.print(styled(("error: ", "bold red"), text), soft_wrap=True)
    return code


def _run(argv: list[str], state: CliState, stdout: _StdoutWatch) -> int:
    as_json = _wants_json(argv)
    try:
        result = app(args=argv, standalone_mode=False, obj=state, prog_name="cxdial")
    except CxdialError as exc:
        return _report(exc, exit_code_for(exc), as_json or state.json_output, stdout)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        console_err.print("aborted")
        return 130
    except KeyboardInterrupt:
        console_err.print("interrupted")
        return 130
    except typer.TyperException as exc:  # click's usage errors: exit 2, option named
        return _usage_error(exc, as_json)
    except ModuleNotFoundError as exc:
        log.debug("missing module", exc_info=True)
        missing = CxdialError(
            f"this command needs {exc.name or 'a module'}, which is not installed",
            fix="install the extra it belongs to, e.g. pip install 'cxdial[emulator]'",
        )
        return _report(missing, 1, as_json or state.json_output, stdout)
    except Exception as exc:  # last-resort handler keeps exit codes stable
        log.debug("unhandled error", exc_info=True)
        return _report(exc, 1, as_json or state.json_output, stdout)
    return result if isinstance(result, int) and not isinstance(result, bool) else 0


def main(argv: Sequence[str] | None = None, *, clock: Callable[[], datetime] | None = None) -> int:
    """Run the CLI; return (and, called without ``argv``, exit with) the exit code.

    ``clock`` is the instant source of commands that judge "now" (default: the real clock).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    state = CliState(clock=clock or now_utc)
    real_stdout = sys.stdout
    watch = _StdoutWatch(real_stdout)
    sys.stdout = cast(TextIO, watch)
    try:
        code = _run(args, state, watch)
    finally:
        sys.stdout = real_stdout
        state.close()
    if argv is None:
        # The process ends here: spare the collector a final pass over every object
        # (~0.15 s once SQLAlchemy and pydantic are loaded); buffers are flushed as usual.
        gc.freeze()
        sys.exit(code)
    return code
