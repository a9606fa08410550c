"""Which module provides each ``cxdial`` command, loaded only when that command runs.

The convention every command module follows: it exposes ``register(app: typer.Typer) ->
None``, which adds its commands (``app.command(NAME)(fn)`` or ``app.add_typer(sub,
name=NAME)``), and it imports its capability (the emulator, SciPy, SQLAlchemy …) inside the
command function, never at module level. To add a command, add one :class:`LazyCommand` to
:data:`COMMANDS`: its ``help`` is what ``cxdial --help`` lists, so listing the commands
imports none of their modules.

A listed module that is not installed is left out of the listing and answers "no such
command" (the ledger and auth commands ship from their own modules).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from cxdial.cli.state import apply_global_option

__all__ = ["COMMANDS", "LazyCommand", "LazyGroup", "load_module_commands"]


@dataclass(frozen=True)
class LazyCommand:
    """A top-level command: its name, the module whose ``register`` adds it, its summary."""

    name: str
    module: str
    help: str


COMMANDS: tuple[LazyCommand, ...] = (
    LazyCommand("demo", "cxdial.cli.demo_cmd", "Run the main job against a fresh emulator."),
    LazyCommand("call", "cxdial.cli.call_cmd", "Place one call now, after the compliance gate."),
    LazyCommand("follow", "cxdial.cli.call_cmd", "Follow a call placed earlier to its outcome."),
    LazyCommand("auth", "cxdial.cli.auth_cmd", "Check credentials against the CXone tenant."),
    LazyCommand("screen", "cxdial.cli.screen_cmd", "Screen a contacts CSV for compliance."),
    LazyCommand("ledger", "cxdial.cli.ledger_cmd", "Verify and explain the compliance ledger."),
    LazyCommand(
        "simulate", "cxdial.cli.simulate_cmd", "Simulate pacing policies beside the bound."
    ),
    LazyCommand("capacity", "cxdial.cli.simulate_cmd", "Size the team that reaches a target."),
    LazyCommand("emulator", "cxdial.cli.emulator_cmd", "Serve the CXone emulator on loopback."),
    LazyCommand("serve", "cxdial.cli.serve_cmd", "Receive, poll and process call events."),
    LazyCommand(
        "events", "cxdial.cli.events_cmd", "Event pipeline: stats, replay, reconcile, outbound."
    ),
    LazyCommand("campaign", "cxdial.cli.campaign_cmd", "Campaigns as code: plan, apply, run."),
    LazyCommand("audit", "cxdial.cli.audit_cmd", "List or verify the campaign audit log."),
    LazyCommand(
        "list", "cxdial.cli.list_cmd", "Upload a calling list the gate cleared; re-screen it."
    ),
    LazyCommand("consent", "cxdial.cli.consent_cmd", "Import or show stored consent records."),
    LazyCommand("db", "cxdial.cli.db_cmd", "Upgrade the store's schema; show its revision."),
)


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def load_module_commands(module: str) -> dict[str, Any]:
    """Import ``module``, call its ``register`` on a fresh app, and return its commands."""
    sub = typer.Typer(rich_markup_mode=None, add_completion=False)  # plain help, no markup
    importlib.import_module(module).register(sub)
    group = typer.main.get_group(sub)
    if not isinstance(group, TyperGroup):
        raise TypeError(f"{module}.register added no command group")
    return dict(group.commands)


def _applies(name: str) -> Callable[[typer.Context, Any], Any]:
    def apply(ctx: typer.Context, value: Any) -> Any:
        apply_global_option(ctx, name, value)
        return value

    return apply


def _global_params() -> list[Any]:
    """``--profile``, ``--profile-file`` and ``-v`` as parameters a subcommand can carry."""
    carrier = typer.Typer(add_completion=False)

    @carrier.command()
    def options(
        profile: str | None = typer.Option(
            None,
            "--profile",
            callback=_applies("profile"),
            expose_value=False,
            help="profile section in the profile file",
        ),
        profile_file: Path | None = typer.Option(
            None,
            "--profile-file",
            callback=_applies("profile_file"),
            expose_value=False,
            help="path of profiles.toml",
        ),
        verbose: int = typer.Option(
            0,
            "--verbose",
            "-v",
            count=True,
            callback=_applies("verbose"),
            expose_value=False,
            help="-v info, -vv debug",
        ),
    ) -> None:
        """Never run: only its parameters are used."""

    return list(typer.main.get_command(carrier).params)


def _add_global_options(command: Any) -> None:
    """Accept ``--profile``/``--profile-file``/``-v`` after the subcommand too."""
    if isinstance(command, TyperGroup):
        for child in command.commands.values():
            _add_global_options(child)
        return
    taken = {opt for p in command.params for opt in getattr(p, "opts", [])}
    for option in _global_params():
        if not taken & set(option.opts):
            command.params.append(option)


class LazyGroup(TyperGroup):
    """The root group: lists :data:`COMMANDS` from their summaries, imports one when run."""

    def _entry(self, name: str) -> LazyCommand | None:
        return next((c for c in COMMANDS if c.name == name), None)

    def list_commands(self, ctx: Any) -> list[str]:
        """Every installed listed command, then any added directly."""
        listed = [c.name for c in COMMANDS if _installed(c.module)]
        return listed + [n for n in self.commands if n not in listed]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The loaded command, or a summary-only stand-in (listing never imports)."""
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = self._entry(cmd_name)
        if entry is None or not _installed(entry.module):
            return None
        return TyperCommand(name=cmd_name, help=entry.help, short_help=entry.help)

    def load(self, cmd_name: str) -> None:
        """Import the module that provides ``cmd_name`` and add what it registers."""
        entry = self._entry(cmd_name)
        if cmd_name in self.commands or entry is None or not _installed(entry.module):
            return
        for name, command in load_module_commands(entry.module).items():
            if name not in self.commands:
                _add_global_options(command)
                command.short_help = command.short_help or self._summary(name)
                self.commands[name] = command

    def _summary(self, name: str) -> str | None:
        entry = self._entry(name)
        return entry.help if entry else None

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Load the named command first; suggest close names for a typo."""
        if args:
            self.load(args[0])
        try:
            return super().resolve_command(ctx, args)
        except typer.TyperException as exc:
            message = str(getattr(exc, "message", ""))
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches and message and "Did you mean" not in message:
                exc.message = f"{message.rstrip('.')}. Did you mean {matches[0]!r}?"
            raise
