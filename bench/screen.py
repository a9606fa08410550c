"""Screen 1,000,000 generated contacts; compare with a per-row ``Gate.check`` loop.

Prints records/s, wall time and peak memory for the vectorised screener, then the rate
of a straightforward per-row loop over a sample (extrapolated to the million), and the
speed-up. Run: ``.venv/bin/python bench/screen.py [rows] [sample]``.
"""

from __future__ import annotations

import resource
import sys
import time
from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl

from cxdial.compliance import (
    AttemptHistory,
    ConsentLevel,
    Contact,
    DncIndex,
    Gate,
    Purpose,
    RuleSet,
)
from cxdial.compliance.consent import Consent, ConsentBook
from cxdial.compliance.locate import zip_table

AT = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)
NPAS = [
    "212",
    "305",
    "208",
    "850",
    "602",
    "808",
    "405",
    "504",
    "860",
    "207",
    "801",
    "601",
    "512",
    "401",
    "206",
    "312",
    "617",
    "713",
    "404",
    "303",
    "800",
    "416",
]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _col(values: np.ndarray, keep: np.ndarray | None = None) -> pl.Series:
    series = pl.Series(values.astype(str), dtype=pl.String)
    if keep is None:
        return series
    return pl.select(pl.when(pl.Series(keep)).then(series)).to_series()


def generate(n: int, seed: int = 7) -> pl.DataFrame:
    """``n`` contacts with realistic variety (formats, states, consent, dates, bad rows)."""
    rng = np.random.default_rng(seed)
    npa = np.array(NPAS)[rng.integers(0, len(NPAS), n)]
    nxx = rng.integers(200, 1000, n).astype(str)
    line = np.char.zfill(rng.integers(0, 10000, n).astype(str), 4)
    digits = np.char.add(np.char.add(npa, nxx), line)
    fmt = rng.integers(0, 3, n)
    phone = np.where(
        fmt == 0, digits, np.where(fmt == 1, np.char.add("+1", digits), np.char.add("1-", digits))
    )
    zips = list(zip_table())
    zips = sorted(zips)
    chosen = np.array(zips)[rng.integers(0, len(zips), n)]
    zip_states = np.array([zip_table()[z][1] or "" for z in zips])
    # Mostly the ZIP's own state; one row in ten names some other (random) state.
    states = np.where(
        rng.random(n) < 0.9,
        zip_states[np.searchsorted(np.array(zips), chosen)],
        zip_states[rng.integers(0, len(zips), n)],
    )
    days = np.array([(date(2023, 1, 1) + timedelta(days=int(d))).isoformat() for d in range(1400)])

    def maybe_date(p: float) -> pl.Series:
        vals = days[rng.integers(0, len(days), n)]
        return _col(vals, rng.random(n) < p)

    columns = {
        "id": _col(np.char.add("c", np.arange(n).astype(str))),
        "phone": _col(phone),
        "phone_type": _col(
            np.array(["mobile", "landline", "voip", "unknown"])[rng.integers(0, 4, n)]
        ),
        "state": _col(states, (rng.random(n) < 0.7) & (states != "")),
        "postal_code": _col(chosen, rng.random(n) < 0.6),
        "timezone": _col(np.full(n, "America/Chicago"), rng.random(n) < 0.02),
        "consent": _col(np.array(["none", "express", "express_written"])[rng.integers(0, 3, n)]),
        "consent_at": maybe_date(0.6),
        "revoked_at": maybe_date(0.05),
        "ebr_at": maybe_date(0.3),
        "inquiry_at": maybe_date(0.1),
        "subject": _col(
            np.array(["solar", "roof", "x"])[rng.integers(0, 3, n)], rng.random(n) < 0.67
        ),
        "debt_id": _col(
            np.char.add("D", rng.integers(0, 50000, n).astype(str)), rng.random(n) < 0.3
        ),
    }
    return pl.DataFrame([v.alias(k) for k, v in columns.items()])


def build_gate(table: pl.DataFrame, seed: int = 11) -> Gate:
    """Lists and history drawn from the table's own numbers."""
    rng = np.random.default_rng(seed)
    phones = table["phone"].str.replace_all(r"[^0-9]", "").str.slice(-10).to_numpy()
    dnc = DncIndex()
    dnc.add_lines(
        [
            "# registry: national, fetched: 2026-11-20",
            *phones[rng.integers(0, len(phones), 100_000)],
            "213XXXXXXX",
        ]
    )
    dnc.add_lines(["# registry: internal", *phones[rng.integers(0, len(phones), 5_000)]])
    history = AttemptHistory()
    idx = rng.integers(0, len(phones), 100_000)
    outcomes = np.array(["no_answer", "busy", "answered", "conversation"])
    for i, k in enumerate(idx):
        history.record_attempt(
            str(phones[k]),
            AT - timedelta(hours=float(rng.integers(1, 200))),
            subject="solar" if i % 2 else None,
            debt_id=table["debt_id"][int(k)],
            outcome=str(outcomes[i % 4]),
        )
    return Gate(rules=RuleSet.load_default(), dnc=dnc, history=history)


