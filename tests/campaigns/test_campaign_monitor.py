"""Monitor, failover and auto-pause against the emulator over HTTP, with outbound events."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from campaigns_support import Emulator, new_skill, ready_skill, spec_for
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cxdial.campaigns.apply import apply_campaign
from cxdial.campaigns.context import CampaignContext
from cxdial.campaigns.lifecycle import current_state, transition
from cxdial.campaigns.monitor import Rates, Rejections, Snapshot, evaluate, observe
from cxdial.campaigns.spec import CampaignSpec
from cxdial.cxone import Client
from cxdial.events.consumer import Processor
from cxdial.events.outbound import OutboundSettings, Outbox
from cxdial.events.polled import envelope_from_completed
from cxdial.store.db import make_engine
from cxdial.store.webhook_tables import DeliveryRow

FAILOVER = {
    "backup": "PLACEHOLDER",
    "min_success_rate": 0.10,
    "recover_rate": 0.15,
    "window_minutes": 30,
}


def _now(emulator: Emulator) -> datetime:
    """The emulator's simulated now (advancing by nothing answers it cheaply)."""
    iso = emulator.control("POST", "clock/advance", {"seconds": 0})["iso"]
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC)


@pytest.fixture
def outbox_engine(tmp_path: Path) -> Iterator[Engine]:
    """The store the outbox queues deliveries in (SQLite file of this test)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'outbox.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def mctx(ctx: CampaignContext, emulator: Emulator, outbox_engine: Engine) -> CampaignContext:
    """The campaign context on the emulator's clock, publishing to an outbox with a ``*``
    subscriber (never delivered here: the test reads the queued deliveries)."""
    outbox = Outbox(outbox_engine, OutboundSettings(allowed_networks=("127.0.0.0/8",)))
    outbox.subscribe("http://127.0.0.1:9/crm", ["*"])
    return dataclasses.replace(ctx, clock=lambda: _now(emulator), outbox=outbox)


def _events(engine: Engine) -> list[tuple[str, dict[str, Any]]]:
    with Session(engine) as session:
        rows = session.scalars(select(DeliveryRow).order_by(DeliveryRow.next_at)).all()
        return [(r.event_type, json.loads(r.body)["data"]) for r in rows]


def _pair(
    mctx: CampaignContext, client: Client, emulator: Emulator, name: str, **monitor: Any
) -> tuple[CampaignSpec, CampaignSpec, int, int]:
    """A primary with a failover rule and its applied backup, both ready to dial."""
    primary_skill = ready_skill(mctx, emulator, f"{name} primary", rows=80, campaign=name)
    backup_skill = ready_skill(mctx, emulator, f"{name} backup", rows=20)
    backup = spec_for(backup_skill, f"{name}-backup")
    primary = spec_for(
        primary_skill,
        name,
        failover={**FAILOVER, "backup": backup.name},
        monitor={"min_calls": 10, **monitor},
    )
    apply_campaign(mctx, backup)
    apply_campaign(mctx, primary)
    return primary, backup, primary_skill, backup_skill


@pytest.mark.slow
def test_failover_when_the_emulator_degrades_the_primary(
    mctx: CampaignContext, client: Client, emulator: Emulator, outbox_engine: Engine
) -> None:
    """Degraded success rate → primary paused, backup started, audited, published; once."""
    primary, backup, skill, backup_skill = _pair(mctx, client, emulator, "degraded")
    emulator.control(
        "POST", f"skills/{skill}/outcomes", {"weights": {"answered": 0.02, "no_answer": 0.9}}
    )
    transition(mctx, primary.name, "start", spec=primary)
    emulator.control("POST", "clock/advance", {"seconds": 600})
    snap = observe(mctx, primary)
    window = snap.window("30m")
    assert snap.source == "reporting"  # the pipeline holds nothing for the skill
    assert window.ended >= 10
    assert window.success_rate < 0.10
    first = evaluate(mctx, primary, snap)
    assert [a.kind for a in first.actions] == ["failover"]
    assert current_state(mctx, primary.name) == ("paused", skill)
    assert current_state(mctx, backup.name) == ("running", backup_skill)
    second = evaluate(mctx, primary)
    assert second.actions == []
    entries = mctx.audit.entries()  # type: ignore[union-attr]
    auto = [(e.actor, e.action, e.campaign) for e in entries if e.actor == "monitor"]
    assert auto == [
        ("monitor", "pause", primary.name),
        ("monitor", "start", backup.name),
        ("monitor", "failover", primary.name),
    ]
    failover = next(e for e in entries if e.action == "failover")
    assert failover.detail["backup"] == backup.name
    assert failover.after == {"state": "paused", "backup_state": "running"}
    kinds = [(t, d["campaign"]) for t, d in _events(outbox_engine)]
    assert kinds == [
        ("campaign.activated", primary.name),  # the operator's start
        ("campaign.paused", primary.name),
        ("campaign.activated", backup.name),
        ("campaign.failover", primary.name),
    ]
    paused = _events(outbox_engine)[1][1]
    assert paused["actor"] == "monitor"
    assert paused["reason"].startswith("failover: success rate")
    transition(mctx, backup.name, "stop", force=True)


@pytest.mark.slow
def test_auto_pause_on_an_abandonment_spike(
    mctx: CampaignContext, client: Client, emulator: Emulator, outbox_engine: Engine
) -> None:
    """Forced over-dial abandons live answers: the 30-day rate nears the cap → paused."""
    skill = ready_skill(mctx, emulator, "spike", rows=80)
    spec = spec_for(skill, "spike", monitor={"min_calls": 10})
    apply_campaign(mctx, spec)
    transition(mctx, "spike", "start", spec=spec)
    emulator.control("POST", f"skills/{skill}/pacing", {"policy": "ratio:6"})
    emulator.control("POST", "clock/advance", {"seconds": 300})
    snap = observe(mctx, spec)
    month = snap.window("30d")
    assert month.live_answers >= 10
    assert month.abandonment_rate >= 0.025
    result = evaluate(mctx, spec, snap)
    assert [a.kind for a in result.actions] == ["auto_pause"]
    assert result.actions[0].detail["trigger"] == "abandonment"
    assert current_state(mctx, "spike") == ("paused", skill)
    assert evaluate(mctx, spec).actions == []  # paused: nothing more to do
    entries = mctx.audit.entries(campaign="spike")  # type: ignore[union-attr]
    assert [(e.actor, e.action) for e in entries][-2:] == [
        ("monitor", "pause"),
        ("monitor", "auto_pause"),
    ]
    events = _events(outbox_engine)
    assert [t for t, _ in events] == ["campaign.activated", "campaign.paused"]
    assert "30-day abandonment" in events[1][1]["reason"]
    emulator.control("POST", f"skills/{skill}/pacing", {"policy": None})


@pytest.mark.slow
def test_the_pipeline_is_preferred_when_it_holds_the_skill(
    mctx: CampaignContext, client: Client, emulator: Emulator
) -> None:
    """Completed contacts consumed by the event pipeline are the monitor's source."""
    skill = ready_skill(mctx, emulator, "piped", rows=40)
    spec = spec_for(skill, "piped")
    apply_campaign(mctx, spec)
    transition(mctx, "piped", "start", spec=spec)
    emulator.control("POST", "clock/advance", {"seconds": 600})
    transition(mctx, "piped", "stop", force=True)
    reported = observe(mctx, spec).window("30d")
    assert reported.source == "reporting"
    assert reported.ended > 0
    since = _now(emulator) - timedelta(hours=2)
    records = list(client.contacts.iter_completed(updated_since=since, skill_id=skill))
    assert len(records) == reported.ended
    Processor(mctx.store.engine).handle([envelope_from_completed(r) for r in records])
    piped = observe(mctx, spec).window("30d")
    assert piped.source == "pipeline"
    same = ("ended", "answered", "abandoned", "live_answers")
    assert [getattr(piped, k) for k in same] == [getattr(reported, k) for k in same]


