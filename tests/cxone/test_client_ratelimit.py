"""The client-side token bucket, alone and inside the policy (fake clock, no real sleeps)."""

from __future__ import annotations

import httpx
import pytest
from cxone_helpers import MOCK_BASE, mock_tenant, settings_for

from cxdial.cxone import Client, FakeClock
from cxdial.cxone.http import make_limiter
from cxdial.cxone.ratelimit import TokenBucket


def test_bucket_allows_the_burst_then_spaces_requests() -> None:
    """With burst 2 at 5/s, two requests pass at once and the next ones wait 0.2 s apart."""
    bucket = TokenBucket(5, 2, now=0.0)
    waits = [bucket.reserve(0.0) for _ in range(4)]
    assert waits == pytest.approx([0.0, 0.0, 0.2, 0.4])


def test_bucket_refills_over_time() -> None:
    """Idle time refills tokens up to the burst, never beyond."""
    bucket = TokenBucket(10, 3, now=0.0)
    for _ in range(3):
        bucket.reserve(0.0)
    assert bucket.reserve(100.0) == 0.0
    assert bucket.reserve(100.0) == 0.0
    assert bucket.reserve(100.0) == 0.0
    assert bucket.reserve(100.0) == pytest.approx(0.1)


def test_bucket_rejects_nonsense() -> None:
    """A zero rate or burst is refused."""
    with pytest.raises(ValueError, match="rate"):
        TokenBucket(0, 1, now=0.0)


def test_policy_spaces_requests_by_the_rate_limit() -> None:
    """Four calls at 4/s with burst 1 sleep 0.25 s before each call after the first."""
    clock = FakeClock()
    settings = settings_for(MOCK_BASE, api_endpoint=MOCK_BASE, rate_limit=4, rate_burst=1)
    transport = mock_tenant(lambda _: httpx.Response(200, json={}))
    with Client.from_settings(settings, transport=transport, clock=clock) as client:
        for _ in range(4):
            client.business_unit.get()
    assert clock.sleeps == pytest.approx([0.25, 0.25, 0.25])


def test_limiter_can_be_disabled() -> None:
    """rate_limited=False or an infinite rate means no limiter at all."""
    clock = FakeClock()
    assert make_limiter(settings_for(rate_limit=5), clock, enabled=False) is None
    assert make_limiter(settings_for(rate_limit=float("inf")), clock) is None
    assert make_limiter(settings_for(rate_limit=5), clock) is not None
