"""The lifecycle against the emulator: pre-flight, start, idempotent pause/resume, stop, audit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from campaigns_support import Emulator, new_skill, spec_for

from cxdial.campaigns import InvalidTransition
from cxdial.campaigns.apply import apply_campaign
from cxdial.campaigns.context import CampaignContext
from cxdial.campaigns.diagnose import diagnose
from cxdial.campaigns.lifecycle import current_state, transition
from cxdial.campaigns.preflight import PreflightFailed, preflight
from cxdial.compliance.ruleset import RuleSet
from cxdial.cxone import Client
from cxdial.store.list_screens import ListScreenStore


def _ready_skill(ctx: CampaignContext, emulator: Emulator, name: str, rows: int = 30) -> int:
    """A PC skill with agents and an uploaded, loaded calling list (screened, for pre-flight)."""
    client = ctx.client
    skill = new_skill(client, name)
    client.skills.assign_agents(skill, [{"agent_id": 1001 + i} for i in range(3)])
    list_id = client.lists.create(
        {
            "list_name": f"list {name}",
            "external_id_column": "id",
            "destination_mappings": [{"field_name": "PhoneNumber", "field_value": "phone"}],
        }
    )
    csv = "id,phone\n" + "".join(f"r{i},+1312555{i:04d}\n" for i in range(100, 100 + rows))
    client.lists.upload(list_id, csv, file_name=f"{name}.csv", skill_id=skill)
    emulator.control("POST", "clock/advance", {"seconds": 120})
    ListScreenStore(ctx.store).record_screen(  # as `cxdial list upload` records it
        name,
        f"list {name}",
        skill_id=skill,
        kind="upload",
        rule_set_version=RuleSet.load_default().version,
        screened_for=datetime.now(UTC),
        records=rows,
        list_id=list_id,
    )
    return skill


def test_start_pause_resume_twice_each_is_one_transition_each(
    ctx: CampaignContext, client: Client, emulator: Emulator
) -> None:
    """Start dials; pause and resume twice each make one transition (and audit entry) each."""
    skill = _ready_skill(ctx, emulator, "lifecycle")
    spec = spec_for(skill, "lifecycle")
    apply_campaign(ctx, spec)
    assert current_state(ctx, "lifecycle") == ("ready", skill)
    started = transition(ctx, "lifecycle", "start", spec=spec)
    assert (started.before, started.after, started.changed) == ("ready", "running", True)
    before = len(emulator.control("GET", "dials")["dials"])
    emulator.control("POST", "clock/advance", {"seconds": 300})
    assert len(emulator.control("GET", "dials")["dials"]) > before  # calls were placed
    first = transition(ctx, "lifecycle", "pause")
    second = transition(ctx, "lifecycle", "pause")
    assert (first.changed, first.after) == (True, "paused")
    assert (second.changed, second.message) == (False, "already paused")
    assert client.skills.get(skill).is_running is False
    assert transition(ctx, "lifecycle", "resume", spec=spec).changed
    assert transition(ctx, "lifecycle", "resume", spec=spec).message == "already running"
    assert client.skills.get(skill).is_running is True
    transition(ctx, "lifecycle", "pause")
    transition(ctx, "lifecycle", "pause")
    transition(ctx, "lifecycle", "resume")
    transition(ctx, "lifecycle", "resume")
    stopped = transition(ctx, "lifecycle", "stop", force=True)
    assert stopped.after == "stopped"
    actions = [e.action for e in ctx.audit.entries(campaign="lifecycle")]  # type: ignore[union-attr]
    assert actions == ["apply", "start", "pause", "resume", "pause", "resume", "stop"]
    pause = ctx.audit.entries(campaign="lifecycle")[2]  # type: ignore[union-attr]
    assert (pause.before, pause.after, pause.version) == (
        {"state": "running"},
        {"state": "paused"},
        1,
    )
    assert pause.request_ids


def test_invalid_transition_is_typed(ctx: CampaignContext, client: Client) -> None:
    """Pausing a campaign that never ran is refused, naming what the state allows."""
    skill = new_skill(client, "not running")
    apply_campaign(ctx, spec_for(skill, "not-running"))
    with pytest.raises(InvalidTransition) as caught:
        transition(ctx, "not-running", "pause")
    assert "from ready you can: start" in str(caught.value)
    with pytest.raises(InvalidTransition, match="is draft"):
        transition(ctx, "never-applied", "start")


def test_preflight_refuses_a_start_without_a_list(
    ctx: CampaignContext, client: Client
) -> None:
    """No calling list: start is refused and nothing starts."""
    skill = new_skill(client, "empty")
    spec = spec_for(skill, "empty")
    apply_campaign(ctx, spec)
    report = preflight(ctx, spec, skill)
    paths = {f.path for f in report.findings if f.level == "error"}
    assert paths == {"lists"}
    with pytest.raises(PreflightFailed, match="no calling list"):
        transition(ctx, "empty", "start", spec=spec)
    assert client.skills.get(skill).is_running is False


def test_preflight_catches_a_dialing_mode_mismatch(
    ctx: CampaignContext, client: Client, emulator: Emulator
) -> None:
    """A console change of the ratio is a dialing-mode mismatch until apply patches it."""
    skill = _ready_skill(ctx, emulator, "mode", rows=3)
    spec = spec_for(skill, "mode")
    apply_campaign(ctx, spec)
    client.skills.put_parameters(skill, "general-settings", {"maximumRatio": 1.0})
    report = preflight(ctx, spec, skill)
    assert [f.path for f in report.findings if f.level == "error"] == ["dialing.mode"]


def test_diagnose_says_why_a_paused_campaign_is_not_dialing(
    ctx: CampaignContext, client: Client, emulator: Emulator
) -> None:
    """diagnose reports the paused state as the reason."""
    skill = _ready_skill(ctx, emulator, "diagnosed", rows=50)
    spec = spec_for(skill, "diagnosed")
    apply_campaign(ctx, spec)
    transition(ctx, "diagnosed", "start", spec=spec)
    transition(ctx, "diagnosed", "pause")
    report = diagnose(ctx, spec, skill)
    assert "the campaign is paused: start or resume it" in [f.message for f in report.findings]
    assert report.facts["agents_logged_in"] > 0
