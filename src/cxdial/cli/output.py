"""What ``--json`` prints for an error, and how absent values are shown to a person."""

from __future__ import annotations

from typing import Any

from cxdial.errors import (
    APIError,
    ComplianceBlocked,
    ConfigurationError,
    CxdialError,
    ValidationError,
)

__all__ = ["error_payload", "shown"]

_ERROR_TYPES: tuple[tuple[type[BaseException], str], ...] = (
    (ComplianceBlocked, "compliance_blocked"),
    (APIError, "api_error"),
    (CxdialError, "error"),
)


def _kind(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "invalid_input"
    if isinstance(exc, ConfigurationError):
        return "configuration"
    return next((name for cls, name in _ERROR_TYPES if isinstance(exc, cls)), "internal")


def error_payload(exc: BaseException, exit_code: int) -> dict[str, Any]:
    """The one JSON object a failed ``--json`` run prints: ``ok`` false and the facts."""
    error: dict[str, Any] = {"type": _kind(exc)}
    if isinstance(exc, CxdialError):
        error.update(message=exc.message, field=exc.field, fix=exc.fix)
    else:
        error["message"] = str(exc) or type(exc).__name__
    if isinstance(exc, ComplianceBlocked):
        error.update(reasons=list(exc.reasons), next_allowed_at=exc.next_allowed_at)
    if isinstance(exc, APIError):
        error.update(status_code=exc.status_code, request_id=exc.request_id)
    return {"ok": False, "exit_code": exit_code, "error": error}


def shown(value: object, *, unit: str = "", missing: str = "—") -> str:
    """``value`` for a person: ``missing`` instead of ``None``, ``unit`` appended otherwise."""
    if value is None or value == "":
        return missing
    if isinstance(value, float):
        return f"{value:g}{unit}"
    return f"{value}{unit}"
