"""General endpoints: server time, time zones and API versions.

Shapes: calljacob/nice-cxone-api @28a1bd4b ``AdminGeneralService.ts``
(``AdminGeneral_getServerTimeResponse`` → ``{ServerTime}``,
``AdminGeneral_getTimeZonesResponse`` → ``{timeZones[{displayName, standardName,
offset}]}``, ``getApiversion`` → ``{apiInfo[{uri, version, verb}]}`` with
``searchUriText`` and ``verb``). ``/apiversion`` is derived from the emulator's own route
table, so it lists exactly what this tenant serves, each at its newest version.
The time-zone table is the emulator's (Windows names, as ``standardName`` uses).
"""

# Parameter and field names are CXone's camelCase wire names.
# ruff: noqa: N803

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import APIRouter, Depends, Response
from fastapi.routing import APIRoute

from cxdial.emulator import deps
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd

__all__ = ["TIME_ZONES", "api_versions", "router"]

router = APIRouter(prefix=ACD_PREFIX)
_BU = Depends(acd("Business Unit View"))
TIME_ZONES: tuple[tuple[str, str, str], ...] = (
    ("(UTC-10:00) Hawaii", "Hawaiian Standard Time", "-10:00"),
    ("(UTC-09:00) Alaska", "Alaskan Standard Time", "-09:00"),
    ("(UTC-08:00) Pacific Time (US & Canada)", "Pacific Standard Time", "-08:00"),
    ("(UTC-07:00) Arizona", "US Mountain Standard Time", "-07:00"),
    ("(UTC-07:00) Mountain Time (US & Canada)", "Mountain Standard Time", "-07:00"),
    ("(UTC-06:00) Central Time (US & Canada)", "Central Standard Time", "-06:00"),
    ("(UTC-05:00) Eastern Time (US & Canada)", "Eastern Standard Time", "-05:00"),
    ("(UTC-04:00) Atlantic Time (Canada)", "Atlantic Standard Time", "-04:00"),
    ("(UTC) Coordinated Universal Time", "UTC", "+00:00"),
    ("(UTC+00:00) Dublin, Edinburgh, Lisbon, London", "GMT Standard Time", "+00:00"),
    (
        "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
        "W. Europe Standard Time",
        "+01:00",
    ),
    ("(UTC+10:00) Canberra, Melbourne, Sydney", "AUS Eastern Standard Time", "+10:00"),
)
"""(displayName, standardName, offset) of the zones the emulator offers."""
_SNAKE = re.compile(r"_([a-z])")


def _camel(path: str) -> str:
    """``/skills/{skill_id}`` spelled as CXone documents it: ``/skills/{skillId}``."""
    return _SNAKE.sub(lambda m: m.group(1).upper(), path)


def _flat(routes: Iterable[Any]) -> Iterator[Any]:
    """Every route, also those of included routers and mounts."""
    for route in routes:
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        if inner is None:
            inner = getattr(route, "routes", None)
        if inner is not None:
            yield from _flat(inner)
        else:
            yield route


def _newest(verb: str, template: str) -> int:
    """The newest version serving ``verb template``, from the routing's version table
    (``versions.versions_for`` where that module exists, else ``deps.VERSION_TABLE``: the
    table is moving between modules while this is written)."""
    try:
        versions = importlib.import_module("cxdial.emulator.versions")
    except ModuleNotFoundError:
        table = getattr(deps, "VERSION_TABLE")  # noqa: B009 - may be absent
        default = getattr(deps, "DEFAULT_VERSIONS")  # noqa: B009 - may be absent
        return int(table.get(template, default)[1])
    return int(versions.versions_for(verb, template).high)


def api_versions(routes: Iterable[Any]) -> list[dict[str, Any]]:
    """``apiInfo`` items for every ACD route in ``routes``: uri, newest version, verb."""
    found: dict[tuple[str, str], int] = {}
    for route in _flat(routes):
        if not isinstance(route, APIRoute) or not route.path.startswith(ACD_PREFIX):
            continue
        template = route.path.removeprefix(ACD_PREFIX)
        for verb in route.methods or ():
            found[(_camel(template), verb)] = _newest(verb, template)
    return [
        {"uri": uri, "version": version, "verb": verb}
        for (uri, verb), version in sorted(found.items())
    ]


@router.get("/server-time")
async def server_time(ctx: Ctx = _BU) -> dict[str, Any]:
    """The platform's (simulated) time."""
    return {"ServerTime": ctx.world.iso(ctx.world.now)}


@router.get("/timezones")
async def time_zones(ctx: Ctx = _BU) -> dict[str, Any]:
    """Time zones a business unit, skill or calling list may use."""
    del ctx
    return {
        "timeZones": [
            {"displayName": display, "standardName": standard, "offset": offset}
            for display, standard, offset in TIME_ZONES
        ]
    }


@router.get("/apiversion")
async def api_version(
    ctx: Ctx = _BU, searchUriText: str | None = None, verb: str | None = None
) -> Any:
    """Served endpoints with their newest version; 204 when the filter matches none."""
    text = (searchUriText or "").strip().lower()
    wanted = (verb or "").strip().upper()
    items = [
        item
        for item in api_versions(list(ctx.request.app.routes))
        if text in item["uri"].lower() and (not wanted or item["verb"] == wanted)
    ]
    if not items:
        return Response(status_code=204)
    return {"apiInfo": items}
