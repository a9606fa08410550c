"""The campaign spec: one YAML file per campaign, read into strict pydantic models.

Unknown keys and impossible values are errors that name the dotted path and the fix, e.g.
``pacing.abandon_target: 0.05 exceeds the 0.03 legal cap``. Legal floors and caps that
no setting may cross are checked here; checks that need judgement or the tenant (the drop
message's wording, trunk capacity, a simulated abandonment rate) live in
:mod:`cxdial.campaigns.validate`.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError

from cxdial.campaigns.errors import SpecError, SpecProblem

__all__ = [
    "ABANDON_CAP",
    "CONNECT_SECONDS",
    "DAYS",
    "MIN_RING_RINGS",
    "MIN_RING_SECONDS",
    "AbandonMessage",
    "Cadence",
    "CallingWindow",
    "CampaignSpec",
    "ColumnMapping",
    "ConsentSegment",
    "Dialing",
    "Failover",
    "FrequencyCaps",
    "ListSource",
    "MonitorSettings",
    "Pacing",
    "Retry",
    "RetryRule",
    "SkillRef",
    "dump_spec",
    "load_spec",
    "parse_spec",
    "spec_data",
    "spec_hash",
]

ABANDON_CAP = 0.03
"""Abandoned calls may not exceed 3 % of live answers per campaign per 30-day window."""
MIN_RING_SECONDS = 15
"""An unanswered call must ring at least 15 seconds or 4 rings (47 CFR 64.1200(a)(6))."""
MIN_RING_RINGS = 4
CONNECT_SECONDS = 2.0
"""A live answer must reach an agent (or the drop message) within 2 seconds."""

DialingMode = Literal["predictive", "progressive", "preview", "agentless"]
Purpose = Literal["marketing", "informational", "debt_collection", "political", "survey"]
Outcome = Literal["busy", "no_answer", "machine", "abandoned", "fax", "disconnected"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SkillRef(_Strict):
    """The Personal Connection skill the campaign is (``id`` once it exists on the tenant)."""

    name: str = Field(min_length=1, max_length=100, description="the skill's name in CXone")
    id: int | None = Field(default=None, ge=1, description="skillId; omit to create the skill")
    campaign_id: int | None = Field(default=None, ge=0, description="CXone reporting group")


class Dialing(_Strict):
    """How the platform dials: predictive, progressive, preview or agentless."""

    mode: DialingMode = "progressive"
    agentless_ports: int | None = Field(
        default=None, ge=1, description="ports for agentless dialing (agentless mode only)"
    )

    @model_validator(mode="after")
    def _ports(self) -> Dialing:
        if self.mode == "agentless" and self.agentless_ports is None:
            raise ValueError("agentless_ports: agentless dialing needs a number of ports")
        if self.mode != "agentless" and self.agentless_ports is not None:
            raise ValueError("agentless_ports: only agentless dialing uses ports")
        return self


class Pacing(_Strict):
    """How hard the dialer may push: ratio, abandonment target, ring time, lines in flight."""

    max_ratio: float = Field(default=1.0, ge=1.0, le=10.0, description="dials per agent")
    abandon_target: float = Field(default=0.03, ge=0, description="fraction of live answers")
    ring_seconds: int = Field(default=20, le=120, description="ring time before giving up")
    max_calls_in_flight: int = Field(default=20, ge=1, description="lines at once")
    max_calls_per_agent: int = Field(default=1, ge=1, le=6)
    connect_seconds: float = Field(
        default=2.0, gt=0, description="seconds from answer to agent or message"
    )

    @field_validator("abandon_target")
    @classmethod
    def _cap(cls, value: float) -> float:
        if value > ABANDON_CAP:
            raise ValueError(f"{value:g} exceeds the {ABANDON_CAP:g} legal cap")
        return value

    @field_validator("ring_seconds")
    @classmethod
    def _ring(cls, value: int) -> int:
        if value < MIN_RING_SECONDS:
            raise ValueError(
                f"{value} s is below the legal minimum of {MIN_RING_SECONDS} s "
                f"(or {MIN_RING_RINGS} rings)"
            )
        return value

    @field_validator("connect_seconds")
    @classmethod
    def _connect(cls, value: float) -> float:
        if value > CONNECT_SECONDS:
            raise ValueError(f"{value:g} s breaks the {CONNECT_SECONDS:g}-second connect rule")
        return value


class ZoneWindow(_Strict):
    """A per-time-zone window that overrides the main one."""

    zone: str = Field(min_length=1, description="IANA name, e.g. America/Chicago")
    start: str | None = None
    end: str | None = None
    active: bool = True

    @model_validator(mode="after")
    def _times(self) -> ZoneWindow:
        _check_window(self.start, self.end)
        return self


class CallingWindow(_Strict):
    """When the skill may dial: days of the week and local start/end (HH:MM)."""

    days: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri")
    start: str = "09:00"
    end: str = "20:00"
    zones: tuple[ZoneWindow, ...] = ()
    every_us_zone: bool = Field(
        default=False,
        description="also write the window for every US time zone the spec does not list, "
        "so the platform applies it in the callee's local time (the gate's windows)",
    )

    @model_validator(mode="after")
    def _coherent(self) -> CallingWindow:
        if not self.days:
            raise ValueError("days: name at least one day")
        if len(set(self.days)) != len(self.days):
            raise ValueError("days: a day is listed twice")
        _check_window(self.start, self.end)
        return self


def _check_window(start: str | None, end: str | None) -> None:
    for name, value in (("start", start), ("end", end)):
        if value is not None and not _HHMM.match(value):
            raise ValueError(f"{name}: {value!r} is not a time; write HH:MM, e.g. 09:00")
    if (start is None) != (end is None):
        raise ValueError("end: give both start and end, or neither")
    if start is not None and end is not None and start >= end:
        raise ValueError(f"end: {end} is not after start {start}")
    if start is not None and end is not None and (start < "08:00" or end > "21:00"):
        raise ValueError(
            f"start: {start}-{end} leaves the legal 08:00-21:00 local window (47 CFR 64.1200(c)(1))"
        )


class ColumnMapping(_Strict):
    """Which CSV column feeds each calling-list field (``external_id`` and ``phone`` needed)."""

    external_id: str = Field(min_length=1)
    phone: str = Field(min_length=1)
    first_name: str | None = None
    last_name: str | None = None
    zip: str | None = None
    state: str | None = None
    time_zone: str | None = None
    caller_id: str | None = None
    expiration: str | None = None
    call_request_time: str | None = None


ConsentChannel = Literal["live", "autodialed", "prerecorded"]


class ConsentSegment(_Strict):
    """Which records a list takes, by the consent records on file (``--consent``).

    A record belongs to the segment when one of its number's consent records, given and
    not revoked at the screening instant, fits every attribute named here: the seller
    (a record without one fits any), a purpose (the record lists it, or lists none) and a
    channel the record allows. The gate also screens the list for that seller.
    """

    seller: str | None = Field(default=None, min_length=1)
    purpose: Purpose | None = None
    channel: ConsentChannel | None = None

    @model_validator(mode="after")
    def _something(self) -> ConsentSegment:
        if self.seller is None and self.purpose is None and self.channel is None:
            raise ValueError("seller: name a seller, purpose or channel to segment by")
        return self


class ListSource(_Strict):
    """One calling list: its name, CSV source (relative to the spec file) and columns."""

    name: str = Field(min_length=1, max_length=100)
    source: str = Field(min_length=1, description="CSV file path")
    columns: ColumnMapping
    default_time_zone: str | None = None
    segment: ConsentSegment | None = Field(
        default=None, description="upload only the records whose consent fits (seller, …)"
    )


class RetryRule(_Strict):
    """How a number with this outcome is retried (or recycled)."""

    retry_after_minutes: int = Field(ge=1, le=43_200)
    max_attempts: int = Field(ge=0, le=50, description="0 = never retry this outcome")


class Cadence(_Strict):
    """Per-destination retry limits: the skill's cadence settings block."""

    destination_rest_minutes: int = Field(
        default=0, ge=0, le=43_200, description="rest between two attempts on one number"
    )
    max_attempts_per_destination: dict[str, int] = Field(
        default_factory=dict,
        description="list destination field (e.g. PhoneNumber) to its most attempts",
    )

    @field_validator("max_attempts_per_destination")
    @classmethod
    def _attempts(cls, value: dict[str, int]) -> dict[str, int]:
        for name, attempts in value.items():
            if not name or attempts < 1:
                raise ValueError(f"{name or '(empty)'}: give a field name and 1 or more attempts")
        return value


