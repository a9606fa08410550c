"""What every ACD API route checks: version, bearer token, rate limit, Accept, permission.

Routes declare ``ctx: Ctx = Depends(acd("Skills Edit"))``; the checks run in that order,
so a request without a token gets 401 before anything else is said. The versions an
endpoint answers come from the one table in :mod:`cxdial.emulator.versions`; the
dependency declares ``{version}`` as a path parameter, so every ACD operation documents it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import Path, Request

from cxdial.emulator.credentials import AccessKey
from cxdial.emulator.errors import ApiError
from cxdial.emulator.versions import parse_version, versions_for
from cxdial.emulator.world import World

__all__ = ["ACD_PREFIX", "AcdCheck", "Ctx", "acd", "world_of"]

ACD_PREFIX = "/inContactAPI/services/{version}"
_VERSION_PARAM = Path(
    description="API version, e.g. v30.0; each endpoint answers its own range",
    examples=["v30.0"],
)


@dataclass(frozen=True, slots=True)
class Ctx:
    """The checked request: who is calling, through which API version."""

    world: World
    key: AccessKey
    version: int
    request: Request

    @property
    def idempotency_key(self) -> str | None:
        """The Idempotency-Key header, recorded but never used to deduplicate."""
        return self.request.headers.get("idempotency-key")


class _Buckets:
    """Token buckets per access key (real time)."""

    def __init__(self) -> None:
        self.state: dict[str, tuple[float, float]] = {}

    def take(self, key: str, rate: float) -> float:
        """0 if a request may pass now, else seconds until one may."""
        now = time.monotonic()
        tokens, last = self.state.get(key, (rate, now))
        tokens = min(rate, tokens + (now - last) * rate)
        if tokens >= 1:
            self.state[key] = (tokens - 1, now)
            return 0.0
        self.state[key] = (tokens, now)
        return (1 - tokens) / rate


def _accepts_json(accept: str | None) -> bool:
    if not accept:
        return False
    kinds = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    return bool(kinds & {"application/json", "*/*", "application/*"})


def world_of(request: Request) -> World:
    """The :class:`World` behind the app serving ``request``."""
    world = request.app.state.world
    assert isinstance(world, World)
    return world


class AcdCheck:
    """The dependency :func:`acd` makes: the ACD checks for routes needing ``permission``.

    A class rather than a closure so the app's routes can be inspected: the contract test
    asserts every ACD route depends on one (``route.dependant.dependencies``)."""

    def __init__(self, permission: str) -> None:
        self.permission = permission

    async def __call__(self, request: Request, version: str = _VERSION_PARAM) -> Ctx:
        """Version (404), bearer token (401), rate limit (429), Accept (406), permission (403)."""
        permission = self.permission
        world = world_of(request)
        route = getattr(request.scope.get("route"), "path", "")
        supported = versions_for(request.method, route.removeprefix(ACD_PREFIX))
        number = parse_version(version)
        if number is None or number not in supported:
            raise ApiError(
                404,
                "UnsupportedVersion",
                f"API version '{version}' is not available for this endpoint; supported: "
                f"{supported}",
            )
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer ") or not header[7:].strip():
            raise ApiError(401, "invalid_token", "Missing Authorization: Bearer <access token>")
        key, reason = world.tokens.check(header[7:].strip())
        if key is None:
            raise ApiError(401, "invalid_token", reason)
        rate = world.config.rate_limit
        if rate is not None:
            wait = _buckets_of(request).take(key.key_id, rate)
            if wait > 0:
                retry = max(1, int(wait + 0.999))
                raise ApiError(
                    429,
                    "TooManyRequests",
                    f"Rate limit of {rate:g} requests/s per access key exceeded; retry later",
                    headers={"Retry-After": str(retry)},
                )
        if not _accepts_json(request.headers.get("accept")):
            raise ApiError(
                406,
                "NotAcceptable",
                "No known way to render data: send Accept: application/json",
            )
        if permission not in key.permissions:
            raise ApiError(
                403,
                "Forbidden",
                f"The access key's user lacks the '{permission}' permission; add it to the "
                "user's security profile",
            )
        return Ctx(world, key, number, request)


def acd(permission: str) -> AcdCheck:
    """A dependency that runs the ACD checks and yields a :class:`Ctx`."""
    return AcdCheck(permission)


def _buckets_of(request: Request) -> _Buckets:
    buckets = getattr(request.app.state, "buckets", None)
    if not isinstance(buckets, _Buckets):
        buckets = _Buckets()
        request.app.state.buckets = buckets
    return buckets
