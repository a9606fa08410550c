"""What every ACD API route checks: version, bearer token, rate limit, Accept, permission.

Routes declare ``ctx: Ctx = Depends(acd("Skills Edit"))``; the checks run in that order,
so a request without a token gets 401 before anything else is said.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request

from cxdial.emulator.credentials import AccessKey
from cxdial.emulator.errors import ApiError
from cxdial.emulator.world import World, world_of

__all__ = ["ACD_PREFIX", "DEFAULT_VERSIONS", "VERSION_TABLE", "Ctx", "acd"]

ACD_PREFIX = "/inContactAPI/services/{version}"
DEFAULT_VERSIONS = (12, 34)
"""Versions an endpoint accepts unless the table says otherwise (v12.0 through v34.0)."""
VERSION_TABLE: dict[str, tuple[int, int]] = {
    "/agent-sessions/{session_id}/dial-phone": (23, 34),
    "/skills/{skill_id}/parameters/delivery-preferences": (23, 34),
    "/skills/{skill_id}/parameters/cpa-management": (23, 34),
}
"""Per-endpoint version ranges (emulator design, after the versions NICE's SDK calls)."""
_VERSION = re.compile(r"^v(\d+)\.0$")


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


def acd(
    permission: str, versions: tuple[int, int] = DEFAULT_VERSIONS
) -> Callable[[Request], Awaitable[Ctx]]:
    """A dependency that runs the ACD checks and yields a :class:`Ctx`."""

    async def check(request: Request) -> Ctx:
        world = world_of(request)
        route = getattr(request.scope.get("route"), "path", "")
        low, high = VERSION_TABLE.get(route.removeprefix(ACD_PREFIX), versions)
        text = str(request.path_params.get("version", ""))
        match = _VERSION.match(text)
        if match is None or not low <= int(match.group(1)) <= high:
            raise ApiError(
                404,
                "UnsupportedVersion",
                f"API version '{text}' is not available for this endpoint; supported: "
                f"v{low}.0 through v{high}.0",
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
        return Ctx(world, key, int(match.group(1)), request)

    return check


def _buckets_of(request: Request) -> _Buckets:
    buckets = getattr(request.app.state, "buckets", None)
    if not isinstance(buckets, _Buckets):
        buckets = _Buckets()
        request.app.state.buckets = buckets
    return buckets