class Retry(_Strict):
    """Attempts and rest periods, overall, per outcome and per destination (cadence)."""

    max_attempts: int = Field(default=3, ge=1, le=50)
    min_retry_minutes: int = Field(default=60, ge=1, le=43_200)
    finalize_when_exhausted: bool = True
    by_outcome: dict[Outcome, RetryRule] = Field(default_factory=dict)
    cadence: Cadence | None = Field(
        default=None, description="the skill's cadence settings; omit to leave them alone"
    )


class FrequencyCaps(_Strict):
    """Most attempts per number (the compliance gate enforces them per dial)."""

    per_day: int | None = Field(default=None, ge=1)
    per_week: int | None = Field(default=None, ge=1)
    per_30_days: int | None = Field(default=None, ge=1)


class AbandonMessage(_Strict):
    """What a callee hears when no agent is free: it must name the seller and an opt-out."""

    text: str = Field(min_length=10, description="the words of the message")
    seller: str = Field(min_length=1, description="the business on whose behalf we call")
    opt_out: str = Field(min_length=1, description="how to opt out, as the message says it")
    prompt_path: str | None = Field(default=None, description="CXone prompt file that plays it")


class Failover(_Strict):
    """When to switch to the backup campaign (read by the monitor)."""

    backup: str = Field(min_length=1, description="name of the backup campaign")
    min_success_rate: float = Field(gt=0, lt=1, description="fail over below this")
    window_minutes: int = Field(default=30, ge=5, le=1440)
    recover_rate: float | None = Field(default=None, gt=0, lt=1, description="hysteresis")
    max_rejection_rate: float = Field(default=0.30, gt=0, le=1)

    @model_validator(mode="after")
    def _hysteresis(self) -> Failover:
        if self.recover_rate is not None and self.recover_rate <= self.min_success_rate:
            raise ValueError("recover_rate: must be above min_success_rate (hysteresis)")
        return self


