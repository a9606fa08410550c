"""The HTTP policy: retries, Retry-After, budgets, idempotency keys, errors, logging."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from cxone_helpers import MOCK_BASE, Control, mock_tenant, settings_for

from cxdial.cxone import AmbiguousWrite, Client, FakeClock
from cxdial.cxone.backoff import backoff_delay, no_sleep, parse_retry_after
from cxdial.cxone.resources.dnc import DncRequests
from cxdial.cxone.resources.skills import SkillRequests
from cxdial.emulator.testing import SyncASGITransport
from cxdial.errors import (
    APIConnectionError,
    BadRequest,
    RateLimited,
    ServerError,
    ValidationError,
)


def _mock_client(
    api: Any,
    calls: list[httpx.Request] | None = None,
    clock: FakeClock | None = None,
    **overrides: Any,
) -> Client:
    settings = settings_for(MOCK_BASE, api_endpoint=MOCK_BASE, **overrides)
    return Client.from_settings(
        settings, transport=mock_tenant(api, calls), clock=clock or FakeClock()
    )


def test_429_retry_after_is_honoured(sync_transport: SyncASGITransport, control: Control) -> None:
    """An emulator 429 with Retry-After: 2 makes the client sleep exactly 2 s, then succeed."""
    clock = FakeClock()
    control.fault("business-unit", "429", retry_after=2)
    with Client.from_settings(settings_for(), transport=sync_transport, clock=clock) as client:
        response = client.send(client.business_unit.requests.get())
    assert clock.sleeps == [2.0]
    assert response.attempts == 2
    assert response.parsed.business_unit_id is not None


def test_retry_after_above_the_cap_is_not_retried() -> None:
    """A Retry-After above retry_after_cap fails at once with the hint (no early retry)."""
    calls: list[httpx.Request] = []
    clock = FakeClock()
    answer = httpx.Response(429, headers={"Retry-After": "120"})
    with (
        _mock_client(lambda _: answer, calls, clock=clock, retry_after_cap=5) as client,
        pytest.raises(RateLimited) as info,
    ):
        client.business_unit.get()
    assert len(calls) == 1
    assert clock.sleeps == []
    assert info.value.retry_after == 120.0
    assert "wait 120 s" in str(info.value)
    assert "CXDIAL_RETRY_AFTER_CAP" in str(info.value)


def test_retry_after_within_the_cap_is_obeyed_exactly() -> None:
    """A Retry-After at or below the cap is slept exactly, then the request is resent."""
    answers = iter(
        [httpx.Response(503, headers={"Retry-After": "5"}), httpx.Response(200, json={})]
    )
    clock = FakeClock()
    with _mock_client(lambda _: next(answers), clock=clock, retry_after_cap=5) as client:
        client.business_unit.get()
    assert clock.sleeps == [5.0]


def test_retry_after_http_date_and_garbage() -> None:
    """Retry-After is read as seconds or an HTTP date; anything else is ignored."""
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_reads_retry_5xx_with_jittered_backoff(
    sync_transport: SyncASGITransport, control: Control
) -> None:
    """Two injected 500s on a read are retried with full-jitter delays within the backoff caps."""
    clock = FakeClock()
    control.fault("business-unit", "500", times=2)
    settings = settings_for(backoff_initial=0.5, backoff_max=8)
    with Client.from_settings(settings, transport=sync_transport, clock=clock) as client:
        response = client.send(client.business_unit.requests.get())
    assert response.attempts == 3
    assert len(clock.sleeps) == 2
    assert 0 <= clock.sleeps[0] <= 0.5
    assert 0 <= clock.sleeps[1] <= 1.0


def test_attempts_are_capped_and_recorded_on_the_error() -> None:
    """A read failing forever stops after max_retries retries; the error records the attempts."""
    calls: list[httpx.Request] = []
    with (
        _mock_client(lambda _: httpx.Response(503), calls, max_retries=3) as client,
        pytest.raises(ServerError) as info,
    ):
        client.business_unit.get()
    assert len(calls) == 4
    assert info.value.attempts == 4
    assert "attempts: 4" in str(info.value)


def test_total_retry_time_is_capped() -> None:
    """Retries stop once the next delay would pass max_retry_time."""
    clock = FakeClock()
    with (
        _mock_client(
            lambda _: httpx.Response(500),
            clock=clock,
            max_retries=20,
            max_retry_time=3,
            backoff_initial=1,
            backoff_max=1,
        ) as client,
        pytest.raises(ServerError),
    ):
        client.business_unit.get()
    assert sum(clock.sleeps) <= 3
    assert len(clock.sleeps) >= 2


def test_backoff_ceiling_grows_exponentially_to_the_max() -> None:
    """Full jitter draws lie in [0, min(max, initial·2^(n-1))]."""
    draws = [backoff_delay(n, initial=0.5, maximum=4) for n in range(1, 8) for _ in range(50)]
    assert max(draws) <= 4
    assert all(backoff_delay(1, initial=0.5, maximum=4) <= 0.5 for _ in range(50))


def test_ambiguous_write_without_verify_is_not_retried() -> None:
    """A 500 on a write that has no verify hook raises AmbiguousWrite after one attempt."""
    calls: list[httpx.Request] = []
    with (
        _mock_client(lambda _: httpx.Response(500), calls) as client,
        pytest.raises(AmbiguousWrite) as info,
    ):
        client.send(DncRequests().create_group("g"))
    assert len(calls) == 1
    assert not isinstance(info.value, APIConnectionError)  # `except APIConnectionError` misses it
    assert info.value.status_code == 500
    assert info.value.idempotency_key == calls[0].headers["Idempotency-Key"]


def test_lost_response_of_unverifiable_write_is_ambiguous() -> None:
    """A reset after sending a write with no verify hook is an AmbiguousWrite, not a retry."""
    calls: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("peer closed connection", request=request)

    with _mock_client(api, calls) as client, pytest.raises(AmbiguousWrite):
        client.send(DncRequests().create_group("g"))
    assert len(calls) == 1


def test_unsent_write_is_retried_with_the_same_idempotency_key() -> None:
    """A connect error (nothing sent) is retried; every attempt carries the same key."""
    calls: list[httpx.Request] = []
    answers: list[Any] = [
        httpx.ConnectError("refused"),
        httpx.Response(200, json={"dncGroups": [{"dncGroupId": 5, "dncGroupName": "g"}]}),
    ]

    def api(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[no-any-return]

    with _mock_client(api, calls) as client:
        response = client.send(DncRequests().create_group("g"))
    assert response.parsed.dnc_group_id == 5
    assert response.attempts == 2
    keys = {c.headers["Idempotency-Key"] for c in calls}
    assert len(keys) == 1
    assert response.idempotency_key in keys


def test_caller_supplied_idempotency_key_travels() -> None:
    """A caller's own Idempotency-Key is sent instead of a generated one."""
    calls: list[httpx.Request] = []
    with _mock_client(lambda _: httpx.Response(202), calls) as client:
        client.callbacks.queue({"phoneNumber": "+15551230000", "skill": 3}, idempotency_key="k-1")
    assert calls[0].headers["Idempotency-Key"] == "k-1"
    assert calls[0].url.params["phoneNumber"] == "+15551230000"


