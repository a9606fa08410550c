"""Benchmark the webhook receiver over loopback beside a bare FastAPI endpoint (the ceiling).

Three servers, one process each, run side by side with the same uvicorn settings: a bare
endpoint that answers 202 without work (the HTTP stack's ceiling) and the cxdial
receiver on the embedded (SQLite WAL) and the Redis queue. The load comes from several
client processes (``--clients``), each with its own event loop and keep-alive h11
connections (:class:`cxdial.emulator.poster.Poster`), sending distinct pre-signed
Standard Webhooks pushes (signing is not measured):

* closed loop: ``--connections`` per process send back to back; acked events/s, p50/p99
  ack latency and the ratio to the bare endpoint, in interleaved rounds so that machine
  noise hits every target alike;
* open loop: ``--rate`` pushes/s offered for ``--seconds``, each sent at its scheduled
  time whatever the answers (latency counts from the schedule, so queueing shows). With
  ``--pin`` the servers run on the first CPU and the load generator on the others, so the
  latency is the server's alone (on a quiet machine; other load on that CPU then hurts).
  ``--open-rounds`` repeats it, interleaved over the targets; the verdict pools them, and
  each round prints its own p99 beside the CPU time the hypervisor stole from this VM
  meanwhile (``/proc/stat``), so a miss can be told from a host that was busy elsewhere.

Each server freezes its long-lived heap out of later garbage collections before serving,
as ``cxdial serve`` does (``--no-settle``: it does not).

Targets (issue 8, the 2-core machine): durable acks at >= 50 % of the ceiling's
throughput, p99 < 20 ms at 1,000 events/s offered. Run: ``.venv/bin/python
bench/webhooks.py [--clients 3] [--connections 16] [--events 6000] [--rate 1000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import importlib.util
import json
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import redis
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from rich.console import Console
from rich.table import Table

from cxdial.emulator.poster import Poster, PostError
from cxdial.emulator.testing import free_port, wait_healthy
from cxdial.emulator.webhooks import sign
from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.queue import EventQueue, QueueSettings
from cxdial.events.redis_queue import RedisQueue
from cxdial.service import ServiceConfig, create_app
from cxdial.service.heap import settle_heap
from cxdial.store import make_engine

SECRET = "whsec_" + base64.b64encode(b"bench-secret-0123456789abcdef").decode()
REDIS_URL = "redis://127.0.0.1:6379/0"
KINDS = ("bare", "embedded", "redis")
ROUNDS = 3
"""Interleaved closed-loop rounds per target."""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
OPEN_CONNECTIONS = 24
"""Keep-alive connections per client process in the open loop."""
HTTP = "httptools" if importlib.util.find_spec("httptools") else "h11"
LOOP = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"


def _serve(
    kind: str, port: int, db_url: str, prefix: str, settings: QueueSettings, settle: bool
) -> None:
    """The server process: a bare endpoint, or the receiver on one queue backend.

    With ``settle`` the long-lived heap is frozen out of later collections before serving,
    as ``cxdial serve`` does (:func:`cxdial.service.heap.settle_heap`).
    """
    if kind == "bare":
        app = FastAPI()

        @app.post("/webhooks/cxone")
        async def ok(request: Request) -> JSONResponse:
            await request.body()
            return JSONResponse({"id": "x"}, status_code=202)

        @app.get("/healthz")
        async def health() -> JSONResponse:
            return JSONResponse({"status": "ok"})
    else:
        engine = make_engine(db_url)
        queue: EventQueue = (
            EmbeddedQueue(engine, settings)
            if kind == "embedded"
            else RedisQueue.from_url(REDIS_URL, prefix, settings)
        )
        app = create_app(ServiceConfig(secrets=(SECRET,)), queue, engine)
    if settle:
        settle_heap()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        http=HTTP,
        loop=LOOP,
    )


def _requests(n: int, salt: int) -> list[tuple[bytes, dict[str, str]]]:
    """``n`` distinct pre-signed pushes."""
    ts = int(time.time())
    out = []
    for i in range(n):
        body = json.dumps(
            {
                "type": "call.completed",
                "occurred_at": "2026-11-23T19:05:00Z",
                "contact_id": salt * 10_000_000 + i,
                "skill_id": 12,
                "phone": "+15551230001",
                "outcome": "answered",
                "sequence": 3,
            },
            separators=(",", ":"),
        ).encode()
        msg = f"msg_{uuid.uuid4().hex}"
        headers = {
            "content-type": "application/json",
            "webhook-id": msg,
            "webhook-timestamp": str(ts),
            "webhook-signature": sign(SECRET, msg, ts, body),
        }
        out.append((body, headers))
    return out


@dataclass
class Shard:
    """What one client process measured: ack latencies (s), errors, start and end times."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    start: float = 0.0
    end: float = 0.0

    async def send(
        self, poster: Poster, body: bytes, headers: dict[str, str], since: float
    ) -> None:
        """Post one push; a 2xx counts its latency from ``since``, anything else an error."""
        try:
            status = await poster.post(body, headers)
        except PostError:
            self.errors += 1
            return
        if status // 100 == 2:
            self.latencies.append(time.perf_counter() - since)
        else:
            self.errors += 1


