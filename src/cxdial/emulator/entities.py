"""The tenant's objects held in memory: skills, lists, DNC groups, agents, contacts, sessions."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Agent",
    "AgentSession",
    "AgentStateSpan",
    "CallList",
    "CallRecord",
    "Contact",
    "DncGroup",
    "Skill",
    "UploadJob",
]


@dataclass(slots=True)
class Skill:
    """A skill; an outbound Personal Connection skill is CXone's dialing campaign."""

    skill_id: int
    name: str
    media_type_id: int = 4
    is_outbound: bool = True
    outbound_strategy: str = "Personal Connection"
    campaign_id: int = 0
    caller_id_override: str | None = None
    script_id: int | None = None
    agentless: bool = False
    agentless_ports: int = 0
    require_disposition: bool = False
    is_active: bool = True
    is_running: bool = False
    stopping: bool = False
    agent_ids: set[int] = field(default_factory=set)
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    created: float = 0.0
    updated: float = 0.0

    @property
    def is_pc(self) -> bool:
        """True for Personal Connection (dialer) skills."""
        return self.is_outbound and self.outbound_strategy == "Personal Connection"


@dataclass(slots=True)
class CallRecord:
    """One row of an uploaded calling list, loaded into a skill's queue."""

    record_id: int
    list_id: int
    skill_id: int
    external_id: str
    phone: str
    fields: dict[str, str]
    caller_id: str | None = None
    attempts: int = 0
    finalized: bool = False
    final_reason: str | None = None
    next_ok_at: float = 0.0
    in_flight: bool = False
    removed: bool = False
    attempt_log: list[dict[str, Any]] = field(default_factory=list)
    time_zone: str | None = None
    """The record's time zone (``timeZoneColumn`` or the upload's ``defaultTimeZone``)."""
    not_before: float | None = None
    """Its call request time: never dialed before it."""
    expires_at: float | None = None
    """Retired, not dialed, from this instant (expiration or a stale call request)."""
    expire_reason: str = "Expired"


@dataclass(slots=True)
class CallList:
    """A calling-list mapping and the records uploaded through it."""

    list_id: int
    name: str
    external_id_column: str
    columns: dict[str, str]
    destination_mappings: list[dict[str, str]]
    custom_field_mappings: list[dict[str, str]]
    created: float
    updated: float
    uploaded: float | None = None
    records: list[CallRecord] = field(default_factory=list)
    invalid_records: int = 0
    skill_ids: set[int] = field(default_factory=set)


@dataclass(slots=True)
class UploadJob:
    """An asynchronous list upload: parsed now, applied when ``complete_at`` passes."""

    job_id: int
    list_id: int
    skill_id: int
    file_name: str
    rows: list[dict[str, str]]
    start_skill: bool
    force_overwrite: bool
    submitted: float
    complete_at: float
    default_time_zone: str | None = None
    expiration_date: str | None = None
    is_complete: bool = False
    is_cancelled: bool = False
    completed: float | None = None
    valid: int = 0
    invalid: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DncGroup:
    """A do-not-call group, its numbers, the skills scrubbed against it and the skills
    contributing numbers to it."""

    group_id: int
    name: str
    description: str
    created: float
    updated: float
    is_active: bool = True
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    scrubbed_skills: set[int] = field(default_factory=set)
    contributing_skills: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class AgentStateSpan:
    """One state an agent entered: when, and the contact and skill it was on then."""

    state: str
    start: float
    contact_id: int | None = None
    skill_id: int | None = None
    session_id: str | None = None


@dataclass(slots=True)
class Agent:
    """A simulated agent (or the access key user's own agent)."""

    agent_id: int
    first_name: str
    last_name: str
    simulated: bool = True
    state: str = "Available"
    busy_until: float = 0.0
    contact_id: int | None = None
    skill_id: int | None = None
    updated: float = 0.0
    session_id: str | None = None
    history: list[AgentStateSpan] = field(default_factory=list)
    """Every state the agent entered, oldest first (``GET /agents/state-history``)."""

    def __post_init__(self) -> None:
        if not self.history:
            self.history.append(AgentStateSpan(self.state, self.updated))

    def set_state(self, state: str, now: float) -> None:
        """Change state, stamp the change and record it in :attr:`history`."""
        if state != self.state:
            self.state = state
            self.updated = now
            self.history.append(
                AgentStateSpan(state, now, self.contact_id, self.skill_id, self.session_id)
            )


@dataclass(slots=True)
class Contact:
    """A call: placed, ringing, connected, then completed with an outcome."""

    contact_id: int
    skill_id: int
    to: str
    caller_id: str
    via: str
    created: float
    outcome: str
    ring_seconds: float
    talk_seconds: float
    context_id: str | None = None
    agent_id: int | None = None
    record_id: int | None = None
    session_id: str | None = None
    state: str = "Dialing"
    answered_at: float | None = None
    ended_at: float | None = None
    end_reason: str | None = None
    abandoned: bool = False
    disposition_id: int | None = None
    disposition_notes: str = ""
    updated: float = 0.0
    custom_data: dict[str, str] = field(default_factory=dict)
    history: list[tuple[str, float]] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """Not yet completed."""
        return self.ended_at is None


@dataclass(slots=True)
class AgentSession:
    """An agent session: a queue of events for get-next-event."""

    session_id: str
    agent_id: int
    created: float
    dialer_skill_id: int | None = None
    events: deque[dict[str, Any]] = field(default_factory=deque)
    ended: bool = False
