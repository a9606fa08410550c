"""Shared route helpers: the API version, listings (paging, 204s, orderBy, fields, filters)
and their query parameters, reporting date windows, the ``icStatusDescription`` header on
successes, and lookups that 404 with a useful message.
"""

# Parameter names are CXone's camelCase wire names.
# ruff: noqa: N803

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, NamedTuple, TypeVar

from fastapi import Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import Ctx
from cxdial.emulator.entities import CallList, Skill
from cxdial.emulator.errors import ApiError
from cxdial.emulator.validation import query_flag

__all__ = [
    "LEGACY_NAMES_MAX",
    "MAX_TOP",
    "REPORT_MAX_DAYS",
    "CxoneRoute",
    "ListQuery",
    "OrderBy",
    "ReportWindow",
    "accepted",
    "api_version",
    "business_unit_meta",
    "filter_items",
    "find_list",
    "find_skill",
    "iso_duration",
    "list_query",
    "listing",
    "no_content",
    "normalize_phone",
    "order_items",
    "page",
    "project",
    "report_window",
    "since",
]

T = TypeVar("T")
MAX_TOP = 10_000
"""Largest page CXone serves on reporting endpoints (TAP saw about 10k)."""
LEGACY_NAMES_MAX = 23
"""The newest API version that still spells reporting fields the old way (``fromAddr``…).

v21–v23 use the old names (TAP's v21 schema, the SDK's V23 model); v33 the new ones (the
spec, the SDK's V33 model). No source shows v24–v32: the emulator gives them the new names.
"""
REPORT_MAX_DAYS = 30
"""Longest date range of a reporting query (QA v7: "Date Range must be 30 days or less")."""
_DAY = 86_400.0
SUCCESS_TEXT = {202: "Accepted"}
"""``icStatusDescription`` of successful answers (QA asserts "Success"; 202 is ours)."""


def api_version(ctx: Ctx) -> int:
    """The API version the request was made under (the one place routes read it)."""
    return ctx.version


class CxoneRoute(APIRoute):
    """A route whose 2xx answers carry ``icStatusDescription`` as CXone's do (QA v12)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def tagged(request: Request) -> Response:
            response = await handler(request)
            status = response.status_code
            if 200 <= status < 300 and "icstatusdescription" not in response.headers:
                response.headers["icStatusDescription"] = SUCCESS_TEXT.get(status, "Success")
            return response

        return tagged


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


def _canonical(name: str, known: Sequence[str], what: str, parameter: str) -> str:
    by_lower = {k.lower(): k for k in known}
    found = by_lower.get(name.strip().lower())
    if found is None:
        raise ApiError(
            400,
            "InvalidParameter",
            f"Invalid {parameter} - '{name.strip()}' is not a field of {what}; "
            f"expected one of {', '.join(known)}",
        )
    return found


def project(
    items: list[dict[str, Any]], fields: str | None, known: Sequence[str], what: str
) -> list[dict[str, Any]]:
    """Keep only the comma-separated ``fields`` of each item (CXone's ``fields``)."""
    if not fields or not fields.strip():
        return items
    wanted = [_canonical(f, known, what, "fields") for f in fields.split(",") if f.strip()]
    return [{k: item.get(k) for k in wanted} for item in items]


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, bool | int | float):
        return (1, float(value))
    return (2, str(value).lower())


def order_items(
    items: list[dict[str, Any]], order_by: str | None, known: Sequence[str], what: str
) -> list[dict[str, Any]]:
    """Sort by ``orderBy`` (``"field [asc|desc], ..."``); unknown fields are a 400."""
    if not order_by or not order_by.strip():
        return items
    keys: list[tuple[str, bool]] = []
    for part in order_by.split(","):
        words = part.split()
        if not words:
            continue
        direction = words[1].lower() if len(words) > 1 else "asc"
        if direction not in ("asc", "desc") or len(words) > 2:
            raise ApiError(
                400, "InvalidParameter", f"Invalid orderBy - '{part.strip()}'; use 'field asc|desc'"
            )
        keys.append((_canonical(words[0], known, what, "orderBy"), direction == "desc"))
    ordered = list(items)
    for name, descending in reversed(keys):
        ordered.sort(key=lambda item: _sort_key(item.get(name)), reverse=descending)
    return ordered


