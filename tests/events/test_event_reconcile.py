"""Reconciliation against the emulator over loopback: calls with a gap or no end are looked
up, filled once and marked reconciled; the poller and a second pass change nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from cxdial.cli import main
from cxdial.cxone import AsyncClient
from cxdial.emulator import EmulatorConfig
from cxdial.emulator.testing import EmulatorServer
from cxdial.events import CallEvent, Envelope, event_from_completed
from cxdial.events.consumer import Processor
from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.outbound import OutboundSettings, Outbox
from cxdial.events.poller import Poller
from cxdial.events.reconcile import Reconciler
from cxdial.events.stats import pipeline_stats
from cxdial.events.worker import Worker
from cxdial.store import session_scope
from cxdial.store.tables import AttemptRow

CALLER = "+18005550100"
UNKNOWN = 990_000_001
"""A contact id the platform never had (a push from another tenant, say)."""


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    """A fresh emulator on a loopback port (manual clock), so polls see this test's calls."""
    with EmulatorServer(EmulatorConfig(seed=5, manual_clock=True)) as server:
        yield server


def _settings(emulator: EmulatorServer) -> Any:
    from cxdial.config import Settings
    from cxdial.emulator import credentials as demo

    return Settings(
        issuer=emulator.url,
        access_key_id=demo.DEMO_ACCESS_KEY_ID,
        access_key_secret=demo.DEMO_ACCESS_KEY_SECRET,
        client_id=demo.DEMO_CLIENT_ID,
        client_secret=demo.DEMO_CLIENT_SECRET,
        rate_limit=float("inf"),
    )


async def _completed_calls(client: AsyncClient, emulator: EmulatorServer, n: int) -> list[Any]:
    """Place ``n`` calls, let them end; their completed records."""
    import httpx

    skills = [s async for s in client.skills.list()]
    skill = skills[0].skill_id
    ids = [
        (
            await client.scripts.start(
                skill_id=skill, phone_number=f"+1555987{i:04d}", caller_id=CALLER
            )
        ).contact_id
        for i in range(n)
    ]
    async with httpx.AsyncClient(base_url=emulator.url) as control:
        (await control.post("/_emulator/clock/advance", json={"seconds": 1200})).raise_for_status()
    wanted = set(ids)
    records = [
        r
        async for r in client.contacts.iter_completed(updated_since="2020-01-01T00:00:00Z")
        if r.contact_id in wanted
    ]
    return sorted(records, key=lambda r: ids.index(r.contact_id))


def _pushed(event: CallEvent, kind: str, seq: int, wid: str, **drop: None) -> Envelope:
    body = event.model_dump(mode="json", exclude_none=True)
    body.update(type=kind, sequence=seq)
    if kind in ("call.started", "call.answered"):
        body.pop("outcome", None)
    for name in drop:
        body.pop(name, None)
    if kind != "disposition.set":
        body.pop("disposition", None)
    return Envelope.of(CallEvent.model_validate(body), id=wid, source="push")