def test_400_names_the_field_and_fix() -> None:
    """A CXone 400 body becomes BadRequest naming the field, with the request id."""
    body = {"error": "InvalidParameter", "errorDescription": "Missing required field 'listName'"}
    answer = httpx.Response(400, json=body, headers={"X-Request-Id": "req-9"})
    with _mock_client(lambda _: answer) as client, pytest.raises(BadRequest) as info:
        client.business_unit.get()
    assert info.value.field == "listName"
    assert info.value.request_id == "req-9"
    assert "correct 'listName'" in str(info.value)


def test_icstatusdescription_header_is_the_message_when_the_body_is_empty() -> None:
    """With no body, the icStatusDescription header carries the error text."""
    answer = httpx.Response(400, headers={"icStatusDescription": "Invalid parameter skillId"})
    with _mock_client(lambda _: answer) as client, pytest.raises(BadRequest) as info:
        client.business_unit.get()
    assert "Invalid parameter skillId" in str(info.value)
    assert info.value.field == "skillId"


def test_unknown_request_field_is_rejected_before_sending() -> None:
    """Passing 'phone' where 'phoneNumber' is expected fails client-side, naming the fix."""
    calls: list[httpx.Request] = []
    with (
        _mock_client(lambda _: httpx.Response(200), calls) as client,
        pytest.raises(ValidationError) as info,
    ):
        client.agent_sessions.dial_phone("s-1", {"phone": "+15551230000", "skillId": 3})
    assert info.value.field == "phone"
    assert info.value.fix == "use 'phoneNumber' instead"
    assert calls == []


def test_204_is_an_empty_result() -> None:
    """A 204 from a report endpoint is an empty page, not an error."""
    with _mock_client(lambda _: httpx.Response(204)) as client:
        assert list(client.contacts.iter_completed(updated_since="2026-01-01T00:00:00Z")) == []


def test_logs_carry_fields_but_no_secrets(caplog: pytest.LogCaptureFixture) -> None:
    """Per-call log lines name method, path, status and attempts, never tokens or secrets."""
    answers = iter([httpx.Response(503), httpx.Response(200, json={})])
    with (
        caplog.at_level(logging.DEBUG, logger="cxdial"),
        _mock_client(lambda _: next(answers)) as client,
    ):
        client.business_unit.get()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "method=GET" in text
    assert "attempts=2" in text
    assert "status=200" in text
    for secret in ("mock-access-token", "emulator-access-secret", "emulator-client-secret"):
        assert secret not in text
    assert not any(secret in str(getattr(r, "cxone", "")) for r in caplog.records)
    assert "'authorization': '***'" in text


def test_no_sleep_switch_records_instead_of_sleeping() -> None:
    """Within no_sleep(), the system clock records retry delays instead of sleeping."""
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "30"}), httpx.Response(200, json={})]
    )
    settings = settings_for(MOCK_BASE, api_endpoint=MOCK_BASE)
    with (
        no_sleep() as fake,
        Client.from_settings(settings, transport=mock_tenant(lambda _: next(answers))) as client,
    ):
        client.business_unit.get()
    assert fake.sleeps == [30.0]


def test_partial_failure_lists_each_failed_item() -> None:
    """A batch answering 200 with failed items raises PartialFailure listing them."""
    from cxdial.errors import PartialFailure

    body = {
        "errorCount": 1,
        "skillsResults": [
            {"success": True, "skillId": 11},
            {"success": False, "error": "A skill named 'x' exists"},
        ],
    }
    with (
        _mock_client(lambda _: httpx.Response(200, json=body)) as client,
        pytest.raises(PartialFailure) as info,
    ):
        client.send(SkillRequests().create([{"skillName": "y"}, {"skillName": "x"}]))
    assert [f.index for f in info.value.failures] == [1]
    assert info.value.succeeded == 1
    assert "already" not in str(info.value)
    assert "A skill named 'x' exists" in str(info.value)
