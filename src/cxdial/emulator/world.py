"""The emulated tenant: every object, the clock, the event scheduler and the counters.

Simulation is lazy: each request first calls :meth:`World.advance` ("advance the world to
now"), which runs every scheduled event up to the clock's time in order, letting the
dialer act after each one. Under a server a background tick does the same, so calls
progress even when nobody asks.

The world holds state only: the dialer that acts on it is a collaborator passed in
(:class:`Dialer`), so this module knows neither the dialer nor the telephony, and nothing
here depends on the web framework serving the API.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from typing import Any, Protocol

from cxdial.emulator.admin_state import AdminState
from cxdial.emulator.clock import Clock
from cxdial.emulator.config import EmulatorConfig
from cxdial.emulator.credentials import DEMO_CALLER_ID, DEMO_SKILL_ID
from cxdial.emulator.entities import (
    Agent,
    AgentSession,
    CallList,
    CallRecord,
    Contact,
    DncGroup,
    Skill,
    UploadJob,
)
from cxdial.emulator.faults import FaultInjector, FaultSpec
from cxdial.emulator.signing import SigningKey
from cxdial.emulator.stats import Stats
from cxdial.emulator.tokens import TokenStore
from cxdial.pacing.factory import make_policy
from cxdial.pacing.policy import PacingPolicy

__all__ = ["CALLER_IDS", "DISPOSITIONS", "Dialer", "World"]

CALLER_IDS = (DEMO_CALLER_ID, "+18005550101", "+12125550142")
"""Caller-ID numbers the demo business unit owns (emulator design)."""

DISPOSITIONS = (
    (1, "Sale", "Success", True),
    (2, "Not Interested", "Contact Final", True),
    (3, "Call Back", "Callback", False),
    (4, "Wrong Number", "Destination Final", True),
    (5, "No Answer", "System", False),
    (6, "Answering Machine", "System", False),
    (7, "Busy", "System", False),
    (8, "Invalid Number", "System", True),
)
"""Dispositions: (id, name, classification, final)."""

_FIRST = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Frances", "Dennis", "Radia", "Tim")
_LAST = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Allen", "Ritchie")


class Dialer(Protocol):
    """What drives outbound calls in a :class:`World` (the PC dialer, :mod:`.dialer`)."""

    def step(self, world: World) -> None:
        """Launch the calls the running skills' pacing asks for now."""

    def connect_agent(self, world: World, contact: Contact) -> bool:
        """Give a live answer a free agent; False means it is abandoned."""

    def record_result(self, world: World, contact: Contact, result: str) -> None:
        """Log a finished attempt on its calling-list record."""


class _NoDialer:
    """A world without a dialer: no skill dials, answers are never connected by it."""

    def step(self, world: World) -> None:
        return None

    def connect_agent(self, world: World, contact: Contact) -> bool:
        return False

    def record_result(self, world: World, contact: Contact, result: str) -> None:
        return None


class World:
    """All state of one emulated tenant; see the module docstring."""

    def __init__(
        self,
        config: EmulatorConfig,
        policy: PacingPolicy | None = None,
        *,
        dialer: Dialer | None = None,
    ) -> None:
        self.config = config
        self.dialer: Dialer = dialer or _NoDialer()
        self.signer = SigningKey()
        """The id_token key: made once per emulator, kept across :meth:`reset`."""
        self._shared_policy = policy
        self.policies: dict[int, PacingPolicy] = {}
        self.reset()

    def policy_for(self, skill_id: int) -> PacingPolicy:
        """The pacing policy of one skill's dialer: one the control API set for it, else the
        one passed in, else its own instance of ``config.pacing`` (policies keep
        per-campaign state, so skills never share one)."""
        policy = self.policies.get(skill_id)
        if policy is None and self._shared_policy is not None:
            return self._shared_policy
        if policy is None:
            # the emulator abandons a live answer at once when no agent is free (no 2 s grace)
            policy = self.policies[skill_id] = make_policy(self.config.pacing, grace=0.0)
        return policy

    def reset(self) -> None:
        """Forget everything and start again from the config and seed."""
        cfg = self.config
        self.policies = {}
        self.clock = Clock(speed=cfg.speed, manual=cfg.manual_clock, start_at=cfg.start_at)
        self.rng = random.Random(cfg.seed)
        self.tokens = TokenStore(cfg.token_lifetime, self.signer)
        self.faults = FaultInjector(FaultSpec.parse(cfg.faults), cfg.seed)
        self.stats = Stats()
        self.outbox: list[dict[str, Any]] = []
        self.skills: dict[int, Skill] = {}
        self.lists: dict[int, CallList] = {}
        self.jobs: dict[int, UploadJob] = {}
        self.dnc: dict[int, DncGroup] = {}
        self.contacts: dict[int, Contact] = {}
        self.active: dict[int, Contact] = {}
        self.records: dict[int, CallRecord] = {}
        self.queues: dict[int, list[tuple[float, int]]] = {}
        self.sessions: dict[str, AgentSession] = {}
        self.agents: dict[int, Agent] = {}
        self.dialer_counts: dict[int, dict[str, int]] = {}
        self.outcome_mix: dict[int, tuple[tuple[str, float], ...]] = {}
        """Per-skill outcome weights set by the control API (``/_emulator/skills/{id}/…``)."""
        self.admin = AdminState(DISPOSITIONS)
        self._ids = {
            name: itertools.count(start)
            for name, start in (
                ("skill", DEMO_SKILL_ID),
                ("list", 1001),
                ("job", 5001),
                ("dnc", 301),
                ("contact", 700_000_001),
                ("record", 1),
            )
        }
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self.now = 0.0
        for i in range(cfg.agents):
            agent_id = 1001 + i
            self.agents[agent_id] = Agent(
                agent_id, _FIRST[i % len(_FIRST)], _LAST[(i * 3) % len(_LAST)]
            )
        skill = Skill(self.next_id("skill"), "Outbound PC Default", agent_ids=set(self.agents))
        self.skills[skill.skill_id] = skill

    def next_id(self, kind: str) -> int:
        """The next id of ``kind`` (skill, list, job, dnc, contact, record)."""
        return next(self._ids[kind])

    def enqueue(self, record: CallRecord) -> None:
        """Make ``record`` dialable by its skill from ``record.next_ok_at`` on."""
        self.records[record.record_id] = record
        queue = self.queues.setdefault(record.skill_id, [])
        heapq.heappush(queue, (record.next_ok_at, record.record_id))

    def schedule(self, at: float, action: Callable[[], None]) -> None:
        """Run ``action`` when the simulated clock reaches ``at``."""
        heapq.heappush(self._heap, (at, next(self._seq), action))

    def advance(self) -> None:
        """Advance the world to the clock's now, in event order."""
        target = max(self.clock.now(), self.now)
        while self._heap and self._heap[0][0] <= target:
            at, _, action = heapq.heappop(self._heap)
            self.now = max(self.now, at)
            action()
            self.dialer.step(self)
        self.now = target
        self.dialer.step(self)

    def emit(self, event_type: str, data: dict[str, Any]) -> None:
        """Queue a call event for the webhook sender (dropped when no URL is set)."""
        if self.config.webhook_url:
            self.outbox.append(
                {"type": event_type, "timestamp": self.clock.iso(self.now), "data": data}
            )

    def iso(self, t: float | None) -> str | None:
        """ISO text of simulated time ``t`` (None stays None)."""
        return None if t is None else self.clock.iso(t)
