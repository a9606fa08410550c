"""Benchmark the async CXone client against the emulator over loopback, beside raw httpx.

Prints requests/s and p50/p99 latency of ``GET /skills`` with N concurrent workers for:
raw httpx (bearer token reused, no policy), the async client without the rate limiter
(the two interleaved in rounds), and with it; then the policy's overhead as a ratio to
raw httpx, over loopback and in-process (MockTransport, best of 5). Run:
``.venv/bin/python bench/client.py [--requests 2000] [--concurrency 20] [--rate 200]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from rich.console import Console
from rich.table import Table

from cxdial.config import Settings
from cxdial.cxone import AsyncClient
from cxdial.cxone.versions import acd_path
from cxdial.emulator import EmulatorConfig
from cxdial.emulator.testing import EmulatorServer, demo_settings

ROUNDS = 4
"""Alternating rounds of raw httpx and the client over loopback."""


@dataclass
class Result:
    """Latencies of one run."""

    name: str
    latencies: list[float]
    wall: float

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def drive(
    name: str, call: Callable[[], Awaitable[object]], total: int, workers: int
) -> Result:
    """Run ``total`` calls over ``workers`` concurrent tasks; record each latency."""
    latencies: list[float] = []
    remaining = iter(range(total))

    async def worker() -> None:
        for _ in remaining:
            start = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return Result(name, latencies, time.perf_counter() - start)


def settings(url: str, rate: float) -> Settings:
    """Demo credentials against the emulator at ``url``."""
    return demo_settings(url, rate_limit=rate, rate_burst=max(1, int(rate // 10)))


async def bench(url: str, total: int, workers: int, rate: float) -> list[Result]:
    """The three runs, warmed up, in one process against one emulator."""
    results: list[Result] = []
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with AsyncClient.from_settings(settings(url, rate), rate_limited=False) as client:
        await client.authenticate()
        token = await client._auth.token()
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        path = acd_path("/skills")
        async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits) as raw:

            async def raw_call() -> object:
                response = await raw.get(path)
                response.raise_for_status()
                return response.json()

            async def client_call() -> object:
                return await client.send(client.skills.requests.pager().first())

            await drive("warm-up", raw_call, 100, workers)
            await drive("warm-up", client_call, 100, workers)
            raw_result = Result("raw httpx", [], 0.0)
            client_result = Result("AsyncClient (no limiter)", [], 0.0)
            for _ in range(ROUNDS):  # interleaved, so load changes hit both alike
                for into, call in ((raw_result, raw_call), (client_result, client_call)):
                    part = await drive(into.name, call, total // ROUNDS, workers)
                    into.latencies += part.latencies
                    into.wall += part.wall
            results += [raw_result, client_result]
    async with AsyncClient.from_settings(settings(url, rate)) as limited:
        await limited.authenticate()
        capped = min(total, int(rate * 5))

        async def limited_call() -> object:
            return await limited.send(limited.skills.requests.pager().first())

        results.append(
            await drive(f"AsyncClient (limit {rate:g}/s)", limited_call, capped, workers)
        )
    return results


def main() -> None:
    """Start the emulator on loopback, run the benchmark, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rate", type=float, default=200.0, help="client-side limit, req/s")
    args = parser.parse_args()
    with EmulatorServer(EmulatorConfig(seed=1)) as server:
        results = asyncio.run(bench(server.url, args.requests, args.concurrency, args.rate))
    table = Table(title=f"GET /skills over loopback, {args.concurrency} concurrent workers")
    for column in ("run", "requests", "req/s", "p50 ms", "p99 ms"):
        table.add_column(column, justify="right" if column != "run" else "left")
    for r in results:
        table.add_row(
            r.name,
            str(len(r.latencies)),
            f"{r.rps:,.0f}",
            f"{r.pct(0.5):.2f}",
            f"{r.pct(0.99):.2f}",
        )
    console = Console()
    console.print(table)
    raw, policy = results[0], results[1]
    console.print(
        f"policy overhead: p50 x{policy.pct(0.5) / raw.pct(0.5):.2f}, "
        f"throughput x{raw.rps / policy.rps:.2f} (raw/client); "
        f"mean latency {_delta_ms(policy, raw):+.2f} ms over loopback"
    )
    mock_raw, mock_policy = asyncio.run(in_process(args.requests))
    per_call = (mock_policy - mock_raw) / args.requests * 1e6
    console.print(
        f"in-process (MockTransport, no network): raw {args.requests / mock_raw:,.0f} req/s, "
        f"client {args.requests / mock_policy:,.0f} req/s, policy cost {per_call:.0f} µs/request "
        f"(x{mock_policy / mock_raw:.2f})"
    )


def _delta_ms(a: Result, b: Result) -> float:
    return (statistics.mean(a.latencies) - statistics.mean(b.latencies)) * 1e3


async def in_process(total: int, rounds: int = 5) -> tuple[float, float]:
    """Best-of-``rounds`` seconds for ``total`` sequential calls: raw httpx, then the client."""
    body = {"skills": [{"skillId": 1, "skillName": "PC"}], "totalRecords": 1}

    def tenant(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("openid-configuration"):
            return httpx.Response(200, json={"token_endpoint": "http://mock/auth/token"})
        if request.url.path == "/auth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(200, json=body)

    transport = httpx.MockTransport(tenant)
    config = settings("http://mock", 1e9).model_copy(update={"api_endpoint": "http://mock"})
    raw_best = client_best = float("inf")
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://mock") as raw,
        AsyncClient.from_settings(config, transport=transport, rate_limited=False) as client,
    ):
        await client.authenticate()
        request = client.skills.requests.pager().first()
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(total):
                (await raw.get(request.path, params=request.params)).json()
            raw_best = min(raw_best, time.perf_counter() - start)
            start = time.perf_counter()
            for _ in range(total):
                await client.send(request)
            client_best = min(client_best, time.perf_counter() - start)
    return raw_best, client_best


if __name__ == "__main__":
    main()
