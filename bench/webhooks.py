"""Benchmark the webhook receiver over loopback beside a bare FastAPI endpoint (the ceiling).

Each server runs in its own process (uvicorn, one worker); this process drives it with
concurrent httpx clients sending pre-signed Standard Webhooks pushes. Printed per target:
acked events/s (closed loop, C clients), p50/p99 ack latency, the ratio to the bare
endpoint's throughput, and p99 at a fixed offered rate (open loop). Targets (issue 8, on
the 2-core machine): durable acks at >= 50 % of the ceiling, p99 < 20 ms at 1,000 events/s.
Run: ``.venv/bin/python bench/webhooks.py [--events 3000] [--concurrency 32] [--rate 1000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import redis
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from rich.console import Console
from rich.table import Table

from cxdial.emulator.testing import free_port, wait_healthy
from cxdial.emulator.webhooks import sign
from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.queue import EventQueue
from cxdial.events.redis_queue import RedisQueue
from cxdial.service import ServiceConfig, create_app
from cxdial.store import make_engine

SECRET = "whsec_" + base64.b64encode(b"bench-secret-0123456789abcdef").decode()
REDIS_URL = "redis://127.0.0.1:6379/0"
ROUNDS = 4
"""Interleaved closed-loop rounds per target."""


def _serve(kind: str, port: int, db_url: str, prefix: str) -> None:
    """The server process: a bare endpoint, or the receiver on one queue backend."""
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
            EmbeddedQueue(engine) if kind == "embedded" else RedisQueue.from_url(REDIS_URL, prefix)
        )
        app = create_app(ServiceConfig(secrets=(SECRET,)), queue, engine)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@dataclass
class Result:
    """Latencies of one run."""

    name: str
    latencies: list[float]
    wall: float
    errors: int

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def _requests(n: int) -> list[tuple[bytes, dict[str, str]]]:
    """``n`` distinct pre-signed pushes (signing is not part of what is measured)."""
    ts = int(time.time())
    out = []
    for i in range(n):
        body = json.dumps(
            {
                "type": "call.completed",
                "occurred_at": "2026-11-23T19:05:00Z",
                "contact_id": 1_000_000 + i,
                "skill_id": 12,
                "phone": "+15551230001",
                "outcome": "answered",
                "sequence": 3,
            }
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


async def closed_loop(name: str, url: str, n: int, workers: int) -> Result:
    """``n`` pushes from ``workers`` clients, each sending the next as soon as one is acked."""
    reqs = iter(_requests(n))
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            for body, headers in reqs:
                start = time.perf_counter()
                response = await client.post("/webhooks/cxone", content=body, headers=headers)
                if response.status_code // 100 == 2:
                    latencies.append(time.perf_counter() - start)
                else:
                    errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(workers)))
        wall = time.perf_counter() - start
    return Result(name, latencies, wall, errors)


async def open_loop(name: str, url: str, rate: float, seconds: float) -> Result:
    """Offer ``rate`` pushes/s for ``seconds`` regardless of acks; latency of each."""
    n = int(rate * seconds)
    reqs = _requests(n)
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    timeout = httpx.Timeout(30.0, pool=None)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:

        async def one(body: bytes, headers: dict[str, str]) -> None:
            nonlocal errors
            start = time.perf_counter()
            try:
                response = await client.post("/webhooks/cxone", content=body, headers=headers)
            except httpx.HTTPError:
                errors += 1
                return
            if response.status_code // 100 == 2:
                latencies.append(time.perf_counter() - start)
            else:
                errors += 1

        tasks = []
        begin = time.perf_counter()
        for i, (body, headers) in enumerate(reqs):
            delay = begin + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(body, headers)))
        await asyncio.gather(*tasks)
        wall = time.perf_counter() - begin
    return Result(name, latencies, wall, errors)


def _wait_ready(url: str) -> None:
    try:
        wait_healthy(url, timeout=20)
    except RuntimeError as exc:
        raise SystemExit(f"server at {url} did not come up: {exc}") from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    prefix = f"cxdial-bench:{uuid.uuid4().hex}"
    kinds = ("bare", "embedded", "redis")
    closed = {k: Result(k, [], 0.0, 0) for k in kinds}
    opened: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        procs, urls = [], {}
        for kind in kinds:
            port = free_port()
            proc = ctx.Process(target=_serve, args=(kind, port, db_url, prefix), daemon=True)
            proc.start()
            procs.append(proc)
            urls[kind] = f"http://127.0.0.1:{port}"
        try:
            for kind in kinds:
                _wait_ready(urls[kind])
                asyncio.run(closed_loop(kind, urls[kind], 300, args.concurrency))  # warm-up
            for _ in range(ROUNDS):  # interleaved, so load from others hits every target alike
                for kind in kinds:
                    r = asyncio.run(
                        closed_loop(kind, urls[kind], args.events // ROUNDS, args.concurrency)
                    )
                    total = closed[kind]
                    total.latencies += r.latencies
                    total.wall += r.wall
                    total.errors += r.errors
            for kind in kinds:
                opened.append(asyncio.run(open_loop(kind, urls[kind], args.rate, args.seconds)))
        finally:
            for proc in procs:
                proc.terminate()
                proc.join(10)
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
    ceiling = closed["bare"].rps or float("nan")
    console = Console()
    table = Table(title=f"webhook acks, {args.concurrency} clients, {args.events} events")
    for col in ("target", "acked/s", "p50 ms", "p99 ms", "ratio", "errors"):
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
    table = Table(title=f"open loop: {args.rate:,.0f} events/s offered for {args.seconds:g} s")
    for col in ("target", "acked/s", "p50 ms", "p99 ms", "errors"):
        table.add_column(col, justify="right")
    for r in opened:
        table.add_row(
            r.name, f"{r.rps:,.0f}", f"{r.pct(0.5):.2f}", f"{r.pct(0.99):.2f}", str(r.errors)
        )
    console.print(table)


if __name__ == "__main__":
    main()
