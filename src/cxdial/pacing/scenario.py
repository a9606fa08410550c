"""A capacity scenario as plain data: a pydantic model loaded from YAML.

Validation errors become :class:`cxdial.errors.ValidationError` naming the field,
e.g. ``handle_time.mean: must be > 0``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticValidationError

from cxdial.errors import ValidationError
from cxdial.validation_errors import field_error

__all__ = [
    "AMD",
    "Distribution",
    "Outcomes",
    "RingTimes",
    "Scenario",
    "Shift",
    "load_scenario",
    "scenario_from",
]

Family = Literal["exponential", "lognormal", "deterministic"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Distribution(_Strict):
    """A positive duration in seconds: exponential, lognormal (mean, cv) or deterministic."""

    distribution: Family = "exponential"
    mean: float
    cv: float = Field(default=1.0, ge=0, description="coefficient of variation (lognormal)")

    @model_validator(mode="after")
    def _positive(self) -> Distribution:
        if not self.mean > 0:
            raise ValueError("mean: must be > 0")
        return self


class Outcomes(_Strict):
    """What a dial ends in; probabilities sum to 1 (``live`` is the right-party answer rate)."""

    live: float = Field(default=0.3, ge=0, le=1)
    no_answer: float = Field(default=0.7, ge=0, le=1)
    busy: float = Field(default=0.0, ge=0, le=1)
    machine: float = Field(default=0.0, ge=0, le=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> Outcomes:
        total = self.live + self.no_answer + self.busy + self.machine
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"live + no_answer + busy + machine must sum to 1 (got {total:g})")
        return self


class RingTimes(_Strict):
    """Mean seconds from dial to outcome, per outcome, drawn from one family."""

    distribution: Family = "exponential"
    cv: float = Field(default=1.0, ge=0)
    live: float = Field(default=20.0, gt=0)
    no_answer: float = Field(default=20.0, gt=0)
    busy: float = Field(default=20.0, gt=0)
    machine: float = Field(default=20.0, gt=0)


class AMD(_Strict):
    """Answering-machine detection: machines caught, live answers wrongly hung up, delay (s).

    A live answer classed as a machine is hung up on: it counts as abandoned.
    """

    accuracy: float = Field(default=0.95, ge=0, le=1, description="share of machines detected")
    false_positive: float = Field(default=0.0, ge=0, le=1, description="live answers hung up")
    delay: float = Field(default=0.0, ge=0, description="decision delay after the greeting")
    machine_talk: float = Field(default=10.0, gt=0, description="agent seconds lost on a machine")


class Shift(_Strict):
    """``agents`` logged in from ``start`` to ``end`` hours after the day starts."""

    start: float = Field(ge=0)
    end: float = Field(gt=0)
    agents: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Shift:
        if self.end <= self.start:
            raise ValueError("end: must be after start")
        return self


class Scenario(_Strict):
    """Everything the simulator needs; defaults are the design note's reference model."""

    name: str = "scenario"
    agents: int = Field(default=20, ge=1, description="agents for the whole day when no shifts")
    shifts: tuple[Shift, ...] = ()
    hours: float = Field(default=8.0, gt=0, le=24)
    days: int = Field(default=1, ge=1, le=366)
    handle_time: Distribution = Distribution(mean=120.0)
    outcomes: Outcomes = Outcomes()
    answer_drift: float = Field(
        default=0.0,
        ge=-1,
        description="relative change of the live-answer rate over each day (taken from no_answer)",
    )
    ring_time: RingTimes = RingTimes()
    amd: AMD | None = None
    abandon_after: float = Field(default=2.0, ge=0, description="2-second rule (s)")
    trunks: int | None = Field(default=None, ge=1, description="line limit; None = unlimited")
    list_size: int | None = Field(default=None, ge=1, description="records; None = endless")
    calling_window: tuple[float, float] | None = Field(
        default=None, description="[open, close] hours after the day starts"
    )
    cap: float = Field(default=0.03, ge=0, lt=1, description="abandonment cap")
    tick: float = Field(default=2.0, gt=0, description="seconds between pacing ticks")

    @model_validator(mode="after")
    def _coherent(self) -> Scenario:
        for i, shift in enumerate(self.shifts):
            if shift.end > self.hours:
                raise ValueError(f"shifts.{i}.end: must be ≤ hours ({self.hours:g})")
        o = self.outcomes
        if o.live * self.answer_drift > o.no_answer:
            raise ValueError("answer_drift: live × (1 + answer_drift) must leave no_answer ≥ 0")
        if self.calling_window is not None:
            start, end = self.calling_window
            if not 0 <= start < end:
                raise ValueError("calling_window: must be [open, close] with 0 ≤ open < close")
        return self

    @property
    def peak_agents(self) -> int:
        """Most agents logged in at once."""
        if not self.shifts:
            return self.agents
        edges = sorted({s.start for s in self.shifts})
        return max(sum(s.agents for s in self.shifts if s.start <= e < s.end) for e in edges)

    @property
    def mean_dial_time(self) -> float:
        """Mean dial-to-outcome time weighted by outcome probabilities."""
        o, r = self.outcomes, self.ring_time
        return o.live * r.live + o.no_answer * r.no_answer + o.busy * r.busy + o.machine * r.machine

    @property
    def markovian(self) -> bool:
        """True when the LP model of ``pacing.md`` §A4 describes this scenario."""
        r = self.ring_time
        amd = self.amd
        exact_amd = amd is not None and amd.accuracy == 1 and amd.delay == amd.false_positive == 0
        return (
            self.handle_time.distribution == "exponential"
            and r.distribution == "exponential"
            and len({r.live, r.no_answer, r.busy, r.machine}) == 1
            and (self.outcomes.machine == 0 or exact_amd)
            and not self.shifts
            and self.answer_drift == 0
        )


def scenario_from(data: dict[str, Any]) -> Scenario:
    """Validate plain data into a :class:`Scenario` (errors name the field)."""
    try:
        return Scenario.model_validate(data)
    except PydanticValidationError as exc:
        raise field_error(exc, what="invalid scenario", fix="correct that field") from None


def load_scenario(path: Path) -> Scenario:
    """Read a scenario YAML file."""
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except OSError as exc:
        raise ValidationError(f"cannot read scenario {path}: {exc}", field="scenario") from exc
    except yaml.YAMLError as exc:
        raise ValidationError(
            f"scenario {path} is not valid YAML: {exc}", field="scenario"
        ) from exc
    if not isinstance(data, dict):
        raise ValidationError(f"scenario {path} must be a mapping", field="scenario")
    return scenario_from(data)
