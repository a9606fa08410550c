"""What a user waits for: ``cxdial screen`` end to end, beside polars doing the same I/O.

For each size (default 1,000,000 and 10,000,000 rows) the bench writes a contacts CSV, a
national and an internal DNC list and an attempt history (in a temporary folder, deleted
afterwards), then runs, as fresh processes in the same run:

* ``cxdial screen … --out --report --json`` (process start to exit), and
* the *polars floor*: polars reading the same files, normalising the numbers, joining
  them with the lists and the attempt counts and writing two CSVs.

It prints wall time, CPU time, peak RSS (per process, from ``wait4``), the ratios of the
screen to that floor, and CPU µs per row (the machine is shared: CPU time and ratios
measured in the same run are the figures to read). Then the per-row baseline: a
``Gate.check`` loop over ``--sample`` rows, and the warm latency of one check allowed and
blocked by calling hours, each at a fresh instant as a real dial is. Then, in one process,
``Gate.screen`` of the first size's contacts without and with ``--consents`` consent records
(default 500,000) attached: CPU seconds of each and their ratio (target: under 3 s CPU with
the records). Run:
``.venv/bin/python bench/screen.py [--rows 1000000 10000000] [--sample 20000] [--consents N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from cxdial.compliance import Contact, Purpose
from cxdial.compliance.locate import zip_table

AT = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)
#: Rows generated per step (each step with its own seed), so 10M rows never sit in memory.
CHUNK = 1_000_000
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

FLOOR = r"""
import sys
import polars as pl
contacts, national, internal, history, out, report = sys.argv[1:7]
clean = r"[ \t().\-/]"
nat = pl.col("phone").str.replace_all(clean, "").str.extract(r"^(?:\+1|1)?([0-9]{10})$", 1)
def listed(path):
    return (
        pl.scan_csv(path, has_header=False, new_columns=["n"], comment_prefix="#",
                    schema={"n": pl.String})
        .select(pl.col("n").str.strip_chars())
        .unique()
        .collect()
    )
counts = (
    pl.scan_csv(history, infer_schema=False)
    .group_by("phone")
    .len()
    .select(pl.col("phone").str.slice(-10).alias("national"), pl.col("len"))
    .collect()
)
frame = (
    pl.read_csv(contacts, infer_schema=False)
    .with_columns(nat.alias("national"))
    .join(listed(national).rename({"n": "national"}).with_columns(pl.lit(True).alias("dnc")),
          on="national", how="left")
    .join(listed(internal).rename({"n": "national"}).with_columns(pl.lit(True).alias("own")),
          on="national", how="left")
    .join(counts, on="national", how="left")
    .with_columns(
        (pl.col("dnc").is_null() & pl.col("own").is_null() & (pl.col("len").fill_null(0) < 3))
        .alias("allowed")
    )
)
frame.filter("allowed").drop("national", "dnc", "own", "len", "allowed").write_csv(out)
frame.select("id", "national", "allowed", "len").write_csv(report)
"""


def _col(values: np.ndarray, keep: np.ndarray | None = None) -> pl.Series:
    series = pl.Series(values.astype(str), dtype=pl.String)
    if keep is None:
        return series
    return pl.select(pl.when(pl.Series(keep)).then(series)).to_series()


def generate(n: int, seed: int = 7, first_id: int = 0) -> pl.DataFrame:
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
    zips = sorted(zip_table())
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

    ids = np.char.add("c", np.arange(first_id, first_id + n).astype(str))
    columns = {
        "id": _col(ids),
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


@dataclass(frozen=True)
class Files:
    """One size's inputs and outputs."""

    contacts: Path
    national: Path
    internal: Path
    history: Path
    out: Path
    report: Path


