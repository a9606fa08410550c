"""Strict request parsing whose 400s name the field at fault and the expected names."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from cxdial.emulator.errors import ApiError
from cxdial.emulator.jsonbody import json_body

__all__ = ["StrictModel", "parse_body", "query_flag"]

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Request bodies: unknown fields and wrong types are refused."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel]:
    """The nested model that owns the last element of ``loc``."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            break
        field = current.model_fields.get(str(part))
        if field is None:
            break
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else model


def _unwrap(annotation: Any) -> Any:
    """The BaseModel inside ``list[X]``, ``X | None`` and friends, else the annotation."""
    for arg in typing.get_args(annotation):
        inner = _unwrap(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    if isinstance(annotation, types.UnionType):
        return None
    return annotation


def describe(exc: PydanticValidationError, model: type[BaseModel]) -> str:
    """One sentence naming the first bad field and how to fix it."""
    errors = exc.errors()
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(first["loc"])
    name = str(loc[-1]) if loc else "body"
    path = ".".join(str(p) for p in loc) or "body"
    kind = first["type"]
    if kind == "extra_forbidden":
        owner = _model_at(model, loc)
        fields = list(owner.model_fields)
        close = difflib.get_close_matches(name, fields, n=1, cutoff=0.4)
        expected = close[0] if close else ", ".join(fields)
        return f"Unknown field '{path}'; expected {expected}"
    if kind == "missing":
        return f"Missing required field '{path}'"
    return f"Invalid value for field '{path}': {first['msg']}"


async def parse_body(request: Request, model: type[M], *, list_key: str | None = None) -> M:
    """Parse the JSON body into ``model`` or raise a 400 that names the field.

    The body is the one the middleware decoded (:func:`~cxdial.emulator.jsonbody.json_body`);
    an empty body is ``{}``. With ``list_key``, a bare JSON array is read as
    ``{list_key: [...]}`` (real clients send both forms to some batch endpoints, e.g. MCP's
    bare agent array).
    """
    data = await json_body(request, empty={})
    if list_key is not None and isinstance(data, list):
        data = {list_key: data}
    if not isinstance(data, dict):
        raise ApiError(400, "InvalidRequest", "Request body must be a JSON object")
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise ApiError(400, "InvalidParameter", describe(exc, model)) from exc


def query_flag(value: str | None, name: str, default: bool = False) -> bool:
    """A CXone boolean query parameter ('true'/'false', any case)."""
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in {"true", "1"}:
        return True
    if lowered in {"false", "0"}:
        return False
    raise ApiError(400, "InvalidParameter", f"Query parameter '{name}' must be true or false")
