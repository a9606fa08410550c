"""Strict JSON decoding of request bodies: every problem is a 400 that names it.

``json.loads`` alone lets through what later breaks a response (a lone surrogate stored
in a DNC group made every later ``GET`` fail) and raises what is not a ``JSONDecodeError``
(a 5000-digit integer, 100 000 nested arrays). :func:`decode_json` refuses all of these
up front. The emulator's middleware checks every JSON body once and keeps the value in
the request scope; route code reads it with :func:`json_body` (the same value, decoded
once) instead of parsing the body again.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.requests import Request

from cxdial.emulator.errors import ApiError

__all__ = ["MAX_DEPTH", "MAX_INT_DIGITS", "SCOPE_KEY", "decode_json", "json_body"]

MAX_DEPTH = 64
"""Deepest nesting accepted (CXone bodies nest three or four levels)."""
MAX_INT_DIGITS = 20
"""Longest integer accepted; CXone ids are 64-bit at most (emulator design)."""
SCOPE_KEY = "cxdial.json"
"""Where the middleware keeps a decoded body in ``scope["state"]``."""


def _bad(problem: str) -> ApiError:
    return ApiError(400, "InvalidRequest", f"Request body is not valid JSON: {problem}")


def _parse_int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > MAX_INT_DIGITS:
        raise _bad(f"an integer of {len(digits)} digits is out of range (at most 64-bit)")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _bad(f"the number {text[:40]} is out of range")
    return value


def _parse_constant(name: str) -> Any:
    raise _bad(f"{name} is not a JSON value (JSON has no Infinity or NaN)")


def _check_tree(value: Any) -> None:
    """Depth and text checks without recursion (the tree may be deep)."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "body")]
    while stack:
        item, depth, where = stack.pop()
        if isinstance(item, str):
            _check_text(item, where)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise _bad(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            for key, child in item.items():
                _check_text(key, f"a key in {where}")
                stack.append((child, depth + 1, f"{where}.{key}"[:80]))
        else:
            stack.extend((child, depth + 1, f"{where}[{i}]") for i, child in enumerate(item))


def _check_text(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        raise _bad(
            f"{where} holds a lone surrogate \\u{code:04x}; escape pairs must be complete"
        ) from None


def decode_json(raw: bytes) -> Any:
    """The value of the JSON document ``raw`` (UTF-8), or an :class:`ApiError` 400 naming
    the problem: bad UTF-8, bad syntax, ``NaN``/``Infinity``, out-of-range numbers, lone
    surrogates, nesting deeper than :data:`MAX_DEPTH`."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _bad(f"invalid UTF-8 at byte {exc.start}") from None
    try:
        value = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
    except json.JSONDecodeError as exc:
        raise _bad(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise _bad(f"nested deeper than {MAX_DEPTH} levels") from None
    _check_tree(value)
    return value


async def json_body(request: Request, *, empty: Any = None) -> Any:
    """The request's JSON body, decoded once (by the middleware when it ran); ``empty``
    when the body is empty or whitespace."""
    state = request.scope.get("state", {})
    if SCOPE_KEY in state:
        return state[SCOPE_KEY]
    raw = await request.body()
    value = empty if not raw.strip() else decode_json(raw)
    state[SCOPE_KEY] = value
    return value
