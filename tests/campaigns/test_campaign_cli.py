"""``cxdial campaign …`` and ``cxdial audit …`` end to end against the emulator over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from campaigns_support import EXAMPLE, Emulator, example_data, new_skill

from cxdial.campaigns.schema import spec_schema_text
from cxdial.cli import main
from cxdial.cxone import Client


@pytest.fixture
def tenant(emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """CXDIAL_* variables for the emulator, a fresh store, a ledger key and checkpoint."""
    for key, value in emulator.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CXDIAL_DATABASE_URL", f"sqlite:///{tmp_path / 'cxdial.db'}")
    monkeypatch.setenv("CXDIAL_LEDGER_KEY", "ab" * 32)
    monkeypatch.setenv("CXDIAL_LEDGER_CHECKPOINT", str(tmp_path / "compliance.json"))
    monkeypatch.setenv("CXDIAL_AUDIT_CHECKPOINT", str(tmp_path / "audit.json"))
    monkeypatch.setenv("CXDIAL_ACTOR", "ci-bot")
    return tmp_path


def _spec_file(folder: Path, skill: int, name: str, **changes: Any) -> Path:
    data = example_data()
    data.update(name=name, skill={"name": f"cli {name}", "id": skill}, lists=[], **changes)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _json(capsys: pytest.CaptureFixture[str]) -> Any:
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1, out
    return json.loads(out[0])


def test_schema_prints_the_checked_in_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """``campaign schema`` prints the JSON Schema the models generate."""
    assert main(["campaign", "schema"]) == 0
    assert capsys.readouterr().out == spec_schema_text()


def test_validate_offline_json(capsys: pytest.CaptureFixture[str]) -> None:
    """``validate --offline --json`` prints one object; the example is valid."""
    assert main(["campaign", "validate", str(EXAMPLE), "--offline", "--json"]) == 0
    body = _json(capsys)
    assert body["ok"] is True
    assert body["simulated_abandon_rate"] is not None


def test_invalid_spec_exits_2_naming_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spec over the legal cap exits 2 with one JSON error naming the dotted path."""
    data = example_data()
    data["pacing"]["abandon_target"] = 0.05
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["campaign", "validate", str(path), "--offline", "--json"]) == 2
    error = _json(capsys)["error"]
    assert error["field"] == "pacing.abandon_target"
    assert "0.05 exceeds the 0.03 legal cap" in error["message"]