def write_inputs(folder: Path, n: int, seed: int = 7) -> Files:
    """Contacts CSV, lists (1 in 10 and 1 in 200 rows) and history (1 attempt per 10 rows)."""
    rng = np.random.default_rng(seed + 1)
    files = _files(folder)
    national, internal, history = [], [], []
    outcomes = np.array(["no_answer", "busy", "answered", "conversation"])
    with files.contacts.open("wb") as fh:
        for step, start in enumerate(range(0, n, CHUNK)):
            size = min(CHUNK, n - start)
            table = generate(size, seed=seed + step, first_id=start)
            table.write_csv(fh, include_header=step == 0)
            digits = table["phone"].str.replace_all(r"[^0-9]", "").str.slice(-10)
            national.append(digits.sample(size // 10, seed=step))
            internal.append(digits.sample(size // 200, seed=step + 1))
            picked = digits.sample(size // 10, with_replacement=True, seed=step + 2)
            k = picked.len()
            history.append(
                pl.DataFrame(
                    {
                        "phone": picked,
                        "at": [
                            (AT - timedelta(hours=float(h))).isoformat()
                            for h in rng.integers(1, 200, k)
                        ],
                        "subject": np.where(np.arange(k) % 2 == 1, "solar", ""),
                        "debt_id": table["debt_id"].sample(k, with_replacement=True, seed=step),
                        "outcome": outcomes[np.arange(k) % 4],
                    }
                )
            )
            del table
    header = "# registry: national, fetched: 2026-11-20\n"
    files.national.write_text(header + "\n".join(pl.concat(national).to_list()) + "\n213XXXXXXX\n")
    files.internal.write_text(
        "# registry: internal, fetched: 2026-11-20\n" + "\n".join(pl.concat(internal).to_list())
    )
    pl.concat(history).write_csv(files.history)
    return files


def _files(folder: Path) -> Files:
    names = ("contacts.csv", "dnc-national.txt", "dnc-internal.txt", "history.csv")
    return Files(*(folder / name for name in (*names, "cleared.csv", "report.csv")))


@dataclass(frozen=True)
class Run:
    """Wall seconds, CPU seconds and peak RSS (bytes) of one process."""

    wall: float
    cpu: float
    rss: int


def measure(argv: list[str]) -> Run:
    """Run ``argv`` to its end; its own wall, CPU and peak RSS (``wait4``)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    assert proc.stderr is not None
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv[:3]} exited {proc.returncode}: {err[-600:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def _cxdial() -> list[str]:
    script = Path(sys.executable).with_name("cxdial")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cxdial.cli"]


def screen_argv(files: Files) -> list[str]:
    """The ``cxdial screen`` command a user runs on these files."""
    return [
        *_cxdial(),
        "screen",
        str(files.contacts),
        "--at",
        AT.isoformat(),
        "--dnc",
        str(files.national),
        "--dnc",
        str(files.internal),
        "--history",
        str(files.history),
        "--out",
        str(files.out),
        "--report",
        str(files.report),
        "--json",
    ]


def floor_argv(files: Files) -> list[str]:
    """Polars alone reading, joining and writing the same files."""
    paths = (files.contacts, files.national, files.internal, files.history)
    outs = (files.out.with_suffix(".floor.csv"), files.report.with_suffix(".floor.csv"))
    return [sys.executable, "-c", FLOOR, *map(str, paths), *map(str, outs)]


def per_row(files: Files, sample: int) -> tuple[float, float, float]:
    """CPU µs per ``Gate.check`` over ``sample`` rows; warm p50 µs allowed and hours-blocked."""
    from cxdial.compliance.screening import ScreenFiles, build_gate

    gate = build_gate(
        ScreenFiles(
            input=files.contacts, dnc=(files.national, files.internal), history=files.history
        )
    )
    rows = pl.read_csv(files.contacts, infer_schema=False, n_rows=sample).to_dicts()
    contacts = []
    for row in rows:
        try:
            contacts.append(Contact.from_row(row))
        except ValueError:  # malformed rows are reported, not checked
            continue
    for c in contacts[:200]:
        gate.check(c, AT, purpose=Purpose.TELEMARKETING)
    cpu = time.process_time()
    for i, c in enumerate(contacts):
        gate.check(c, AT + timedelta(microseconds=i), purpose=Purpose.TELEMARKETING)
    loop = (time.process_time() - cpu) / len(contacts) * 1e6
    one = Contact(id="x", phone="+12125550143", consent="express_written", phone_type="landline")
    day = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 10:00 in New York
    night = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 22:00 in New York

    def p50(base: datetime) -> float:
        laps = []
        for i in range(3000):
            at = base + timedelta(microseconds=7 * i)  # a fresh instant, as a real dial
            t = time.perf_counter()
            gate.check(one, at, purpose=Purpose.TELEMARKETING)
            laps.append(time.perf_counter() - t)
        return statistics.median(laps[500:]) * 1e6

    allowed, blocked = p50(day), p50(night)
    assert not gate.check(one, night, purpose=Purpose.TELEMARKETING).allowed
    return loop, allowed, blocked


def consent_records(files: Files, n: int, seed: int = 11) -> list[Any]:
    """``n`` consent records on numbers of the contacts (sellers, purposes, revocations)."""
    from cxdial.compliance.consent import Channel, Consent
    from cxdial.compliance.models import ConsentLevel

    rng = np.random.default_rng(seed)
    phones = (
        pl.scan_csv(files.contacts, infer_schema=False)
        .select(pl.col("phone").str.replace_all(r"[^0-9]", "").str.slice(-10))
        .collect()
        .to_series()
    )
    picked = phones.sample(n, with_replacement=True, seed=seed).to_list()
    purposes = [(), (Purpose.TELEMARKETING,), (Purpose.INFORMATIONAL, Purpose.DEBT_COLLECTION)]
    channels = [(Channel.LIVE,), (Channel.LIVE, Channel.AUTODIALED)]
    levels = [ConsentLevel.EXPRESS, ConsentLevel.EXPRESS_WRITTEN]
    sellers = [None, "Acme", "Zed"]
    given = rng.integers(1, 900, n)
    revoked = rng.random(n) < 0.1
    which = rng.integers(0, 6, (n, 4))
    out = []
    for i, phone in enumerate(picked):
        at = AT - timedelta(days=int(given[i]))
        out.append(
            Consent.model_construct(  # built without validation: the bench times screening
                phone=phone,
                seller=sellers[which[i, 0] % 3],
                purposes=purposes[which[i, 1] % 3],
                channels=channels[which[i, 2] % 2],
                level=levels[which[i, 3] % 2],
                method="web_form",
                evidence_id=f"E{i}",
                given_at=at,
                revoked_at=at + timedelta(days=30) if revoked[i] else None,
                revocation_channel="agent" if revoked[i] else None,
                matter="solar" if which[i, 0] == 5 else None,
            )
        )
    return out


def with_consents(files: Files, n: int) -> dict[str, float]:
    """CPU s of ``Gate.screen`` without and with ``n`` consent records, in this process."""
    from cxdial.compliance import read_contacts
    from cxdial.compliance.consent import ConsentBook
    from cxdial.compliance.screening import ScreenFiles, build_gate

    gate = build_gate(
        ScreenFiles(
            input=files.contacts, dnc=(files.national, files.internal), history=files.history
        )
    )
    table = read_contacts(files.contacts)
    t = time.perf_counter()
    book = ConsentBook(consent_records(files, n))
    book.frame()  # the book's columns are built once per book, as a screen with --consent does
    setup = time.perf_counter() - t

    def timed(consents: ConsentBook) -> tuple[float, float]:
        gate.consents = consents
        cpu, wall = time.process_time(), time.perf_counter()
        result = gate.screen(table, AT, purpose=Purpose.TELEMARKETING)
        assert result.frame.height > 0
        return time.process_time() - cpu, time.perf_counter() - wall

    gate.screen(table.head(1000), AT, purpose=Purpose.TELEMARKETING)  # warm the tables
    plain = [timed(ConsentBook()) for _ in range(2)]
    attached = [timed(book) for _ in range(2)]
    base_cpu, base_wall = min(plain)
    cpu, wall = min(attached)
    return {
        "rows": table.height,
        "consents": n,
        "setup_s": setup,
        "plain_cpu": base_cpu,
        "plain_wall": base_wall,
        "consent_cpu": cpu,
        "consent_wall": wall,
        "cpu_ratio": cpu / base_cpu,
        "wall_ratio": wall / base_wall,
    }


def main() -> None:
    """Run the benchmark and print the figures."""
    if sys.argv[1:2] == ["--inputs"]:  # child: write the inputs of one size
        write_inputs(Path(sys.argv[2]), int(sys.argv[3]))
        return
    if sys.argv[1:2] == ["--per-row"]:  # child: the per-row figures, as JSON
        print(json.dumps(per_row(_files(Path(sys.argv[2])), int(sys.argv[3]))))
        return
    if sys.argv[1:2] == ["--with-consents"]:  # child: screen without and with consent records
        print(json.dumps(with_consents(_files(Path(sys.argv[2])), int(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--consents", type=int, default=500_000, help="records (0: skip)")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the files (temp)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cxdial-bench-", dir=args.dir))
    results: list[dict[str, float]] = []
    try:
        for n in args.rows:
            need = n * 65 * 3  # the CSV, the cleared and the report files, roughly
            free = shutil.disk_usage(folder).free
            if free < need * 2:
                raise SystemExit(f"{n:,} rows need ~{need / 1e9:.1f} GB; {free / 1e9:.1f} GB free")
            t = time.perf_counter()
            # in a child process: a big parent would inflate every child's peak RSS (fork)
            subprocess.run([sys.executable, __file__, "--inputs", str(folder), str(n)], check=True)  # noqa: S603
            files = _files(folder)
            print(f"{n:,} rows: inputs written in {time.perf_counter() - t:.0f} s", flush=True)
            floor = measure(floor_argv(files))
            screen = measure(screen_argv(files))
            row = {
                "rows": n,
                "load": os.getloadavg()[0],
                "screen_wall": screen.wall,
                "screen_cpu": screen.cpu,
                "screen_rss_gib": screen.rss / 1024**3,
                "floor_wall": floor.wall,
                "floor_cpu": floor.cpu,
                "floor_rss_gib": floor.rss / 1024**3,
                "wall_ratio": screen.wall / floor.wall,
                "cpu_ratio": screen.cpu / floor.cpu,
                "screen_cpu_us_per_row": screen.cpu / n * 1e6,
            }
            results.append(row)
            print(json.dumps(row), flush=True)
            if n == args.rows[0]:
                argv = [sys.executable, __file__, "--per-row", str(folder), str(args.sample)]
                done = subprocess.run(argv, check=True, capture_output=True, text=True)  # noqa: S603
                loop, allowed, blocked = json.loads(done.stdout.strip().splitlines()[-1])
                print(
                    f"per-row Gate.check: {loop:,.0f} µs CPU per row over {args.sample:,} rows "
                    f"(screen: {row['screen_cpu_us_per_row']:.2f} µs, "
                    f"{loop / row['screen_cpu_us_per_row']:,.0f}x less); "
                    f"warm check p50 allowed {allowed:,.0f} µs, blocked by hours {blocked:,.0f} µs",
                    flush=True,
                )
                if args.consents:
                    argv = [sys.executable, __file__, "--with-consents", str(folder)]
                    argv.append(str(args.consents))
                    done = subprocess.run(argv, check=True, capture_output=True, text=True)  # noqa: S603
                    c = json.loads(done.stdout.strip().splitlines()[-1])
                    print(
                        f"Gate.screen of {c['rows']:,} rows, one process: "
                        f"{c['plain_cpu']:.2f} s CPU ({c['plain_wall']:.2f} s wall) without "
                        f"consent records, {c['consent_cpu']:.2f} s CPU "
                        f"({c['consent_wall']:.2f} s wall) with {c['consents']:,} attached: "
                        f"x{c['cpu_ratio']:.2f} CPU, x{c['wall_ratio']:.2f} wall "
                        f"(target < 3 s CPU; building the records {c['setup_s']:.1f} s, setup)",
                        flush=True,
                    )
            for path in folder.iterdir():
                path.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _table(results)


def _table(results: list[dict[str, float]]) -> None:
    print()
    print(
        f"{'rows':>11} {'wall s':>8} {'CPU s':>8} {'RSS GiB':>8} | {'floor wall':>10} "
        f"{'floor CPU':>9} {'RSS GiB':>8} | {'× wall':>6} {'× CPU':>6} {'µs/row':>7} {'load':>5}"
    )
    for r in results:
        print(
            f"{int(r['rows']):>11,} {r['screen_wall']:>8.1f} {r['screen_cpu']:>8.1f} "
            f"{r['screen_rss_gib']:>8.2f} | {r['floor_wall']:>10.1f} {r['floor_cpu']:>9.1f} "
            f"{r['floor_rss_gib']:>8.2f} | {r['wall_ratio']:>6.1f} {r['cpu_ratio']:>6.1f} "
            f"{r['screen_cpu_us_per_row']:>7.2f} {r['load']:>5.1f}"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        drift = last["screen_cpu_us_per_row"] / first["screen_cpu_us_per_row"] - 1
        print(
            f"per-row CPU cost, {int(last['rows']):,} vs {int(first['rows']):,} rows: {drift:+.0%}"
        )
    print("targets: 1M ≤ 4× the floor; 10M peak RSS < 2 GiB; per-row cost within 20 %")


if __name__ == "__main__":
    main()
