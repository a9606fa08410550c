"""The one conversion of a pydantic validation failure into a cxdial error (compliance, pacing).

The message names the field as a dotted path and says what is wrong, in one line, with no
pydantic dump or documentation link. (The client area is building the same helper for the
whole package; at merge both call sites move to it.)
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import ValidationError as PydanticValidationError

from cxdial.errors import CxdialError, ValidationError

__all__ = ["field_error"]

E = TypeVar("E", bound=CxdialError)


def field_error(
    exc: PydanticValidationError,
    *,
    what: str,
    fix: str,
    kind: type[E] = ValidationError,  # type: ignore[assignment]
    field_prefix: str = "",
) -> E:
    """``kind`` naming the first failing field of ``exc``: ``"{what}: {field}: {problem}"``.

    A validator's ``ValueError("name: problem")`` refines the field to ``name``.
    ``field_prefix`` (e.g. a file name) is put before the dotted path in ``field``.
    """
    errors = exc.errors()
    first = errors[0]
    loc = ".".join(str(p) for p in first["loc"])
    msg = str(first["msg"]).removeprefix("Value error, ")
    if ": " in msg and " " not in msg.split(": ", 1)[0]:
        inner, msg = msg.split(": ", 1)
        loc = f"{loc}.{inner}" if loc else inner
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    text = f"{what}: {loc}: {msg}{more}" if loc else f"{what}: {msg}{more}"
    field = ".".join(p for p in (field_prefix, loc) if p) or None
    return kind(text, field=field, fix=fix)
