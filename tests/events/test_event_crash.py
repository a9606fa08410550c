"""Crash safety at the issue's scale: 10,000 emulator pushes, kill -9 mid-stream, restart.

The emulator (a CXone tenant on a loopback port) dials a calling list of ~3,850 records
with its PC dialer on a manual clock; its webhook sender pushes every call event, signed,
over real HTTP to a ``cxdial serve --role receiver`` process while a separate ``cxdial
serve --role worker`` process applies the queue to the store. Mid-stream one of them is
killed with SIGKILL and started again. Afterwards every push the receiver acked has been
applied exactly once, and the dispositions in the store are exactly the emulator's
``/contacts/completed`` (read through cxdial's client, paged to the end). Both queue
backends: embedded (SQLite) and Redis Streams.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from queue_support import REDIS_URL
from sqlalchemy import Engine, func, select

from cxdial.config import Settings
from cxdial.cxone import Client
from cxdial.emulator import EmulatorConfig
from cxdial.emulator import credentials as demo
from cxdial.emulator.testing import EmulatorServer, free_port
from cxdial.events import event_from_completed
from cxdial.store import make_engine, session_scope
from cxdial.store.event_tables import CallStateRow, SeenEvent, counters
from cxdial.store.tables import AttemptRow

SECRET = "whsec_" + base64.b64encode(b"crash-scale-secret-0123456789").decode()
RECORDS = 3_850
"""Calling-list records: one call each, 2 or 3 pushes per call, >= 10,000 pushes in all."""
PUSHES = 10_000
VISIBILITY = 2.0
"""Seconds before a lease a killed worker held is delivered again."""


@dataclass
class Pipeline:
    """The emulator in this process, the receiver and worker as child processes."""

    emulator: EmulatorServer
    db_url: str
    queue_url: str
    port: int
    procs: dict[str, subprocess.Popen[bytes]]
    http: httpx.Client

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "CXDIAL_WEBHOOK_SECRET": SECRET,
            "CXDIAL_DATABASE_URL": self.db_url,
            "CXDIAL_QUEUE_URL": self.queue_url,
        }

    def start(self, role: str) -> None:
        """``cxdial serve --role role`` (the receiver on the fixed port the emulator posts to)."""
        argv = [sys.executable, "-m", "cxdial.cli", "serve", "--role", role]
        if role == "receiver":
            argv += ["--host", "127.0.0.1", "--port", str(self.port)]
        self.procs[role] = subprocess.Popen(argv, env=self.env)  # noqa: S603 - our own CLI

    def kill(self, role: str) -> None:
        """SIGKILL: no shutdown handler runs, in-flight work is lost as in a crash."""
        proc = self.procs.pop(role)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

    def wait_receiver(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.procs["receiver"].poll() is None, "the receiver exited"
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError("the receiver did not come up")

    def webhooks(self) -> dict[str, int]:
        """The emulator sender's counts: delivered (acked), failed, retries, pending."""
        stats: dict[str, int] = self.http.get("/_emulator/stats").json()["webhooks"]
        return stats

    def control(self, path: str, body: Any = None) -> Any:
        response = self.http.post("/_emulator/" + path, json=body)
        response.raise_for_status()
        return response.json()


def _settings(issuer: str) -> Settings:
    return Settings(
        issuer=issuer,
        access_key_id=demo.DEMO_ACCESS_KEY_ID,
        access_key_secret=demo.DEMO_ACCESS_KEY_SECRET,
        client_id=demo.DEMO_CLIENT_ID,
        client_secret=demo.DEMO_CLIENT_SECRET,
        rate_limit=1000.0,
        rate_burst=1000,
    )


def _processed(engine: Engine) -> int:
    try:
        with session_scope(engine) as session:
            return counters(session)["processed"]
    except Exception:  # the worker has not created its tables yet
        return 0


