"""The I/O-free half of the HTTP policy: build requests, classify outcomes, decide retries.

:class:`PolicyCore` never sends anything. For each attempt the drivers in :mod:`.http` ask it
to :meth:`~PolicyCore.build` an :class:`httpx.Request`, send it, and hand back the response or
the transport exception; the core answers with a :class:`Step`:

- ``done``    return the :class:`~.request.APIResponse`
- ``fail``    raise the typed error
- ``reauth``  the token was refused: get a fresh one and try once more (once per call)
- ``verify``  an ambiguous write: run the request's verify hook before anything else
- ``retry``   sleep ``delay`` seconds and send again

Retryable: connect errors, timeouts, 408, 429, 5xx (and 409 only where the request says it
is transient). Reads retry on all of them. Writes retry only when the failure proves the
write did not happen (connect refused, 408, 429, 401, 409); after a timeout, reset or 5xx
the verify hook decides, and a write without one raises :class:`AmbiguousWrite`.
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import pydantic

from cxdial.config import Settings
from cxdial.cxone.backoff import Clock, backoff_delay, parse_retry_after
from cxdial.cxone.errormap import (
    AmbiguousWrite,
    error_for_response,
    json_body,
    partial_failure,
    redact_headers,
    request_id_of,
)
from cxdial.cxone.request import APIRequest, APIResponse
from cxdial.errors import APIConnectionError, APIError, APITimeout

__all__ = [
    "VERIFY_SETTLE_SECONDS",
    "AmbiguousWrite",
    "CallState",
    "PolicyCore",
    "Step",
    "redact_headers",
]

VERIFY_SETTLE_SECONDS = 2.0
"""After a verify hook finds nothing, wait this long and look once more before re-sending:
a write CXone applied may take a moment to show in reports (contacts, jobs, skill state)."""

logger = logging.getLogger("cxdial.cxone.http")

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


@dataclass
class CallState:
    """What the policy remembers across the attempts of one logical call."""

    idempotency_key: str | None
    started: float
    attempts: int = 0
    reauthed: bool = False
    request_id: str | None = None


@dataclass
class Step:
    """The policy's decision after one attempt (see the module docstring)."""

    kind: Literal["done", "fail", "reauth", "verify", "retry"]
    response: APIResponse[Any] | None = None
    error: APIError | None = None
    delay: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)


