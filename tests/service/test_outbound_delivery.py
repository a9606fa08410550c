"""Outbound webhooks inside ``cxdial serve``: the worker publishes, the deliverer sends;
the ``cxdial events outbound`` commands; the ``CXDIAL_OUTBOUND_*`` settings."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from service_support import SECRET, Crm, push, run_service
from standardwebhooks.webhooks import Webhook

from cxdial.cli import main
from cxdial.errors import ConfigurationError
from cxdial.events.outbound import RETRY_SCHEDULE, OutboundSettings, Outbox
from cxdial.service import ServiceConfig
from cxdial.service.config import outbound_from_env
from cxdial.store import make_engine

LOOPBACK = OutboundSettings(allowed_networks=("127.0.0.0/8",))


def _event(kind: str, seq: int, **extra: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "occurred_at": f"2026-11-24T15:0{seq}:00Z",
        "contact_id": 501,
        "skill_id": 12,
        "phone": "+15551230501",
        "sequence": seq,
        **extra,
    }


def _until(check: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.e2e
def test_each_applied_event_reaches_its_subscriber_once(tmp_path: Path, crm: Crm) -> None:
    """Pushed twice under one webhook-id and once more under another, a completion reaches
    the CRM once, signed; the disposition once; the unsubscribed call.started never."""
    config = ServiceConfig(secrets=(SECRET,), outbound=LOOPBACK, outbound_interval=0.02)
    service = run_service(tmp_path, roles=("receiver", "worker", "deliverer"), config=config)
    running = next(service)
    try:
        outbox = Outbox(make_engine(running.db), LOOPBACK)
        sub = outbox.subscribe(crm.url, ["call.completed", "disposition.set"])
        pushes = [
            (_event("call.started", 1), "msg_1"),
            (_event("call.completed", 2, outcome="answered", duration_s=42.0), "msg_2"),
            (_event("call.completed", 2, outcome="answered", duration_s=42.0), "msg_2"),
            (_event("call.completed", 2, outcome="answered", duration_s=42.0), "msg_2b"),
            (_event("disposition.set", 3, disposition="Sale", agent_id=9), "msg_3"),
        ]
        assert [push(running.url, e, i) for e, i in pushes] == [202] * 5
        _until(lambda: httpx.get(running.url + "/healthz").json()["pending"] == 0)
        _until(lambda: outbox.counts()["pending"] == 0 and outbox.counts()["delivered"] > 0)
        assert outbox.counts() == {"pending": 0, "delivered": 2, "dead": 0}
    finally:
        service.close()
    got = [Webhook(sub.secret).verify(body, headers) for headers, body in crm.requests]
    assert sorted(p["type"] for p in got) == ["call.completed", "disposition.set"]
    completed = next(p["data"] for p in got if p["type"] == "call.completed")
    assert completed["event_id"] == "msg_2"
    assert (completed["contact_id"], completed["outcome"]) == (501, "answered")
    assert len({h["webhook-id"] for h, _ in crm.requests}) == 2


@pytest.fixture
def store(store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """CXDIAL_DATABASE_URL on a fresh SQLite file or PostgreSQL schema; loopback allowed."""
    monkeypatch.setenv("CXDIAL_DATABASE_URL", store_url)
    monkeypatch.setenv("CXDIAL_OUTBOUND_ALLOW_NETWORKS", "127.0.0.0/8, ::1/128")
    return store_url


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip().startswith(("{", "[")) else out


def _deliver(outbox: Outbox) -> None:
    async def run() -> None:
        async with httpx.AsyncClient() as client:
            await outbox.deliver_due(client)

    asyncio.run(run())


def test_subscribe_prints_the_secret_once_and_list_never(
    store: str, crm: Crm, capsys: pytest.CaptureFixture[str]
) -> None:
    """``subscribe --json`` gives the whsec_ secret; ``list`` shows the endpoint without it."""
    code, sub = _cli(
        capsys, "events", "outbound", "subscribe", crm.url, "--type", "call.completed", "--json"
    )
    assert code == 0
    assert sub["secret"].startswith("whsec_")
    assert sub["types"] == ["call.completed"]
    code, listed = _cli(capsys, "events", "outbound", "list", "--json")
    assert code == 0
    assert [s["id"] for s in listed] == [sub["id"]]
    assert "secret" not in listed[0]
    human = main(["events", "outbound", "list"])
    text = capsys.readouterr().out
    assert human == 0
    assert sub["id"] in text
    assert sub["secret"] not in text


def test_refused_targets_and_types_are_input_errors(
    store: str, crm: Crm, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the loopback allowance the CRM is refused (exit 2, field url); so is an
    unknown event type (field --type)."""
    code, _ = _cli(capsys, "events", "outbound", "subscribe", crm.url, "--type", "call.x")
    assert code == 2
    monkeypatch.delenv("CXDIAL_OUTBOUND_ALLOW_NETWORKS")
    code, out = _cli(capsys, "events", "outbound", "subscribe", crm.url, "--type", "*", "--json")
    assert code == 2
    assert out["error"]["field"] == "url"
    assert "loopback" in out["error"]["message"]