def _wait(what: str, done: Any, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.fixture(params=["embedded", "redis"])
def pipeline(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pipeline]:
    """Receiver and worker processes on one store and queue, the emulator pushing to them."""
    tuning = f"visibility_timeout={VISIBILITY}"
    if request.param == "redis":
        prefix = request.getfixturevalue("redis_key_prefix")
        queue_url = f"{REDIS_URL}?prefix={prefix}&{tuning}"
    else:
        queue_url = f"embedded?{tuning}"
    port = free_port()
    config = EmulatorConfig(
        seed=11,
        manual_clock=True,
        agents=60,
        webhook_url=f"http://127.0.0.1:{port}/webhooks/cxone",
        webhook_secret=SECRET,
        webhook_concurrency=64,
        webhook_attempts=1000,
    )
    with EmulatorServer(config) as emulator:
        sender = emulator.app.state.webhooks
        sender.backoff, sender.max_backoff = 0.05, 0.25  # a restarted receiver is found fast
        http = httpx.Client(base_url=emulator.url, timeout=60)
        db_url = f"sqlite:///{tmp_path / 'store.db'}"
        pipe = Pipeline(emulator, db_url, queue_url, port, {}, http)
        try:
            pipe.start("receiver")
            pipe.start("worker")
            pipe.wait_receiver()
            yield pipe
        finally:
            for proc in pipe.procs.values():
                proc.kill()
                proc.wait()
            http.close()


def _dial_list(pipe: Pipeline, client: Client) -> None:
    """Upload ~3,850 records to a new PC skill (one attempt each) and run the dialer to the end."""
    skill = client.skills.create(
        {
            "skill_name": f"crash-{uuid.uuid4().hex[:8]}",
            "media_type_id": 4,
            "is_outbound": True,
            "outbound_strategy": "Personal Connection",
        }
    )[0]
    client.skills.put_parameters(skill, "retry-settings", {"maximumAttempts": 1})
    list_id = client.lists.create(
        {
            "list_name": f"crash-{skill}",
            "external_id_column": "id",
            "destination_mappings": [{"field_name": "PhoneNumber", "field_value": "phone"}],
        }
    )
    rows = "".join(f"r{n},+1646{n:07d}\n" for n in range(RECORDS))
    client.lists.upload(
        list_id, "id,phone\n" + rows, file_name="crash.csv", skill_id=skill, start_skill=True
    )
    pipe.control("clock/advance", {"seconds": 10})  # the upload job completes, dialing starts
    pipe.control("clock/advance", {"seconds": 86_400})  # every call runs its course


def _verify(pipe: Pipeline, client: Client, started: datetime) -> dict[str, int]:
    """Every acked push applied once; the dispositions are the platform's completed contacts."""
    _wait("the emulator to deliver every push", lambda: pipe.webhooks()["pending"] == 0)
    deliveries = pipe.http.get("/_emulator/webhooks/deliveries").json()
    assert deliveries["totalRecords"] >= PUSHES
    assert deliveries["failed"] == 0
    acked = {d["webhookId"] for d in deliveries["deliveries"] if d["acked"]}
    assert len(acked) == deliveries["totalRecords"]  # the sender retried until acked
    engine = make_engine(pipe.db_url)
    try:
        _wait("the worker to drain the queue", lambda: _processed(engine) >= len(acked))
        completed = list(client.contacts.iter_completed(updated_since=started))
        with session_scope(engine) as session:
            seen = set(session.scalars(select(SeenEvent.event_id)))
            calls = {
                row.contact_id: (row.outcome, row.disposition)
                for row in session.scalars(select(CallStateRow))
            }
            attempts = session.scalar(select(func.count()).select_from(AttemptRow))
    finally:
        engine.dispose()
    counts = _events_stats(pipe)
    assert (counts["pending"], counts["dead_letters"]) == (0, 0)
    assert seen == acked  # none missing, nothing the emulator never sent
    assert counts["processed"] == len(acked)  # each applied once (a redelivery is a duplicate)
    # a body enqueued twice (its ack lost in a receiver crash) or delivered twice (a worker
    # crash between commit and ack) is counted a duplicate, never applied again
    assert counts["duplicates"] >= counts["received"] - counts["processed"] >= 0
    platform = {
        e.contact_id: (e.outcome, e.disposition) for e in map(event_from_completed, completed)
    }
    assert len(completed) == len(platform) == RECORDS  # paged to the end, one call a record
    assert calls == platform  # one disposition per completed contact, none missing, none extra
    assert attempts == len(platform)  # the frequency caps count each call once
    assert Counter(o for o, _ in calls.values())["answered"] > RECORDS // 4
    return counts


def _events_stats(pipe: Pipeline) -> dict[str, int]:
    """``cxdial events stats --json`` on the pipeline's store and queue."""
    out = subprocess.run(
        [sys.executable, "-m", "cxdial.cli", "events", "stats", "--json"],
        env=pipe.env,
        capture_output=True,
        text=True,
        check=True,
    )
    counts: dict[str, int] = json.loads(out.stdout)
    return counts


@pytest.mark.slow
def test_a_worker_killed_mid_stream_loses_and_repeats_nothing(pipeline: Pipeline) -> None:
    """kill -9 the worker with ~30 % applied; a new worker finishes; each event counted once."""
    started = datetime.now(UTC) - timedelta(minutes=5)
    with Client.from_settings(_settings(pipeline.emulator.url)) as client:
        _dial_list(pipeline, client)
        engine = make_engine(pipeline.db_url)
        _wait("30 % of the events applied", lambda: _processed(engine) >= 3_000)
        pipeline.kill("worker")
        at_kill = _processed(engine)
        engine.dispose()
        assert at_kill < PUSHES, "the worker finished before it could be killed"
        pipeline.start("worker")
        counts = _verify(pipeline, client, started)
        assert counts["received"] == counts["processed"]  # the receiver never went down


@pytest.mark.slow
def test_a_receiver_killed_mid_stream_loses_no_acked_push(pipeline: Pipeline) -> None:
    """kill -9 the receiver with ~40 % acked; the emulator retries; a new receiver takes the
    rest; every acked push is applied once and the dispositions match the platform's."""
    started = datetime.now(UTC) - timedelta(minutes=5)
    with Client.from_settings(_settings(pipeline.emulator.url)) as client:
        _dial_list(pipeline, client)
        _wait("40 % of the pushes acked", lambda: pipeline.webhooks()["delivered"] >= 4_000)
        pipeline.kill("receiver")
        at_kill = pipeline.webhooks()
        assert at_kill["pending"] > 0, "the stream ended before the receiver was killed"
        time.sleep(0.3)  # pushes fail meanwhile and are retried
        pipeline.start("receiver")
        pipeline.wait_receiver()
        _verify(pipeline, client, started)
        assert pipeline.webhooks()["retries"] > 0
