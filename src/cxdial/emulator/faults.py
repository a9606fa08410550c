"""Fault injection: a spec string of random faults plus one-shot faults queued by tests.

Grammar (comma-separated ``key=value`` items, whitespace ignored)::

    <status>=<p>            answer with that HTTP status (408, 429 or 5xx) with probability p
    drop=<p>                apply the request, then lose the response (transport error)
    timeout=<p>             apply the request, then hang and lose the response
    latency=<duration>      add this delay to every API request   (200ms, 1.5s, 2)
    retry_after=<duration>  Retry-After sent with injected 429s    (default 1s; 0 = none)
    token_revoke_every=<duration>  revoke every live access token this often (wall time)

Probabilities are in [0, 1] and their sum may not exceed 1. Draws come from the seed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Fault", "FaultInjector", "FaultSpec", "FaultSpecError", "OneShot", "parse_duration"]

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m)?$")


class FaultSpecError(ValueError):
    """A fault spec item is malformed; the message names the item."""


def parse_duration(text: str) -> float:
    """Seconds in ``200ms``, ``1.5s``, ``2m`` or a bare number of seconds."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise FaultSpecError(f"'{text}' is not a duration; write e.g. 200ms, 1.5s or 2m")
    value, unit = float(match.group(1)), match.group(2) or "s"
    return value / 1000 if unit == "ms" else value * 60 if unit == "m" else value


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """Parsed fault spec; see the module docstring for the grammar."""

    statuses: dict[int, float] = field(default_factory=dict)
    drop: float = 0.0
    timeout: float = 0.0
    latency: float = 0.0
    retry_after: float = 1.0
    token_revoke_every: float | None = None

    @classmethod
    def parse(cls, spec: str) -> FaultSpec:
        """Parse ``spec``; raise :class:`FaultSpecError` naming the first bad item."""
        statuses: dict[int, float] = {}
        values: dict[str, Any] = {}
        for item in (part.strip() for part in spec.split(",")):
            if not item:
                continue
            key, sep, value = (s.strip() for s in item.partition("="))
            if not sep or not value:
                raise FaultSpecError(f"fault item '{item}' must look like key=value")
            try:
                if key.isdigit():
                    code = int(key)
                    if code not in (408, 429) and not 500 <= code <= 599:
                        raise FaultSpecError(f"status {code} is not injectable; use 408, 429, 5xx")
                    statuses[code] = _probability(value)
                elif key in ("drop", "timeout"):
                    values[key] = _probability(value)
                elif key in ("latency", "retry_after"):
                    values[key] = parse_duration(value)
                elif key == "token_revoke_every":
                    every = parse_duration(value)
                    if every <= 0:
                        raise FaultSpecError("token_revoke_every must be positive")
                    values[key] = every
                else:
                    raise FaultSpecError(
                        f"unknown key '{key}'; expected a status code, drop, timeout, latency,"
                        " retry_after or token_revoke_every"
                    )
            except FaultSpecError as exc:
                raise FaultSpecError(f"bad fault item '{item}': {exc}") from None
        parsed = cls(statuses=statuses, **values)
        if parsed.total_probability() > 1:
            raise FaultSpecError(f"fault probabilities in '{spec}' add up to more than 1")
        return parsed

    def total_probability(self) -> float:
        """Chance that a request gets some fault."""
        return sum(self.statuses.values()) + self.drop + self.timeout


def _probability(text: str) -> float:
    try:
        p = float(text)
    except ValueError:
        raise FaultSpecError(f"'{text}' is not a probability between 0 and 1") from None
    if not 0 <= p <= 1:
        raise FaultSpecError(f"probability {p} is outside [0, 1]")
    return p


@dataclass(frozen=True, slots=True)
class Fault:
    """What happens to one request: ``kind`` is 'status', 'drop' or 'timeout'."""

    kind: str
    status: int = 0
    retry_after: float | None = None
    delay: float = 0.0


@dataclass(slots=True)
class OneShot:
    """A fault for the next request(s) whose path contains ``path_contains``."""

    path_contains: str
    fault: str
    retry_after: float | None = None
    delay: float = 2.0
    method: str | None = None
    times: int = 1

    def to_fault(self) -> Fault:
        """The fault this one-shot injects."""
        if self.fault in ("drop", "timeout"):
            return Fault(self.fault, delay=self.delay)
        return Fault("status", status=int(self.fault), retry_after=self.retry_after)


class FaultInjector:
    """Decides, per request, whether and how to fail it."""

    def __init__(self, spec: FaultSpec, seed: int) -> None:
        self.spec = spec
        self.rng = random.Random(seed ^ 0x5EED)
        self.oneshots: list[OneShot] = []

    def pick(self, method: str, path: str, *, random_faults: bool) -> Fault | None:
        """The fault for this request, if any (one-shots first, then the random spec)."""
        for shot in self.oneshots:
            if shot.path_contains in path and (shot.method is None or shot.method == method):
                shot.times -= 1
                if shot.times <= 0:
                    self.oneshots.remove(shot)
                return shot.to_fault()
        if not random_faults or self.spec.total_probability() == 0:
            return None
        draw = self.rng.random()
        for code, p in sorted(self.spec.statuses.items()):
            if draw < p:
                retry = self.spec.retry_after if code == 429 and self.spec.retry_after else None
                return Fault("status", status=code, retry_after=retry)
            draw -= p
        if draw < self.spec.drop:
            return Fault("drop")
        draw -= self.spec.drop
        if draw < self.spec.timeout:
            return Fault("timeout", delay=2.0)
        return None
