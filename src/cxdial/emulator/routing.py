"""Path spellings the platform accepts, and fixed paths matched ahead of path parameters.

CXone routes ``/inContactAPI``, ``/incontactapi`` and ``/InContactAPI`` alike, tolerates
``//`` (NICE's SDK and nicepy send it) and upper-case ``V23.0`` (the SDK's voicemail and
feedback calls); :func:`canonical_path` rewrites each to the one spelling the routes
declare. :func:`install_routes` adds routers' routes to an app as one flat list (FastAPI's
``include_router`` keeps each router a separate branch, matched in inclusion order) and
:func:`order_routes` sorts it so that a fixed segment is tried before a path parameter in
the same place (``/skills/summary`` before ``/skills/{skillId}``), whatever order the route
modules were registered in; :func:`shadowed` lists violations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute

from cxdial.emulator.versions import canonical_version

__all__ = ["ACD_ROOT", "canonical_path", "install_routes", "order_routes", "shadowed"]

ACD_ROOT = "/inContactAPI/services/"
_ACD = re.compile(r"^/incontactapi/services/([^/]*)(/.*)?$", re.IGNORECASE)
_SLASHES = re.compile(r"/{2,}")
_PARAM = re.compile(r"^\{[^}]*\}$")


def canonical_path(path: str) -> str:
    """``path`` with ``//`` collapsed and the ACD prefix and version spelled canonically."""
    path = _SLASHES.sub("/", path)
    match = _ACD.match(path)
    if match is None:
        return path
    return ACD_ROOT + canonical_version(match.group(1)) + (match.group(2) or "")


def _segments(route: BaseRoute) -> list[str] | None:
    path = getattr(route, "path", None)
    return path.strip("/").split("/") if isinstance(path, str) else None


def _rank(route: BaseRoute) -> tuple[Any, ...]:
    """Sort key: segment by segment, a fixed segment (0) before a parameter (1)."""
    parts = _segments(route)
    if parts is None:
        return ()
    key: list[tuple[int, str]] = []
    for part in parts:
        if part.endswith(":path}"):
            key.append((2, ""))
        elif _PARAM.match(part):
            key.append((1, ""))
        else:
            key.append((0, part))
    return tuple(key)


def order_routes(routes: list[BaseRoute]) -> None:
    """Sort ``routes`` in place so no fixed path is captured by a parameter route."""
    routes.sort(key=_rank)


def install_routes(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """Add every route of ``routers`` to ``app`` directly, then order all of them.

    Routes declared on a router already carry its prefix, tags and dependencies."""
    for router in routers:
        app.router.routes.extend(router.routes)
    order_routes(app.router.routes)


def _covers(general: Sequence[str], fixed: Sequence[str]) -> bool:
    """Whether a route of ``general`` segments would match the path ``fixed``."""
    return len(general) == len(fixed) and all(
        g == f or bool(_PARAM.match(g)) for g, f in zip(general, fixed, strict=True)
    )


def shadowed(routes: Sequence[BaseRoute]) -> list[tuple[str, str]]:
    """``(earlier parameter route, later fixed route)`` pairs where the first captures the
    second's path for a method they share; empty when the order is right."""
    found: list[tuple[str, str]] = []
    for i, later in enumerate(routes):
        fixed = _segments(later)
        methods = getattr(later, "methods", None) or set()
        if fixed is None:
            continue
        for earlier in routes[:i]:
            general = _segments(earlier)
            shared = methods & (getattr(earlier, "methods", None) or set())
            if general and general != fixed and shared and _covers(general, fixed):
                found.append((str(getattr(earlier, "path", "")), str(getattr(later, "path", ""))))
    return found
