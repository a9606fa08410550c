"""What every ``cxdial`` command promises: exit codes, messages, options, output."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from cli_support import CALLEE, CONSENTED, dnc_file, run

from cxdial.cli import main


def test_usage_error_exits_2_naming_the_option_without_class_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A mistyped option exits 2, names it, suggests the right one, shows no Python class."""
    assert main(["call", CALLEE, "--frm", "+18005550100"]) == 2
    err = capsys.readouterr().err
    assert "--frm" in err
    assert "--from" in err
    assert "cxdial call --help" in err
    for name in ("NoSuchOption", "UsageError", "Traceback"):
        assert name not in err


def test_missing_argument_exits_2_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    """A missing argument exits 2 and names it (no ``MissingParameter``)."""
    assert main(["call"]) == 2
    err = capsys.readouterr().err
    assert "TO" in err
    assert "MissingParameter" not in err


def test_no_arguments_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """``cxdial`` alone prints the help and exits 2 (click's convention for a missing command)."""
    assert main([]) == 2
    captured = capsys.readouterr()
    assert "Commands:" in captured.out + captured.err
    assert "NoArgsIsHelpError" not in captured.out + captured.err


def test_unknown_command_suggests_a_close_one(capsys: pytest.CaptureFixture[str]) -> None:
    """A mistyped command exits 2 and names the command it resembles."""
    assert main(["simulat"]) == 2
    assert "simulate" in capsys.readouterr().err


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    """``--version`` prints ``cxdial X.Y.Z`` and exits 0."""
    assert main(["--version"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("cxdial ")
    assert out.split()[1][0].isdigit()


def test_help_lists_every_command_and_completion(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` exits 0, lists the commands and offers shell completion."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("demo", "call", "follow", "screen", "simulate", "capacity", "emulator"):
        assert f"  {name} " in out
    assert "--install-completion" in out


@pytest.mark.parametrize("where", ["before", "after"])
def test_profile_is_read_before_or_after_the_command(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--profile`` works on either side of the subcommand: an unknown one is named."""
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('[lab]\nissuer = "http://127.0.0.1:9"\n')
    monkeypatch.setenv("CXDIAL_PROFILE_FILE", str(profiles))
    command = ["call", CALLEE]
    argv = ["--profile", "prod", *command] if where == "before" else [*command, "--profile", "prod"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "'prod' not found" in err
    assert "lab" in err


def test_markup_in_an_error_message_is_printed_verbatim(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bracketed text in a message is neither eaten nor a crash: ``[nope]`` and ``[/x]``."""
    monkeypatch.setenv("CXDIAL_PROFILE_FILE", str(tmp_path / "absent.toml"))
    for name in ("[nope]", "[/x]"):
        assert main(["call", CALLEE, "--profile", name]) == 2
        err = capsys.readouterr().err
        assert f"profile {name!r} requested" in err
        assert f"with a [{name}] section" in err


def test_markup_in_an_option_is_printed_verbatim(
    tenant_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """An override reason ``[/y] [nope]`` is placed and reported as typed, not crashed on."""
    argv = ["call", CALLEE, "--purpose", "informational", "--state", "DC"]
    code = run([*argv, "--override-reason", "outage [/y] [nope]"])
    out = capsys.readouterr().out
    assert code == 0
    assert "outage [/y] [nope]" in out


def test_json_success_is_one_object(
    tenant_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A placed call with --json prints exactly one JSON object and nothing else."""
    assert run(["call", CALLEE, *CONSENTED, "--json"]) == 0
    out = capsys.readouterr().out
    payload = json.loads(out)
    assert payload["ok"] is True
    assert payload["status"] == "dialed"
    assert out.count("\n") == 1


def test_json_compliance_block_is_one_object(
    tenant_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A call the gate blocks prints one JSON object with the reasons, and exits 3."""
    dnc = dnc_file(tmp_path, CALLEE[2:])
    assert run(["call", CALLEE, *CONSENTED, "--dnc", str(dnc), "--json"]) == 3
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False
    assert payload["exit_code"] == 3
    assert payload["error"]["type"] == "compliance_blocked"
    assert "DNC_INTERNAL" in payload["error"]["reasons"]


def test_json_error_is_one_object(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A configuration error with --json is one JSON object naming the setting to fix."""
    monkeypatch.setenv("CXDIAL_SKILL_ID", "24000001")
    assert main(["call", CALLEE, "--json"]) == 2
    payload = json.loads(capsys.readouterr().out)
    assert payload == {
        "ok": False,
        "exit_code": 2,
        "error": {
            "type": "configuration",
            "message": "no caller ID",
            "field": "caller_id",
            "fix": "pass --from or set CXDIAL_CALLER_ID",
        },
    }


def test_json_usage_error_is_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    """Even a usage error prints one JSON object when --json was asked for."""
    assert main(["call", CALLEE, "--json", "--frm", "x"]) == 2
    payload = json.loads(capsys.readouterr().out)
    assert payload["error"]["type"] == "usage"
    assert "--frm" in payload["error"]["message"]


def test_missing_dnc_file_exits_2_naming_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    """``--dnc /nonexist.txt`` is a usage error naming --dnc, not a FileNotFoundError."""
    assert main(["call", CALLEE, "--dnc", "/nonexist.txt"]) == 2
    err = capsys.readouterr().err
    assert "--dnc" in err
    assert "FileNotFoundError" not in err


def test_history_reads_its_environment_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """File locations come from CXDIAL_* too: a missing CXDIAL_HISTORY file is named."""
    monkeypatch.setenv("CXDIAL_HISTORY", "/nonexist/history.csv")
    assert main(["call", CALLEE]) == 2
    err = capsys.readouterr().err
    assert "--history" in err
    assert "/nonexist/history.csv" in err


@pytest.mark.parametrize(
    ("option", "value"),
    [("--phone-type", "cell"), ("--consent", "maybe"), ("--consent-at", "2026-13-01")],
)
def test_bad_contact_attribute_exits_2_naming_the_option(
    option: str, value: str, tenant_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad callee attribute exits 2 naming the option, without a pydantic dump."""
    assert run(["call", CALLEE, option, value]) == 2
    err = capsys.readouterr().err
    assert option in err
    assert "pydantic" not in err
    assert "Traceback" not in err


def test_verbose_logs_carry_no_phone_number(
    tenant_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """``-vv`` (after the command) logs requests and the override warning, but never the
    callee's number, in any form."""
    argv = ["call", CALLEE, "--purpose", "informational", "--state", "DC", "-vv"]
    assert run([*argv, "--override-reason", "outage notice"]) == 0
    err = capsys.readouterr().err
    assert "DEBUG cxdial.cxone.http" in err
    assert "compliance override" in err
    assert "2025550000" not in err
    assert "202-555-0000" not in err


def test_a_run_leaves_the_package_logger_as_it_found_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The CLI's handler is attached for the run only; importing cxdial installs nothing."""
    logger = logging.getLogger("cxdial")
    before = (list(logger.handlers), logger.level)
    assert main(["-vv", "--version"]) == 0
    assert main(["simulate", "--hours", "0.2", "--agents", "3", "-v", "--json"]) == 0
    capsys.readouterr()
    assert (list(logger.handlers), logger.level) == before


def test_json_then_failure_prints_one_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A command that printed its JSON and then fails (--strict) adds no second object."""
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("id,phone,consent\nc1,+12025550100,maybe\n")
    argv = ["screen", str(contacts), "--at", "2026-11-24T16:00:00Z", "--json", "--strict"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert len(captured.out.strip().splitlines()) == 1
    json.loads(captured.out)
    assert "malformed" in captured.err