class PolicyCore:
    """Settings-driven decisions shared by the sync and async drivers."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        *,
        rng: random.Random | None = None,
        verify_settle: float = VERIFY_SETTLE_SECONDS,
    ):
        self.settings = settings
        self.verify_settle = verify_settle
        self.clock = clock
        self.rng = rng or random.Random()
        self.timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)

    # --- building ---------------------------------------------------------------------
    def start(self, request: APIRequest[Any]) -> CallState:
        """State for a new logical call; the idempotency key is made here, once."""
        key = request.idempotency_key
        if key is None and request.method.upper() != "GET":
            key = str(uuid.uuid4())
        return CallState(idempotency_key=key, started=self.clock.monotonic())

    def build(
        self, request: APIRequest[Any], state: CallState, *, base_url: str, token: str
    ) -> httpx.Request:
        """The :class:`httpx.Request` for the next attempt (same idempotency key every time)."""
        state.attempts += 1
        state.request_id = uuid.uuid4().hex
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "X-Request-Id": state.request_id,
        }
        if state.idempotency_key is not None:
            headers["Idempotency-Key"] = state.idempotency_key
        timeout = (
            httpx.Timeout(request.timeout, connect=self.settings.connect_timeout)
            if request.timeout is not None
            else self.timeout
        )
        params = {k: _query_value(v) for k, v in (request.params or {}).items() if v is not None}
        outgoing = httpx.Request(
            request.method.upper(),
            base_url.rstrip("/") + request.path,
            params=params or None,
            json=request.json,
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

    def retry_step(self, state: CallState, error: APIError, hint: float | None = None) -> Step:
        """``retry`` with a jittered (or server-hinted) delay, or ``fail`` when out of budget."""
        if hint is not None:
            delay = min(hint, self.settings.retry_after_cap)
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
            error.attempts = state.attempts
            return Step("fail", error=error)
        return Step("retry", error=error, delay=delay)

    def ambiguous_step(self, request: APIRequest[Any], state: CallState, error: APIError) -> Step:
        """An ambiguous failure: retry a read, verify a write, or give up on an unverifiable one."""
        if not request.is_write:
            return self.retry_step(state, error)
        if request.verify is not None:
            return Step("verify", error=error)
        error.attempts = state.attempts
        return Step("fail", error=self.ambiguous(request, state, error))

    def ambiguous(
        self, request: APIRequest[Any], state: CallState, cause: APIError
    ) -> AmbiguousWrite:
        """The error raised when a write's outcome cannot be established."""
        return AmbiguousWrite(
            f"{request.method} {request.path} may or may not have taken effect ({cause.message}); "
            "not retried because CXone honours no idempotency key",
            cause=cause,
            idempotency_key=state.idempotency_key,
            request_id=cause.request_id,
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
            fix="check network reachability of the CXone API host; the client already retried",
        )
        if isinstance(exc, _NOT_SENT):
            return self.retry_step(state, error)
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
        if status == 401 and not state.reauthed:
            state.reauthed = True
            return Step("reauth", error=error)
        if status in (408, 429) or (status == 409 and request.retry_on_conflict):
            return self.retry_step(state, error, hint)
        if status >= 500:
            if request.is_write:
                return self.ambiguous_step(request, state, error)
            return self.retry_step(state, error, hint)
        return Step("fail", error=error)

    def _success(
        self, request: APIRequest[Any], state: CallState, response: httpx.Response, body: Any
    ) -> Step:
        if request.batch:
            failure = partial_failure(response, body, attempts=state.attempts)
            if failure is not None:
                return Step("fail", error=failure)
        try:
            parsed = request.parse(body if response.status_code != 204 else None)
        except pydantic.ValidationError as exc:
            return Step("fail", error=self.shape_error(request, response, exc, state))
        return Step("done", response=self.response(request, state, response, body, parsed))

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
        self,
        request: APIRequest[Any],
        response: httpx.Response,
        exc: pydantic.ValidationError,
        state: CallState,
    ) -> APIError:
        """CXone answered 2xx with a body the response model cannot read."""
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return APIError(
            f"unexpected response shape at {where}: {first['msg']}",
            status_code=response.status_code,
            request_id=request_id_of(response),
            method=request.method,
            url=request.path,
            field=where,
            fix="the API version may have changed shape; check cxdial.cxone.versions",
            attempts=state.attempts,
        )

    def after_verify(
        self, request: APIRequest[Any], state: CallState, cause: APIError, outcome: Any
    ) -> Step:
        """The verify hook's verdict: recovered body → done; not applied → retry."""
        from cxdial.cxone.request import NOT_APPLIED

        if outcome is NOT_APPLIED:
            return self.retry_step(state, cause)
        try:
            parsed = request.parse(outcome)
        except pydantic.ValidationError:
            return Step("fail", error=self.ambiguous(request, state, cause))
        return Step("done", response=self.response(request, state, None, outcome, parsed))

    def log(self, request: APIRequest[Any], state: CallState, step: Step) -> None:
        """One structured line per logical call (no headers, no secrets, no query string)."""
        status = (
            step.response.status_code if step.response else getattr(step.error, "status_code", None)
        )
        request_id = (
            step.response.request_id if step.response else getattr(step.error, "request_id", None)
        )
        fields = {
            "method": request.method,
            "path": request.path,
            "status": status,
            "attempts": state.attempts,
            "request_id": request_id,
            "idempotency_key": state.idempotency_key,
            "elapsed_ms": round(self.elapsed(state) * 1000, 1),
            "recovered": bool(step.response and step.response.recovered),
        }
        level = logging.DEBUG if step.kind == "done" else logging.WARNING
        text = " ".join(f"{k}={v}" for k, v in fields.items())
        logger.log(level, "cxone %s", text, extra={"cxone": fields})

    def log_retry(self, request: APIRequest[Any], state: CallState, step: Step) -> None:
        """A line per retry, naming why and how long the policy waits."""
        logger.info(
            "cxone retry method=%s path=%s attempt=%d delay=%.3f reason=%s",
            request.method,
            request.path,
            state.attempts,
            step.delay,
            type(step.error).__name__,
        )


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
