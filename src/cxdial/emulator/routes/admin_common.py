"""Helpers of the campaign, disposition, reporting and general routes: bodies that may be
arrays, required date ranges, version-dependent names, empty pages, seconds as text and
the ``isActive`` of a status PATCH.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from fastapi import Response
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import Ctx
from cxdial.emulator.errors import ApiError
from cxdial.emulator.jsonbody import json_body
from cxdial.emulator.routes.common import page, since
from cxdial.emulator.validation import StrictModel, describe, query_flag

__all__ = [
    "BUSINESS_UNIT_NAME",
    "LEGACY_MAX",
    "StatusBody",
    "bu_meta",
    "date_range",
    "listing_page",
    "read_json",
    "status_flag",
    "validate",
    "validate_as",
]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

LEGACY_MAX = 23
"""Newest version with the older spellings: TAP calls v21 and reads ``outboundStats`` and
camelCase SLA items; the spec (the newest version) has ``wfM_OB_StatsV9`` and PascalCase.
No source shows v24-v32; the emulator gives them the spec's names."""
BUSINESS_UNIT_NAME = "cxdial emulator"
"""The demo business unit's name (emulator design)."""
_MAX_RANGE_DAYS = 31


async def read_json(ctx: Ctx) -> Any:
    """The JSON body (objects and arrays alike; empty = ``{}``), decoded once by the
    middleware (:func:`~cxdial.emulator.jsonbody.json_body`); a bad one is a 400."""
    return await json_body(ctx.request, empty={})


def validate(model: type[M], data: Any) -> M:
    """``data`` as ``model`` or a 400 naming the field at fault."""
    if not isinstance(data, dict):
        raise ApiError(400, "InvalidRequest", "Request body must be a JSON object")
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise ApiError(400, "InvalidParameter", describe(exc, model)) from None


class StatusBody(StrictModel):
    """The body of a ``PATCH …/status`` (campaigns, dispositions)."""

    isActive: bool  # noqa: N815 - CXone's wire name


async def status_flag(ctx: Ctx, query: str | None) -> bool:
    """``isActive`` of a ``PATCH …/status``: from the query, else the JSON body (the spec
    names no input; both are accepted); 400 when neither gives it."""
    if query is not None:
        return query_flag(query, "isActive")
    data = await read_json(ctx)
    if data == {}:
        raise ApiError(400, "InvalidParameter", "Missing required field 'isActive' (true/false)")
    return validate(StatusBody, data).isActive


def validate_as(adapter: TypeAdapter[T], data: Any, name: str) -> T:
    """``data`` through ``adapter`` (for array bodies), or a 400 naming ``name``."""
    try:
        return adapter.validate_python(data)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in (name, *first["loc"]))
        raise ApiError(
            400, "InvalidParameter", f"Invalid value for '{where}': {first['msg']}"
        ) from None


def date_range(ctx: Ctx, start: str, end: str) -> tuple[float, float]:
    """Required ``startDate``/``endDate`` as simulated times; 400 naming the bad one."""
    low = since(ctx, start, "startDate")
    high = since(ctx, end, "endDate")
    assert low is not None
    assert high is not None
    if high <= low:
        raise ApiError(400, "InvalidParameter", "Invalid endDate - it must be after startDate")
    if high - low > _MAX_RANGE_DAYS * 86_400:
        raise ApiError(
            400, "InvalidParameter", f"Date Range must be {_MAX_RANGE_DAYS} days or less"
        )
    return low, high


def bu_meta(ctx: Ctx) -> dict[str, Any]:
    """``businessUnitId`` and ``lastPollTime``, which reporting envelopes carry."""
    return {"businessUnitId": DEMO_BUSINESS_UNIT, "lastPollTime": ctx.world.iso(ctx.world.now)}


def listing_page(
    ctx: Ctx,
    items: Sequence[T],
    top: int | None,
    skip: int | None,
    *,
    default_top: int = 100,
) -> tuple[list[T], dict[str, Any]] | Response:
    """One page and its ``totalRecords``/``_links``, or **204** when the page is empty
    (also past the end, so a client paging by ``skip`` until an empty answer stops)."""
    chunk, meta = page(ctx, items, top, skip, default_top=default_top)
    if not chunk:
        return Response(status_code=204)
    return chunk, meta
