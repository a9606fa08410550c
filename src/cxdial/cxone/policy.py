"""The I/O-free half of the HTTP policy: build requests, classify outcomes, decide retries.

:class:`PolicyCore` never sends anything. For each attempt the drivers in :mod:`.http` ask it
to :meth:`~PolicyCore.build` an :class:`httpx.Request`, send it, and hand back the response or
the transport exception; the core answers with a :data:`Step`, which the driver carries out
without deciding anything itself:

- :class:`Done`    return the :class:`~.request.APIResponse`
- :class:`Fail`    raise the typed error
- :class:`Reauth`  the token was refused: get a fresh one and try once more (once per call)
- :class:`Verify`  an ambiguous write: wait ``delay``, run the request's verify hook, and
                   hand its verdict to :meth:`~PolicyCore.after_verify`
- :class:`Retry`   sleep ``delay`` seconds and send again

Every request cxdial sends takes this path, discovery and token grants included, so the
caps (``max_retries`` attempts, ``max_retry_time`` seconds), the jitter and the log lines
are the same for all of them. Retryable: connect errors, timeouts, 408, 429, 5xx (and 409
only where the request says it is transient). Reads (and idempotent writes: PUTs, token
grants) retry on all of them. Other writes retry only when the failure proves the write
did not happen (connect refused, 408, 429, 401, 409); after a timeout, reset or 5xx the
verify hook decides — looking twice, ``verify_settle`` seconds apart, before re-sending —
and a write without one raises :class:`~cxdial.errors.AmbiguousWrite`.

A ``Retry-After`` longer than ``retry_after_cap`` is not shortened: the call fails at once
with the server's error (``retry_after`` set), because retrying sooner than CXone asked
would only be refused again, and waiting longer than the cap is the caller's decision.
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass
from typing import Any, TypeVar, assert_never

import httpx
import pydantic

from cxdial.config import Settings
from cxdial.cxone.backoff import Clock, backoff_delay, parse_retry_after
from cxdial.cxone.errormap import (
    error_for_response,
    json_body,
    partial_failure,
    redact_headers,
    request_id_of,
)
from cxdial.cxone.request import NOT_APPLIED, APIRequest, APIResponse, VerifyFactory
from cxdial.errors import (
    AmbiguousWrite,
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeout,
    UnexpectedResponse,
)
from cxdial.validation_errors import field_problem

__all__ = [
    "CallState",
    "Done",
    "Fail",
    "PolicyCore",
    "Reauth",
    "Retry",
    "Step",
    "Verify",
    "redact_headers",
]

logger = logging.getLogger("cxdial.cxone.http")

T = TypeVar("T")

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
_VERIFY_LOOKS = 2
"""How many times a verify hook looks (``verify_settle`` apart) before the write is re-sent."""


@dataclass
class CallState:
    """What the policy remembers across the attempts of one logical call."""

    idempotency_key: str | None
    started: float
    verifying: bool = False
    """This call is a read made by a verify hook (its own ambiguity is not verified again)."""
    attempts: int = 0
    reauthed: bool = False
    request_id: str | None = None
    looks: int = 0
    """How many times the verify hook has looked for the current ambiguous failure."""


@dataclass(frozen=True)
class Done:
    """Return ``response``."""

    response: APIResponse[Any]


@dataclass(frozen=True)
class Fail:
    """Raise ``error``."""

    error: APIError


@dataclass(frozen=True)
class Reauth:
    """The token was refused: get a new one and send again."""


@dataclass(frozen=True)
class Verify:
    """Wait ``delay`` seconds, then run ``hook``; ``cause`` is the ambiguous failure."""

    delay: float
    hook: VerifyFactory
    cause: APIError


@dataclass(frozen=True)
class Retry:
    """Wait ``delay`` seconds, then send again; ``reason`` is the failure being retried."""

    delay: float
    reason: APIError


Step = Done | Fail | Reauth | Verify | Retry
"""The policy's decision after one attempt (see the module docstring)."""


