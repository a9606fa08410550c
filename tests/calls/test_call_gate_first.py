"""A call is judged before anything talks to CXone: a blocked call sends no request at all."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from calls_support import CALLER, SKILL, Emulator

from cxdial.cli import main as cli_main
from cxdial.store import open_ledger

CONSENTED = ["--state", "DC", "--consent", "express_written", "--consent-at", "2026-01-01"]
OFFICE_HOURS = datetime.fromisoformat("2026-11-24T10:00:00-05:00")
NIGHT = datetime.fromisoformat("2026-11-24T23:30:00-05:00")
CALLEE = "+12025550000"

NOT_FOR_A_BLOCKED_CALL = ("polars", "numpy", "httpx", "httpcore", "cxdial.cxone.client")
"""Never loaded by a call the gate blocks: no data frames, no HTTP client."""

PROBE = """
import json, sys
from datetime import datetime
from cxdial.cli import main
at = datetime.fromisoformat(sys.argv[1])
code = main(sys.argv[2:], clock=lambda: at)
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _closed_port() -> str:
    """A loopback URL on which nothing listens (any request to it would fail)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def offline_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """A complete configuration whose CXone cannot be reached, and a throw-away store."""
    env = {
        "CXDIAL_ISSUER": _closed_port(),
        "CXDIAL_ACCESS_KEY_ID": "KEY",
        "CXDIAL_ACCESS_KEY_SECRET": "secret",
        "CXDIAL_CLIENT_ID": "client",
        "CXDIAL_CLIENT_SECRET": "secret",
        "CXDIAL_SKILL_ID": str(SKILL),
        "CXDIAL_CALLER_ID": CALLER,
        "CXDIAL_DATABASE_URL": f"sqlite:///{tmp_path}/store.db",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def _dnc(folder: Path, national: str) -> Path:
    path = folder / "dnc-internal.txt"
    path.write_text(f"# registry: internal, fetched: 2026-11-20\n{national}\n")
    return path


def _decisions(env: dict[str, str]) -> list[bool]:
    """Whether each recorded decision allowed the dial, oldest first."""
    ledger = open_ledger(env["CXDIAL_DATABASE_URL"], environ=os.environ)
    try:
        return [e.allowed for e in reversed(ledger.query())]
    finally:
        ledger.close()


def test_a_blocked_call_needs_no_cxone(
    offline_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Outside calling hours the call exits 3 although CXone is unreachable: no token, no
    caller-ID request was attempted, and the one blocked decision is in the ledger."""
    code = cli_main(["call", CALLEE, *CONSENTED, "--json"], clock=lambda: NIGHT)
    out = json.loads(capsys.readouterr().out)
    assert code == 3
    assert "OUTSIDE_HOURS" in out["error"]["reasons"]
    assert _decisions(offline_env) == [False]


def test_invalid_numbers_are_refused_before_the_gate(
    offline_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed callee is exit 2 naming ``to``, checked locally, and nothing is recorded."""
    code = cli_main(["call", "555-0100", *CONSENTED, "--json"], clock=lambda: OFFICE_HOURS)
    out = json.loads(capsys.readouterr().out)
    assert code == 2
    assert out["error"]["field"] == "to"
    assert _decisions(offline_env) == []


def test_a_cleared_call_records_one_decision(
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A call the gate clears is dialed and the ledger holds exactly one (allowing) decision,
    made at the dial instant: the early check before connecting writes nothing."""
    env = {
        **emulator.env(),
        "CXDIAL_CALLER_ID": CALLER,
        "CXDIAL_SKILL_ID": str(SKILL),
        "CXDIAL_DATABASE_URL": f"sqlite:///{tmp_path}/store.db",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code = cli_main(["call", CALLEE, *CONSENTED, "--json"], clock=lambda: OFFICE_HOURS)
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["status"] == "dialed"
    assert _decisions(env) == [True]


def test_a_blocked_call_loads_no_data_frames_or_http_client(
    offline_env: dict[str, str], tmp_path: Path
) -> None:
    """A call blocked by a DNC list imports neither polars/NumPy nor httpx (fresh process)."""
    dnc = _dnc(tmp_path, CALLEE[2:])
    argv = ["call", CALLEE, *CONSENTED, "--dnc", str(dnc)]
    done = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-c", PROBE, OFFICE_HOURS.isoformat(), *argv],
        capture_output=True,
        text=True,
        env={**os.environ, **offline_env},
        check=False,
        timeout=60,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    loaded = {
        m
        for m in report["modules"]
        if any(m == n or m.startswith(n + ".") for n in NOT_FOR_A_BLOCKED_CALL)
    }
    assert report["code"] == 3
    assert sorted(loaded) == []


def _store_consent(env: dict[str, str], **fields: str) -> None:
    """One consent record for the callee in the store ``cxdial call`` reads."""
    from cxdial.compliance.consent import ConsentBook
    from cxdial.store import ConsentStore

    row = {"phone": CALLEE, "method": "web_form", "evidence_id": "S1", **fields}
    with ConsentStore(env["CXDIAL_DATABASE_URL"]) as store:
        ConsentBook.from_rows([row]).save(store)


def test_a_revocation_in_the_store_blocks_the_call(
    offline_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The gate of ``cxdial call`` reads the store's consent records of the number dialed."""
    _store_consent(offline_env, given_at="2026-01-01", revoked_at="2026-11-01")
    code = cli_main(["call", CALLEE, *CONSENTED, "--json"], clock=lambda: OFFICE_HOURS)
    out = json.loads(capsys.readouterr().out)
    assert code == 3
    assert out["error"]["reasons"] == ["CONSENT_REVOKED"]
    assert _decisions(offline_env) == [False]


def test_a_consent_record_in_the_store_clears_the_call(
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without consent on the command line a stored express record lets it dial."""
    env = {
        **emulator.env(),
        "CXDIAL_CALLER_ID": CALLER,
        "CXDIAL_SKILL_ID": str(SKILL),
        "CXDIAL_DATABASE_URL": f"sqlite:///{tmp_path}/store.db",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    args = ["call", CALLEE, "--state", "DC", "--purpose", "informational", "--json"]
    assert cli_main(args, clock=lambda: OFFICE_HOURS) == 3
    assert json.loads(capsys.readouterr().out)["error"]["reasons"] == ["NO_CONSENT"]
    _store_consent(env, given_at="2026-01-01")
    code = cli_main(args, clock=lambda: OFFICE_HOURS)
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    assert out["status"] == "dialed"
    assert _decisions(env) == [False, True]


def test_another_sellers_consent_does_not_clear_the_call(
    offline_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """``--seller`` picks the stored records that name it: Acme's consent is not Globex's."""
    _store_consent(offline_env, given_at="2026-01-01", seller="Acme")
    args = ["call", CALLEE, "--state", "DC", "--purpose", "informational", "--json"]
    code = cli_main([*args, "--seller", "Globex"], clock=lambda: OFFICE_HOURS)
    out = json.loads(capsys.readouterr().out)
    assert code == 3
    assert out["error"]["reasons"] == ["NO_CONSENT"]
    assert _decisions(offline_env) == [False]