class MonitorSettings(_Strict):
    """How the monitor judges rates (failover and auto-pause)."""

    min_calls: int = Field(
        default=30, ge=1, le=100_000, description="fewest calls a rate needs before it is judged"
    )
    abandon_margin: float = Field(
        default=0.005,
        ge=0,
        lt=ABANDON_CAP,
        description="auto-pause when the 30-day abandonment reaches the cap minus this",
    )


class Planning(_Strict):
    """What the capacity check assumes about the floor (used only by ``validate``)."""

    agents: int = Field(default=10, ge=1, le=5000)
    answer_rate: float = Field(default=0.3, gt=0, le=1)
    handle_seconds: float = Field(default=180.0, gt=0)
    hours: float = Field(default=8.0, gt=0, le=24)


class CampaignSpec(_Strict):
    """A whole campaign: one Personal Connection skill and everything around it."""

    spec_version: Literal[1] = 1
    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str | None = None
    skill: SkillRef
    dialing: Dialing = Dialing()
    pacing: Pacing = Pacing()
    purpose: Purpose
    caller_id: str | None = Field(
        default=None, description="E.164 number the BU owns; omit for the route's default"
    )
    calling_window: CallingWindow = CallingWindow()
    lists: tuple[ListSource, ...] = ()
    retry: Retry = Retry()
    frequency_caps: FrequencyCaps = FrequencyCaps()
    abandon_message: AbandonMessage | None = None
    failover: Failover | None = None
    monitor: MonitorSettings = MonitorSettings()
    planning: Planning = Planning()

    @field_validator("caller_id")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        if value is not None and not _E164.match(value):
            raise ValueError(f"{value!r} is not an E.164 number; write it like +18005550100")
        return value

    @model_validator(mode="after")
    def _coherent(self) -> CampaignSpec:
        if self.dialing.mode in ("predictive", "agentless") and self.abandon_message is None:
            raise ValueError(
                "abandon_message: predictive and agentless dialing can abandon calls; "
                "give the message that names the seller and an opt-out"
            )
        if self.dialing.mode != "predictive" and self.pacing.max_ratio > 1:
            raise ValueError(
                f"pacing.max_ratio: {self.dialing.mode} dialing places one call per agent; "
                "use 1 or switch dialing.mode to predictive"
            )
        if self.pacing.max_calls_per_agent > self.pacing.max_calls_in_flight:
            raise ValueError("pacing.max_calls_per_agent: exceeds max_calls_in_flight")
        names = [lst.name for lst in self.lists]
        if len(set(names)) != len(names):
            raise ValueError("lists: two lists share a name")
        if self.failover is not None and self.failover.backup == self.name:
            raise ValueError("failover.backup: a campaign cannot be its own backup")
        return self