def _digits(value: Any) -> str:
    return "".join(ch for ch in str(value) if ch.isdigit())[-10:]


def filter_items(
    items: Iterable[dict[str, Any]], filters: Mapping[str, str | None]
) -> list[dict[str, Any]]:
    """Items whose fields equal every given query filter (numbers, booleans, addresses)."""
    wanted = {k: v for k, v in filters.items() if v is not None and v.strip() != ""}
    if not wanted:
        return list(items)
    checks: list[Callable[[dict[str, Any]], bool]] = []
    for name, raw in wanted.items():
        checks.append(_check(name, raw))
    return [item for item in items if all(check(item) for check in checks)]


def _check(name: str, raw: str) -> Callable[[dict[str, Any]], bool]:
    if name.lower().endswith(("address", "addr")):
        digits = _digits(raw)
        return lambda item: item.get(name) is not None and _digits(item[name]) == digits
    if name.startswith("is"):
        flag = query_flag(raw, name)
        return lambda item: bool(item.get(name)) == flag
    if name.endswith("Id") or name == "mediaType":
        try:
            number = int(raw)
        except ValueError:
            raise ApiError(400, "InvalidParameter", f"'{name}' must be an integer") from None
        return lambda item: item.get(name) == number
    return lambda item: str(item.get(name)) == raw


def listing(
    ctx: Ctx,
    items: list[dict[str, Any]],
    *,
    key: str,
    known: Sequence[str],
    top: int | None = None,
    skip: int | None = None,
    fields: str | None = None,
    order_by: str | None = None,
    default_top: int = 100,
    extra: Mapping[str, Any] | None = None,
) -> Any:
    """A CXone listing: ordered, paged, projected; **204** when the page holds nothing.

    A page past the end answers 204 too, so a client paging by ``skip`` until an empty
    answer stops (TAP's ``ContactsCompleted`` does exactly that).
    """
    ordered = order_items(items, order_by, known, key)
    project([], fields, known, key)  # a bad ``fields`` is a 400 even on an empty page
    chunk, meta = page(ctx, ordered, top, skip, default_top=default_top)
    if not chunk:
        return no_content()
    return {**meta, **(extra or {}), key: project(chunk, fields, known, key)}


OrderBy = Annotated[str | None, Query(alias="orderBy")]
"""The ``orderBy`` query parameter (camelCase on the wire)."""


@dataclass(frozen=True, slots=True)
class ListQuery:
    """The query parameters every listing takes: ``fields``, ``orderBy``, ``top``, ``skip``."""

    fields: str | None
    order_by: str | None
    top: int | None
    skip: int | None

    def listing(
        self,
        ctx: Ctx,
        items: list[dict[str, Any]],
        *,
        key: str,
        known: Sequence[str],
        default_top: int = 100,
        extra: Mapping[str, Any] | None = None,
    ) -> Any:
        """:func:`listing` of ``items`` paged, ordered and projected as the query asks."""
        return listing(
            ctx,
            items,
            key=key,
            known=known,
            top=self.top,
            skip=self.skip,
            fields=self.fields,
            order_by=self.order_by,
            default_top=default_top,
            extra=extra,
        )


def list_query(
    request: Request,
    fields: str | None = None,
    orderBy: OrderBy = None,
    top: int | None = None,
    skip: int | None = None,
) -> ListQuery:
    """Dependency: a listing's query parameters (``orderBy`` may also be spelled
    ``orderby``, as in QA's lab test data)."""
    order_by = orderBy if orderBy is not None else request.query_params.get("orderby")
    return ListQuery(fields, order_by, top, skip)


