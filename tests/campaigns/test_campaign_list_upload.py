"""``cxdial list upload``: screen through the gate, upload only cleared rows, report the rest."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from campaigns_support import Emulator, new_skill, spec_for
from typer.testing import CliRunner

from cxdial.campaigns.context import CampaignContext
from cxdial.campaigns.spec import dump_spec
from cxdial.campaigns.upload import upload_list
from cxdial.cli.app import app
from cxdial.compliance import DncIndex, Gate
from cxdial.cxone import Client
from cxdial.cxone.request import APIRequest
from cxdial.cxone.versions import acd_path
from cxdial.emulator import EmulatorConfig
from cxdial.emulator.testing import EmulatorServer, demo_settings
from cxdial.errors import ValidationError
from cxdial.store import Ledger, LedgerKey, open_ledger

AT = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # a Tuesday, 10:00 in New York, 08:00 in Boise
CSV = (
    "account,mobile,phone_type,state,postal_code,consent,consent_at,first_name\n"
    "a1,(212) 555-0142,landline,NY,10001,express_written,2026-03-01,Ada\n"
    "a2,(212) 555-0199,landline,NY,10001,express_written,2026-03-01,Bob\n"
    "a3,208-555-0100,mobile,ID,83814,none,,Alan\n"
    "a4,(646) 555-0111,landline,NY,10001,express_written,2026-03-01,Cy\n"
)
DNC = "# registry: internal, fetched: 2026-11-20\n2125550199\n"


def _lists(name: str, source: str = "list.csv") -> list[dict[str, Any]]:
    columns = {"external_id": "account", "phone": "mobile", "first_name": "first_name"}
    return [{"name": name, "source": source, "columns": columns}]


def _records(client: Client, list_id: int) -> list[dict[str, Any]]:
    path = acd_path("/lists/call-lists/{listId}", listId=list_id)
    request: APIRequest[Any] = APIRequest(
        "GET", path, params={"includeRecords": "true"}, parse=lambda b: b
    )
    body = client.send(request).parsed
    records: list[dict[str, Any]] = body["resultSet"]["contactRecords"]
    return records


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """The list CSV (one DNC-listed row, one without consent) and the DNC file."""
    (tmp_path / "list.csv").write_text(CSV)
    (tmp_path / "dnc.txt").write_text(DNC)
    return tmp_path / "list.csv", tmp_path / "dnc.txt"


def test_only_cleared_rows_reach_the_list_and_blocks_reach_the_ledger(
    emulator: Emulator, ctx: CampaignContext, tmp_path: Path, files: tuple[Path, Path]
) -> None:
    """The DNC-listed and the no-consent rows are blocked, in the ledger and not on the list."""
    csv_path, dnc = files
    skill_id = new_skill(ctx.client, "upload-lib")
    spec = spec_for(skill_id, "upload-lib", lists=_lists("upload-lib-list"))
    ledger = Ledger(
        f"sqlite:///{tmp_path / 'ledger.db'}",
        key=LedgerKey(b"l" * 32),
        checkpoint=tmp_path / "ledger.checkpoint.json",
    )
    ctx.clock = lambda: AT
    ctx.sleep = lambda s: emulator.control("POST", "clock/advance", {"seconds": s})
    with ledger:
        gate = Gate(dnc=DncIndex.from_files([dnc]), ledger=ledger)
        stages: list[str] = []
        report = upload_list(
            ctx, spec, csv_path, gate, skill_id=skill_id, progress=lambda s, d, t: stages.append(s)
        )
        entries = ledger.query(limit=10)
    assert (report.rows, report.cleared, report.blocked, report.accepted) == (4, 2, 2, 2)
    assert report.created_list
    assert report.job_id is not None
    assert not report.complete
    blocked = {r.external_id: r.reasons for r in report.rejected if r.source == "gate"}
    assert set(blocked) == {"a2", "a3"}
    assert any("DNC" in reason for reason in blocked["a2"])
    assert report.list_id is not None
    on_list = {r["externalId"]: r for r in _records(ctx.client, report.list_id)}
    assert set(on_list) == {"a1", "a4"}
    assert on_list["a1"]["fields"]["first_name"] == "Ada"
    assert "id" not in on_list["a1"]["fields"]  # the gate's copies are not uploaded
    by_contact = {e.contact_id: e for e in entries}
    assert not by_contact["a2"].allowed
    assert not by_contact["a3"].allowed
    assert by_contact["a1"].allowed
    assert {"screen", "upload", "job"} <= set(stages)


@pytest.fixture(scope="module")
def live() -> Iterator[Emulator]:
    """An emulator on the wall clock (the CLI polls the job in real time)."""
    with EmulatorServer(EmulatorConfig(seed=11)) as server:
        yield Emulator(server)


def test_cli_reports_counts_as_one_json_object_and_exits_3(
    live: Emulator, tmp_path: Path, files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`list upload --json` prints the counts, ledgers the blocks, exits 3 (rows left out)."""
    csv_path, dnc = files
    emulator = live
    client = Client.from_settings(demo_settings(live.url))
    skill_id = new_skill(client, "upload-cli")
    spec = spec_for(skill_id, "upload-cli", lists=_lists("upload-cli-list"))
    spec_path = tmp_path / "campaign.yaml"
    spec_path.write_text(dump_spec(spec))
    for name, value in emulator.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CXDIAL_LEDGER_KEY", secrets.token_hex(32))
    monkeypatch.setenv("CXDIAL_LEDGER_CHECKPOINT", str(tmp_path / "ledger.checkpoint.json"))
    monkeypatch.setenv("CXDIAL_AUDIT_CHECKPOINT", str(tmp_path / "audit.checkpoint.json"))
    monkeypatch.setenv("CXDIAL_DATABASE_URL", f"sqlite:///{tmp_path / 'cxdial.db'}")
    args = ["list", "upload", str(spec_path), str(csv_path), "--dnc", str(dnc)]
    args += ["--at", AT.isoformat(), "--poll-interval", "0.2", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 3, result.output
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    assert payload["counts"] == {
        "rows": 4,
        "cleared": 2,
        "blocked": 2,
        "malformed": 0,
        "outside_segment": 0,
        "uploaded": 2,
        "accepted": 2,
        "platform_rejected": 0,
    }
    assert {r["external_id"] for r in payload["rejected"]} == {"a2", "a3"}
    assert "555" not in json.dumps(payload["rejected"])  # no phone numbers in the report
    with client:
        assert {r["externalId"] for r in _records(client, payload["list_id"])} == {"a1", "a4"}
    with open_ledger(f"sqlite:///{tmp_path / 'cxdial.db'}", environ=os.environ) as ledger:
        blocked = {e.contact_id for e in ledger.query(limit=10) if not e.allowed}
    assert blocked == {"a2", "a3"}


def test_malformed_rows_are_reported_and_a_list_with_none_cleared_sends_nothing(
    ctx: CampaignContext, tmp_path: Path
) -> None:
    """A row with an unreadable field is reported by line; with nothing cleared no list is made."""
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text("account,mobile,phone_type,state\nb1,2125550142,satellite,NY\n")
    skill_id = new_skill(ctx.client, "upload-bad")
    spec = spec_for(skill_id, "upload-bad", lists=_lists("upload-bad-list"))
    ctx.clock = lambda: AT
    report = upload_list(ctx, spec, csv_path, Gate(), skill_id=skill_id)
    assert (report.rows, report.malformed, report.cleared) == (1, 1, 0)
    assert [(r.source, r.line) for r in report.rejected] == [("input", 2)]
    assert report.job_id is None
    assert report.list_id is None
    assert all(lst.list_name != "upload-bad-list" for lst in ctx.client.lists.all())


def test_a_phone_column_other_than_the_mapped_one_is_refused(
    ctx: CampaignContext, tmp_path: Path
) -> None:
    """The gate must screen the number the platform dials: an unmapped `phone` is an error."""
    csv_path = tmp_path / "two.csv"
    csv_path.write_text("account,mobile,phone\nc1,2125550142,2125550143\n")
    spec = spec_for(1, "upload-two", lists=_lists("upload-two-list"))
    with pytest.raises(ValidationError, match="not the mapped phone column") as caught:
        upload_list(ctx, spec, csv_path, Gate(), skill_id=1)
    assert caught.value.field == "lists.columns.phone"


def test_a_spec_with_several_lists_needs_the_list_named(
    ctx: CampaignContext, tmp_path: Path, files: tuple[Path, Path]
) -> None:
    """With two lists in the spec, `--list` must say which one the CSV is for."""
    csv_path, _ = files
    lists = _lists("first-list") + _lists("second-list")
    spec = spec_for(1, "upload-many", lists=lists)
    with pytest.raises(ValidationError, match="has 2 lists") as caught:
        upload_list(ctx, spec, csv_path, Gate(), skill_id=1)
    assert caught.value.field == "--list"