def parse_spec(data: Any, *, source: str = "spec") -> CampaignSpec:
    """Validate plain data into a :class:`CampaignSpec`; :class:`SpecError` lists each problem."""
    if not isinstance(data, dict):
        raise SpecError(source, [SpecProblem("", "the spec must be a mapping of keys")])
    try:
        return CampaignSpec.model_validate(data)
    except PydanticValidationError as exc:
        raise SpecError(source, _problems(exc)) from None


def _problems(exc: PydanticValidationError) -> list[SpecProblem]:
    out = []
    for error in exc.errors():
        parts = [str(p) for p in error["loc"] if p != "[key]"]
        message = str(error["msg"]).removeprefix("Value error, ")
        head, sep, rest = message.partition(": ")
        if sep and re.fullmatch(r"[a-z_][a-z0-9_.]*", head):
            parts = [*parts, *head.split(".")]
            message = rest
        if error["type"] == "extra_forbidden":
            message = "unknown key; remove it or check its spelling"
        out.append(SpecProblem(".".join(parts), message))
    return out


def load_spec(path: Path) -> CampaignSpec:
    """Read and validate a spec YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(
            str(path), [SpecProblem("", f"cannot read the file: {exc.strerror}")]
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(str(path), [SpecProblem("", f"not valid YAML: {exc}")]) from None
    return parse_spec(data, source=str(path))


def spec_data(spec: CampaignSpec) -> dict[str, Any]:
    """The spec as plain JSON data (defaults included, so equal specs give equal data)."""
    data: dict[str, Any] = spec.model_dump(mode="json")
    # keys added after specs were first versioned are left out at their defaults, so the
    # content hash of a spec that does not use them stays what it was
    if data["retry"].get("cadence") is None:
        del data["retry"]["cadence"]
    if spec.monitor == MonitorSettings():
        del data["monitor"]
    return data


def spec_hash(spec: CampaignSpec) -> str:
    """SHA-256 of the canonical JSON of the spec: its content identity for versions."""
    text = json.dumps(spec_data(spec), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def dump_spec(spec: CampaignSpec) -> str:
    """The spec as YAML, leaving out values equal to their defaults."""
    data = spec.model_dump(mode="json", exclude_defaults=True)
    data = {"spec_version": 1, **data}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