class PolicyCore:
    """Settings-driven decisions shared by the sync and async drivers."""

    def __init__(self, settings: Settings, clock: Clock, *, rng: random.Random | None = None):
        self.settings = settings
        self.clock = clock
        self.rng = rng or random.Random()
        self.timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)

    # --- building ---------------------------------------------------------------------
    def start(self, request: APIRequest[Any], *, verifying: bool = False) -> CallState:
        """State for a new logical call; the idempotency key is made here, once."""
        key = request.idempotency_key
        if key is None and request.authenticated and request.method.upper() != "GET":
            key = str(uuid.uuid4())
        return CallState(idempotency_key=key, started=self.clock.monotonic(), verifying=verifying)

    def build(
        self, request: APIRequest[Any], state: CallState, *, base_url: str, token: str
    ) -> httpx.Request:
        """The :class:`httpx.Request` for the next attempt (same idempotency key every time)."""
        state.attempts += 1
        state.request_id = uuid.uuid4().hex
        headers = {"Accept": "application/json", "X-Request-Id": state.request_id}
        if request.authenticated:
            headers["Authorization"] = f"Bearer {token}"
        headers.update(request.headers or {})
        if state.idempotency_key is not None:
            headers["Idempotency-Key"] = state.idempotency_key
        timeout = (
            httpx.Timeout(request.timeout, connect=self.settings.connect_timeout)
            if request.timeout is not None
            else self.timeout
        )
        params = {k: _query_value(v) for k, v in (request.params or {}).items() if v is not None}
        url = base_url.rstrip("/") + request.path if request.authenticated else request.path
        outgoing = httpx.Request(
            request.method.upper(),
            url,
            params=params or None,
            json=request.json,
            data=dict(request.form) if request.form is not None else None,
            headers=headers,
            extensions={"timeout": timeout.as_dict()},
        )
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "cxone send method=%s path=%s attempt=%d headers=%s",
                outgoing.method,
                request.path,
                state.attempts,
                redact_headers(outgoing.headers),
            )
        return outgoing

    # --- deciding ---------------------------------------------------------------------
    def elapsed(self, state: CallState) -> float:
        """Seconds since the call started."""
        return self.clock.monotonic() - state.started

    def fail(self, request: APIRequest[Any], state: CallState, error: APIError) -> Fail:
        """Give up with ``error`` (attempts recorded, refined by the request if it says how)."""
        error.attempts = state.attempts
        if request.refine_error is not None:
            error = request.refine_error(error)
            error.attempts = state.attempts
        return Fail(error)

    def retry_step(
        self, request: APIRequest[Any], state: CallState, error: APIError, hint: float | None
    ) -> Step:
        """Retry after a jittered (or server-hinted) delay, or fail when out of budget.

        A hint above ``retry_after_cap`` fails at once: see the module docstring.
        """
        cap = self.settings.retry_after_cap
        if hint is not None and hint > cap:
            error.fix = (
                f"CXone asked to wait {hint:g} s (Retry-After), longer than retry_after_cap "
                f"({cap:g} s); wait that long before sending again, or raise "
                "CXDIAL_RETRY_AFTER_CAP"
            )
            return self.fail(request, state, error)
        if hint is not None:
            delay = hint
        else:
            delay = backoff_delay(
                state.attempts,
                initial=self.settings.backoff_initial,
                maximum=self.settings.backoff_max,
                rng=self.rng,
            )
        out_of_attempts = state.attempts > self.settings.max_retries
        out_of_time = self.elapsed(state) + delay > self.settings.max_retry_time
        if out_of_attempts or out_of_time:
            return self.fail(request, state, error)
        return Retry(delay, error)

    def ambiguous_step(self, request: APIRequest[Any], state: CallState, error: APIError) -> Step:
        """An ambiguous failure: retry a read, verify a write, or give up on an unverifiable one."""
        if not request.is_write:
            return self.retry_step(request, state, error, getattr(error, "retry_after", None))
        if request.verify is None or state.verifying:
            return self.fail(request, state, self.ambiguous(request, state, error))
        state.looks = 0
        return Verify(0.0, request.verify, error)

    def ambiguous(
        self, request: APIRequest[Any], state: CallState, cause: APIError
    ) -> AmbiguousWrite:
        """The error raised when a write's outcome cannot be established."""
        return AmbiguousWrite(
            f"the write may or may not have taken effect ({cause.message}); not retried, "
            "because CXone honours no idempotency key",
            cause=cause,
            idempotency_key=state.idempotency_key,
            method=request.method,
            url=request.path,
            fix="check the resource (contacts, list jobs, skill state) before sending it again",
            attempts=state.attempts,
        )

    def after_exception(
        self, request: APIRequest[Any], state: CallState, exc: httpx.TransportError
    ) -> Step:
        """Classify a transport failure (no HTTP answer)."""
        cls = APITimeout if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        error = cls(
            f"{type(exc).__name__}: {exc or 'no response'}",
            method=request.method,
            url=request.path,
            request_id=state.request_id,
            attempts=state.attempts,
            fix="check network reachability of the CXone host; the client already retried",
        )
        if isinstance(exc, _NOT_SENT):
            return self.retry_step(request, state, error, None)
        return self.ambiguous_step(request, state, error)

    def after_response(
        self, request: APIRequest[Any], state: CallState, response: httpx.Response
    ) -> Step:
        """Classify an HTTP answer."""
        status = response.status_code
        body = json_body(response)
        if status < 300 or status in request.ok_statuses:
            return self._success(request, state, response, body)
        hint = parse_retry_after(response.headers.get("retry-after"), now=self.clock.time())
        error = error_for_response(response, body, attempts=state.attempts, retry_after=hint)
        if status == 401 and request.authenticated and not state.reauthed:
            state.reauthed = True
            return Reauth()
        if status in (408, 429) or (status == 409 and request.retry_on_conflict):
            return self.retry_step(request, state, error, hint)
        if status >= 500:
            if request.is_write:
                return self.ambiguous_step(request, state, error)
            return self.retry_step(request, state, error, hint)
        return self.fail(request, state, error)

    def _success(
        self, request: APIRequest[Any], state: CallState, response: httpx.Response, body: Any
    ) -> Step:
        if request.batch:
            failure = partial_failure(response, body, attempts=state.attempts)
            if failure is not None:
                return self.fail(request, state, failure)
        try:
            parsed = request.parse(body if response.status_code != 204 else None)
        except pydantic.ValidationError as exc:
            return self.fail(request, state, self.shape_error(request, response, exc))
        return Done(self.response(request, state, response, body, parsed))

    def response(
        self,
        request: APIRequest[Any],
        state: CallState,
        response: httpx.Response | None,
        body: Any,
        parsed: Any,
    ) -> APIResponse[Any]:
        """The :class:`APIResponse`; ``response`` is None when a verify hook recovered it."""
        return APIResponse(
            parsed=parsed,
            status_code=response.status_code if response is not None else 200,
            headers=response.headers if response is not None else httpx.Headers(),
            body=body,
            request_id=request_id_of(response) if response is not None else state.request_id,
            idempotency_key=state.idempotency_key,
            attempts=state.attempts,
            elapsed=self.elapsed(state),
            recovered=response is None,
        )

    def shape_error(
        self, request: APIRequest[Any], response: httpx.Response, exc: pydantic.ValidationError
    ) -> UnexpectedResponse:
        """CXone answered 2xx with a body the response model cannot read."""
        problem = field_problem(exc)
        return UnexpectedResponse(
            f"unexpected response shape at {problem.field or 'the body'}: {problem.detail}",
            status_code=response.status_code,
            request_id=request_id_of(response),
            method=request.method,
            url=request.path,
            field=problem.field or None,
            fix="the API version may have changed shape; check cxdial.cxone.versions",
        )

    def after_verify(
        self, request: APIRequest[Any], state: CallState, step: Verify, outcome: Any
    ) -> Step:
        """The verify hook's verdict: recovered body → done; not applied → look again or retry."""
        cause = step.cause
        if outcome is NOT_APPLIED:
            state.looks += 1
            if state.looks < _VERIFY_LOOKS and self.settings.verify_settle > 0:
                return Verify(self.settings.verify_settle, step.hook, cause)
            return self.retry_step(request, state, cause, getattr(cause, "retry_after", None))
        try:
            parsed = request.parse(outcome)
        except pydantic.ValidationError:
            return self.fail(request, state, self.ambiguous(request, state, cause))
        return Done(self.response(request, state, None, outcome, parsed))

    def verify_failed(
        self, request: APIRequest[Any], state: CallState, step: Verify, exc: APIError
    ) -> Fail:
        """The verify hook itself failed: the write's outcome stays unknown."""
        failed = self.ambiguous(request, state, step.cause)
        failed.__cause__ = exc
        return self.fail(request, state, failed)

    def settle(
        self, request: APIRequest[T], state: CallState, step: Done | Fail | Reauth | Retry
    ) -> APIResponse[T] | Reauth | Retry:
        """Log ``step``; return a :class:`Done`'s response, raise a :class:`Fail`'s error.

        The drivers' shared tail after the verify hooks: what is left for them to carry
        out is I/O only — a new token after :class:`Reauth`, the sleep of a :class:`Retry`.
        """
        match step:
            case Done(response):
                self.log(request, state, step)
                return response
            case Fail(error):
                self.log(request, state, step)
                raise error
            case Retry():
                self.log_retry(request, state, step)
                return step
            case Reauth():
                return step
            case _:
                assert_never(step)

    def log(self, request: APIRequest[Any], state: CallState, step: Done | Fail) -> None:
        """One structured line per logical call (no headers, no secrets, no query string).

        DEBUG on success, INFO for a 4xx answer (raised to the caller, who decides), WARNING
        for everything else (5xx, no answer, ambiguous writes).
        """
        status: int | None
        if isinstance(step, Done):
            status, request_id = step.response.status_code, step.response.request_id
            recovered = step.response.recovered
        else:
            status, request_id, recovered = step.error.status_code, step.error.request_id, False
        fields = {
            "method": request.method,
            "path": request.path,
            "status": status,
            "attempts": state.attempts,
            "request_id": request_id,
            "idempotency_key": state.idempotency_key,
            "elapsed_ms": round(self.elapsed(state) * 1000, 1),
            "recovered": recovered,
        }
        level = logging.WARNING
        if isinstance(step, Done):
            level = logging.DEBUG
        elif isinstance(step.error, APIStatusError) and (status or 500) < 500:
            level = logging.INFO  # the caller's error, raised to the caller: not a fault
        text = " ".join(f"{k}={v}" for k, v in fields.items())
        logger.log(level, "cxone %s", text, extra={"cxone": fields})

    def log_retry(self, request: APIRequest[Any], state: CallState, step: Retry) -> None:
        """A line per retry, naming why and how long the policy waits."""
        logger.info(
            "cxone retry method=%s path=%s attempt=%d delay=%.3f reason=%s",
            request.method,
            request.path,
            state.attempts,
            step.delay,
            type(step.reason).__name__,
        )


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