async def _closed(url: str, reqs: list[tuple[bytes, dict[str, str]]], conns: int) -> Shard:
    shard = Shard()
    queue = iter(reqs)

    async def lane() -> None:
        poster = Poster(url, timeout=30)
        try:
            for body, headers in queue:
                await shard.send(poster, body, headers, time.perf_counter())
        finally:
            await poster.close()

    shard.start = time.time()
    await asyncio.gather(*(lane() for _ in range(conns)))
    shard.end = time.time()
    return shard


async def _open(
    url: str, reqs: list[tuple[bytes, dict[str, str]]], rate: float, conns: int
) -> Shard:
    """Offer ``rate`` pushes/s: push i is due at start + i/rate, on connection i % conns.

    A connection still busy when its next push falls due sends it late, and the wait counts
    in that push's latency (no coordinated omission); connections are opened before the
    clock starts.
    """
    shard = Shard()
    posters = [Poster(url, timeout=30) for _ in range(conns)]
    warm = reqs[:conns]
    await asyncio.gather(*(p.post(b, h) for p, (b, h) in zip(posters, warm, strict=True)))
    todo = reqs[conns:]

    async def lane(k: int, poster: Poster) -> None:
        for i in range(k, len(todo), conns):
            body, headers = todo[i]
            due = begin + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await shard.send(poster, body, headers, due)
        await poster.close()

    shard.start = time.time()
    begin = time.perf_counter()
    await asyncio.gather(*(lane(k, p) for k, p in enumerate(posters)))
    shard.end = time.time()
    return shard


def _client(
    mode: str,
    url: str,
    n: int,
    param: float,
    salt: int,
    barrier: Barrier,
    out: Any,
    cpus: frozenset[int] | None,
) -> None:
    """One load-generator process: sign ``n`` pushes, wait for the others, send, report.

    With ``cpus``, the process runs on those CPUs only (away from the server's).
    """
    if cpus:
        os.sched_setaffinity(0, cpus)
    reqs = _requests(n, salt)
    barrier.wait()
    if mode == "closed":
        shard = asyncio.run(_closed(url + "/webhooks/cxone", reqs, int(param)))
    else:
        shard = asyncio.run(_open(url + "/webhooks/cxone", reqs, param, OPEN_CONNECTIONS))
    out.put((shard.latencies, shard.errors, shard.start, shard.end))