def _snapshot(spec: CampaignSpec, *, ended: int, answered: int, state: str = "running") -> Snapshot:
    at = datetime(2026, 12, 1, 12, tzinfo=UTC)
    window = Rates("30m", at, at, "pipeline", ended=ended, answered=answered, live_answers=answered)
    month = Rates("30d", at, at, "pipeline", ended=ended, answered=answered, live_answers=answered)
    return Snapshot(spec.name, spec.skill.id, state, at, (window, month), None, "30m")


def test_hysteresis_and_minimum_sample(ctx: CampaignContext) -> None:
    """Too few calls: no judgement. Degraded: no second failover until above recover_rate."""
    spec = spec_for(
        24000001, "flap", failover={**FAILOVER, "backup": "flap-b"}, monitor={"min_calls": 10}
    )
    small = evaluate(ctx, spec, _snapshot(spec, ended=5, answered=0))
    assert small.actions == []
    assert "fewer than 10" in small.notes[0]
    store = ctx.store
    store.set_monitor_state(dataclasses.replace(store.monitor_state("flap"), degraded=True))
    between = evaluate(ctx, spec, _snapshot(spec, ended=100, answered=8))
    assert between.actions == []
    assert "waiting for 15.0%" in between.notes[0]
    assert store.monitor_state("flap").degraded is True
    recovered = evaluate(ctx, spec, _snapshot(spec, ended=100, answered=20))
    assert recovered.actions == []
    assert store.monitor_state("flap").degraded is False
    healthy = evaluate(ctx, spec, _snapshot(spec, ended=100, answered=12))
    assert healthy.actions == []  # above min_success_rate: nothing to do
    assert healthy.notes == []