def test_apply_plan_drift_conflict_and_audit(
    tenant: Path, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    """apply → clean plan (0); console edit → plan drift (4) and apply conflict (1); audit."""
    skill = new_skill(client, "cli apply")
    spec = _spec_file(tenant, skill, "cli-apply")
    assert main(["campaign", "apply", str(spec), "--json"]) == 0
    assert _json(capsys)["version"] == 1
    assert main(["campaign", "plan", str(spec), "--detailed-exitcode"]) == 0
    assert "no changes" in capsys.readouterr().out
    client.skills.put_parameters(skill, "general-settings", {"maximumRingingDuration": 45})
    assert main(["campaign", "plan", str(spec), "--detailed-exitcode"]) == 4
    text = capsys.readouterr().out
    assert "drift since the last apply" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    assert main(["campaign", "apply", str(spec), "--json"]) == 1
    assert "maximumRingingDuration" in _json(capsys)["error"]["message"]
    assert main(["campaign", "apply", str(spec), "--force", "--expect-version", "1"]) == 0
    capsys.readouterr()
    assert main(["audit", "--json", "--campaign", "cli-apply"]) == 0
    entries = _json(capsys)
    assert [e["action"] for e in entries] == ["apply", "apply"]
    assert {
        "at",
        "actor",
        "action",
        "campaign",
        "version",
        "before",
        "after",
        "request_ids",
    } <= set(entries[0])
    assert entries[0]["actor"] == "ci-bot"
    assert entries[1]["before"] == {"general-settings": {"maximumRingingDuration": 45}}
    assert main(["audit", "verify", "--json"]) == 0
    assert _json(capsys)["ok"] is True
    assert (tenant / "audit.json").exists()
    assert not (tenant / "compliance.json").exists()  # the compliance ledger's stays its own


def test_injected_failure_exits_5(
    tenant: Path,
    client: Client,
    emulator: Emulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A failing write exits 5 (rolled back) with one JSON error; the old value is back."""
    monkeypatch.setenv("CXDIAL_MAX_RETRIES", "0")
    skill = new_skill(client, "cli rollback")
    assert main(["campaign", "apply", str(_spec_file(tenant, skill, "cli-rb"))]) == 0
    capsys.readouterr()
    changed = _spec_file(tenant, skill, "cli-rb", retry={"max_attempts": 8})
    emulator.fail_next("parameters/retry-settings", times=1)
    try:
        code = main(["campaign", "apply", str(changed), "--json"])
    finally:
        emulator.clear_faults()
    assert code == 5
    error = _json(capsys)
    assert error["exit_code"] == 5
    assert "restored and verified" in error["error"]["message"]
    assert client.skills.parameters(skill, "retry-settings")["maximumAttempts"] == 3


def test_export_then_plan_via_cli(
    tenant: Path, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export SKILL -o`` writes a spec whose plan has no change (exit 0 with -detailed)."""
    skill = new_skill(client, "cli export")
    out = tenant / "exported.yaml"
    assert main(["campaign", "export", str(skill), "-o", str(out), "--name", "cli-export"]) == 0
    capsys.readouterr()
    code = main(["campaign", "plan", str(out), "--json"])
    assert code == 0
    body = _json(capsys)
    assert [c for c in body["changes"] if c["section"] != "schedule-settings"] == []


def test_pause_twice_says_nothing_to_do(
    tenant: Path, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    """start, pause, pause: the second pause is a no-op that says so; stop exits 0."""
    skill = new_skill(client, "cli life")
    spec = _spec_file(tenant, skill, "cli-life")
    assert main(["campaign", "apply", str(spec)]) == 0
    assert main(["campaign", "start", str(spec), "--skip-preflight"]) == 0
    assert main(["campaign", "pause", str(spec)]) == 0
    capsys.readouterr()
    assert main(["campaign", "pause", str(spec)]) == 0
    assert "nothing to do, already paused" in capsys.readouterr().out
    assert main(["campaign", "status", str(spec), "--json"]) == 0
    assert _json(capsys)["state"] == "paused"
    assert main(["campaign", "start", str(spec), "--json"]) == 2  # paused: resume, not start
    assert main(["campaign", "stop", str(spec)]) == 0


def test_plan_prints_user_text_verbatim(
    tenant: Path, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    """A skill name that looks like rich markup is printed as written, not styled."""
    skill = new_skill(client, "cli markup")
    spec = _spec_file(tenant, skill, "cli-markup")
    data = yaml.safe_load(spec.read_text())
    data["skill"]["name"] = "[red]Spring[/red]"
    spec.write_text(yaml.safe_dump(data))
    assert main(["campaign", "plan", str(spec)]) == 0
    assert "[red]Spring[/red]" in capsys.readouterr().out.replace("\n", "")


def test_monitor_once_json_and_live(
    tenant: Path, client: Client, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """``monitor --json`` prints one snapshot object; ``--count 1`` draws the live table once."""
    skill = new_skill(client, "cli monitor")
    spec = _spec_file(tenant, skill, "cli-monitor")
    assert main(["campaign", "apply", str(spec)]) == 0
    capsys.readouterr()
    assert main(["campaign", "monitor", str(spec), "--json"]) == 0
    body = _json(capsys)
    seen = (body["campaign"], body["state"], body["source"])
    assert seen == ("cli-monitor", "ready", "reporting")
    assert [w["window"] for w in body["windows"]] == ["30m", "24h", "30d"]
    assert body["actions"] == []
    assert body["notes"] == ["the campaign is ready: nothing to judge"]
    assert main(["campaign", "monitor", str(spec), "--count", "1", "--watch-only"]) == 0
    out = capsys.readouterr().out
    assert "cli-monitor" in out
    assert "success" in out
    assert main(["campaign", "monitor", str(spec), "--once"]) == 0
    assert "30d" in capsys.readouterr().out