def _stolen() -> float:
    """CPU seconds the hypervisor has stolen from this machine so far (0 where unknown)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return 0.0
    return int(fields[8]) / CLOCK_TICKS if len(fields) > 8 and fields[0] == "cpu" else 0.0


@dataclass
class Result:
    """Every shard of one run against one target, merged; a round's p99 and steal each."""

    name: str
    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    errors: int = 0
    rounds: list[tuple[float, float]] = field(default_factory=list)
    """(p99 ms, CPU seconds stolen from the VM) per ``add``."""

    def add(self, shards: list[tuple[list[float], int, float, float]], stolen: float = 0.0) -> None:
        merged: list[float] = []
        for latencies, errors, _, _ in shards:
            merged += latencies
            self.errors += errors
        self.latencies += merged
        self.wall += max(s[3] for s in shards) - min(s[2] for s in shards)
        merged.sort()
        p99 = merged[min(len(merged) - 1, int(0.99 * len(merged)))] * 1000 if merged else 0.0
        self.rounds.append((p99, stolen))

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def _drive(
    ctx: Any,
    mode: str,
    url: str,
    total: int,
    param: float,
    clients: int,
    salt: int,
    cpus: frozenset[int] | None = None,
) -> list[tuple[list[float], int, float, float]]:
    """Run ``clients`` processes against ``url``, ``total`` pushes between them."""
    barrier = ctx.Barrier(clients)
    out = ctx.Queue()
    per = total // clients + (OPEN_CONNECTIONS if mode == "open" else 0)  # + the warm-ups
    share = param if mode == "closed" else param / clients
    procs = [
        ctx.Process(
            target=_client, args=(mode, url, per, share, salt * 100 + i, barrier, out, cpus)
        )
        for i in range(clients)
    ]
    for proc in procs:
        proc.start()
    shards = [out.get(timeout=300) for _ in procs]
    for proc in procs:
        proc.join(30)
    return shards


