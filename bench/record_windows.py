"""What the per-record allowed window costs on top of the screen of an upload.

Generates ``--rows`` contacts over many area codes and states (with consent, so most are
cleared), screens them with the gate at a fixed evening instant, then computes each
cleared record's window (:func:`cxdial.campaigns.windows.record_windows`), both in the
same run, warm (one untimed round first). Prints the median of ``--rounds`` for each and
the ratio window / screen. Run: ``.venv/bin/python bench/record_windows.py [--rows 200000]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

import numpy as np
import polars as pl

from cxdial.campaigns.windows import record_windows
from cxdial.compliance import Gate

AT = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)  # 18:30 in New York, 15:30 in Los Angeles
NPAS = ["212", "305", "208", "850", "602", "808", "405", "504", "860", "801", "512", "206"]
STATES = ["NY", "FL", "ID", "FL", "AZ", "HI", "OK", "LA", "CT", "UT", "TX", "WA"]


def _frame(rows: int, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(NPAS), rows)
    lines = rng.integers(0, 10_000, rows)
    return pl.DataFrame(
        {
            "id": [f"r{i}" for i in range(rows)],
            "phone": [f"{NPAS[p]}555{n:04d}" for p, n in zip(pick, lines, strict=True)],
            "phone_type": ["landline"] * rows,
            "state": [STATES[p] for p in pick],
            "consent": ["express_written"] * rows,
            "consent_at": ["2026-03-01"] * rows,
        }
    )


def main() -> None:
    """Time screen and windows; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    frame = _frame(args.rows)
    gate = Gate()
    screens, windows = [], []
    for round_no in range(args.rounds + 1):
        start = time.perf_counter()
        result = gate.screen(frame, AT, purpose="telemarketing")
        middle = time.perf_counter()
        spans = record_windows(result, gate)
        end = time.perf_counter()
        if round_no:  # the first round warms the look-up tables
            screens.append(middle - start)
            windows.append(end - middle)
    screen, window = statistics.median(screens), statistics.median(windows)
    print(f"rows {args.rows}, cleared {spans.height}")
    print(f"screen  {screen:.3f} s ({1e6 * screen / args.rows:.2f} µs/row)")
    print(f"windows {window:.3f} s ({1e6 * window / max(spans.height, 1):.2f} µs/cleared row)")
    print(f"ratio windows / screen: {window / screen:.2f}")


if __name__ == "__main__":
    main()
