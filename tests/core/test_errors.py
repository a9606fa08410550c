"""The typed error tree carries what to fix and maps to stable exit codes."""

from __future__ import annotations

import pytest

from cxdial.errors import (
    AmbiguousWrite,
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeout,
    AuthenticationError,
    BadRequest,
    ComplianceBlocked,
    ConfigurationError,
    Conflict,
    CxdialError,
    ItemFailure,
    NotFound,
    PartialFailure,
    PermissionDenied,
    RateLimited,
    ServerError,
    UnexpectedResponse,
    UnprocessableEntity,
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


def _api(cls: type[APIError], **extra: object) -> APIError:
    """An instance of ``cls`` as the HTTP policy would raise it."""
    return cls(
        "Skill 9 not found",
        method="GET",
        url="/skills/9",
        request_id="req-1",
        fix="check the id",
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("cls", "status", "bases"),
    [
        (BadRequest, 400, (APIStatusError, APIError, CxdialError)),
        (AuthenticationError, 401, (APIStatusError, APIError)),
        (PermissionDenied, 403, (APIStatusError, APIError)),
        (NotFound, 404, (APIStatusError, APIError)),
        (Conflict, 409, (APIStatusError, APIError)),
        (UnprocessableEntity, 422, (APIStatusError, APIError)),
        (RateLimited, 429, (APIStatusError, APIError)),
        (ServerError, 503, (APIStatusError, APIError)),
    ],
)
def test_status_errors_carry_status_and_request_id_once(
    cls: type[APIError], status: int, bases: tuple[type[Exception], ...]
) -> None:
    """Each per-status class is an APIStatusError, never a connection error; str says facts once."""
    err = _api(cls, status_code=status) if cls is ServerError else _api(cls)
    assert all(isinstance(err, base) for base in bases)
    assert not isinstance(err, APIConnectionError)
    assert err.status_code == status
    assert str(err) == (
        f"[{status}] GET /skills/9: Skill 9 not found | request id: req-1 | fix: check the id"
    )


def test_connection_errors_say_nothing_was_answered() -> None:
    """APIConnectionError and APITimeout are APIErrors without a status."""
    err = APITimeout("ReadTimeout: timed out", method="GET", url="/skills", request_id="r")
    assert isinstance(err, APIConnectionError)
    assert isinstance(err, APIError)
    assert not isinstance(err, APIStatusError)
    assert err.status_code is None
    assert str(err) == "GET /skills: ReadTimeout: timed out | request id: r"


def test_ambiguous_write_is_not_a_connection_error_and_carries_the_answer() -> None:
    """`except APIConnectionError` misses an AmbiguousWrite; it keeps status and request id."""
    cause = ServerError("Service Unavailable", status_code=503, request_id="req-7")
    err = AmbiguousWrite(
        "the write may or may not have taken effect (Service Unavailable)",
        cause=cause,
        idempotency_key="key-1",
        method="POST",
        url="/scripts/start",
        fix="check contacts before sending it again",
    )
    assert isinstance(err, APIError)
    assert not isinstance(err, APIConnectionError | APIStatusError)
    assert (err.status_code, err.request_id, err.cause) == (503, "req-7", cause)
    text = str(err)
    assert text == (
        "[503] POST /scripts/start: the write may or may not have taken effect "
        "(Service Unavailable) | request id: req-7 | idempotency key: key-1 "
        "| fix: check contacts before sending it again"
    )
    assert text.count("POST") == 1
    assert text.count("503") == 1


def test_lost_answer_ambiguity_has_no_status() -> None:
    """An AmbiguousWrite after a lost answer has no status but the attempt's request id."""
    cause = APIConnectionError("RemoteProtocolError: reset", request_id="req-8")
    err = AmbiguousWrite("may have taken effect", cause=cause, idempotency_key=None)
    assert err.status_code is None
    assert str(err) == "may have taken effect | request id: req-8"


def test_unexpected_response_and_partial_failure_are_api_errors() -> None:
    """A 2xx body cxdial cannot read, and a 200 with failed items, are APIErrors with a status."""
    shape = UnexpectedResponse(
        "unexpected response shape at skills.0.skillId: Input should be a valid integer",
        status_code=200,
        field="skills.0.skillId",
    )
    assert isinstance(shape, APIError)
    assert not isinstance(shape, APIStatusError)
    assert str(shape) == (
        "[200] unexpected response shape at skills.0.skillId: Input should be a valid integer"
        " | field: skills.0.skillId"
    )
    partial = PartialFailure(
        "1 of 2 item(s) failed", failures=[ItemFailure(1, None, "dup")], status_code=200
    )
    assert isinstance(partial, APIError)
    assert str(partial) == "[200] 1 of 2 item(s) failed | failed items: #1: dup"


@pytest.mark.parametrize(
    ("cls", "exit_code"),
    [(ConfigurationError, 2), (ValidationError, 2), (ComplianceBlocked, 3), (CxdialError, 1)],
)
def test_input_errors_are_cxdial_errors_with_their_exit_code(
    cls: type[CxdialError], exit_code: int
) -> None:
    """Configuration, validation and compliance errors are CxdialErrors, not APIErrors."""
    err = cls("bad input", fix="do this")
    assert isinstance(err, CxdialError)
    assert not isinstance(err, APIError)
    assert exit_code_for(err) == exit_code
    assert str(err) == "bad input | fix: do this"


def test_field_errors_name_the_field_once() -> None:
    """A ValidationError reads message, field, fix: each once."""
    err = ValidationError("to is empty", field="to", fix="give a number in E.164 form")
    assert str(err) == "to is empty | field: to | fix: give a number in E.164 form"
