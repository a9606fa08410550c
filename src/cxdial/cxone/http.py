"""THE HTTP policy: the only module that sends requests to CXone (API and issuer alike).

:class:`SyncHTTP` and :class:`AsyncHTTP` are twins over :class:`~.policy.PolicyCore`, which
holds every decision (retries, backoff, ``Retry-After``, idempotency keys, error mapping,
whether and when to verify an ambiguous write). The drivers only pace, send, sleep, run
verify hooks and fetch tokens, doing what the core's :data:`~.policy.Step` says. Token
requests are :class:`~.request.APIRequest` s too (``authenticated=False``), sent by the
same loop, so they share the caps, the jitter and the log lines. See :mod:`.policy` for
the rules and ``docs/client.md`` for the table of which rule applies to which request.
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

import httpx

from cxdial.config import Settings
from cxdial.cxone.auth import AuthCore
from cxdial.cxone.backoff import Clock
from cxdial.cxone.policy import CallState, PolicyCore, Reauth, Retry, Step, Verify
from cxdial.cxone.ratelimit import TokenBucket
from cxdial.cxone.request import APIRequest, APIResponse
from cxdial.cxone.token_source import AsyncAuth, SyncAuth
from cxdial.errors import APIError

__all__ = ["AsyncHTTP", "SyncHTTP", "make_limiter"]

T = TypeVar("T")


def make_limiter(settings: Settings, clock: Clock, *, enabled: bool = True) -> TokenBucket | None:
    """The client-side token bucket; None when disabled (``enabled=False`` or an infinite rate)."""
    if not enabled or math.isinf(settings.rate_limit):
        return None
    return TokenBucket(settings.rate_limit, settings.rate_burst, now=clock.monotonic())


class SyncHTTP:
    """Blocking driver of the policy over an :class:`httpx.Client`."""

    def __init__(
        self,
        client: httpx.Client,
        auth: AuthCore,
        core: PolicyCore,
        limiter: TokenBucket | None,
    ) -> None:
        self.client = client
        self.core = core
        self.limiter = limiter
        self.auth = SyncAuth(auth, self.send)

    def send(self, request: APIRequest[T], *, verifying: bool = False) -> APIResponse[T]:
        """Perform ``request`` under the policy; raise a :mod:`cxdial.errors` type on failure."""
        core = self.core
        state = core.start(request, verifying=verifying)
        token = self.auth.token() if request.authenticated else ""
        while True:
            if self.limiter is not None and request.authenticated:  # the API's budget
                wait = self.limiter.reserve(core.clock.monotonic())
                if wait > 0:
                    core.clock.sleep(wait)
            base = self.auth.api_endpoint() if request.authenticated else ""
            outgoing = core.build(request, state, base_url=base, token=token)
            step: Step
            try:
                answer = self.client.send(outgoing)
            except httpx.TransportError as exc:
                step = core.after_exception(request, state, exc)
            else:
                step = core.after_response(request, state, answer)
            while isinstance(step, Verify):
                step = self._verify(request, state, step)
            match core.settle(request, state, step):  # logs; raises a Fail's error
                case Reauth():
                    token = self.auth.reauth(token)
                case Retry(delay):
                    core.clock.sleep(delay)
                    token = self.auth.token() if request.authenticated else ""
                case response:
                    return response

    def _verify(self, request: APIRequest[Any], state: CallState, step: Verify) -> Step:
        if step.delay > 0:
            self.core.clock.sleep(step.delay)
        hook = step.hook()
        try:
            check = next(hook)
            while True:
                check = hook.send(self.send(check, verifying=True))
        except StopIteration as stop:
            return self.core.after_verify(request, state, step, stop.value)
        except APIError as exc:
            return self.core.verify_failed(request, state, step, exc)


class AsyncHTTP:
    """Asyncio driver of the policy over an :class:`httpx.AsyncClient`."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        auth: AuthCore,
        core: PolicyCore,
        limiter: TokenBucket | None,
    ) -> None:
        self.client = client
        self.core = core
        self.limiter = limiter
        self.auth = AsyncAuth(auth, self.send)

    async def send(self, request: APIRequest[T], *, verifying: bool = False) -> APIResponse[T]:
        """Perform ``request`` under the policy; raise a :mod:`cxdial.errors` type on failure."""
        core = self.core
        state = core.start(request, verifying=verifying)
        token = await self.auth.token() if request.authenticated else ""
        while True:
            if self.limiter is not None and request.authenticated:  # the API's budget
                wait = self.limiter.reserve(core.clock.monotonic())
                if wait > 0:
                    await core.clock.asleep(wait)
            base = await self.auth.api_endpoint() if request.authenticated else ""
            outgoing = core.build(request, state, base_url=base, token=token)
            step: Step
            try:
                answer = await self.client.send(outgoing)
            except httpx.TransportError as exc:
                step = core.after_exception(request, state, exc)
            else:
                step = core.after_response(request, state, answer)
            while isinstance(step, Verify):
                step = await self._verify(request, state, step)
            match core.settle(request, state, step):  # logs; raises a Fail's error
                case Reauth():
                    token = await self.auth.reauth(token)
                case Retry(delay):
                    await core.clock.asleep(delay)
                    token = await self.auth.token() if request.authenticated else ""
                case response:
                    return response

    async def _verify(self, request: APIRequest[Any], state: CallState, step: Verify) -> Step:
        if step.delay > 0:
            await self.core.clock.asleep(step.delay)
        hook = step.hook()
        try:
            check = next(hook)
            while True:
                check = hook.send(await self.send(check, verifying=True))
        except StopIteration as stop:
            return self.core.after_verify(request, state, step, stop.value)
        except APIError as exc:
            return self.core.verify_failed(request, state, step, exc)
