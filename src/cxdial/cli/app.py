"""The root typer application and the state its subcommands share.

Both consoles are built with ``markup=False``: no text reaching them (a CSV cell, an option,
an exception message) is ever parsed as rich markup. Style comes from :class:`rich.text.Text`
spans (see :func:`styled`), never from ``[tags]`` inside strings.

This module is imported for ``cxdial --help``: it must stay light (no pydantic, httpx,
polars, SQLAlchemy …). Settings are loaded inside :meth:`CliState.settings`.
"""

from __future__ import annotations

import json as jsonlib
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from cxdial.cli.registry import LazyGroup
from cxdial.cli.state import CliState, now_utc, state_of

__all__ = [
    "CliConsole",
    "CliState",
    "app",
    "console",
    "console_err",
    "emit_json",
    "now_utc",
    "state_of",
    "styled",
]


class CliConsole(Console):
    """A console whose ``print_json`` writes one compact line of JSON.

    No pretty-printer (50 000 rows print in milliseconds, not a minute), no highlighting.
    """

    def print_json(  # style options (indent, highlight …) are accepted and ignored
        self, json: str | None = None, *, data: Any = None, **_style: Any
    ) -> None:
        """Print ``json`` (or ``data`` encoded) as one line of compact JSON."""
        value = jsonlib.loads(json) if json is not None else data
        self.file.write(jsonlib.dumps(value, default=str, ensure_ascii=False) + "\n")
        self.file.flush()


console = CliConsole(markup=False, highlight=False)
console_err = Console(stderr=True, markup=False, highlight=False)

app = typer.Typer(
    name="cxdial",
    cls=LazyGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line from plain strings and ``(text, style)`` pairs; no text is read as markup."""
    return Text.assemble(*parts)


def emit_json(payload: object) -> None:
    """Print ``payload`` as one JSON document on stdout (no pretty-printer, no markup)."""
    console.print_json(data=payload)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            text = version("cxdial")
        except PackageNotFoundError:  # running from a source tree without metadata
            text = "unknown"
        typer.echo(f"cxdial {text}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    profile: str | None = typer.Option(
        None, "--profile", envvar="CXDIAL_PROFILE", help="profile section in the profile file"
    ),
    profile_file: Path | None = typer.Option(
        None, "--profile-file", envvar="CXDIAL_PROFILE_FILE", help="path of profiles.toml"
    ),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="-v info, -vv debug"),
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_version, help="print the version and exit"
    ),
) -> None:
    """Compliant outbound voice campaigns on NICE CXone Personal Connection.

    --profile, --profile-file and -v are accepted before or after the command.
    Exit codes: 0 ok, 1 API or runtime error, 2 invalid input, usage or configuration,
    3 blocked by compliance, 4 verification found a difference (ledger or audit
    tampered; campaign plan --detailed-exitcode: changes or drift), 5 not finished as
    asked (call still ringing when --wait gave up; campaign apply rolled back).
    """
    del version
    state = state_of(ctx)
    if profile is not None:
        state.profile = profile
    if profile_file is not None:
        state.profile_path = profile_file
    state.logging.set_verbosity(verbose)
