"""THE HTTP policy: the only module that sends requests to the CXone API.

:class:`SyncHTTP` and :class:`AsyncHTTP` are twins over :class:`~.policy.PolicyCore`, which
holds every decision (retries, backoff, ``Retry-After``, idempotency keys, error mapping,
verification of ambiguous writes). The drivers only send, sleep, rate-limit and
re-authenticate. See :mod:`.policy` for the retry rules and ``docs/client.md`` for the
reasoning.
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

import httpx

from cxdial.config import Settings
from cxdial.cxone.backoff import Clock
from cxdial.cxone.policy import AmbiguousWrite, CallState, PolicyCore, Step
from cxdial.cxone.ratelimit import TokenBucket
from cxdial.cxone.request import NOT_APPLIED, APIRequest, APIResponse, VerifyFactory
from cxdial.cxone.token_source import AsyncAuth, SyncAuth
from cxdial.errors import APIError

__all__ = ["AmbiguousWrite", "AsyncHTTP", "SyncHTTP", "make_limiter"]

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
        auth: SyncAuth,
        core: PolicyCore,
        limiter: TokenBucket | None,
    ) -> None:
        self.client = client
        self.auth = auth
        self.core = core
        self.limiter = limiter

    def send(self, request: APIRequest[T], *, verifying: bool = False) -> APIResponse[T]:
        """Perform ``request`` under the policy; raise a :mod:`cxdial.errors` type on failure."""
        core = self.core
        state = core.start(request)
        token = self.auth.token()
        while True:
            if self.limiter is not None:
                wait = self.limiter.reserve(core.clock.monotonic())
                if wait > 0:
                    core.clock.sleep(wait)
            outgoing = core.build(request, state, base_url=self.auth.api_endpoint(), token=token)
            try:
                answer = self.client.send(outgoing)
            except httpx.TransportError as exc:
                step = core.after_exception(request, state, exc)
            else:
                step = core.after_response(request, state, answer)
            if step.kind == "verify" and not verifying:
                step = self._verify(request, state, step)
            elif step.kind == "verify":
                step = Step("fail", error=core.ambiguous(request, state, _error(step)))
            if step.kind == "reauth":
                token = self.auth.reauth(token)
                continue
            if step.kind == "retry":
                core.log_retry(request, state, step)
                core.clock.sleep(step.delay)
                token = self.auth.token()
                continue
            core.log(request, state, step)
            if step.kind == "done" and step.response is not None:
                return step.response
            raise _error(step)

    def _verify(self, request: APIRequest[Any], state: CallState, step: Step) -> Step:
        cause = _error(step)
        if request.verify is None:
            return Step("fail", error=self.core.ambiguous(request, state, cause))
        try:
            outcome = self._run_hook(request.verify)
            if outcome is NOT_APPLIED and self.core.verify_settle > 0:
                self.core.clock.sleep(self.core.verify_settle)  # let a slow write surface
                outcome = self._run_hook(request.verify)
            return self.core.after_verify(request, state, cause, outcome)
        except APIError as exc:
            failed = self.core.ambiguous(request, state, cause)
            failed.__cause__ = exc
            return Step("fail", error=failed)

    def _run_hook(self, factory: VerifyFactory) -> Any:
        hook = factory()
        try:
            check = next(hook)
            while True:
                check = hook.send(self.send(check, verifying=True))
        except StopIteration as stop:
            return stop.value


class AsyncHTTP:
    """Asyncio driver of the policy over an :class:`httpx.AsyncClient`."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        auth: AsyncAuth,
        core: PolicyCore,
        limiter: TokenBucket | None,
    ) -> None:
        self.client = client
        self.auth = auth
        self.core = core
        self.limiter = limiter

    async def send(self, request: APIRequest[T], *, verifying: bool = False) -> APIResponse[T]:
        """Perform ``request`` under the policy; raise a :mod:`cxdial.errors` type on failure."""
        core = self.core
        state = core.start(request)
        token = await self.auth.token()
        while True:
            if self.limiter is not None:
                wait = self.limiter.reserve(core.clock.monotonic())
                if wait > 0:
                    await core.clock.asleep(wait)
            base_url = await self.auth.api_endpoint()
            outgoing = core.build(request, state, base_url=base_url, token=token)
            try:
                answer = await self.client.send(outgoing)
            except httpx.TransportError as exc:
                step = core.after_exception(request, state, exc)
            else:
                step = core.after_response(request, state, answer)
            if step.kind == "verify" and not verifying:
                step = await self._verify(request, state, step)
            elif step.kind == "verify":
                step = Step("fail", error=core.ambiguous(request, state, _error(step)))
            if step.kind == "reauth":
                token = await self.auth.reauth(token)
                continue
            if step.kind == "retry":
                core.log_retry(request, state, step)
                await core.clock.asleep(step.delay)
                token = await self.auth.token()
                continue
            core.log(request, state, step)
            if step.kind == "done" and step.response is not None:
                return step.response
            raise _error(step)

    async def _verify(self, request: APIRequest[Any], state: CallState, step: Step) -> Step:
        cause = _error(step)
        if request.verify is None:
            return Step("fail", error=self.core.ambiguous(request, state, cause))
        try:
            outcome = await self._run_hook(request.verify)
            if outcome is NOT_APPLIED and self.core.verify_settle > 0:
                await self.core.clock.asleep(self.core.verify_settle)
                outcome = await self._run_hook(request.verify)
            return self.core.after_verify(request, state, cause, outcome)
        except APIError as exc:
            failed = self.core.ambiguous(request, state, cause)
            failed.__cause__ = exc
            return Step("fail", error=failed)

    async def _run_hook(self, factory: VerifyFactory) -> Any:
        hook = factory()
        try:
            check = next(hook)
            while True:
                check = hook.send(await self.send(check, verifying=True))
        except StopIteration as stop:
            return stop.value


def _error(step: Step) -> APIError:
    if step.error is None:
        return APIError("the HTTP policy stopped without a response or an error")
    return step.error
