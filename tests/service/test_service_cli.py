"""``cxdial serve`` and ``cxdial events``: registered on a fresh app, run for real."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
import pytest
import typer
from service_support import SECRET, Running
from typer.testing import CliRunner

from cxdial.cli import events_cmd, serve_cmd
from cxdial.emulator.webhooks import sign
from cxdial.errors import ConfigurationError, ValidationError
from cxdial.events.consumer import Processor
from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.queue import QueueSettings
from cxdial.store import make_engine

EVENT = {
    "type": "call.completed",
    "occurred_at": "2026-11-23T19:05:00Z",
    "contact_id": 77,
    "skill_id": 12,
    "phone": "+15551230001",
    "outcome": "busy",
}


def _app() -> typer.Typer:
    app = typer.Typer()
    app.callback()(lambda: None)
    serve_cmd.register(app)
    events_cmd.register(app)
    return app


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """CXDIAL_DATABASE_URL pointing at a fresh SQLite file."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("CXDIAL_DATABASE_URL", url)
    return url


def _stats() -> dict[str, int]:
    result = CliRunner().invoke(_app(), ["events", "stats", "--json"])
    assert result.exit_code == 0, result.output
    counts: dict[str, int] = json.loads(result.output)
    return counts


def test_stats_json_prints_every_count(db_url: str) -> None:
    """A fresh store reports zero for every count the contract names."""
    assert _stats() == {
        "received": 0,
        "duplicates": 0,
        "processed": 0,
        "reconciled": 0,
        "pending": 0,
        "dead_letters": 0,
        "unreconciled": 0,
        "reconcile_given_up": 0,
        "outbound_pending": 0,
        "outbound_dead": 0,
    }


def test_dead_letters_are_listed_and_replayed(db_url: str) -> None:
    """A dead letter shows in dead-letters --json; replay --all makes it pending again."""

    async def bury() -> None:
        queue = EmbeddedQueue(make_engine(db_url), QueueSettings(max_attempts=1))
        await queue.enqueue(["broken"])
        (delivery,) = await queue.claim("w")
        await queue.retry(delivery, "sink refused")
        await queue.close()

    asyncio.run(bury())
    runner = CliRunner()
    listed = runner.invoke(_app(), ["events", "dead-letters", "--json"])
    (letter,) = json.loads(listed.output)
    assert (letter["body"], letter["error"]) == ("broken", "sink refused")
    human = runner.invoke(_app(), ["events", "dead-letters"])
    assert "sink refused" in human.output
    replayed = runner.invoke(_app(), ["events", "replay", letter["id"], "--json"])
    assert json.loads(replayed.output) == {"replayed": 1}
    assert _stats()["dead_letters"] == 0
    assert _stats()["pending"] == 1


def test_replay_without_ids_or_all_is_an_input_error(db_url: str) -> None:
    """``events replay`` alone names what is missing."""
    result = CliRunner().invoke(_app(), ["events", "replay"])
    assert isinstance(result.exception, ValidationError)


def test_serve_without_a_secret_refuses_to_start(db_url: str) -> None:
    """No CXDIAL_WEBHOOK_SECRET: a configuration error naming it, before anything listens."""
    result = CliRunner().invoke(_app(), ["serve", "--role", "receiver", "--port", "1"])
    assert isinstance(result.exception, ConfigurationError)
    assert result.exception.field == "CXDIAL_WEBHOOK_SECRET"


def test_serve_rejects_an_unknown_role(db_url: str) -> None:
    """--role must be receiver, worker, poller, deliverer or all."""
    result = CliRunner().invoke(_app(), ["serve", "--role", "cron"])
    assert isinstance(result.exception, ValidationError)
    assert result.exception.field == "--role"


@pytest.mark.e2e
def test_a_served_receiver_acks_and_its_worker_applies_the_event(
    running: Running,
) -> None:
    """Over a real socket: healthz 200, a signed push acked 202, then applied by the worker."""
    url, db = running.url, running.db
    body = json.dumps(EVENT).encode()
    ts = int(time.time())
    headers = {
        "content-type": "application/json",
        "webhook-id": "msg_e2e",
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(SECRET, "msg_e2e", ts, body),
    }
    assert httpx.post(url + "/webhooks/cxone", content=body, headers=headers).status_code == 202
    assert httpx.get(url + "/schemas/event.json").json()["title"] == "cxdial call event"
    processor = Processor(make_engine(db))
    deadline = time.monotonic() + 10
    while processor.call(77) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    view = processor.call(77)
    assert view is not None
    assert view.outcome == "busy"