def test_dead_letters_are_listed_replayed_and_endpoints_enabled(
    store: str, crm: Crm, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one attempt allowed and the endpoint disabled after one failure, a 500 buries the
    message and disables the endpoint; the CLI lists it, re-enables, replays; it arrives."""
    monkeypatch.setenv("CXDIAL_OUTBOUND_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("CXDIAL_OUTBOUND_DISABLE_AFTER", "1")
    engine = make_engine(store)
    outbox = Outbox(engine, outbound_from_env(os.environ))
    sub = outbox.subscribe(crm.url, ["*"])
    (msg,) = outbox.publish("call.completed", {"contact_id": 5})
    crm.statuses.append(500)
    _deliver(outbox)
    code, letters = _cli(capsys, "events", "outbound", "dead-letters", "--json")
    assert code == 0
    assert [(d["id"], d["error"], d["url"]) for d in letters] == [(msg, "HTTP 500", crm.url)]
    code, shown = _cli(capsys, "events", "outbound", "list", "--json")
    assert shown[0]["enabled"] is False
    assert _cli(capsys, "events", "stats", "--json")[1]["outbound_dead"] == 1
    code, enabled = _cli(capsys, "events", "outbound", "enable", sub.id, "--json")
    assert (code, enabled["enabled"]) == (0, True)
    code, replayed = _cli(capsys, "events", "outbound", "replay", "--all", "--json")
    assert (code, replayed) == (0, {"replayed": 1})
    _deliver(outbox)
    assert outbox.status(msg) == ("delivered", 1)
    assert [h["webhook-id"] for h, _ in crm.requests] == [msg, msg]
    code, gone = _cli(capsys, "events", "outbound", "unsubscribe", sub.id, "--json")
    assert (code, gone) == (0, {"unsubscribed": sub.id, "dropped": 0})
    assert _cli(capsys, "events", "outbound", "list", "--json")[1] == []
    assert _cli(capsys, "events", "outbound", "replay")[0] == 2
    engine.dispose()


def test_outbound_settings_come_from_the_environment() -> None:
    """CXDIAL_OUTBOUND_* set the allowance, attempts (Svix's schedule cut or extended),
    the disable threshold (default: the attempts), the timeout and the pass interval."""
    default = ServiceConfig.from_env({})
    assert default.outbound == OutboundSettings()
    assert default.outbound_interval == 1.0
    env = {
        "CXDIAL_OUTBOUND_ALLOW_NETWORKS": "10.0.0.0/8,127.0.0.1/32",
        "CXDIAL_OUTBOUND_MAX_ATTEMPTS": "3",
        "CXDIAL_OUTBOUND_TIMEOUT": "2.5",
        "CXDIAL_OUTBOUND_INTERVAL": "0.5",
        "CXDIAL_RECONCILE_GRACE": "60",
    }
    config = ServiceConfig.from_env(env)
    assert config.outbound.allowed_networks == ("10.0.0.0/8", "127.0.0.1/32")
    assert config.outbound.schedule == RETRY_SCHEDULE[:3]
    assert config.outbound.disable_after == 3
    assert config.outbound.timeout_s == 2.5
    assert (config.outbound_interval, config.reconcile_grace) == (0.5, 60.0)
    longer = outbound_from_env({"CXDIAL_OUTBOUND_MAX_ATTEMPTS": "10"})
    assert longer.schedule == (*RETRY_SCHEDULE, RETRY_SCHEDULE[-1], RETRY_SCHEDULE[-1])


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CXDIAL_OUTBOUND_MAX_ATTEMPTS", "0"),
        ("CXDIAL_OUTBOUND_DISABLE_AFTER", "two"),
        ("CXDIAL_OUTBOUND_TIMEOUT", "-1"),
        ("CXDIAL_OUTBOUND_ALLOW_NETWORKS", "10.0.0.0/33"),
        ("CXDIAL_RECONCILE_INTERVAL", "soon"),
    ],
)
def test_bad_outbound_settings_name_their_variable(name: str, value: str) -> None:
    """A malformed variable is a configuration error naming it."""
    with pytest.raises(ConfigurationError) as info:
        ServiceConfig.from_env({name: value})
    assert info.value.field == name


@pytest.mark.e2e
def test_the_crm_gets_each_emulator_outcome_once(tmp_path: Path, crm: Crm) -> None:
    """The emulator's signed pushes through receiver, worker and deliverer: the CRM gets one
    end-of-call message per completed contact, with the platform's outcome."""
    from cxdial.config import Settings
    from cxdial.cxone import AsyncClient, FakeClock
    from cxdial.emulator import EmulatorConfig, create_app
    from cxdial.emulator import credentials as demo
    from cxdial.events import event_from_completed

    config = ServiceConfig(secrets=(SECRET,), outbound=LOOPBACK, outbound_interval=0.02)
    service = run_service(tmp_path, roles=("receiver", "worker", "deliverer"), config=config)
    running = next(service)
    engine = make_engine(running.db)
    outbox = Outbox(engine, LOOPBACK)
    sub = outbox.subscribe(crm.url, ["call.completed", "call.abandoned"])
    app = create_app(
        EmulatorConfig(
            seed=21,
            manual_clock=True,
            webhook_url=running.url + "/webhooks/cxone",
            webhook_secret=SECRET,
        )
    )
    app.state.webhooks.backoff = 0.01
    settings = Settings(
        issuer="http://emulator",
        access_key_id=demo.DEMO_ACCESS_KEY_ID,
        access_key_secret=demo.DEMO_ACCESS_KEY_SECRET,
        client_id=demo.DEMO_CLIENT_ID,
        client_secret=demo.DEMO_CLIENT_SECRET,
        rate_limit=float("inf"),
    )

    async def calls() -> list[Any]:
        transport = httpx.ASGITransport(app=app)
        async with (
            AsyncClient.from_settings(settings, transport=transport, clock=FakeClock()) as client,
            httpx.AsyncClient(transport=transport, base_url="http://emulator") as control,
        ):
            skills = [s async for s in client.skills.list()]
            for n in range(8):
                await client.scripts.start(
                    skill_id=skills[0].skill_id,
                    phone_number=f"+1555321{n:04d}",
                    caller_id="+18005550100",
                )
            await control.post("/_emulator/clock/advance", json={"seconds": 1200})
            assert (await control.post("/_emulator/webhooks/flush")).json()["failed"] == 0
            return [
                r
                async for r in client.contacts.iter_completed(updated_since="2020-01-01T00:00:00Z")
            ]

    try:
        records = asyncio.run(calls())
        _until(lambda: httpx.get(running.url + "/healthz").json()["pending"] == 0)
        _until(lambda: outbox.counts()["delivered"] >= len(records))
        _until(lambda: outbox.counts()["pending"] == 0)
    finally:
        service.close()
        engine.dispose()
    got = [Webhook(sub.secret).verify(body, headers)["data"] for headers, body in crm.requests]
    expected = {(e.contact_id, e.outcome) for e in map(event_from_completed, records)}
    assert len(got) == len(records) == 8
    assert {(d["contact_id"], d["outcome"]) for d in got} == expected
