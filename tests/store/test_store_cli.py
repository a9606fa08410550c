"""``cxdial ledger verify`` and ``cxdial ledger explain`` through the real CLI entry point."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import pytest
from store_support import Backend, record

from cxdial.cli import main
from cxdial.store import open_ledger


@pytest.fixture
def written(backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Three entries (the middle one blocked) written with the key from CXDIAL_LEDGER_KEY."""
    monkeypatch.setenv("CXDIAL_LEDGER_KEY", secrets.token_hex(32))
    monkeypatch.setenv("CXDIAL_DATABASE_URL", backend.url)
    monkeypatch.setenv("CXDIAL_LEDGER_CHECKPOINT", str(tmp_path / "cp.json"))
    with open_ledger(backend.url, environ=os.environ) as ledger:
        return ledger.append_many([record(0), record(1, allowed=False), record(2)])


def test_verify_passes_with_exit_0(written: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    """An intact ledger verifies: exit 0 and the count of entries checked."""
    assert main(["ledger", "verify"]) == 0
    assert "OK, 3 entries verified" in capsys.readouterr().out


def test_verify_json_reports_tampering_with_exit_4(
    written: list[int], backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    """A deleted last entry: exit 4 and one JSON object naming the problem and the entry."""
    assert main(["ledger", "verify", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    backend.drop_guards()
    backend.execute("DELETE FROM compliance_ledger WHERE seq = 3")
    assert main(["ledger", "verify", "--json"]) == 4
    out = json.loads(capsys.readouterr().out)
    assert (out["ok"], out["problem"], out["first_bad_seq"]) == (False, "truncated", 3)
    assert out["entries_checked"] == 2
    assert out["checkpoint_count"] == 3
    assert main(["ledger", "verify"]) == 4
    printed = capsys.readouterr()
    assert "FAILED verification: truncated at entry #3" in printed.out
    assert "failed verification" in printed.err


def test_explain_tells_the_decision_and_its_proof(
    written: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    """Explain shows verdict, reasons, rule-set version, hashes and a valid signature."""
    assert main(["ledger", "explain", str(written[1])]) == 0
    out = capsys.readouterr().out
    assert "BLOCKED +12125550142" in out
    assert "reasons: OUTSIDE_HOURS" in out
    assert "OUTSIDE_HOURS: 22:00 local" in out
    assert "rules 2026.11" in out
    assert "(matches)" in out
    assert "signature: valid" in out
    assert main(["ledger", "explain", str(written[1]), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["reasons"] == ["OUTSIDE_HOURS"]
    assert data["seq"] == 2
    assert data["signature_ok"] is True
    assert len(data["prev_hash"]) == len(data["entry_hash"]) == 64


def test_explain_unknown_entry_fails(
    written: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    """An id that is not in the ledger is an error naming it."""
    assert main(["ledger", "explain", "999"]) == 1
    assert "no ledger entry 999" in capsys.readouterr().err


def test_verify_without_a_key_never_makes_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reading with no key is a configuration error (exit 2), not a fresh key that fails."""
    key_file = tmp_path / "no.key"
    url = f"sqlite:///{tmp_path / 'x.db'}"
    code = main(["ledger", "verify", "--database-url", url, "--key-file", str(key_file)])
    assert code == 2
    assert "CXDIAL_LEDGER_KEY" in capsys.readouterr().err
    assert not key_file.exists()


def test_bracketed_text_is_printed_verbatim(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An override reason such as ``[/x]`` is shown as written, never parsed as markup."""
    monkeypatch.setenv("CXDIAL_LEDGER_KEY", secrets.token_hex(32))
    url = f"sqlite:///{tmp_path / 'm.db'}"
    monkeypatch.setenv("CXDIAL_LEDGER_CHECKPOINT", str(tmp_path / "m.json"))
    with open_ledger(url, environ=os.environ) as ledger:
        plain = record()
        entry_id = ledger.append(plain.__class__(**{**plain.__dict__, "override_reason": "[/x]"}))
    assert main(["ledger", "explain", str(entry_id), "--database-url", url]) == 0
    assert "OVERRIDDEN: [/x]" in capsys.readouterr().out
