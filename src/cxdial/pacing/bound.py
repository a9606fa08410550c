"""The physical limit of pacing: the occupation-measure LP of ``pacing.md`` §A4.

State ``(b, d)``: ``b`` busy agents, ``d`` attempts in flight. Handle times are
Exp(mean ``h``), attempts resolve after Exp(mean ``r``) and are live answers with
probability ``p``; a live answer with every agent busy is abandoned. The controller
may launch attempts at any instant. Variables are the long-run time fractions
``x(b, d)`` and launch rates ``f(b, d)``; the LP maximises E[b]/N subject to
abandoned ≤ ``cap`` × live answers. Solved with SciPy's HiGHS on sparse matrices;
solutions are kept by a :class:`BoundCache` the caller passes in (in memory, and on
disk as one JSON file per parameter set when it has a directory). Nothing is cached
and nothing is written unless a cache is given; :func:`default_bound_dir` is the
user cache directory (platformdirs) the command line uses.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.optimize
import scipy.sparse

from cxdial.errors import CxdialError, ValidationError

__all__ = [
    "Bound",
    "BoundCache",
    "default_bound_dir",
    "lp_bound",
    "progressive_utilization",
]


@dataclass(frozen=True)
class Bound:
    """The LP optimum for one parameter set."""

    agents: int
    answer_rate: float
    handle_time: float
    dial_time: float
    cap: float
    utilization: float
    """Best achievable share of agent time in talk + wrap."""
    abandon_rate: float
    """Abandoned ÷ live answers at the optimum (≤ cap)."""
    dials_per_agent_hour: float
    target_in_flight: tuple[int, ...]
    """Attempts the optimal policy keeps in flight for b = 0..N busy agents (-1: never visited)."""
    max_in_flight: int
    """Truncation level D of the state space used."""
    truncation_mass: float
    """Time fraction spent at d = D (0 when D was large enough)."""


def default_bound_dir() -> Path:
    """Where the command line keeps solved bounds: ``<user cache dir>/cxdial/bounds``."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cxdial")) / "bounds"


