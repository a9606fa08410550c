"""Model bases: strict requests (unknown fields named, with the likely fix), tolerant responses."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from cxdial.errors import ValidationError

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


def validate_request(model: type[R], data: R | Mapping[str, Any]) -> R:
    """``data`` as ``model``; a :class:`cxdial.errors.ValidationError` names the field and fix."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(dict(data))
    except pydantic.ValidationError as exc:
        errors = exc.errors()
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        where = ".".join(str(p) for p in first["loc"]) or model.__name__
        leaf = str(first["loc"][-1]) if first["loc"] else where
        if first["type"] == "extra_forbidden":
            guess = difflib.get_close_matches(leaf, _known_names(model), n=1, cutoff=0.4)
            fix = (
                f"use {guess[0]!r} instead"
                if guess
                else (
                    f"remove it; {model.__name__} accepts: {', '.join(sorted(model.model_fields))}"
                )
            )
            message = f"unknown field {where!r} in {model.__name__}"
        elif first["type"] == "missing":
            message = f"missing required field {where!r} in {model.__name__}"
            fix = f"pass {where!r}"
        else:
            message = f"invalid {where!r} in {model.__name__}: {first['msg']}"
            fix = f"give {where!r} a valid value"
            number = any(word in leaf.lower() for word in ("phone", "caller"))
            if first["type"] == "string_pattern_mismatch" and number:
                fix = f"write {where!r} in E.164, e.g. +15551234567"
        raise ValidationError(message, field=where, fix=fix) from None


def to_wire(model: BaseModel) -> dict[str, Any]:
    """The camelCase JSON body of a request model, without unset optional fields."""
    return model.model_dump(by_alias=True, exclude_none=True, mode="json")


def parse_model(model: type[M], body: Any) -> M:
    """``body`` (None for 204/empty) as the tolerant response ``model``."""
    return model.model_validate(body if body is not None else {})
