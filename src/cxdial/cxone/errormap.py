"""Map CXone answers to :mod:`cxdial.errors`, with messages that name the field and the fix.

CXone error bodies are ``{error, errorDescription}`` (ACD), ``{error, error_description}``
(OAuth) or ``{error, error_Description}`` (points of contact); sometimes the only text is the
``icStatusDescription`` header (``cxone-api.md`` §2). Batch endpoints answer 200 with
``errorCount`` and a ``…Results`` list of ``{success, error}`` items.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from cxdial.errors import (
    APIError,
    AuthenticationError,
    BadRequest,
    Conflict,
    ItemFailure,
    NotFound,
    PartialFailure,
    PermissionDenied,
    RateLimited,
    ServerError,
    UnprocessableEntity,
)

__all__ = [
    "error_for_response",
    "error_text",
    "json_body",
    "partial_failure",
    "redact_headers",
    "request_id_of",
]

_SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization"})


def redact_headers(headers: httpx.Headers) -> dict[str, str]:
    """Headers safe to log: Authorization, cookies and anything secret-looking masked."""
    out: dict[str, str] = {}
    for name, value in headers.items():
        lowered = name.lower()
        secret = lowered in _SECRET_HEADERS or "secret" in lowered or "token" in lowered
        out[name] = "***" if secret else value
    return out


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    422: UnprocessableEntity,
    429: RateLimited,
}
_FIXES: dict[int, str] = {
    400: "correct the named field and send again",
    401: "check the access key id/secret and the client id/secret (CXDIAL_ACCESS_KEY_ID, "
    "CXDIAL_CLIENT_ID …); the access key's user must be active",
    404: "check the id: it must exist in this business unit",
    409: "the resource is in a state that forbids the change; read it and retry if appropriate",
    422: "the request is well formed but CXone refused its values; correct them",
    429: "slow down: lower CXDIAL_RATE_LIMIT or wait for Retry-After",
}
_QUOTED = re.compile(r"['\"`]([A-Za-z_][^'\"`]{0,80})['\"`]")
_PAREN = re.compile(r"\(([A-Za-z_]\w*)\)")
_NAME = re.compile(r"[A-Za-z_][\w.\[\]]*")
_FIELD_WORD = re.compile(r"\b(?:field|parameter|property|column)\s+['\"`]?([A-Za-z_][\w.\[\]]*)")
_PERMISSION = (
    re.compile(r"['\"`]([^'\"`]{2,60})['\"`]\s+permission", re.IGNORECASE),
    re.compile(r"permission\s*(?:[:=]|named|called)?\s*['\"`]([^'\"`]{2,60})['\"`]", re.IGNORECASE),
)


def request_id_of(response: httpx.Response) -> str | None:
    """The request id CXone (or the emulator) returned, if any."""
    value = response.headers.get("x-request-id") or response.headers.get("x-correlation-id")
    return str(value) if value else None


def json_body(response: httpx.Response) -> Any:
    """The parsed JSON body, the text when it is not JSON, or None when empty."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def error_text(response: httpx.Response, body: Any) -> tuple[str, str | None]:
    """(description, error code) from the body or the ``icStatusDescription`` header."""
    code: str | None = None
    text: str | None = None
    if isinstance(body, dict):
        raw_code = body.get("error")
        code = str(raw_code) if raw_code not in (None, "") else None
        for key in ("errorDescription", "error_description", "error_Description", "message"):
            if body.get(key):
                text = str(body[key])
                break
    elif isinstance(body, str) and body.strip():
        text = body.strip()[:300]
    header = response.headers.get("icStatusDescription")
    if not text:
        text = header or code or response.reason_phrase or f"HTTP {response.status_code}"
    elif header and header not in text:
        text = f"{text} ({header})"
    return text, code


def _field_in(text: str, body: Any) -> str | None:
    if isinstance(body, dict):
        for key in ("field", "fieldName", "parameter"):
            if isinstance(body.get(key), str):
                return str(body[key])
    word = _FIELD_WORD.search(text)
    if word:
        return word.group(1)
    quoted = _QUOTED.search(text)
    if not quoted:
        return None
    inner = _PAREN.search(quoted.group(1))
    if inner:
        return inner.group(1)
    name = _NAME.match(quoted.group(1))
    return name.group(0) if name else None


def _permission_in(text: str, body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("permission"), str):
        return str(body["permission"])
    for pattern in _PERMISSION:
        match = pattern.search(text)
        if match:
            return match.group(1).strip()
    return None


def error_for_response(
    response: httpx.Response,
    body: Any,
    *,
    attempts: int,
    retry_after: float | None = None,
) -> APIError:
    """The typed error for a non-2xx ``response``."""
    status = response.status_code
    text, code = error_text(response, body)
    message = f"{code}: {text}" if code and code not in text else text
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else APIError)
    field_name = _field_in(text, body) if status in (400, 422) else None
    fix = _FIXES.get(status)
    if status == 400 and field_name:
        fix = f"correct {field_name!r} and send again"
    if status == 403:
        permission = _permission_in(text, body)
        fix = (
            f"grant the {permission!r} permission in the security profile of the access key's "
            "user (Admin > Security Profiles)"
            if permission
            else "grant the needed permission in the security profile of the access key's user"
        )
        field_name = permission
    if status >= 500:
        fix = "CXone failed; retry later (already retried by the client's policy)"
    kwargs: dict[str, Any] = {
        "status_code": status,
        "request_id": request_id_of(response),
        "method": response.request.method,
        "url": str(response.request.url.copy_with(query=None)),
        "body": body,
        "fix": fix,
        "field": field_name,
        "attempts": attempts,
    }
    if cls is RateLimited:
        return RateLimited(message, retry_after=retry_after, **kwargs)
    if cls is ServerError:
        return ServerError(message, retry_after=retry_after, **kwargs)
    return cls(message, **kwargs)


def _results_and_count(body: Any) -> tuple[list[Any], int] | None:
    if not isinstance(body, dict):
        return None
    holder = body.get("resultSet") if isinstance(body.get("resultSet"), dict) else body
    if not isinstance(holder, dict) or "errorCount" not in holder:
        return None
    results: list[Any] = []
    for key, value in holder.items():
        if key.endswith("Results") and isinstance(value, list):
            results = value
            break
    try:
        count = int(holder.get("errorCount") or 0)
    except (TypeError, ValueError):
        count = 0
    return results, count


def partial_failure(response: httpx.Response, body: Any, *, attempts: int) -> PartialFailure | None:
    """A :class:`PartialFailure` when a batch answer reports failed items, else None."""
    found = _results_and_count(body)
    if found is None:
        return None
    results, count = found
    failures: list[ItemFailure] = []
    for index, item in enumerate(results):
        if isinstance(item, dict) and item.get("success") is False:
            key = next(
                (
                    str(item[k])
                    for k in item
                    if k.endswith("Id") or k in ("formattedPhone", "phoneNumber")
                    if item[k] not in (None, "")
                ),
                None,
            )
            failures.append(
                ItemFailure(index=index, key=key, error=str(item.get("error") or "failed"))
            )
    if not failures and count == 0:
        return None
    if not failures:
        failures = [ItemFailure(index=-1, key=None, error=f"{count} item(s) failed")]
    return PartialFailure(
        f"{len(failures)} of {len(results) or count} item(s) failed",
        failures=failures,
        succeeded=max(len(results) - len(failures), 0),
        status_code=response.status_code,
        request_id=request_id_of(response),
        method=response.request.method,
        url=str(response.request.url.copy_with(query=None)),
        body=body,
        fix="correct the failed items listed and resend only those",
        attempts=attempts,
    )
