"""``cxdial consent import`` / ``show``: a consent file into the store, once, and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_support import Backend

from cxdial.cli import main
from cxdial.compliance.consent import CONSENT_COLUMNS
from cxdial.store import ConsentStore

HEADER = ",".join(CONSENT_COLUMNS)
GOOD = [
    "2125550142,Acme,telemarketing,live,express_written,web_form,E1,2026-02-01T10:00:00-05:00,,,",
    "2125550142,Acme,telemarketing,live,express_written,ivr,E2,2026-03-01T10:00:00-05:00,"
    "2026-03-05T12:00:00-05:00,agent,solar",
    "(416) 555-0100,,,,express,recorded_call,E3,2026-01-15,,,",
]


def _file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "consent.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_import_twice_adds_the_records_once(
    backend: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second import of the same file adds nothing and says so."""
    path = _file(tmp_path, GOOD)
    args = ["consent", "import", str(path), "--database-url", backend.url, "--json"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == {
        "ok": True,
        "file": str(path),
        "added": 3,
        "already_stored": 0,
    }
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["already_stored"] == 3
    with ConsentStore(backend.url) as store:
        assert sorted(r["evidence_id"] for r in store.rows()) == ["E1", "E2", "E3"]


def test_show_lists_a_numbers_records_with_their_revocation(
    backend: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any format of the number finds its records; the revoked one says when."""
    assert (
        main(["consent", "import", str(_file(tmp_path, GOOD)), "--database-url", backend.url]) == 0
    )
    assert "added 3 consent records, 0 already stored" in capsys.readouterr().out
    assert main(["consent", "show", "+1 212-555-0142", "--database-url", backend.url]) == 0
    out = capsys.readouterr().out
    assert "E1: express_written for Acme (web_form)" in out
    assert "E2:" in out
    assert "revoked 2026-03-05T17:00:00+00:00" in out
    assert "E3" not in out
    assert main(["consent", "show", "3125550199", "--database-url", backend.url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "records": []}


def test_a_bad_row_names_its_line_and_writes_nothing(
    backend: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2 naming the field; the good rows before it are not stored either."""
    bad = "2125550142,Acme,telemarketing,live,express,web_form,E9,not a date,,,"
    path = _file(tmp_path, [*GOOD, bad])
    assert main(["consent", "import", str(path), "--database-url", backend.url]) == 2
    err = capsys.readouterr().err
    assert "given_at" in err
    with ConsentStore(backend.url) as store:
        assert store.rows() == []
