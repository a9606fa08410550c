"""A VICIdial-style adaptive dial level (ADAPT_HARD_LIMIT / AVERAGE / TAPERED).

Re-implemented from the behaviour described in ``pacing.md`` §A2 (no VICIdial code):
every ``update_every`` seconds the dial level moves multiplicatively with the one-minute
average *differential* (free agents minus waiting calls) relative to logged-in agents,
scaled by ``intensity``; a last-minute drop surge halves it, and once today's drop
percentage (abandoned ÷ live answers since midnight, after 50 answers) exceeds
``drop_percentage`` the mode's brake applies. The level is clamped to [1, ``max_level``].
Calls to place = level × logged-in agents − (attempts in flight + calls on agents).
"""

from __future__ import annotations

from collections import deque
from typing import Literal

from cxdial.errors import ValidationError
from cxdial.pacing.policy import DialerState

__all__ = ["VicidialAdaptivePolicy"]

Mode = Literal["hard_limit", "average", "tapered"]
_DAY = 86400.0


class VicidialAdaptivePolicy:
    """Multiplicative controller on the agent-vs-call differential with drop-rate brakes."""

    def __init__(
        self,
        *,
        mode: Mode = "hard_limit",
        drop_percentage: float = 3.0,
        max_level: float = 3.0,
        intensity: float = 0.0,
        diff_target: float = 0.0,
        update_every: float = 15.0,
        latest_hour: float = 8.0,
        initial_level: float = 1.0,
    ) -> None:
        if mode not in ("hard_limit", "average", "tapered"):
            raise ValidationError(
                f"unknown mode {mode!r}", field="mode", fix="use hard_limit, average or tapered"
            )
        if not 1.0 <= max_level <= 50:
            raise ValidationError("max_level must be in [1, 50]", field="max_level")
        self.name = "vicidial" if mode == "hard_limit" else f"vicidial:{mode}"
        self.mode: Mode = mode
        self.drop_percentage = drop_percentage
        self.max_level = max_level
        self.intensity = intensity
        self.diff_target = diff_target
        self.update_every = update_every
        self.latest_hour = latest_hour
        self.level = max(1.0, min(initial_level, max_level))
        self._samples: deque[tuple[float, int, int]] = deque()  # (t, differential, agents)
        self._minute: deque[tuple[float, int, int]] = deque()  # (t, live, abandoned)
        self._next_update = 0.0
        self._day = -1
        self._day_live = self._day_abandoned = 0

    def _update(self, state: DialerState) -> None:
        now = state.now
        samples = self._samples
        diff_avg = sum(s[1] for s in samples) / len(samples)
        agents_avg = sum(s[2] for s in samples) / len(samples)
        if agents_avg > 0:
            diff_pct = 100.0 * (diff_avg + self.diff_target) / agents_avg
            mul = self.intensity / 100.0
            step = diff_pct * abs(mul - 1) if diff_pct < 0 else diff_pct * (mul + 1)
            self.level = min(max(self.level * (1 + step / 100.0), 1.0), self.max_level)
        _, old_live, old_ab = self._minute[0]
        minute_live, minute_ab = state.live_answers - old_live, state.abandoned - old_ab
        if minute_live > 20 and minute_ab > 0.5 * minute_live:
            self.level /= 2
        live_today = state.live_answers - self._day_live
        drops_today = state.abandoned - self._day_abandoned
        if live_today > 50 and 100.0 * drops_today / live_today > self.drop_percentage:
            if self.mode == "hard_limit":
                self.level = 1.0
            elif self.mode == "average":
                self.level /= 2
            else:
                hours_in = (now % _DAY) / 3600.0
                self.level *= min(1.0, max(self.latest_hour - hours_in, 0.0) / 10.0)
        self.level = max(self.level, 1.0)

    def dials_to_launch(self, state: DialerState) -> int:
        """Place level × agents minus the calls already going."""
        now = state.now
        day = int(now // _DAY)
        if day != self._day:  # VICIdial counts drops since midnight
            self._day = day
            self._day_live, self._day_abandoned = state.live_answers, state.abandoned
        self._samples.append((now, state.free, state.agents))
        while self._samples[0][0] < now - 60.0:
            self._samples.popleft()
        self._minute.append((now, state.live_answers, state.abandoned))
        while self._minute[0][0] < now - 60.0:
            self._minute.popleft()
        if now >= self._next_update:
            self._next_update = now + self.update_every
            self._update(state)
        going = state.in_flight + state.busy
        want = int(self.level * state.agents + 0.5) - going
        return state.launchable(want)
