"""Model bases: strict requests (unknown fields named, with the likely fix), tolerant responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from cxdial.validation_errors import FieldProblem, validation_error

__all__ = ["RequestModel", "ResponseModel", "parse_model", "to_wire", "validate_request"]

R = TypeVar("R", bound="RequestModel")
M = TypeVar("M", bound=BaseModel)


class RequestModel(BaseModel):
    """A request body or query: camelCase on the wire, snake_case or camelCase in Python.

    Unknown fields are rejected *before sending* (CXone often answers them with a bare 400).
    """

    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True
    )


class ResponseModel(BaseModel):
    """A response body: tolerant of fields CXone adds later (kept as extras)."""

    model_config = ConfigDict(extra="allow", alias_generator=to_camel, populate_by_name=True)


def _known_names(model: type[BaseModel]) -> list[str]:
    names: list[str] = []
    for name, info in model.model_fields.items():
        names.append(info.alias or name)
        names.append(name)
    return names


def _number_fix(problem: FieldProblem) -> str | None:
    number = any(word in problem.leaf.lower() for word in ("phone", "caller"))
    if problem.kind == "string_pattern_mismatch" and number:
        return f"write {problem.field!r} in E.164, e.g. +15551234567"
    return None


def validate_request(model: type[R], data: R | Mapping[str, Any]) -> R:
    """``data`` as ``model``; a :class:`cxdial.errors.ValidationError` names the field and fix."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(dict(data))
    except pydantic.ValidationError as exc:
        raise validation_error(
            exc, subject=model.__name__, known=_known_names(model), fix=_number_fix
        ) from None


def to_wire(model: BaseModel) -> dict[str, Any]:
    """The camelCase JSON body of a request model, without unset optional fields."""
    return model.model_dump(by_alias=True, exclude_none=True, mode="json")


def parse_model(model: type[M], body: Any) -> M:
    """``body`` (None for 204/empty) as the tolerant response ``model``."""
    return model.model_validate(body if body is not None else {})
