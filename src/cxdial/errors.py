"""One typed error tree for the whole package.

::

    CxdialError
    ├── ConfigurationError            a setting is missing or wrong (names the setting)
    ├── ValidationError               input is wrong (names the field and the fix)
    ├── ComplianceBlocked             the compliance gate refused a dial (carries reasons)
    └── APIError                      a CXone request failed (request id, attempts)
        ├── APIConnectionError        no HTTP answer; a write raising this was NOT applied
        │   └── APITimeout            ... because connecting (or a read) timed out
        ├── APIStatusError            CXone answered with an error status (status_code)
        │   ├── BadRequest            400 (``field`` names the offending field)
        │   ├── AuthenticationError   401 (after one re-authentication), refused grants
        │   ├── PermissionDenied      403 (names the missing security-profile permission)
        │   ├── NotFound              404
        │   ├── Conflict              409
        │   ├── UnprocessableEntity   422
        │   ├── RateLimited           429 (carries retry_after)
        │   └── ServerError           5xx
        ├── UnexpectedResponse        2xx with a body cxdial cannot read
        ├── PartialFailure            200 with per-item failures on a batch endpoint
        └── AmbiguousWrite            a write MAY have taken effect and could not be verified

``except APIConnectionError`` therefore only ever catches failures where nothing was
applied (for writes) or nothing was answered (for reads): a write whose answer was lost
or came back 5xx raises :class:`AmbiguousWrite`, which is *not* a connection error, so
code that retries connection errors cannot dial twice. Everything raised after CXone
answered carries ``status_code`` and ``request_id``.

``str(err)`` says each fact once: ``[status] METHOD path: what went wrong | request id |
field | fix | attempts``, so a log line is enough to act on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
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
    "UnexpectedResponse",
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
    """A request to CXone failed; see the subclasses for how."""

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

    def _details(self) -> list[str]:
        """The ``| ...`` parts after the head, each fact once."""
        parts: list[str] = []
        if self.request_id:
            parts.append(f"request id: {self.request_id}")
        if self.field:
            parts.append(f"field: {self.field}")
        if self.fix:
            parts.append(f"fix: {self.fix}")
        if self.attempts > 1:
            parts.append(f"attempts: {self.attempts}")
        return parts

    def __str__(self) -> str:
        head = self.message
        if self.method and self.url:
            head = f"{self.method} {self.url}: {head}"
        if self.status_code is not None:
            head = f"[{self.status_code}] {head}"
        return " | ".join([head, *self._details()])


class APIConnectionError(APIError):
    """No HTTP answer at all: refused, reset, or a protocol error.

    Raised for a write only when the request provably never reached CXone (connect
    errors), so the write was not applied; lost answers to writes are
    :class:`AmbiguousWrite`.
    """


class APITimeout(APIConnectionError):
    """The request timed out (connecting, or a read whose repetition is harmless)."""


class APIStatusError(APIError):
    """CXone answered with an error status; ``status_code`` and ``request_id`` say which."""

    status_code: int | None = None


class BadRequest(APIStatusError):
    """400: the request was malformed; ``field`` names the offending field when CXone said."""

    status_code = 400


class AuthenticationError(APIStatusError):
    """401 (or a refused token grant): credentials were refused, even after one fresh token."""

    status_code = 401


class PermissionDenied(APIStatusError):
    """403: the access key's user lacks a security-profile permission (named in ``field``)."""

    status_code = 403


class NotFound(APIStatusError):
    """404: the skill, list, contact … does not exist in this business unit."""

    status_code = 404


class Conflict(APIStatusError):
    """409: the resource is in a state that forbids the change."""

    status_code = 409


class UnprocessableEntity(APIStatusError):
    """422: well-formed but semantically invalid."""

    status_code = 422


class RateLimited(APIStatusError):
    """429: too many requests; ``retry_after`` is the server's hint in seconds, if any."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """5xx on a read (or an idempotent write): CXone failed, after the policy's retries."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class UnexpectedResponse(APIError):
    """CXone answered 2xx with a body the response model cannot read (``field`` says where)."""


class AmbiguousWrite(APIError):
    """A write MAY have taken effect, and nothing could verify whether it did.

    Not retried: CXone honours no idempotency key, so repeating could dial twice. It
    carries ``status_code`` (None when the answer was lost) and ``request_id`` of the
    failed attempt, ``cause`` (the underlying error) and ``idempotency_key``.
    """

    def __init__(
        self, message: str, *, cause: APIError, idempotency_key: str | None, **kw: Any
    ) -> None:
        kw.setdefault("status_code", cause.status_code)
        kw.setdefault("request_id", cause.request_id)
        super().__init__(message, **kw)
        self.cause = cause
        self.idempotency_key = idempotency_key

    def _details(self) -> list[str]:
        parts = super()._details()
        if self.idempotency_key:
            parts.insert(1 if self.request_id else 0, f"idempotency key: {self.idempotency_key}")
        return parts


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