def test_a_campaign_that_is_not_running_is_not_judged(ctx: CampaignContext) -> None:
    """Paused (or never started): the monitor only reports."""
    spec = spec_for(24000001, "idle", failover={**FAILOVER, "backup": "idle-b"})
    result = evaluate(ctx, spec, _snapshot(spec, ended=100, answered=0, state="paused"))
    assert result.actions == []
    assert result.notes == ["the campaign is paused: nothing to judge"]


def test_auto_pause_on_the_compliance_rejection_rate(mctx: CampaignContext, client: Client) -> None:
    """Uploads whose gate blocked over the spec's limit pause the campaign."""
    skill = new_skill(client, "rejected")
    spec = spec_for(skill, "rejected", monitor={"min_calls": 10})
    apply_campaign(mctx, spec)
    transition(mctx, "rejected", "start")
    counts = {"rows": 100, "blocked": 40, "cleared": 60}
    mctx.record("list.uploaded", "rejected", detail={"list": "l", "counts": counts})
    snap = observe(mctx, spec)
    assert snap.rejections == Rejections(100, 40)
    result = evaluate(mctx, spec, snap)
    assert [a.detail["trigger"] for a in result.actions] == ["rejections"]
    assert current_state(mctx, "rejected")[0] == "paused"


def test_backup_never_applied_is_reported_not_started(ctx: CampaignContext) -> None:
    """A failover rule naming an unknown backup does nothing and says why."""
    spec = spec_for(
        24000001, "orphan", failover={**FAILOVER, "backup": "nobody"}, monitor={"min_calls": 10}
    )
    result = evaluate(ctx, spec, _snapshot(spec, ended=50, answered=1))
    assert result.actions == []
    assert "never applied" in result.notes[0]
    assert ctx.store.monitor_state("orphan").degraded is False


@pytest.mark.slow
def test_apply_rollback_and_lifecycle_publish_campaign_events(
    mctx: CampaignContext, client: Client, emulator: Emulator, outbox_engine: Engine
) -> None:
    """An automatic rollback, a rollback on demand, a start and a pause each publish."""
    from cxdial.campaigns import RolledBack
    from cxdial.campaigns.apply import rollback_campaign

    skill = new_skill(client, "published")
    spec = spec_for(skill, "published")
    apply_campaign(mctx, spec)
    apply_campaign(mctx, spec_for(skill, "published", retry={"max_attempts": 5}))
    emulator.fail_next("parameters/retry-settings")
    with pytest.raises(RolledBack):
        apply_campaign(mctx, spec_for(skill, "published", retry={"max_attempts": 7}))
    emulator.clear_faults()
    rollback_campaign(mctx, "published")
    transition(mctx, "published", "start")
    transition(mctx, "published", "pause")
    transition(mctx, "published", "stop", force=True)  # a stop publishes nothing
    events = _events(outbox_engine)
    assert [t for t, _ in events] == [
        "campaign.rolled_back",
        "campaign.rolled_back",
        "campaign.activated",
        "campaign.paused",
    ]
    automatic, on_demand = events[0][1], events[1][1]
    assert (automatic["automatic"], automatic["version"], automatic["restored_version"]) == (
        True,
        3,
        2,
    )
    assert (on_demand["automatic"], on_demand["restored_version"]) == (False, 1)
    assert events[2][1]["skill_id"] == skill
    assert events[2][1]["actor"] == "tester"


