"""Shared route helpers: pagination, 204s, lookups that 404 with a useful message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from fastapi import Response
from fastapi.responses import JSONResponse

from cxdial.emulator.deps import Ctx
from cxdial.emulator.entities import CallList, Skill
from cxdial.emulator.errors import ApiError

__all__ = [
    "MAX_TOP",
    "accepted",
    "find_list",
    "find_skill",
    "no_content",
    "normalize_phone",
    "page",
    "since",
]

T = TypeVar("T")
MAX_TOP = 10_000
"""Largest page CXone serves on reporting endpoints (TAP saw about 10k)."""


def page(
    ctx: Ctx, items: Sequence[T], top: int | None, skip: int | None, *, default_top: int = 100
) -> tuple[list[T], dict[str, Any]]:
    """One page of ``items`` plus ``totalRecords`` and ``_links`` (self/next/previous)."""
    if top is not None and not 1 <= top <= MAX_TOP:
        raise ApiError(400, "InvalidParameter", f"'top' must be between 1 and {MAX_TOP}")
    if skip is not None and skip < 0:
        raise ApiError(400, "InvalidParameter", "'skip' must be 0 or more")
    size, start = top or default_top, skip or 0
    chunk = list(items[start : start + size])
    url = ctx.request.url
    links: dict[str, str | None] = {"self": str(url), "next": None, "previous": None}
    if start + size < len(items):
        links["next"] = str(url.include_query_params(top=size, skip=start + size))
    if start > 0:
        links["previous"] = str(url.include_query_params(top=size, skip=max(start - size, 0)))
    return chunk, {"totalRecords": len(items), "_links": links}


def no_content() -> Response:
    """CXone's answer when there is no data."""
    return Response(status_code=204)


def accepted(body: dict[str, Any] | None = None) -> JSONResponse:
    """202 Accepted, for actions CXone completes asynchronously."""
    return JSONResponse(body or {}, status_code=202)


def find_skill(ctx: Ctx, skill_id: int) -> Skill:
    """The skill or a 404 naming it."""
    skill = ctx.world.skills.get(skill_id)
    if skill is None:
        raise ApiError(
            404, "SkillNotFound", f"No skill with skillId {skill_id} in this business unit"
        )
    return skill


def since(ctx: Ctx, value: str | None, name: str) -> float | None:
    """Parse an ISO-8601 query date into simulated time, or 400 naming the parameter."""
    if value is None:
        return None
    try:
        return ctx.world.clock.from_iso(value)
    except ValueError:
        raise ApiError(
            400,
            "InvalidParameter",
            f"'{name}' must be an ISO-8601 date-time, e.g. 2026-01-31T09:00:00Z",
        ) from None


def normalize_phone(text: str) -> str | None:
    """E.164 for a North American number (10 digits, or 11 starting with 1), else None."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10 and digits[0] not in "01":
        return "+1" + digits
    return None


def find_list(ctx: Ctx, list_id: int) -> CallList:
    found = ctx.world.lists.get(list_id)
    if found is None:
        raise ApiError(404, "ListNotFound", f"No calling list with listId {list_id}")
    return found
