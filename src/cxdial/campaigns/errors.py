"""The typed errors of campaigns as code, each with its exit code.

::

    CxdialError
    ├── ValidationError
    │   ├── SpecError             the spec file is invalid (every problem by dotted path)  2
    │   └── InvalidTransition     a lifecycle request the current state does not allow      2
    ├── ConfigConflict            the live skill changed since cxdial last applied it       1
    └── RolledBack                apply failed and the snapshot was restored                5
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cxdial.errors import CxdialError, ValidationError

__all__ = [
    "DRIFT_EXIT_CODE",
    "ROLLED_BACK_EXIT_CODE",
    "ConfigConflict",
    "InvalidTransition",
    "RolledBack",
    "SpecError",
    "SpecProblem",
]

DRIFT_EXIT_CODE = 4
"""``cxdial campaign plan --detailed-exitcode`` exits with this when there is a diff."""
ROLLED_BACK_EXIT_CODE = 5


@dataclass(frozen=True)
class SpecProblem:
    """One thing wrong with a spec: the dotted path and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SpecError(ValidationError):
    """The spec is invalid; ``problems`` lists each one (the first is in the message)."""

    def __init__(self, source: str, problems: Sequence[SpecProblem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0] if self.problems else SpecProblem("", "invalid")
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(
            f"{source}: {first}{more}",
            field=first.path or None,
            fix="correct the spec; `cxdial campaign validate SPEC.yaml` lists every problem",
        )


class InvalidTransition(ValidationError):
    """The campaign's state does not allow the requested change."""

    def __init__(self, campaign: str, state: str, action: str, allowed: Sequence[str]) -> None:
        self.state = state
        self.action = action
        can = ", ".join(allowed) if allowed else "nothing"
        super().__init__(
            f"campaign {campaign!r} is {state}: cannot {action}",
            field="state",
            fix=f"from {state} you can: {can}",
        )


class ConfigConflict(CxdialError):
    """The live configuration differs from what cxdial applied last: a console edit."""

    def __init__(self, campaign: str, changes: Sequence[str], *, reason: str = "") -> None:
        self.changes = tuple(changes)
        shown = "; ".join(self.changes[:3]) + (" …" if len(self.changes) > 3 else "")
        super().__init__(
            f"campaign {campaign!r}: {reason or 'the live skill changed since the last apply'}"
            + (f" ({shown})" if shown else ""),
            fix="run `cxdial campaign plan` to see the drift, then fold it into the spec "
            "or apply with --force",
        )


class RolledBack(CxdialError):
    """Apply failed; the snapshot was restored (``restore_error`` says if that failed too)."""

    exit_code = ROLLED_BACK_EXIT_CODE

    def __init__(
        self, campaign: str, cause: BaseException, *, restore_error: BaseException | None = None
    ) -> None:
        self.cause = cause
        self.restore_error = restore_error
        restored = (
            f"and restoring the snapshot ALSO failed: {restore_error}"
            if restore_error is not None
            else "the previous configuration was restored and verified by re-reading"
        )
        super().__init__(
            f"campaign {campaign!r}: apply failed ({cause}); {restored}",
            fix="fix the cause and apply again"
            if restore_error is None
            else "compare the skill in the console with `cxdial campaign plan` before retrying",
        )