def test_skill_summary_resource_one_and_all(client: Client, emulator: Emulator) -> None:
    """``GET /skills/{id}/summary`` and ``GET /skills/summary`` parse into the same item."""
    from cxdial.cxone.resources.skill_summary import SkillSummaryResource

    end = _now(emulator)
    start = end - timedelta(days=30)
    reports = SkillSummaryResource(client.http)
    one = reports.get(24000001, start, end)
    assert one is not None
    every = {s.skill_id: s for s in reports.all(start, end)}
    assert every[24000001].model_dump() == one.model_dump()
    assert one.skill_name == "Outbound PC Default"


@pytest.mark.slow
def test_the_services_monitor_role_pauses_on_an_abandonment_spike(
    client: Client, emulator: Emulator, tmp_path: Path
) -> None:
    """``cxdial serve``'s monitor pass judges the configured campaign on one store: paused
    by the actor ``monitor``, with the ``campaign.paused`` event queued; a second pass acts
    no more."""
    import secrets

    from campaigns_support import client_settings

    from cxdial.events.embedded import EmbeddedQueue
    from cxdial.service import ServiceConfig
    from cxdial.service.runtime import Service
    from cxdial.store.audit import open_audit_log
    from cxdial.store.campaigns import CampaignStore

    url = f"sqlite:///{tmp_path / 'service.db'}"
    environ = {
        "CXDIAL_LEDGER_KEY": secrets.token_hex(32),
        "CXDIAL_AUDIT_CHECKPOINT": str(tmp_path / "audit.json"),
        "CXDIAL_LEDGER_CHECKPOINT": str(tmp_path / "ledger.json"),
    }
    engine = make_engine(url)
    clock = lambda: _now(emulator)  # noqa: E731
    with CampaignStore(engine) as store, open_audit_log(url, environ=environ) as audit:
        operator = CampaignContext(client=client, store=store, audit=audit, clock=clock)
        skill = ready_skill(operator, emulator, "served spike", rows=80)
        spec = spec_for(skill, "served-spike", monitor={"min_calls": 10})
        apply_campaign(operator, spec)
        transition(operator, spec.name, "start", spec=spec)
    emulator.control("POST", f"skills/{skill}/pacing", {"policy": "ratio:6"})
    emulator.control("POST", "clock/advance", {"seconds": 300})
    service = Service(
        ServiceConfig(),
        engine,
        EmbeddedQueue(engine),
        roles=("monitor",),
        settings=client_settings(emulator.url),
        clock=clock,
    )
    Outbox(engine, OutboundSettings(allowed_networks=("127.0.0.0/8",))).subscribe(
        "http://127.0.0.1:9/crm", ["campaign.paused"]
    )
    try:
        actions = service.monitor_pass([spec], url, environ)
        assert [(a.kind, a.detail["trigger"]) for a in actions] == [("auto_pause", "abandonment")]
        assert service.monitor_pass([spec], url, environ) == []
        with CampaignStore(engine) as store, open_audit_log(url, environ=environ) as audit:
            view = CampaignContext(client=client, store=store, audit=audit)
            assert current_state(view, spec.name) == ("paused", skill)
            assert [(e.actor, e.action) for e in audit.entries(campaign=spec.name)][-2:] == [
                ("monitor", "pause"),
                ("monitor", "auto_pause"),
            ]
        assert [t for t, _ in _events(engine)] == ["campaign.paused"]
    finally:
        emulator.control("POST", f"skills/{skill}/pacing", {"policy": None})
        engine.dispose()
