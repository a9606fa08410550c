"""The one translation of a :class:`pydantic.ValidationError` into a cxdial error.

Every place that validates input with pydantic (request models, settings, response
shapes, scenario and rule files, consent records) reports the same way: the field at fault
by its dotted path, what is wrong with it, and the fix. :func:`field_problem` picks the
problem to report; :func:`validation_error` turns it into a typed error (``ValidationError``
by default, ``ConfigurationError`` for settings …). :func:`field_error` is the one-line form
the data files use (compliance rules, consent records, pacing scenarios):
``"{what}: {field}: {problem}"``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from cxdial.errors import CxdialError, ValidationError

if TYPE_CHECKING:
    import pydantic

__all__ = ["FieldProblem", "field_error", "field_problem", "validation_error"]

E = TypeVar("E", bound=CxdialError)


@dataclass(frozen=True)
class FieldProblem:
    """One problem pydantic found: where, which kind, and its own words."""

    field: str
    """Dotted location (``skills.0.skillName``); empty when the input as a whole is wrong."""
    kind: str
    """pydantic's error type: ``missing``, ``extra_forbidden``, ``string_pattern_mismatch`` …"""
    detail: str
    """pydantic's message, e.g. ``Input should be a valid integer``."""

    @property
    def leaf(self) -> str:
        """The last part of :attr:`field` (``skillName``)."""
        return self.field.rsplit(".", 1)[-1]

    def describe(self, subject: str) -> str:
        """``unknown field 'x' in Subject`` / ``missing required …`` / ``invalid …: detail``."""
        where = repr(self.field) if self.field else "input"
        if self.kind == "extra_forbidden":
            return f"unknown field {where} in {subject}"
        if self.kind == "missing":
            return f"missing required field {where} in {subject}"
        return f"invalid {where} in {subject}: {self.detail}"

    def default_fix(self, known: Iterable[str] = ()) -> str:
        """The closest known name for an unknown field, else what to pass or correct."""
        names = list(known)
        if self.kind == "extra_forbidden":
            guess = difflib.get_close_matches(self.leaf, names, n=1, cutoff=0.4)
            if guess:
                return f"use {guess[0]!r} instead"
            return f"remove it; accepted: {', '.join(sorted(set(names)))}" if names else "remove it"
        if self.kind == "missing":
            return f"pass {self.field!r}"
        return f"give {self.field or 'it'!r} a valid value"


def _dotted(loc: Iterable[object]) -> str:
    """A pydantic error location as a dotted path (``skills.0.skillName``)."""
    return ".".join(str(p) for p in loc)


def field_problem(exc: pydantic.ValidationError) -> FieldProblem:
    """The problem to report: an unknown field first (usually a typo), else the first one."""
    errors = exc.errors()
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    return FieldProblem(
        field=_dotted(first["loc"]),
        kind=str(first["type"]),
        detail=str(first["msg"]),
    )


def validation_error(
    exc: pydantic.ValidationError,
    *,
    subject: str,
    error: type[E] = ValidationError,  # type: ignore[assignment]
    known: Iterable[str] = (),
    fix: str | Callable[[FieldProblem], str | None] | None = None,
) -> E:
    """The cxdial ``error`` for ``exc``: names the field, says what is wrong and the fix.

    ``subject`` names what was validated (``DialPhone``, ``settings``); ``known`` lists the
    accepted names, so an unknown field gets a "did you mean"; ``fix`` overrides the
    default fix, as text or computed from the :class:`FieldProblem`.
    """
    problem = field_problem(exc)
    chosen = fix(problem) if callable(fix) else fix
    return error(
        problem.describe(subject),
        field=problem.field or subject,
        fix=chosen or problem.default_fix(known),
    )


def field_error(
    exc: pydantic.ValidationError,
    *,
    what: str,
    fix: str,
    kind: type[E] = ValidationError,  # type: ignore[assignment]
    field_prefix: str = "",
) -> E:
    """``kind`` naming the first failing field of ``exc``: ``"{what}: {field}: {problem}"``.

    One line, no pydantic dump or documentation link. A validator's
    ``ValueError("name: problem")`` refines the field to ``name``. ``field_prefix`` (e.g. a
    file name) is put before the dotted path in ``field``.
    """
    errors = exc.errors()
    first = errors[0]
    loc = _dotted(first["loc"])
    msg = str(first["msg"]).removeprefix("Value error, ")
    if ": " in msg and " " not in msg.split(": ", 1)[0]:
        inner, msg = msg.split(": ", 1)
        loc = f"{loc}.{inner}" if loc else inner
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    text = f"{what}: {loc}: {msg}{more}" if loc else f"{what}: {msg}{more}"
    field = ".".join(p for p in (field_prefix, loc) if p) or None
    return kind(text, field=field, fix=fix)
