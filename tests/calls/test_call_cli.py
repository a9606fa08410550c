"""``cxdial call`` and ``cxdial auth check``: what users type, and the exit codes they get."""

from __future__ import annotations

import json
import shlex
from datetime import datetime

import pytest
from calls_support import CALLER, SKILL, Emulator

from cxdial.cli import main as cli_main
from cxdial.emulator import credentials as demo

CONSENTED = ["--state", "DC", "--consent", "express_written", "--consent-at", "2026-01-01"]
OFFICE_HOURS = "2026-11-24T10:00:00-05:00"
"""10:00 in Washington: the instant the gate judges unless a test says otherwise."""


def main(argv: list[str], at: str = OFFICE_HOURS) -> int:
    """The CLI with the dial instant the gate sees pinned to ``at`` (``main``'s clock)."""
    instant = datetime.fromisoformat(at)
    return cli_main(argv, clock=lambda: instant)


@pytest.fixture
def env(emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> Emulator:
    """CXDIAL_* pointing at the emulator and a throw-away store."""
    for key, value in emulator.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CXDIAL_DATABASE_URL", f"sqlite:///{tmp_path}/store.db")
    return emulator


def test_call_places_the_call_and_prints_json(
    env: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cleared call exits 0 and reports contact, mechanism and correlation id."""
    code = main(
        [
            "call",
            "+12025550000",
            "--from",
            CALLER,
            "--skill",
            str(SKILL),
            "--json",
            "--context-id",
            "cli-ctx-1",
            *CONSENTED,
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["context_id"] == "cli-ctx-1"
    assert out["via"] == "script"
    assert out["contact_id"] > 0
    assert out["compliance"]["allowed"] is True


def test_call_blocked_by_compliance_exits_3_and_dials_nothing(
    env: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A call at 02:00 local exits 3, names OUTSIDE_HOURS and the next allowed time."""
    before = len(env.dials())
    code = main(
        ["call", "+12025550000", "--from", CALLER, "--skill", str(SKILL), *CONSENTED],
        at="2026-11-24T02:00:00-05:00",
    )
    assert code == 3
    err = capsys.readouterr().err
    assert "OUTSIDE_HOURS" in err
    assert "next allowed" in err
    assert len(env.dials()) == before


def test_informational_override_is_honoured_and_logged(
    env: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An informational call may be overridden with a reason; the override is reported."""
    code = main(
        [
            "call",
            "+12025550000",
            "--from",
            CALLER,
            "--skill",
            str(SKILL),
            "--purpose",
            "informational",
            "--state",
            "DC",
            "--override-reason",
            "outage notice",
        ],
        at="2026-11-24T02:00:00-05:00",
    )
    assert code == 0
    assert "outage notice" in capsys.readouterr().out


def test_invalid_number_exits_2_naming_the_field(
    env: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed destination is an input error (exit 2) that names ``to``."""
    code = main(["call", "12345", "--from", CALLER, "--skill", str(SKILL), *CONSENTED])
    assert code == 2
    assert "to" in capsys.readouterr().err


def test_missing_caller_id_exits_2(env: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --from or CXDIAL_CALLER_ID the command says how to supply one."""
    code = main(["call", "+12025550000", "--skill", str(SKILL)])
    assert code == 2
    assert "CXDIAL_CALLER_ID" in capsys.readouterr().err


def test_wait_timeout_reports_the_call_in_progress_and_how_to_follow_it(
    env: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """A call still ringing when --wait gives up exits 5 with its contact id and the follow
    command; that command, run once the call has ended, reports the busy line (exit 0)."""
    code = main(
        [
            "call",
            "+12025550002",
            "--from",
            CALLER,
            "--skill",
            str(SKILL),
            "--wait",
            "--timeout",
            "0",
            "--json",
            *CONSENTED,
        ]
    )
    assert code == 5
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "in_progress"
    assert out["outcome"] == "pending"
    follow = shlex.split(out["follow_command"])
    assert follow[:3] == ["cxdial", "follow", str(out["contact_id"])]
    env.advance(120)
    assert main([*follow[1:], "--json"]) == 0
    later = json.loads(capsys.readouterr().out)
    assert later["status"] == "completed"
    assert later["outcome"] == "busy"


def test_wait_timeout_text_names_no_none(env: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    """The text report of a call in progress shows no ``None`` and the command to run later."""
    argv = ["call", "+12025550001", "--from", CALLER, "--skill", str(SKILL), *CONSENTED]
    assert main([*argv, "--wait", "--timeout", "0"]) == 5
    out = capsys.readouterr().out
    assert "None" not in out
    assert "still in progress" in out
    assert "cxdial follow " in out


def test_auth_check_shows_issuer_endpoint_and_expiry(
    env: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """``auth check`` discovers the tenant and prints issuer, API endpoint and token expiry."""
    code = main(["auth", "check", "--json"])
    assert code == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["issuer"] == env.url
    assert facts["api_endpoint"].startswith(env.url)
    assert facts["token_expires_at"]
    assert facts["tenant_id"]


def test_auth_check_with_wrong_secret_exits_1(
    env: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused credentials are an API error (exit 1) with CXone's reason."""
    monkeypatch.setenv("CXDIAL_ACCESS_KEY_SECRET", "wrong")
    code = main(["auth", "check"])
    assert code == 1
    assert "error" in capsys.readouterr().err


def test_auth_check_without_credentials_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Missing credentials are a configuration error naming the variables to set."""
    code = main(["auth", "check"])
    assert code == 2
    assert "CXDIAL_ACCESS_KEY_ID" in capsys.readouterr().err


def test_calls_feed_the_frequency_cap(
    env: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each call is recorded in the store; Florida's 3-in-24h cap blocks the fourth."""
    late_morning = "2026-11-24T11:00:00-05:00"
    florida = ["--state", "FL", "--consent", "express_written", "--consent-at", "2026-01-01"]
    argv = ["call", "+13055550002", "--from", CALLER, "--skill", str(SKILL), "--subject", "solar"]
    for _ in range(3):
        assert main([*argv, *florida], at=late_morning) == 0
    assert main([*argv, *florida], at=late_morning) == 3
    assert "FREQUENCY_CAP" in capsys.readouterr().err


def test_auth_check_probes_what_the_security_profile_allows(
    env: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``auth check`` reports each area as ok, or denied with the missing permission."""
    assert main(["auth", "check", "--json"]) == 0
    full = json.loads(capsys.readouterr().out)["permissions"]
    assert set(full.values()) == {"ok"}
    monkeypatch.setenv("CXDIAL_ACCESS_KEY_ID", demo.DIALER_ACCESS_KEY_ID)
    monkeypatch.setenv("CXDIAL_ACCESS_KEY_SECRET", demo.DIALER_ACCESS_KEY_SECRET)
    assert main(["auth", "check", "--json"]) == 0
    limited = json.loads(capsys.readouterr().out)["permissions"]
    assert limited["contacts"] == "ok"
    assert limited["skills"].startswith("denied")
    assert "Skills View" in limited["skills"]
