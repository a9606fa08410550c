"""Under a storm of 429s and 5xx an apply and a start converge, with one transition each."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from campaigns_support import Emulator, client_settings, new_skill, spec_for

from cxdial.campaigns.apply import apply_campaign, plan_campaign
from cxdial.campaigns.context import CampaignContext
from cxdial.campaigns.lifecycle import transition
from cxdial.cxone import Client
from cxdial.store.audit import AuditLog
from cxdial.store.campaigns import CampaignStore


@pytest.fixture
def patient(emulator: Emulator) -> Iterator[Client]:
    """A client that retries enough to ride out the storm (with tiny back-off)."""
    settings = client_settings(
        emulator.url, max_retries=12, backoff_initial=0.005, backoff_max=0.02
    )
    with Client.from_settings(settings) as c:
        yield c


def test_apply_and_start_converge_under_a_fault_storm(
    patient: Client, emulator: Emulator, store: CampaignStore, audit: AuditLog
) -> None:
    """Random 429/500/503 on a quarter of requests: apply, start and pause still converge."""
    skill = new_skill(patient, "storm")
    spec = spec_for(skill, "storm")
    faults_before = sum(emulator.control("GET", "stats")["faults"].values())
    ctx = CampaignContext(client=patient, store=store, audit=audit, actor="storm")
    emulator.control("POST", "faults", {"spec": "429=0.1,500=0.08,503=0.07,retry_after=0"})
    try:
        result = apply_campaign(ctx, spec)
        started = transition(ctx, "storm", "start")
        again = transition(ctx, "storm", "start")
        paused = transition(ctx, "storm", "pause")
        plan = plan_campaign(ctx, spec)
    finally:
        emulator.control("POST", "faults", {"spec": ""})
    assert result.version == 1
    assert (started.changed, again.changed, paused.changed) == (True, False, True)
    assert plan.changes == []
    assert plan.drift == []
    assert [e.action for e in audit.entries(campaign="storm")] == ["apply", "start", "pause"]
    injected = sum(emulator.control("GET", "stats")["faults"].values()) - faults_before
    assert injected > 0  # the storm really hit these requests