def iso_duration(seconds: float) -> str:
    """ISO-8601 duration text, the form CXone sends durations in (``PT1M5.5S``)."""
    whole = round(max(seconds, 0.0), 3)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{int(hours)}H"
    if minutes:
        text += f"{int(minutes)}M"
    if secs or text == "PT":
        text += f"{round(secs, 3):g}S"
    return text


def business_unit_meta(ctx: Ctx) -> dict[str, Any]:
    """``businessUnitId`` and ``lastPollTime``, which reporting envelopes carry."""
    return {"businessUnitId": DEMO_BUSINESS_UNIT, "lastPollTime": ctx.world.iso(ctx.world.now)}


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


class ReportWindow(NamedTuple):
    """A reporting query's dates as simulated times (None = not given)."""

    start: float | None
    end: float | None
    since: float | None
    """``updatedSince``."""

    def holds(self, began: float, changed: float | None = None) -> bool:
        """Whether a row that began at ``began`` and last changed at ``changed`` (default:
        when it began) is in the window: begun in ``[start, end)``, changed since ``since``."""
        if self.start is not None and began < self.start:
            return False
        if self.end is not None and began >= self.end:
            return False
        return self.since is None or (began if changed is None else changed) >= self.since


def report_window(
    ctx: Ctx,
    start_text: str | None,
    end_text: str | None,
    since_text: str | None,
    *,
    max_days: int = REPORT_MAX_DAYS,
    need_start: bool = False,
) -> ReportWindow:
    """``(start, end, updatedSince)`` by CXone's date rules on reporting (QA v7 lab data,
    RPV70067–RPV70075, on completed contacts): some date is required, ``endDate`` needs a
    ``startDate`` and defaults to now, a range spans at most ``max_days``. With
    ``need_start`` only ``startDate`` will do (``/contacts/custom-data``)."""
    start_text, end_text, since_text = (
        v if v and v.strip() else None for v in (start_text, end_text, since_text)
    )
    if need_start and start_text is None:
        raise ApiError(
            400, "InvalidParameter", "Invalid startDate - missing required query parameter"
        )
    if start_text is None and end_text is None and since_text is None:
        raise ApiError(
            400,
            "InvalidParameter",
            "Invalid DateRange - No dates fields provided; pass updatedSince, or startDate "
            "(and endDate)",
        )
    now = ctx.world.now
    after = None
    if since_text is not None:
        after = _report_date(ctx, since_text, "Invalid updatedSince")
        if after < now - max_days * _DAY:
            raise ApiError(
                400,
                "InvalidParameter",
                f"Invalid updatedSince - '{since_text}', must be {max_days} days or less",
            )
    if start_text is None:
        if end_text is not None:
            raise ApiError(400, "InvalidParameter", "Invalid startDate - endDate needs a startDate")
        return ReportWindow(None, None, after)
    start = _report_date(ctx, start_text, "Invalid startDate")
    end = _report_date(ctx, end_text, "Invalid endDate") if end_text is not None else now
    if end < start:
        raise ApiError(400, "InvalidParameter", "Invalid DateRange - endDate is before startDate")
    if end - start > max_days * _DAY:
        raise ApiError(
            400,
            "InvalidParameter",
            f"Invalid DateRange - Date Range must be {max_days} days or less",
        )
    return ReportWindow(start, end, after)


def _report_date(ctx: Ctx, text: str, prefix: str) -> float:
    try:
        return ctx.world.clock.from_iso(text)
    except ValueError:
        raise ApiError(
            400,
            "InvalidParameter",
            f"{prefix} - '{text}' is not an ISO-8601 date-time, e.g. 2026-01-31T09:00:00Z",
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
    """The calling list or a 404 naming it."""
    found = ctx.world.lists.get(list_id)
    if found is None:
        raise ApiError(404, "ListNotFound", f"No calling list with listId {list_id}")
    return found
