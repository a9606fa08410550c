"""One typed error tree for the whole package.

::

    CxdialError
    ├── ConfigurationError            a setting is missing or wrong (names the setting)
    ├── ValidationError               input is wrong (names the field and the fix)
    ├── ComplianceBlocked             the compliance gate refused a dial (carries reasons)
    └── APIError                      CXone answered with an error
        ├── BadRequest                400
        ├── AuthenticationError       401 (after one re-authentication)
        ├── PermissionDenied          403 (names the missing security-profile permission)
        ├── NotFound                  404
        ├── Conflict                  409
        ├── UnprocessableEntity       422
        ├── RateLimited               429 (carries retry_after)
        ├── ServerError               5xx
        ├── PartialFailure            200 with per-item failures on a batch endpoint
        └── APIConnectionError        no usable response at all
            ├── APITimeout            the request timed out
            └── AmbiguousWrite        a write's effect is unknown and could not be verified

``str(err)`` always carries what went wrong, the request id when CXone gave one, the
field at fault and the fix, so a log line is enough to act on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeout",
    "AmbiguousWrite",
    "AuthenticationError",
    "BadRequest",
    "ComplianceBlocked",
    "ConfigurationError",
    "Conflict",
    "CxdialError",
    "ItemFailure",
    "NotFound",
    "PartialFailure",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
    "UnprocessableEntity",
    "ValidationError",
    "exit_code_for",
]


class CxdialError(Exception):
    """Base of every error cxdial raises on purpose."""

    exit_code: int = 1

    def __init__(self, message: str, *, fix: str | None = None, field: str | None = None) -> None:
        self.message = message
        self.fix = fix
        self.field = field
        super().__init__(message)

    def __str__(self) -> str:
        parts = [self.message]
        if self.field:
            parts.append(f"field: {self.field}")
        if self.fix:
            parts.append(f"fix: {self.fix}")
        return " | ".join(parts)


class ConfigurationError(CxdialError):
    """A setting is missing or invalid; ``field`` names the setting (e.g. ``CXDIAL_ISSUER``)."""

    exit_code = 2


class ValidationError(CxdialError):
    """Input is invalid; ``field`` names it and ``fix`` says what to change."""

    exit_code = 2


class ComplianceBlocked(CxdialError):
    """The compliance gate refused a dial; nothing was dialed."""

    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        reasons: Sequence[str] = (),
        next_allowed_at: str | None = None,
        decision: Any = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message, fix=fix)
        self.reasons = tuple(reasons)
        self.next_allowed_at = next_allowed_at
        self.decision = decision

    def __str__(self) -> str:
        text = super().__str__()
        if self.reasons:
            text += f" | reasons: {', '.join(self.reasons)}"
        if self.next_allowed_at:
            text += f" | next allowed at: {self.next_allowed_at}"
        return text


class APIError(CxdialError):
    """CXone answered with an error status (or no usable answer, for the connection subclasses)."""

    status_code: int | None = None

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        method: str | None = None,
        url: str | None = None,
        body: Any = None,
        fix: str | None = None,
        field: str | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message, fix=fix, field=field)
        if status_code is not None:
            self.status_code = status_code
        self.request_id = request_id
        self.method = method
        self.url = url
        self.body = body
        self.attempts = attempts

    def __str__(self) -> str:
        head = self.message
        if self.method and self.url:
            head = f"{self.method} {self.url}: {head}"
        if self.status_code is not None:
            head = f"[{self.status_code}] {head}"
        parts = [head]
        if self.request_id:
            parts.append(f"request id: {self.request_id}")
        if self.field:
            parts.append(f"field: {self.field}")
        if self.fix:
            parts.append(f"fix: {self.fix}")
        if self.attempts > 1:
            parts.append(f"attempts: {self.attempts}")
        return " | ".join(parts)


class BadRequest(APIError):
    """400: the request was malformed; ``field`` names the offending field when CXone said."""

    status_code = 400


class AuthenticationError(APIError):
    """401: credentials were refused, even after one fresh token."""

    status_code = 401


class PermissionDenied(APIError):
    """403: the access key's user lacks a security-profile permission (named in ``fix``)."""

    status_code = 403


class NotFound(APIError):
    """404: the skill, list, contact … does not exist in this business unit."""

    status_code = 404


class Conflict(APIError):
    """409: the resource is in a state that forbids the change."""

    status_code = 409


class UnprocessableEntity(APIError):
    """422: well-formed but semantically invalid."""

    status_code = 422


class RateLimited(APIError):
    """429: too many requests; ``retry_after`` is the server's hint in seconds, if any."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(APIError):
    """5xx: CXone failed; retried by the HTTP policy before this surfaces."""


class APIConnectionError(APIError):
    """No usable HTTP response: connection refused, reset, or protocol error."""


class APITimeout(APIConnectionError):
    """The request timed out."""


class AmbiguousWrite(APIConnectionError):
    """A write failed in a way that leaves its effect unknown, and nothing could verify it.

    Not retried, because CXone honours no idempotency key: repeating could dial twice.
    ``cause`` is the underlying error; ``idempotency_key`` identifies the attempt in logs.
    """

    def __init__(
        self, message: str, *, cause: APIError, idempotency_key: str | None, **kw: Any
    ) -> None:
        super().__init__(message, **kw)
        self.cause = cause
        self.idempotency_key = idempotency_key


@dataclass(frozen=True)
class ItemFailure:
    """One failed item of a batch call that answered 200."""

    index: int
    key: str | None
    error: str


class PartialFailure(APIError):
    """A batch endpoint answered 200 but some items failed; ``failures`` lists each one."""

    def __init__(
        self,
        message: str,
        *,
        failures: Sequence[ItemFailure],
        succeeded: int = 0,
        **kw: Any,
    ) -> None:
        super().__init__(message, **kw)
        self.failures = tuple(failures)
        self.succeeded = succeeded

    def __str__(self) -> str:
        items = "; ".join(
            f"#{f.index}{f'({f.key})' if f.key else ''}: {f.error}" for f in self.failures[:10]
        )
        more = f" … and {len(self.failures) - 10} more" if len(self.failures) > 10 else ""
        return f"{super().__str__()} | failed items: {items}{more}"


def exit_code_for(exc: BaseException) -> int:
    """The stable CLI exit code: 0 ok, 1 API/runtime, 2 invalid input, 3 compliance block."""
    if isinstance(exc, CxdialError):
        return exc.exit_code
    return 1
