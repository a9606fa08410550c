"""Marginal abandonment risk of one more attempt, in the Markovian model.

``risk[k, b]`` is the probability that an attempt launched now, if answered live, finds
every one of ``n`` agents busy (and none frees within the ``grace`` seconds of the
2-second rule), given ``b`` agents busy and ``k`` other attempts in flight, ignoring
later launches. It solves, for k = 0, 1, …, the first-step equations

    (b/h + k/r + 1/r) V[k, b] = g[b]/r + (b/h) V[k, b-1]
                                 + (k/r) (p V[k-1, min(b+1, n)] + (1-p) V[k-1, b])

with ``g[n] = exp(-n·grace/h)`` and 0 below. A threshold θ on this risk gives the
shape of the LP-optimal policy: a target in-flight count falling with busy agents.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["risk_table", "targets_for"]


def risk_table(
    n: int,
    p: float,
    handle_time: float,
    dial_time: float,
    *,
    grace: float = 0.0,
    max_risk: float = 0.2,
    limit: int = 5000,
) -> np.ndarray:
    """Rows k = 0.. until even b = 0 exceeds ``max_risk`` × the largest possible risk."""
    inv_h, inv_r = 1.0 / handle_time, 1.0 / dial_time
    full = math.exp(-n * grace * inv_h)
    stop = max_risk * full
    bh = [b * inv_h for b in range(n + 1)]
    q = 1.0 - p
    rows: list[list[float]] = []
    last = [0.0] * (n + 1)
    for k in range(limit):
        kr = k * inv_r
        base = kr + inv_r
        kp, kq = kr * p, kr * q
        row = [0.0] * (n + 1)
        below = 0.0
        for b in range(n):
            below = (bh[b] * below + kp * last[b + 1] + kq * last[b]) / (bh[b] + base)
            row[b] = below
        row[n] = (full * inv_r + bh[n] * below + kr * last[n]) / (bh[n] + base)
        rows.append(row)
        last = row
        if row[0] > stop:
            break
    return np.asarray(rows)


def targets_for(table: np.ndarray, theta: float) -> list[int]:
    """Target in-flight attempts per busy count b: how many rows have risk ≤ θ."""
    counts = (table <= theta).sum(axis=0)
    return [int(c) for c in counts]
