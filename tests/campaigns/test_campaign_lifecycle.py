"""The lifecycle against the emulator: pre-flight, start, idempotent pause/resume, stop, audit."""

from __future__ import annotations

import pytest
from campaigns_support import Emulator, new_skill, ready_skill, spec_for

from cxdial.campaigns import InvalidTransition
from cxdial.campaigns.apply import apply_campaign
from cxdial.campaigns.context import CampaignContext
from cxdial.campaigns.diagnose import diagnose
from cxdial.campaigns.lifecycle import current_state, transition
from cxdial.campaigns.preflight import PreflightFailed, preflight
from cxdial.cxone import Client
from cxdial.errors import ValidationError


def test_start_pause_resume_twice_each_is_one_transition_each(
    ctx: CampaignContext, client: Client, emulator: Emulator
) -> None:
    """Start dials; pause and resume twice each make one transition (and audit entry) each."""
    skill = ready_skill(ctx, emulator, "lifecycle")
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


def test_preflight_refuses_a_start_without_a_list(ctx: CampaignContext, client: Client) -> None:
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
    skill = ready_skill(ctx, emulator, "mode", rows=3)
    spec = spec_for(skill, "mode")
    apply_campaign(ctx, spec)
    client.skills.put_parameters(skill, "general-settings", {"maximumRatio": 1.0})
    report = preflight(ctx, spec, skill)
    assert [f.path for f in report.findings if f.level == "error"] == ["dialing.mode"]


def test_diagnose_says_why_a_paused_campaign_is_not_dialing(
    ctx: CampaignContext, client: Client, emulator: Emulator
) -> None:
    """diagnose reports the paused state as the reason."""
    skill = ready_skill(ctx, emulator, "diagnosed", rows=50)
    spec = spec_for(skill, "diagnosed")
    apply_campaign(ctx, spec)
    transition(ctx, "diagnosed", "start", spec=spec)
    transition(ctx, "diagnosed", "pause")
    report = diagnose(ctx, spec, skill)
    assert "the campaign is paused: start or resume it" in [f.message for f in report.findings]
    assert report.facts["agents_logged_in"] > 0


def test_start_patches_a_dialing_mode_changed_in_the_console(
    ctx: CampaignContext, client: Client, emulator: Emulator
) -> None:
    """Stopped skill in the wrong mode: start patches the mode fields, then starts; audited."""
    skill = ready_skill(ctx, emulator, "mode fix", rows=10)
    spec = spec_for(skill, "mode-fix")
    apply_campaign(ctx, spec)
    client.skills.put_parameters(skill, "general-settings", {"maximumRatio": 1.0})
    started = transition(ctx, "mode-fix", "start", spec=spec)
    assert (started.before, started.after, started.changed) == ("ready", "running", True)
    general = client.skills.parameters(skill, "general-settings")
    assert general["maximumRatio"] == spec.pacing.max_ratio
    assert transition(ctx, "mode-fix", "start", spec=spec).changed is False
    entries = ctx.audit.entries(campaign="mode-fix")  # type: ignore[union-attr]
    assert [e.action for e in entries] == ["apply", "dialing_mode", "start"]
    fix = entries[1]
    assert fix.before == {"general-settings.maximumRatio": 1.0}
    assert fix.after == {"general-settings.maximumRatio": spec.pacing.max_ratio}
    assert fix.detail["restarted"] is False
    transition(ctx, "mode-fix", "stop", force=True)


@pytest.mark.slow
def test_start_of_a_running_skill_in_the_wrong_mode_pauses_patches_and_restarts(
    ctx: CampaignContext, client: Client, emulator: Emulator
) -> None:
    """Running in the wrong mode: graceful stop, patch, start again; the next start is a no-op."""
    skill = ready_skill(ctx, emulator, "mode live", rows=10)
    spec = spec_for(skill, "mode-live")
    apply_campaign(ctx, spec)
    transition(ctx, "mode-live", "start", spec=spec)
    client.skills.put_parameters(
        skill, "delivery-preferences", {"confirmationRequiredDisabled": False}
    )
    fixed = transition(ctx, "mode-live", "start", spec=spec)
    assert (fixed.changed, fixed.after) == (True, "running")
    assert "paused, patched, started again" in fixed.message
    assert client.skills.get(skill).is_running is True
    prefs = client.skills.parameters(skill, "delivery-preferences")
    assert prefs["confirmationRequiredDisabled"] is True
    again = transition(ctx, "mode-live", "start", spec=spec)
    assert (again.changed, again.message) == (False, "already running")
    actions = [e.action for e in ctx.audit.entries(campaign="mode-live")]  # type: ignore[union-attr]
    assert actions == ["apply", "start", "dialing_mode"]
    fix = ctx.audit.entries(campaign="mode-live")[2]  # type: ignore[union-attr]
    assert fix.detail["restarted"] is True
    assert len(fix.request_ids) == 3
    writes = [w["path"] for w in emulator.control("GET", "stats")["writes"]]
    assert any(p.endswith(f"/skills/{skill}/stop") for p in writes)
    transition(ctx, "mode-live", "stop", force=True)


def test_a_mode_mismatch_with_an_unapplied_spec_is_refused(
    ctx: CampaignContext, client: Client, emulator: Emulator
) -> None:
    """Only the applied spec is patched in: an edited spec must be applied first."""
    skill = ready_skill(ctx, emulator, "mode edited", rows=5)
    spec = spec_for(skill, "mode-edited")
    apply_campaign(ctx, spec)
    client.skills.put_parameters(skill, "general-settings", {"maximumRatio": 1.0})
    edited = spec_for(skill, "mode-edited", description="edited, not applied")
    with pytest.raises(ValidationError, match="not the applied version"):
        transition(ctx, "mode-edited", "start", spec=edited)
    assert client.skills.get(skill).is_running is False
