"""What one run of ``cxdial`` shares between the root command and its subcommands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cxdial.cli.logs import CliLogging

if TYPE_CHECKING:
    from cxdial.config import Settings

__all__ = ["CliState", "apply_global_option", "now_utc", "state_of"]


def now_utc() -> datetime:
    """The real clock (the default of :attr:`CliState.clock`)."""
    return datetime.now(UTC)


@dataclass
class CliState:
    """Resolved once per run; subcommands read settings, the clock and output mode here.

    ``clock`` is the instant source of every command that judges "now" (the compliance
    gate of ``cxdial call``); :func:`cxdial.cli.main` takes it as a parameter.
    """

    profile: str | None = None
    profile_path: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    clock: Callable[[], datetime] = now_utc
    json_output: bool = False
    logging: CliLogging = field(default_factory=CliLogging)
    _settings: Settings | None = None

    def settings(self, **explicit: Any) -> Settings:
        """Settings with the root options and ``explicit`` (non-None) applied on top."""
        from cxdial.config import load_settings

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

    def close(self) -> None:
        """Detach the CLI's log handler (the process is left as it was found)."""
        self.logging.close()


def state_of(ctx: typer.Context) -> CliState:
    """The shared :class:`CliState` (created on demand for direct sub-app invocation)."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
        root.call_on_close(root.obj.close)
    return root.obj


def apply_global_option(ctx: typer.Context, name: str, value: Any) -> None:
    """Apply a root option given after the subcommand (see :mod:`cxdial.cli.registry`)."""
    state = state_of(ctx)
    if name == "profile" and value is not None:
        state.profile = value
    elif name == "profile_file" and value is not None:
        state.profile_path = Path(value)
    elif name == "verbose" and value:
        state.logging.set_verbosity(max(value, state.logging.verbosity))
