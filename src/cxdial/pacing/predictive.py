"""cxdial's predictive policy: a risk-threshold table steered by drop-rate feedback.

1. **Estimates** of handle time h, dial-to-outcome time r and live-answer rate p come
   from the :class:`DialerState` counters alone (Little's law on busy agents and
   attempts in flight, exponentially forgotten over ``memory`` seconds), blended with
   the configured priors, so drift in p or h is followed.
2. **Table**: for the current agent count and estimates, :func:`risk_table` gives the
   marginal abandonment risk of one more attempt per (busy, in flight); the target in
   flight for b busy agents is the number of attempts whose risk stays ≤ θ. This has
   the shape of the LP-optimal policy (``pacing.md`` §A4) and reaches ~99 % of the bound.
3. **Feedback** on the regulatory basis: log θ integrates the abandonment budget error
   ``(a*·Δlive − Δabandoned) / (a*·W)`` over the trailing 30-day window, so the
   campaign-to-date rate converges to a* = cap·(1 − margin); the margin starts at 50 %
   and shrinks towards ``min_margin`` as live answers accumulate.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque

import numpy as np

from cxdial.errors import ValidationError
from cxdial.pacing.policy import DialerState
from cxdial.pacing.risk import risk_table

__all__ = ["PredictivePolicy"]

_GRID = 0.03  # estimates are snapped to a 3 % log grid so tables can be reused


def _snap(value: float) -> float:
    return math.exp(round(math.log(value) / _GRID) * _GRID)


class PredictivePolicy:
    """Near-optimal predictive pacing that keeps abandoned ÷ live answers under ``cap``."""

    name = "predictive"

    def __init__(
        self,
        *,
        cap: float = 0.03,
        handle_time: float = 120.0,
        dial_time: float = 20.0,
        answer_rate: float = 0.3,
        grace: float = 2.0,
        min_margin: float = 0.05,
        theta: float = 0.004,
        control_every: float = 20.0,
        memory: float = 1800.0,
        window: float = 30 * 86400.0,
    ) -> None:
        for name, value, ok in (
            ("cap", cap, 0 < cap < 1),
            ("handle_time", handle_time, handle_time > 0),
            ("dial_time", dial_time, dial_time > 0),
            ("answer_rate", answer_rate, 0 < answer_rate <= 1),
            ("min_margin", min_margin, 0 <= min_margin < 1),
            ("theta", theta, 0 < theta < 1),
        ):
            if not ok:
                raise ValidationError(f"{name}={value!r} is out of range", field=name)
        self.cap, self.grace, self.min_margin = cap, grace, min_margin
        self.control_every, self.memory, self.window = control_every, memory, window
        self._prior = (handle_time, dial_time, answer_rate)
        self._log_theta = math.log(theta)
        self._tables: OrderedDict[tuple[int, float, float, float], np.ndarray] = OrderedDict()
        self._table_key: tuple[int, float, float, float] | None = None
        self._current: np.ndarray | None = None
        self._targets: list[int] = [0]
        self._t = -1.0
        self._prev_busy = self._prev_flight = 0
        self._busy_s = self._flight_s = 0.0
        self._w = [0.0, 0.0, 0.0, 0.0, 0.0]  # busy-s, flight-s, completions, resolved, live
        self._seen = (0, 0, 0, 0)  # live, abandoned, resolved, completions
        self._next_control = 0.0
        self._last_control = 0.0
        self._history: deque[tuple[float, int, int]] = deque()  # (t, live, abandoned)

    @property
    def theta(self) -> float:
        """Current risk threshold."""
        return math.exp(self._log_theta)

    def estimates(self) -> tuple[float, float, float]:
        """Current (handle time, dial time, answer rate) estimates."""
        h0, r0, p0 = self._prior
        busy_s, flight_s, conn, res, live = self._w
        h = (busy_s + h0 * 50) / (conn + 50)
        r = (flight_s + r0 * 100) / (res + 100)
        p = (live + p0 * 100) / (res + 100)
        # drift is followed, but within a factor 3 of what the operator configured
        return (
            min(max(h, h0 / 3), 3 * h0),
            min(max(r, r0 / 3), 3 * r0),
            min(max(p, p0 / 3), min(3 * p0, 1.0)),
        )

    def target_in_flight(self) -> list[int]:
        """Attempts kept in flight for b = 0..N busy agents at the current θ."""
        return list(self._targets)

    def _table(self, agents: int) -> np.ndarray:
        h, r, p = self.estimates()
        key = (agents, _snap(h), _snap(r), _snap(min(p, 1.0)))
        old = self._table_key
        if old is not None and old[0] == agents and self._current is not None:
            moved = max(abs(math.log(a / b)) for a, b in zip(key[1:], old[1:], strict=True))
            if moved < 1.5 * _GRID:  # hysteresis: small estimate noise keeps the table
                return self._current
        table = self._tables.get(key)
        if table is None:
            table = risk_table(agents, min(key[3], 1.0), key[1], key[2], grace=self.grace)
            self._tables[key] = table
            if len(self._tables) > 16:
                self._tables.popitem(last=False)
        self._table_key, self._current = key, table
        return table

    def _control(self, state: DialerState) -> None:
        now = state.now
        span = min(max(now - self._last_control, 0.0), 2 * self.control_every)  # pauses don't age
        self._last_control = now
        decay = math.exp(-span / self.memory)
        live, abandoned, resolved = (
            state.live_answers,
            state.abandoned,
            state.dials - state.in_flight,
        )
        completions = live - abandoned - state.busy  # Little's law counts finished calls
        d_live = live - self._seen[0]
        d_ab = abandoned - self._seen[1]
        w = self._w
        w[0] = w[0] * decay + self._busy_s
        w[1] = w[1] * decay + self._flight_s
        w[2] = w[2] * decay + (completions - self._seen[3])
        w[3] = w[3] * decay + (resolved - self._seen[2])
        w[4] = w[4] * decay + d_live
        self._busy_s = self._flight_s = 0.0
        self._seen = (live, abandoned, resolved, completions)
        history = self._history
        if now - history[-1][0] >= 3600:  # hourly marks bound the 30-day window
            history.append((now, live, abandoned))
        while len(history) > 1 and history[1][0] <= now - self.window:
            history.popleft()
        win_live = live - history[0][1]
        margin = self.min_margin + (0.5 - self.min_margin) * math.sqrt(100 / (100 + win_live))
        goal = self.cap * (1 - margin)
        gain_w = min(max(0.05 * win_live, 150.0), 1500.0)
        step = (goal * d_live - d_ab) / (goal * gain_w)
        self._log_theta = min(max(self._log_theta + max(min(step, 0.3), -1.0), -30.0), -1.7)
        table = self._table(state.agents)
        n, (h, r, p) = state.agents, self.estimates()
        busy = np.arange(n + 1)
        fluid = (2 * (n - busy + busy * r / h) / p).astype(int) + 2
        counts = (table <= math.exp(self._log_theta)).sum(axis=0)
        # never more than twice the fluid need: (free + freeing during a ring) ÷ p
        self._targets = np.minimum(counts, fluid).tolist()

    def dials_to_launch(self, state: DialerState) -> int:
        """Top up attempts in flight to the target for the current busy count."""
        now = state.now
        dt = now - self._t
        if 0 < dt < 300:  # longer gaps are pauses (nights, closed windows)
            self._busy_s += self._prev_busy * dt
            self._flight_s += self._prev_flight * dt
        self._t = now
        self._prev_busy, self._prev_flight = state.busy, state.in_flight
        if now >= self._next_control or len(self._targets) != state.agents + 1:
            if self._next_control == 0.0:
                self._seen = (
                    state.live_answers,
                    state.abandoned,
                    state.dials - state.in_flight,
                    state.live_answers - state.abandoned - state.busy,
                )
                self._history.append((now, state.live_answers, state.abandoned))
            self._next_control = now + self.control_every
            self._control(state)
        busy = state.busy
        if busy >= len(self._targets):
            return 0
        return state.launchable(self._targets[busy] - state.in_flight)