def test_gaps_and_missing_ends_are_filled_once(emulator: EmulatorServer, engine: Engine) -> None:
    """A call missing its middle push and one missing its end are looked up, filled and
    marked reconciled; a contact the platform lacks is given up; the complete call is left
    alone; a second pass and the poller over the same records change nothing."""
    settings = _settings(emulator)
    outbox = Outbox(engine, OutboundSettings(allowed_networks=("127.0.0.0/8",)))
    outbox.subscribe("http://127.0.0.1:9/crm", ["call.completed", "call.abandoned"])
    processor = Processor(engine, outbox=outbox)

    async def scenario() -> tuple[list[Any], list[Any], dict[str, int]]:
        async with AsyncClient.from_settings(settings) as client:
            no_end, gap, whole = await _completed_calls(client, emulator, 3)
            ev = {r.contact_id: event_from_completed(r) for r in (gap, no_end, whole)}
            g, n, w = ev[gap.contact_id], ev[no_end.contact_id], ev[whole.contact_id]
            stray = n.model_copy(update={"contact_id": UNKNOWN})
            processor.handle(
                [
                    _pushed(g, "call.started", 1, "p-g1"),
                    _pushed(g, g.type, 3, "p-g3"),  # sequence 2 never arrived
                    _pushed(n, "call.started", 1, "p-n1"),
                    _pushed(w, "call.started", 1, "p-w1"),
                    _pushed(w, w.type, 2, "p-w2"),
                    _pushed(stray, "call.started", 1, "p-s1"),
                ]
            )
            later = max(e.occurred_at for e in ev.values()) + timedelta(hours=1)
            reconciler = Reconciler(
                client, processor, grace=timedelta(minutes=15), max_checks=1, now=lambda: later
            )
            first = await reconciler.run_once()
            second = await reconciler.run_once()
            queue = EmbeddedQueue(engine)
            await Poller(client, queue, engine, now=lambda: later).poll_once()
            await Worker(queue, processor).drain()
            stats = await pipeline_stats(queue, engine)
            await queue.close()
            return [first, second], [gap, no_end, whole], stats

    (first, second), (gap, no_end, whole), stats = asyncio.run(scenario())
    assert first.as_dict() == {
        "candidates": 3,
        "filled": 2,
        "active": 0,
        "missing": 1,
        "given_up": 1,
    }
    assert second.candidates == 0
    for record in (gap, no_end):
        view = processor.call(record.contact_id)
        polled = event_from_completed(record)
        assert view is not None
        assert view.reconciled
        assert (view.outcome, view.disposition) == (polled.outcome, polled.disposition)
    gap_view = processor.call(gap.contact_id)
    assert gap_view is not None
    assert gap_view.disposition is not None  # the pushed end lacked it; the lookup filled it
    assert gap_view.gaps == (2,)
    whole_view = processor.call(whole.contact_id)
    assert whole_view is not None
    assert not whole_view.reconciled
    assert stats["reconciled"] == 2
    assert (stats["unreconciled"], stats["reconcile_given_up"]) == (1, 1)
    with session_scope(engine) as session:
        phones = sorted(session.scalars(select(AttemptRow.phone_e164)))
    assert phones == sorted(event_from_completed(r).phone for r in (gap, no_end, whole))
    assert outbox.counts()["pending"] == 3  # each call's end published once


def test_events_reconcile_cli_prints_one_object(
    emulator: EmulatorServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``cxdial events reconcile --grace 0 --json`` fills a call whose end was never pushed."""
    from cxdial.emulator import credentials as demo
    from cxdial.store import make_engine

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {
        "CXDIAL_ISSUER": emulator.url,
        "CXDIAL_ACCESS_KEY_ID": demo.DEMO_ACCESS_KEY_ID,
        "CXDIAL_ACCESS_KEY_SECRET": demo.DEMO_ACCESS_KEY_SECRET,
        "CXDIAL_CLIENT_ID": demo.DEMO_CLIENT_ID,
        "CXDIAL_CLIENT_SECRET": demo.DEMO_CLIENT_SECRET,
        "CXDIAL_DATABASE_URL": db,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    async def one_call() -> Any:
        async with AsyncClient.from_settings(_settings(emulator)) as client:
            return (await _completed_calls(client, emulator, 1))[0]

    record = asyncio.run(one_call())
    processor = Processor(make_engine(db))
    started = event_from_completed(record)
    # occurred in the emulator's (advanced) time: an hour ago in real time for the CLI
    early = started.model_copy(
        update={"occurred_at": datetime.now().astimezone() - timedelta(hours=1)}
    )
    processor.handle([_pushed(early, "call.started", 1, "cli-1")])
    assert main(["events", "reconcile", "--grace", "0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["candidates"], out["filled"]) == (1, 1)
    view = processor.call(record.contact_id)
    assert view is not None
    assert view.reconciled
    assert view.outcome == started.outcome
    assert main(["events", "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reconciled"] == 1
