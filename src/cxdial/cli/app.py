"""The root typer application and the state its subcommands share."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.logging import RichHandler

from cxdial.config import Settings, load_settings

__all__ = ["CliState", "app", "console", "console_err", "state_of"]

console = Console()
console_err = Console(stderr=True)

app = typer.Typer(
    name="cxdial",
    help="Compliant outbound voice campaigns on NICE CXone Personal Connection.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@dataclass
class CliState:
    """Resolved once by the root command; subcommands read settings from here."""

    profile: str | None = None
    profile_path: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    _settings: Settings | None = None

    def settings(self, **explicit: Any) -> Settings:
        """Settings with the root options and ``explicit`` (non-None) applied on top."""
        if explicit or self._settings is None:
            resolved = load_settings(
                profile=self.profile,
                profile_path=self.profile_path,
                **{**self.overrides, **explicit},
            )
            if explicit:
                return resolved
            self._settings = resolved
        return self._settings


def state_of(ctx: typer.Context) -> CliState:
    """The shared :class:`CliState` (created on demand for direct sub-app invocation)."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


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
) -> None:
    """Compliant outbound voice campaigns on NICE CXone Personal Connection."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level, format="%(message)s", handlers=[RichHandler(console=console_err)], force=True
    )
    ctx.obj = CliState(profile=profile, profile_path=profile_file)
