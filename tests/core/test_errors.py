"""The typed error tree carries what to fix and maps to stable exit codes."""

from __future__ import annotations

from cxdial.errors import (
    APIError,
    APITimeout,
    BadRequest,
    ComplianceBlocked,
    ConfigurationError,
    CxdialError,
    ItemFailure,
    PartialFailure,
    PermissionDenied,
    RateLimited,
    ValidationError,
    exit_code_for,
)


def test_api_error_message_carries_request_id_field_and_fix() -> None:
    """``str(err)`` is enough to act on: status, request, field and fix."""
    err = BadRequest(
        "Unknown field 'phone'",
        method="POST",
        url="/skills/1/dial",
        request_id="req-123",
        field="phone",
        fix="send phoneNumber",
    )
    text = str(err)
    for part in (
        "[400]",
        "POST /skills/1/dial",
        "req-123",
        "field: phone",
        "fix: send phoneNumber",
    ):
        assert part in text


def test_hierarchy_matches_the_style_guide() -> None:
    """Per-status errors are APIErrors; timeouts are connection errors."""
    assert issubclass(PermissionDenied, APIError)
    assert issubclass(APITimeout, APIError)
    assert issubclass(ComplianceBlocked, CxdialError)
    assert RateLimited("slow down", retry_after=2.0).retry_after == 2.0


def test_exit_codes_are_stable() -> None:
    """0 ok, 1 API/runtime, 2 invalid input, 3 compliance block."""
    assert exit_code_for(ValidationError("bad")) == 2
    assert exit_code_for(ConfigurationError("bad")) == 2
    assert exit_code_for(ComplianceBlocked("no", reasons=["OUTSIDE_HOURS"])) == 3
    assert exit_code_for(APIError("boom")) == 1
    assert exit_code_for(RuntimeError("x")) == 1


def test_partial_failure_lists_each_failed_item() -> None:
    """A 200-with-failures batch names every failed item."""
    err = PartialFailure(
        "2 of 3 records failed",
        failures=[ItemFailure(0, "+12015550100", "invalid"), ItemFailure(2, None, "dup")],
        succeeded=1,
    )
    text = str(err)
    assert "#0(+12015550100): invalid" in text
    assert "#2: dup" in text


def test_compliance_block_names_reasons_and_next_window() -> None:
    """A compliance block says why and when a call becomes allowed."""
    err = ComplianceBlocked(
        "call blocked", reasons=["OUTSIDE_HOURS"], next_allowed_at="2026-11-24T08:00:00-05:00"
    )
    assert "OUTSIDE_HOURS" in str(err)
    assert "2026-11-24T08:00:00-05:00" in str(err)