class BoundCache:
    """Solved bounds in memory and, when ``directory`` is set, as JSON files there."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory.expanduser() if directory is not None else None
        self._memory: dict[str, Bound] = {}

    def __repr__(self) -> str:
        return f"BoundCache(directory={self.directory!r}, in_memory={len(self._memory)})"

    def get(self, key: str) -> Bound | None:
        """The bound stored under ``key``; a corrupt file counts as absent."""
        if key in self._memory:
            return self._memory[key]
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            data = json.loads(path.read_text())
            data["target_in_flight"] = tuple(data["target_in_flight"])
            found = Bound(**data)
        except (OSError, ValueError, TypeError, KeyError):
            return None  # recomputed and rewritten
        self._memory[key] = found
        return found

    def put(self, key: str, bound: Bound) -> None:
        """Keep ``bound`` (and write it when there is a directory)."""
        self._memory[key] = bound
        path = self._path(key)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(asdict(bound)))
            tmp.replace(path)

    def forget(self) -> None:
        """Empty the memory (files stay)."""
        self._memory.clear()

    def _path(self, key: str) -> Path | None:
        return self.directory / f"{key}.json" if self.directory is not None else None


def progressive_utilization(answer_rate: float, handle_time: float, dial_time: float) -> float:
    """Closed form for one dial per free agent: h / (h + r/p)."""
    return handle_time / (handle_time + dial_time / answer_rate)


def _check(agents: int, p: float, h: float, r: float, cap: float) -> None:
    checks = [
        ("agents", agents >= 1, "must be ≥ 1"),
        ("answer_rate", 0 < p <= 1, "must be in (0, 1]"),
        ("handle_time", h > 0, "must be > 0"),
        ("dial_time", r > 0, "must be > 0"),
        ("cap", 0 <= cap < 1, "must be in [0, 1)"),
    ]
    for name, ok, msg in checks:
        if not ok:
            raise ValidationError(f"{name}: {msg}", field=name, fix=f"pass a {name} that {msg}")


def _solve(n: int, p: float, h: float, r: float, cap: float, top: int) -> Bound:
    size = top + 1
    states = (n + 1) * size
    b = np.repeat(np.arange(n + 1), size)
    d = np.tile(np.arange(size), n + 1)
    s = np.arange(states)
    # time unit h: handle completion rate b, resolution rate d * h / r
    k = h / r
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []

    def flow(src: np.ndarray, dst: np.ndarray, rate: np.ndarray) -> None:
        keep = rate > 0
        src, dst, rate = src[keep], dst[keep], rate[keep]
        rows.extend([src, dst])
        cols.extend([src, src])
        vals.extend([rate, -rate])

    m = b > 0
    flow(s[m], s[m] - size, b[m].astype(float))
    m = d > 0
    full = b == n
    flow(s[m & ~full], s[m & ~full] + size - 1, p * k * d[m & ~full])  # live → agent
    flow(s[m & ~full], s[m & ~full] - 1, (1 - p) * k * d[m & ~full])  # not live
    flow(s[m & full], s[m & full] - 1, k * d[m & full])  # abandoned or not live
    m = d < top  # launches: f(s) leaves s and enters (b, d+1)
    fcol = states + s[m]
    rows.extend([s[m], s[m] + 1])
    cols.extend([fcol, fcol])
    vals.extend([np.ones(m.sum()), -np.ones(m.sum())])
    rows.append(np.full(states, states))
    cols.append(s)
    vals.append(np.ones(states))
    a_eq = scipy.sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(states + 1, 2 * states),
    )
    b_eq = np.zeros(states + 1)
    b_eq[-1] = 1.0
    live = p * k * d
    a_ub = scipy.sparse.csr_matrix(
        np.concatenate([live * ((b == n) - cap), np.zeros(states)])[None, :]
    )
    cost = np.concatenate([-b / n, np.zeros(states)])
    upper = np.concatenate([np.full(states, np.inf), np.where(d < top, np.inf, 0.0)])
    res = scipy.optimize.linprog(
        cost,
        A_ub=a_ub,
        b_ub=np.zeros(1),
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=np.column_stack([np.zeros(2 * states), upper]),
        method="highs",
    )
    if res.status != 0:
        raise CxdialError(f"LP bound did not solve: {res.message}", fix="report the parameters")
    x = np.clip(res.x[:states], 0, None)
    launches = res.x[states:].sum() / h  # per second
    answered = float((x * live).sum())
    dropped = float((x * live * (b == n)).sum())
    grid = x.reshape(n + 1, size)
    target = tuple(int(np.flatnonzero(row > 1e-9)[0]) if (row > 1e-9).any() else -1 for row in grid)
    return Bound(
        agents=n,
        answer_rate=p,
        handle_time=h,
        dial_time=r,
        cap=cap,
        utilization=float(-res.fun),
        abandon_rate=dropped / answered if answered > 0 else 0.0,
        dials_per_agent_hour=float(launches * 3600 / n),
        target_in_flight=target,
        max_in_flight=top,
        truncation_mass=float(grid[:, top].sum()),
    )


def _key(n: int, p: float, h: float, r: float, cap: float) -> str:
    raw = json.dumps([n, round(p, 9), round(h, 9), round(r, 9), round(cap, 9)])
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def lp_bound(
    agents: int,
    answer_rate: float,
    handle_time: float = 120.0,
    dial_time: float = 20.0,
    cap: float = 0.03,
    *,
    cache: BoundCache | None = None,
    cache_dir: Path | None = None,
) -> Bound:
    """Best utilisation any pacer reaches in the Markovian model.

    ``cache`` keeps solutions across calls; ``cache_dir`` is short for
    ``cache=BoundCache(cache_dir)``. With neither, the LP is solved and nothing is kept.
    """
    _check(agents, answer_rate, handle_time, dial_time, cap)
    if cache is None and cache_dir is not None:
        cache = BoundCache(cache_dir)
    key = _key(agents, answer_rate, handle_time, dial_time, cap)
    found = cache.get(key) if cache is not None else None
    if found is not None:
        return found
    # states with few busy agents carry no mass at the optimum, so D ≈ N/(2p) suffices;
    # grow it until no time is spent at the truncation level
    top = math.ceil(agents / answer_rate * 0.5) + 20
    while True:
        result = _solve(agents, answer_rate, handle_time, dial_time, cap, top)
        if result.truncation_mass < 1e-9 or top > 20 * agents / answer_rate:
            break
        top = math.ceil(top * 1.5)
    if cache is not None:
        cache.put(key, result)
    return result
