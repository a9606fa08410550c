"""What a resource hands the HTTP policy (:class:`APIRequest`) and gets (:class:`APIResponse`).

Both are plain data: resources describe an endpoint call, the policy in :mod:`.http` performs
it. A write that can be checked after an ambiguous failure carries a ``verify`` factory: a
generator that yields read requests, receives their responses, and returns the recovered
response body (the write took effect) or :data:`NOT_APPLIED`. The sync and async policies
drive the same generator, so each check is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx

from cxdial.errors import APIError

__all__ = [
    "NOT_APPLIED",
    "APIRequest",
    "APIResponse",
    "NotApplied",
    "Verify",
    "VerifyFactory",
    "identity",
]

T = TypeVar("T")


class NotApplied:
    """Sentinel type: the verify hook found that the write did not take effect."""

    _instance: NotApplied | None = None

    def __new__(cls) -> NotApplied:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_APPLIED"


NOT_APPLIED = NotApplied()

Verify = Generator["APIRequest[Any]", "APIResponse[Any]", "Any"]
"""Yields read requests, receives their responses, returns a body or ``NOT_APPLIED``."""
VerifyFactory = Callable[[], Verify]


def identity(body: Any) -> Any:
    """Parser that returns the JSON body unchanged."""
    return body


@dataclass(frozen=True)
class APIRequest(Generic[T]):
    """One logical call to CXone, independent of sync/async and of the attempt count.

    ``path`` is absolute on the API host (see :func:`cxdial.cxone.versions.acd_path`), or
    a full URL when ``authenticated`` is False (discovery and token requests, which go to
    the issuer without a bearer token; a 401 to them is final).
    ``idempotent`` marks writes safe to repeat blindly (PUT of a full block, DELETE).
    ``verify`` checks whether an ambiguous write took effect. ``batch`` names a batch
    endpoint whose 200 answer may carry per-item failures. ``retry_on_conflict`` marks the
    rare endpoints where a 409 is documented as transient.
    """

    method: str
    path: str
    parse: Callable[[Any], T]
    params: Mapping[str, Any] | None = None
    json: Any = None
    idempotent: bool | None = None
    verify: VerifyFactory | None = None
    batch: bool = False
    retry_on_conflict: bool = False
    idempotency_key: str | None = None
    timeout: float | None = None
    ok_statuses: frozenset[int] = field(default_factory=frozenset)
    authenticated: bool = True
    form: Mapping[str, str] | None = field(default=None, repr=False)
    """An ``application/x-www-form-urlencoded`` body (token grants); never logged."""
    headers: Mapping[str, str] | None = field(default=None, repr=False)
    """Extra headers (client Basic auth on token grants); never logged."""
    refine_error: Callable[[APIError], APIError] | None = field(default=None, repr=False)
    """Turns the policy's error into a more telling one (e.g. a refused grant)."""

    @property
    def is_write(self) -> bool:
        """Whether repeating the request could change state twice."""
        if self.idempotent is not None:
            return not self.idempotent
        return self.method.upper() not in {"GET", "HEAD", "OPTIONS"}


@dataclass
class APIResponse(Generic[T]):
    """The raw answer one step away from the parsed value: status, headers, ids, attempts."""

    parsed: T
    status_code: int
    headers: httpx.Headers
    body: Any
    request_id: str | None
    idempotency_key: str | None
    attempts: int
    elapsed: float
    recovered: bool = False
    """True when an ambiguous write was confirmed by its verify hook rather than answered."""