def _pin_servers(procs: list[Any]) -> frozenset[int] | None:
    """Servers on the first CPU, the load generator on the others: the open loop's
    latency is then the server's alone (None when there is only one CPU)."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    for proc in procs:
        os.sched_setaffinity(proc.pid, {cpus[0]})
    return frozenset(cpus[1:])


def _wait_ready(url: str) -> None:
    try:
        wait_healthy(url, timeout=20)
    except RuntimeError as exc:
        raise SystemExit(f"server at {url} did not come up: {exc}") from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=3, help="load-generator processes")
    parser.add_argument("--connections", type=int, default=16, help="per process, closed loop")
    parser.add_argument("--events", type=int, default=6000, help="closed loop, per target")
    parser.add_argument("--rate", type=float, default=1000.0, help="open loop, pushes/s")
    parser.add_argument("--seconds", type=float, default=4.0, help="open loop duration")
    parser.add_argument(
        "--batch-wait",
        type=float,
        default=QueueSettings().batch_wait,
        help="group commit: seconds a first enqueue waits for company",
    )
    parser.add_argument(
        "--checkpoint-interval",
        type=float,
        default=QueueSettings().checkpoint_interval,
        help="embedded: seconds between background WAL checkpoints (0: SQLite's, on commit)",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="open loop: servers on the first CPU, the load generator on the others",
    )
    parser.add_argument(
        "--open-rounds", type=int, default=3, help="open loop: interleaved rounds per target"
    )
    parser.add_argument(
        "--no-settle",
        action="store_true",
        help="leave the servers' long-lived heap in every collection (the old behaviour)",
    )
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    prefix = f"cxdial-bench:{uuid.uuid4().hex}"
    closed = {k: Result(k) for k in KINDS}
    opened = {k: Result(k) for k in KINDS}
    console = Console(width=None if sys.stdout.isatty() else 110)
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        procs, urls = [], {}
        for kind in KINDS:
            port = free_port()
            settings = QueueSettings(
                batch_wait=args.batch_wait, checkpoint_interval=args.checkpoint_interval
            )
            proc = ctx.Process(
                target=_serve,
                args=(kind, port, db_url, prefix, settings, not args.no_settle),
                daemon=True,
            )
            proc.start()
            procs.append(proc)
            urls[kind] = f"http://127.0.0.1:{port}"
        try:
            salt = 1
            with console.status("warming up") as status:
                for kind in KINDS:
                    _wait_ready(urls[kind])
                    _drive(ctx, "closed", urls[kind], 600, 8, args.clients, salt)
                    salt += 1
                for r in range(ROUNDS):  # interleaved: load from elsewhere hits all alike
                    for kind in KINDS:
                        status.update(f"closed loop, round {r + 1}/{ROUNDS}: {kind}")
                        n = args.events // ROUNDS
                        shards = _drive(
                            ctx, "closed", urls[kind], n, args.connections, args.clients, salt
                        )
                        closed[kind].add(shards)
                        salt += 1
                client_cpus = _pin_servers(procs) if args.pin else None
                for r in range(args.open_rounds):
                    for kind in KINDS:
                        status.update(
                            f"open loop at {args.rate:,.0f}/s, "
                            f"round {r + 1}/{args.open_rounds}: {kind}"
                        )
                        n = int(args.rate * args.seconds)
                        before = _stolen()
                        shards = _drive(
                            ctx, "open", urls[kind], n, args.rate, args.clients, salt, client_cpus
                        )
                        opened[kind].add(shards, _stolen() - before)
                        salt += 1
        finally:
            for proc in procs:
                proc.terminate()
                proc.join(10)
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
    _report(console, args, closed, opened)


def _report(
    console: Console, args: argparse.Namespace, closed: dict[str, Result], opened: dict[str, Result]
) -> None:
    ceiling = closed["bare"].rps or float("nan")
    lanes = args.clients * args.connections
    table = Table(
        title=f"closed loop: {args.clients} processes x {args.connections} connections "
        f"({lanes} in flight), {args.events} events per target; uvicorn {HTTP} + {LOOP}, "
        f"group commit wait {args.batch_wait * 1000:g} ms, "
        f"heap {'not ' if args.no_settle else ''}frozen, "
        f"WAL checkpoints {'on commit' if not args.checkpoint_interval else 'in the background'}"
    )
    for col in ("target", "acked/s", "p50 ms", "p99 ms", "ratio to bare", "errors"):
        table.add_column(col, justify="right")
    for r in closed.values():
        table.add_row(
            r.name,
            f"{r.rps:,.0f}",
            f"{r.pct(0.5):.2f}",
            f"{r.pct(0.99):.2f}",
            f"{r.rps / ceiling:.2f}",
            str(r.errors),
        )
    console.print(table)
    where = "servers pinned apart from the load" if args.pin else "all share the CPUs"
    table = Table(
        title=f"open loop: {args.rate:,.0f} events/s offered for {args.seconds:g} s, "
        f"{args.open_rounds} rounds ({where}); per round: p99 ms (CPU ms stolen from the VM)"
    )
    for col in ("target", "acked/s", "p50 ms", "p99 ms", "errors", "rounds"):
        table.add_column(col, justify="right")
    for r in opened.values():
        rounds = "  ".join(f"{p99:.1f} ({stolen * 1000:.0f})" for p99, stolen in r.rounds)
        table.add_row(
            r.name,
            f"{r.rps:,.0f}",
            f"{r.pct(0.5):.2f}",
            f"{r.pct(0.99):.2f}",
            str(r.errors),
            rounds,
        )
    console.print(table)
    for kind in ("embedded", "redis"):
        ratio = closed[kind].rps / ceiling
        p99 = opened[kind].pct(0.99)
        kept_up = opened[kind].rps >= 0.95 * args.rate and not opened[kind].errors
        verdict = "met" if ratio >= 0.5 and p99 < 20 and kept_up else "MISSED"
        console.print(
            f"{kind}: durable acks at {ratio:.0%} of the ceiling (target >= 50 %), "
            f"p99 {p99:.1f} ms at {args.rate:,.0f}/s offered (target < 20 ms, "
            f"{opened[kind].rps:,.0f}/s acked): {verdict}",
            markup=False,
            highlight=False,
        )


if __name__ == "__main__":
    main()
