"""One policy for every request: token grants share the caps and logs; verify lives in the core."""

from __future__ import annotations

import logging
import random
from typing import Any

import httpx
import pytest
from cxone_helpers import MOCK_BASE, settings_for

from cxdial.config import Settings
from cxdial.cxone import Client, FakeClock
from cxdial.cxone.policy import Fail, PolicyCore, Retry, Verify
from cxdial.cxone.request import NOT_APPLIED, APIRequest, identity
from cxdial.errors import AmbiguousWrite, ServerError


def _issuer(token_answers: list[httpx.Response], seen: list[str]) -> httpx.MockTransport:
    """Discovery that works and a token endpoint answering ``token_answers`` in turn."""

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith("openid-configuration"):
            return httpx.Response(200, json={"token_endpoint": f"{MOCK_BASE}/auth/token"})
        if request.url.path == "/auth/token":
            return token_answers.pop(0) if token_answers else httpx.Response(503)
        return httpx.Response(200, json={})

    return httpx.MockTransport(handle)


def test_token_grant_retries_stop_at_max_retries() -> None:
    """A token endpoint failing forever is tried max_retries + 1 times, like any request."""
    seen: list[str] = []
    settings = settings_for(MOCK_BASE, api_endpoint=MOCK_BASE, max_retries=2)
    transport = _issuer([], seen)
    with (
        Client.from_settings(settings, transport=transport, clock=FakeClock()) as client,
        pytest.raises(ServerError) as info,
    ):
        client.business_unit.get()
    assert seen.count("/auth/token") == 3
    assert info.value.attempts == 3


def test_token_grant_retries_stop_at_max_retry_time() -> None:
    """Token retries are capped in total time too (the old loop had no time cap)."""
    seen: list[str] = []
    clock = FakeClock()
    settings = settings_for(
        MOCK_BASE,
        api_endpoint=MOCK_BASE,
        max_retries=20,
        max_retry_time=5,
        backoff_initial=2,
        backoff_max=2,
    )
    with (
        Client.from_settings(settings, transport=_issuer([], seen), clock=clock) as client,
        pytest.raises(ServerError),
    ):
        client.business_unit.get()
    assert sum(clock.sleeps) <= 5
    assert seen.count("/auth/token") < 21


def test_token_grant_honours_retry_after_and_refuses_one_above_the_cap() -> None:
    """Retry-After on the token endpoint is obeyed, and one above the cap fails at once."""
    seen: list[str] = []
    clock = FakeClock()
    answers = [
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(200, json={"access_token": "tok", "expires_in": 3600}),
    ]
    settings = settings_for(MOCK_BASE, api_endpoint=MOCK_BASE)
    with Client.from_settings(settings, transport=_issuer(answers, seen), clock=clock) as client:
        client.business_unit.get()
    assert clock.sleeps == [3.0]
    seen.clear()
    late = [httpx.Response(503, headers={"Retry-After": "600"})]
    with (
        Client.from_settings(settings, transport=_issuer(late, seen), clock=FakeClock()) as c,
        pytest.raises(ServerError, match="wait 600 s"),
    ):
        c.business_unit.get()
    assert seen.count("/auth/token") == 1


def test_token_requests_are_logged_like_api_requests(caplog: pytest.LogCaptureFixture) -> None:
    """A retried grant logs the same retry and summary lines as an API call, without secrets."""
    seen: list[str] = []
    answers = [
        httpx.Response(503),
        httpx.Response(200, json={"access_token": "secret-token-value", "expires_in": 3600}),
    ]
    settings = settings_for(MOCK_BASE, api_endpoint=MOCK_BASE)
    with (
        caplog.at_level(logging.DEBUG, logger="cxdial"),
        Client.from_settings(settings, transport=_issuer(answers, seen), clock=FakeClock()) as c,
    ):
        c.business_unit.get()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert f"cxone retry method=POST path={MOCK_BASE}/auth/token attempt=1" in text
    assert f"path={MOCK_BASE}/auth/token status=200 attempts=2" in text
    for secret in ("secret-token-value", "emulator-access-secret", "emulator-client-secret"):
        assert secret not in text


def _core(**overrides: Any) -> PolicyCore:
    values: dict[str, Any] = {"verify_settle": 2.0, **overrides}
    return PolicyCore(Settings(**values), FakeClock(), rng=random.Random(0))


def _write_with_hook() -> APIRequest[Any]:
    def hook() -> Any:
        return NOT_APPLIED
        yield  # a generator that looks nowhere

    return APIRequest("POST", "/scripts/start", parse=identity, verify=hook)


def _answer(status: int) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request("POST", "http://x/scripts/start"))


def test_the_policy_decides_to_verify_then_look_again_then_retry() -> None:
    """A 5xx on a verifiable write → Verify now; not found → Verify after the settle; → Retry."""
    core, request = _core(), _write_with_hook()
    state = core.start(request)
    core.build(request, state, base_url="http://x", token="t")
    first = core.after_response(request, state, _answer(503))
    assert isinstance(first, Verify)
    assert first.delay == 0
    again = core.after_verify(request, state, first, NOT_APPLIED)
    assert isinstance(again, Verify)
    assert again.delay == 2.0
    last = core.after_verify(request, state, again, NOT_APPLIED)
    assert isinstance(last, Retry)


def test_a_verify_hooks_own_ambiguity_is_not_verified_again() -> None:
    """Inside a verify hook, an ambiguous write fails as AmbiguousWrite instead of recursing."""
    core, request = _core(), _write_with_hook()
    state = core.start(request, verifying=True)
    core.build(request, state, base_url="http://x", token="t")
    step = core.after_response(request, state, _answer(500))
    assert isinstance(step, Fail)
    assert isinstance(step.error, AmbiguousWrite)
    assert step.error.status_code == 500


def test_without_a_settle_delay_the_hook_looks_once() -> None:
    """verify_settle=0 means one look, then the write is re-sent."""
    core, request = _core(verify_settle=0), _write_with_hook()
    state = core.start(request)
    core.build(request, state, base_url="http://x", token="t")
    first = core.after_response(request, state, _answer(502))
    assert isinstance(first, Verify)
    assert isinstance(core.after_verify(request, state, first, NOT_APPLIED), Retry)
