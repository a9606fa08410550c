"""Discrete-event capacity simulator: a heap of events on a virtual clock.

Each dial's fate (outcome, ring time, AMD verdict) is drawn when it is launched from a
seeded :class:`numpy.random.Generator`; random numbers come in numpy batches and the
loop works on plain floats and ints, so an 8-hour 100-agent day takes well under a
second. The policy is asked for dials after every state change and on each tick.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections import deque
from collections.abc import Iterator

import numpy as np

from cxdial.pacing.metrics import BUCKET, DayStats, SimResult, Snapshot, Totals, build_result
from cxdial.pacing.policy import DialerState, PacingPolicy
from cxdial.pacing.scenario import Scenario

__all__ = ["simulate"]

DAY = 86400.0
_BATCH = 8192
# event kinds
_LIVE, _AMD_DROP, _MACHINE, _FAIL, _END, _TICK, _TIMEOUT, _AGENTS, _OPEN, _CLOSE, _DAYEND = range(
    11
)


def _stream(rng: np.random.Generator, family: str, cv: float) -> Iterator[float]:
    """Endless unit-mean draws of one family (times the mean by the caller)."""
    if family == "deterministic":
        return itertools.repeat(1.0)
    if family == "lognormal":
        sigma = math.sqrt(math.log1p(cv * cv))
        return itertools.chain.from_iterable(
            rng.lognormal(-sigma * sigma / 2, sigma, _BATCH).tolist() for _ in itertools.count()
        )
    return itertools.chain.from_iterable(
        rng.standard_exponential(_BATCH).tolist() for _ in itertools.count()
    )


def _uniform(rng: np.random.Generator) -> Iterator[float]:
    return itertools.chain.from_iterable(rng.random(_BATCH).tolist() for _ in itertools.count())


def _agent_changes(sc: Scenario) -> list[tuple[float, int]]:
    """(seconds into the day, agents logged in from then on)."""
    if not sc.shifts:
        return [(0.0, sc.agents)]
    edges = sorted({s.start for s in sc.shifts} | {s.end for s in sc.shifts} | {0.0})
    return [(e * 3600, sum(s.agents for s in sc.shifts if s.start <= e < s.end)) for e in edges]


def simulate(scenario: Scenario, policy: PacingPolicy, seed: int = 0) -> SimResult:
    """Run ``scenario`` paced by ``policy``; fully determined by ``seed``."""
    started = time.perf_counter()
    sc = scenario
    rng = np.random.default_rng(seed)
    unif = _uniform(rng)
    handle = _stream(rng, sc.handle_time.distribution, sc.handle_time.cv)
    ring = _stream(rng, sc.ring_time.distribution, sc.ring_time.cv)
    h_mean = sc.handle_time.mean
    o, rt = sc.outcomes, sc.ring_time
    c_live, c_machine = o.live, o.live + o.machine
    c_busy = c_machine + o.busy
    drift = o.live * sc.answer_drift
    u_shift = 0.0
    amd = sc.amd
    accuracy = amd.accuracy if amd else 0.0
    false_positive = amd.false_positive if amd else 0.0
    amd_delay = amd.delay if amd else 0.0
    machine_talk = amd.machine_talk if amd else 10.0
    budget = max(0.0, sc.abandon_after - amd_delay)
    per_day = math.ceil(sc.hours * 3600 / BUCKET)
    length = sc.hours * 3600
    win_open, win_close = (w * 3600 for w in sc.calling_window or (0.0, sc.hours))
    trunks = sc.trunks
    records = sc.list_size if sc.list_size is not None else -1
    launch = policy.dials_to_launch
    heap: list[tuple[float, int, int]] = []
    push, pop = heapq.heappush, heapq.heappop
    seq = itertools.count()
    changes: dict[int, int] = {}
    waiting: deque[float] = deque()
    agents = busy = in_flight = 0
    dials = live = abandoned = connects = machine_connects = events = 0
    busy_int = agent_int = free_int = lines_int = 0.0
    peak_lines = 0
    days: list[DayStats] = []
    snaps: list[Snapshot] = []
    for day in range(sc.days):
        t0 = day * DAY
        for at, count in _agent_changes(sc):
            n = next(seq)
            changes[n] = count
            push(heap, (t0 + at, n, _AGENTS))
        push(heap, (t0 + win_open, next(seq), _OPEN))
        push(heap, (t0 + min(win_close, length), next(seq), _CLOSE))
        push(heap, (t0 + length, next(seq), _DAYEND))
        push(heap, (t0 + sc.tick, next(seq), _TICK))
        day_start = (dials, live, abandoned, connects, busy_int, agent_int)
        next_snap = t0 + BUCKET
        last = t0
        dialing = False
        while heap:
            t, n, kind = pop(heap)
            events += 1
            while t >= next_snap:  # close timeline buckets crossed by this event
                span = next_snap - last
                busy_int += busy * span
                agent_int += agents * span
                free_int += max(agents - busy, 0) * span
                lines_int += (in_flight + busy) * span
                last = next_snap
                snaps.append((busy_int, agent_int, live, abandoned, dials))
                next_snap += BUCKET
            span = t - last
            busy_int += busy * span
            agent_int += agents * span
            free_int += max(agents - busy, 0) * span
            lines_int += (in_flight + busy) * span
            last = t
            if kind == _END:
                busy -= 1
                while waiting and waiting[0] < t:
                    waiting.popleft()
                    abandoned += 1
                if waiting and busy < agents:
                    waiting.popleft()
                    busy += 1
                    connects += 1
                    push(heap, (t + h_mean * next(handle), next(seq), _END))
            elif kind == _LIVE:
                in_flight -= 1
                live += 1
                if busy < agents:
                    busy += 1
                    connects += 1
                    push(heap, (t + h_mean * next(handle), next(seq), _END))
                elif budget > 0:
                    waiting.append(t + budget)
                    push(heap, (t + budget, next(seq), _TIMEOUT))
                else:
                    abandoned += 1
            elif kind == _FAIL:
                in_flight -= 1
            elif kind == _TICK:
                push(heap, (t + sc.tick, next(seq), _TICK))
            elif kind == _TIMEOUT:
                while waiting and waiting[0] <= t:
                    waiting.popleft()
                    abandoned += 1
            elif kind == _AMD_DROP:
                in_flight -= 1
                live += 1
                abandoned += 1
            elif kind == _MACHINE:
                in_flight -= 1
                if busy < agents:
                    busy += 1
                    machine_connects += 1
                    push(heap, (t + machine_talk, next(seq), _END))
            elif kind == _AGENTS:
                agents = changes.pop(n)
            elif kind == _OPEN:
                dialing = True
            elif kind == _CLOSE:
                dialing = False
            else:  # _DAYEND: log everyone out; attempts still ringing are dropped
                if len(snaps) % per_day:  # close a last partial bucket
                    snaps.append((busy_int, agent_int, live, abandoned, dials))
                d0 = day_start
                days.append(
                    DayStats(
                        day,
                        dials - d0[0],
                        live - d0[1],
                        abandoned - d0[2],
                        connects - d0[3],
                        busy_int - d0[4],
                        agent_int - d0[5],
                    )
                )
                heap.clear()
                break
            if not dialing or agents == 0 or records == 0:
                continue
            lines = in_flight + len(waiting) + busy
            free_lines = None if trunks is None else trunks - lines
            want = launch(
                DialerState(
                    t, agents, busy, in_flight + len(waiting), dials, live, abandoned, free_lines
                )
            )
            if free_lines is not None and want > free_lines:
                want = free_lines
            if 0 <= records < want:
                want = records
            if want <= 0:
                continue
            if lines + want > peak_lines:
                peak_lines = lines + want
            if drift:  # the live-answer rate moves linearly over the day, from no-answers
                u_shift = drift * (t - t0) / length
            for _ in range(want):
                dials += 1
                in_flight += 1
                u = next(unif) - u_shift
                if u < c_live:
                    if false_positive and next(unif) < false_positive:
                        push(heap, (t + rt.live * next(ring) + amd_delay, next(seq), _AMD_DROP))
                    else:
                        push(heap, (t + rt.live * next(ring) + amd_delay, next(seq), _LIVE))
                elif u < c_machine:
                    k = _FAIL if amd is not None and next(unif) < accuracy else _MACHINE
                    push(heap, (t + rt.machine * next(ring) + amd_delay, next(seq), k))
                elif u < c_busy:
                    push(heap, (t + rt.busy * next(ring), next(seq), _FAIL))
                else:
                    push(heap, (t + rt.no_answer * next(ring), next(seq), _FAIL))
            if records > 0:
                records -= want
        agents = busy = in_flight = 0
        waiting.clear()
    totals = Totals(
        dials,
        live,
        abandoned,
        connects,
        machine_connects,
        events,
        busy_int,
        agent_int,
        free_int,
        lines_int,
        peak_lines,
    )
    return build_result(sc, policy.name, seed, time.perf_counter() - started, totals, days, snaps)