def build_consents(table: pl.DataFrame, seed: int = 13) -> ConsentBook:
    """One consent record for every other contact (one in ten revoked, some per seller)."""
    rng = np.random.default_rng(seed)
    phones = table["phone"].str.replace_all(r"[^0-9]", "").str.slice(-10).to_list()
    records = []
    for i in range(0, len(phones), 2):
        records.append(
            Consent(
                phone=phones[i],
                seller="Acme" if i % 6 else None,
                purposes=(Purpose.TELEMARKETING,) if i % 4 else (),
                level=ConsentLevel.EXPRESS_WRITTEN if i % 3 else ConsentLevel.EXPRESS,
                method="web_form",
                evidence_id=f"EV{i}",
                given_at=AT - timedelta(days=int(rng.integers(1, 900))),
                revoked_at=AT - timedelta(days=1) if i % 10 == 0 else None,
                matter="solar" if i % 8 == 0 else None,
            )
        )
    return ConsentBook(records)


def main() -> None:
    """Run the benchmark and print the figures."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
    t0 = time.perf_counter()
    table = generate(n)
    gate = build_gate(table)
    zip_table()
    gate.screen(table.head(1000), AT, purpose=Purpose.TELEMARKETING)  # warm caches
    print(f"generated {n:,} records, lists and history in {time.perf_counter() - t0:.1f} s")
    rss_before = _rss_mb()
    t1, c1 = time.perf_counter(), time.process_time()
    result = gate.screen(table, AT, purpose=Purpose.TELEMARKETING)
    batch, cpu = time.perf_counter() - t1, time.process_time() - c1
    summary = result.summary()
    print(
        f"vectorised screen: {n:,} records in {batch:.2f} s = {n / batch:,.0f} records/s; "
        f"CPU {cpu:.2f} s; peak RSS {_rss_mb():,.0f} MB (before the screen {rss_before:,.0f} MB)"
    )
    print(f"  decisions {summary['decisions']}, malformed {summary['malformed']}")
    print(f"  reasons {summary['reasons']}")
    t4 = time.perf_counter()
    gate.consents = build_consents(table)
    gate.consents.frame()
    print(
        f"{len(gate.consents):,} consent records built in {time.perf_counter() - t4:.1f} s "
        "(setup, not timed below)"
    )
    t5, c5 = time.perf_counter(), time.process_time()
    with_consent = gate.screen(table, AT, purpose=Purpose.TELEMARKETING, seller="Acme")
    wall2, cpu2 = time.perf_counter() - t5, time.process_time() - c5
    print(
        f"with consent records: {n:,} records in {wall2:.2f} s wall, CPU {cpu2:.2f} s "
        f"(x{wall2 / batch:.2f} wall, x{cpu2 / cpu:.2f} CPU against the plain screen)"
    )
    print(f"  decisions {with_consent.summary()['decisions']}")
    rows = table.head(sample).to_dicts()
    t2 = time.perf_counter()
    for row in rows:
        try:
            contact = Contact.from_row(row)
        except ValueError:  # malformed rows are reported, not checked
            continue
        gate.check(contact, AT, purpose=Purpose.TELEMARKETING)
    loop = time.perf_counter() - t2
    rate = sample / loop
    print(
        f"per-row Gate.check loop: {sample:,} records in {loop:.2f} s = {rate:,.0f} records/s; "
        f"extrapolated to {n:,}: {n / rate:,.1f} s"
    )
    print(f"speed-up: {(n / rate) / batch:,.1f}x")
    one = Contact.from_row(rows[0])
    for _ in range(100):
        gate.check(one, AT, purpose=Purpose.TELEMARKETING)
    laps = []
    for _ in range(2000):
        t3 = time.perf_counter()
        gate.check(one, AT, purpose=Purpose.TELEMARKETING)
        laps.append(time.perf_counter() - t3)
    laps.sort()
    p50, p99 = laps[1000] * 1e6, laps[1980] * 1e6
    print(f"warm Gate.check latency: p50 {p50:,.0f} us, p99 {p99:,.0f} us")


if __name__ == "__main__":
    main()
