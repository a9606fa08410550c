"""Standing compliance: each record's window on the platform, the re-screen job, segments,
and pre-flight's "screened under the current rule set" — against the emulator over HTTP."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from campaigns_support import Emulator, client_settings, new_skill, spec_for
from typer.testing import CliRunner

from cxdial.campaigns.apply import apply_campaign
from cxdial.campaigns.context import CampaignContext
from cxdial.campaigns.preflight import preflight
from cxdial.campaigns.rescreen import Rescreener, rescreen_numbers
from cxdial.campaigns.spec import dump_spec
from cxdial.campaigns.upload import upload_list
from cxdial.cli.app import app
from cxdial.compliance import ConsentBook, DncIndex, Gate, RuleSet
from cxdial.compliance.ruleset import RULES_DIR
from cxdial.cxone import Client
from cxdial.cxone.request import APIRequest
from cxdial.cxone.versions import acd_path
from cxdial.emulator import EmulatorConfig
from cxdial.emulator.testing import EmulatorServer
from cxdial.store import open_ledger
from cxdial.store.audit import AuditLog
from cxdial.store.campaigns import CampaignStore
from cxdial.store.list_screens import ListScreenStore

NEW_YORK = ZoneInfo("America/New_York")
START = datetime(2026, 11, 24, 20, 55, tzinfo=NEW_YORK)  # a Tuesday, 20:55 in New York
HEADER = "account,mobile,phone_type,state,postal_code,consent,consent_at\n"


def _row(account: str, phone: str) -> str:
    return f"{account},{phone},landline,NY,10001,express_written,2026-03-01\n"


class Tenant:
    """A manual-clock emulator that starts at :data:`START`, and the simulated now."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.now = START.astimezone(UTC)

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock and ours."""
        self.emulator.control("POST", "clock/advance", {"seconds": seconds})
        self.now += timedelta(seconds=seconds)

    def dialed(self, skill: int) -> set[str]:
        """Numbers the skill's dialer called."""
        dials = self.emulator.control("GET", "dials")["dials"]
        return {d["to"] for d in dials if d["skillId"] == skill}


@pytest.fixture
def tenant() -> Iterator[Tenant]:
    """A fresh emulator per test (the clock is the test's)."""
    config = EmulatorConfig(seed=7, manual_clock=True, agents=4, start_at=START)
    with EmulatorServer(config) as server:
        yield Tenant(Emulator(server))


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tenant: Tenant) -> dict[str, str]:
    """The CXDIAL_* environment for the CLI and :func:`open_ledger` (one database)."""
    values = {
        **tenant.emulator.env(),
        "CXDIAL_LEDGER_KEY": secrets.token_hex(32),
        "CXDIAL_LEDGER_CHECKPOINT": str(tmp_path / "ledger.checkpoint.json"),
        "CXDIAL_AUDIT_CHECKPOINT": str(tmp_path / "cli-audit.checkpoint.json"),
        "CXDIAL_DATABASE_URL": f"sqlite:///{tmp_path / 'cxdial.db'}",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def sctx(tenant: Tenant, env: dict[str, str], audit: AuditLog) -> Iterator[CampaignContext]:
    """A campaign context on the tenant, its clock the tenant's simulated now."""
    settings = client_settings(tenant.emulator.url)
    with (
        Client.from_settings(settings) as client,
        CampaignStore(env["CXDIAL_DATABASE_URL"]) as store,
    ):
        yield CampaignContext(
            client=client,
            store=store,
            audit=audit,
            actor="tester",
            clock=lambda: tenant.now,
            sleep=tenant.advance,
        )


def _spec(skill: int, name: str, source: str = "list.csv", **list_extra: Any) -> Any:
    columns = {"external_id": "account", "phone": "mobile"}
    lists = [{"name": f"{name}-list", "source": source, "columns": columns, **list_extra}]
    return spec_for(skill, name, lists=lists)


def _records(client: Client, list_id: int) -> dict[str, dict[str, Any]]:
    path = acd_path("/lists/call-lists/{listId}", listId=list_id)
    request: APIRequest[Any] = APIRequest(
        "GET", path, params={"includeRecords": "true"}, parse=lambda b: b
    )
    body = client.send(request).parsed
    return {r["externalId"]: r for r in body["resultSet"]["contactRecords"]}


def test_a_record_cleared_at_2055_is_not_dialed_at_2105(
    tenant: Tenant, sctx: CampaignContext, tmp_path: Path
) -> None:
    """Each record carries the gate's window; the platform retires it when the window ends."""
    csv_path = tmp_path / "list.csv"
    csv_path.write_text(HEADER + _row("n1", "(212) 555-0100") + _row("n2", "(212) 555-0101"))
    early, late = new_skill(sctx.client, "window-early"), new_skill(sctx.client, "window-late")
    reports = {}
    for skill, name in ((early, "window-early"), (late, "window-late")):
        reports[name] = upload_list(sctx, _spec(skill, name), csv_path, Gate(), skill_id=skill)
    for report in reports.values():
        assert (report.rows, report.accepted) == (2, 2)
    list_id, early_list = reports["window-late"].list_id, reports["window-early"].list_id
    assert list_id is not None
    assert early_list is not None
    fields = _records(sctx.client, early_list)["n1"]["fields"]
    assert fields["cxdial_expires_at"] == "2026-11-25T02:00:00Z"  # 21:00 in New York
    assert fields["cxdial_time_zone"] == "Eastern Standard Time"
    assert fields["cxdial_call_after"] == "2026-11-25T01:55:00Z"
    assert fields["cxdial_call_stale_min"] == "5"
    sctx.client.skills.start(early)  # 20:55: inside the window
    tenant.advance(5)
    assert tenant.dialed(early) == {"+12125550100", "+12125550101"}
    tenant.advance(600)  # 21:05
    sctx.client.skills.start(late)
    tenant.advance(60)
    assert tenant.dialed(late) == set()
    finals = {r["finalReason"] for r in _records(sctx.client, list_id).values()}
    assert finals == {"Call Request Stale"}  # whole stale minutes end it just before 21:00


def test_window_closes_at_the_strictest_state_rule(tmp_path: Path) -> None:
    """Florida's 20:00 and Connecticut's 20:00 end a record's window before New York's 21:00."""
    import polars as pl

    from cxdial.campaigns.windows import record_windows

    gate = Gate()
    frame = pl.DataFrame(
        {
            "id": ["ny", "fl", "ct"],
            "phone": ["2125550100", "3055550100", "2035550100"],
            "phone_type": ["landline"] * 3,
            "state": ["NY", "FL", "CT"],
            "consent": ["express_written"] * 3,
            "consent_at": ["2026-03-01"] * 3,
        }
    )
    at = datetime(2026, 11, 24, 19, 30, tzinfo=NEW_YORK)
    result = gate.screen(frame, at, purpose="telemarketing")
    windows = record_windows(result, gate)
    ends = dict(zip(result.cleared()["id"], windows["cxdial_expires_at"], strict=True))
    assert ends == {
        "ny": "2026-11-25T02:00:00Z",
        "fl": "2026-11-25T01:00:00Z",
        "ct": "2026-11-25T01:00:00Z",
    }
    friday = datetime(2026, 11, 27, 19, 0, tzinfo=NEW_YORK)  # a Friday evening
    closes = gate.window_closes_at(("America/New_York",), ("federal.hours.telemarketing",), friday)
    assert closes == datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    denver = ZoneInfo("America/Denver")
    days_only = (("America/Denver",), ("ut.days",))  # no hours: a day ends the window
    saturday = datetime(2026, 11, 28, 22, 0, tzinfo=denver)
    assert gate.window_closes_at(*days_only, saturday) == datetime(
        2026, 11, 29, 0, 0, tzinfo=denver
    )
    eve = datetime(2026, 11, 25, 22, 0, tzinfo=denver)  # Thanksgiving is a Utah holiday
    assert gate.window_closes_at(*days_only, eve) == datetime(2026, 11, 26, 0, 0, tzinfo=denver)


def test_rescreen_removes_revoked_and_dnc_listed_records_each_in_the_ledger(
    tenant: Tenant, sctx: CampaignContext, env: dict[str, str], tmp_path: Path
) -> None:
    """A revocation and a DNC addition after the upload: on_event removes exactly those."""
    csv_path = tmp_path / "list.csv"
    rows = [("k1", "2125550110"), ("k2", "2125550111"), ("k3", "2125550112")]
    csv_path.write_text(HEADER + "".join(_row(a, p) for a, p in rows))
    skill = new_skill(sctx.client, "rescreen")
    spec = _spec(skill, "rescreen")
    report = upload_list(sctx, spec, csv_path, Gate(), skill_id=skill)
    assert report.accepted == 3
    tenant.advance(120)
    revoked = (
        "phone,seller,purposes,channels,level,method,evidence_id,given_at,revoked_at\n"
        "2125550110,,,live;autodialed,express_written,web,ev-1,2026-03-01,"
        f"{tenant.now.isoformat()}\n"
    )
    dnc = tmp_path / "dnc.txt"
    dnc.write_text("# registry: internal, fetched: 2026-11-24\n2125550111\n")
    with open_ledger(env["CXDIAL_DATABASE_URL"], environ=os.environ) as ledger:
        gate = Gate(
            dnc=DncIndex.from_files([dnc]),
            consents=ConsentBook.from_text(revoked, source="revocations"),
            ledger=ledger,
        )
        tenant.advance(60)
        result = Rescreener(sctx, spec, gate, skill_id=skill).on_event(
            phones=["+12125550110", "(212) 555-0111"], trigger="revocation"
        )
        entries = [e for e in ledger.query(limit=50) if e.inputs.get("rescreen")]
        again = rescreen_numbers(sctx, spec, gate, phones=["2125550110"], trigger="dnc")
    assert {r.external_id for r in result.removals} == {"k1", "k2"}
    assert (result.removed, result.failed) == (2, 0)
    by_id = {r.external_id: r.reasons for r in result.removals}
    assert "CONSENT_REVOKED" in by_id["k1"]
    assert any(r.startswith("DNC") for r in by_id["k2"])
    assert {e.contact_id for e in entries} == {"k1", "k2"}
    assert all(e.inputs["action"] == "removeProspects" and e.inputs["removed"] for e in entries)
    assert all(not e.allowed and e.reasons for e in entries)
    assert report.list_id is not None
    assert set(_records(sctx.client, report.list_id)) == {"k3"}
    kept = ListScreenStore(sctx.store).active_records("rescreen", "rescreen-list")
    assert [r.external_id for r in kept] == ["k3"]
    assert [(r.screened, r.removed) for r in again] == [(0, 0)]  # already off the list


def test_rescreen_keeps_records_blocked_only_by_the_hours(
    tenant: Tenant, sctx: CampaignContext, tmp_path: Path
) -> None:
    """At 21:30 every record is outside the hours: kept (its expiration stops the platform)."""
    csv_path = tmp_path / "list.csv"
    csv_path.write_text(HEADER + _row("h1", "2125550120"))
    skill = new_skill(sctx.client, "hours")
    spec = _spec(skill, "hours")
    upload_list(sctx, spec, csv_path, Gate(), skill_id=skill)
    tenant.advance(35 * 60)
    report = Rescreener(sctx, spec, Gate(), skill_id=skill).run()
    assert (report.screened, report.waiting, report.removed) == (1, 1, 0)


def test_preflight_needs_the_list_screened_under_the_current_rule_set(
    tenant: Tenant, sctx: CampaignContext, tmp_path: Path
) -> None:
    """Never screened, then screened under other rules: refused with the fix; a rescreen clears."""
    csv_path = tmp_path / "list.csv"
    csv_path.write_text(HEADER + _row("p1", "2125550130") + _row("p2", "2125550131"))
    skill = new_skill(sctx.client, "preflight")
    sctx.client.skills.assign_agents(skill, [{"agent_id": 1001}])
    spec = _spec(skill, "preflight")
    apply_campaign(sctx, spec)
    other = tmp_path / "rules"
    other.mkdir()
    (other / "company.yaml").write_text((RULES_DIR / "company.yaml").read_text() + "\n# again\n")
    older = RuleSet.load(other)
    assert older.version != RuleSet.load_default().version
    upload_list(sctx, spec, csv_path, Gate(rules=older), skill_id=skill)
    tenant.advance(5)
    found = [f for f in preflight(sctx, spec, skill).findings if f.path == "lists.screening"]
    assert len(found) == 1
    assert f"screened under rule set {older.version}" in found[0].message
    assert "cxdial list rescreen" in found[0].message
    Rescreener(sctx, spec, Gate(), skill_id=skill).run()
    report = preflight(sctx, spec, skill)
    assert [f for f in report.findings if f.path == "lists.screening"] == []
    assert report.facts["screened_under"] == {"preflight-list": RuleSet.load_default().version}
    bare = new_skill(sctx.client, "unscreened")
    list_id = sctx.client.lists.create(
        {
            "list_name": "unscreened-list",
            "external_id_column": "id",
            "destination_mappings": [{"field_name": "PhoneNumber", "field_value": "phone"}],
        }
    )
    sctx.client.lists.upload(
        list_id, "id,phone\nu1,+12125550132\n", file_name="u.csv", skill_id=bare
    )
    tenant.advance(5)
    never = preflight(sctx, spec_for(bare, "unscreened"), bare)
    messages = [f.message for f in never.findings if f.path == "lists.screening"]
    assert messages == [
        "calling list 'unscreened-list' was never screened by the compliance gate; upload it "
        "with `cxdial list upload SPEC.yaml LIST.csv --list unscreened-list`"
    ]


def test_a_segment_takes_only_the_sellers_consents(
    tenant: Tenant, sctx: CampaignContext, tmp_path: Path
) -> None:
    """Split by consent seller: the Acme list gets the Acme-consented records only."""
    csv_path = tmp_path / "list.csv"
    header = "account,mobile,phone_type,state,postal_code\n"
    csv_path.write_text(
        header
        + "s1,2125550140,landline,NY,10001\n"
        + "s2,2125550141,landline,NY,10001\n"
        + "s3,2125550142,landline,NY,10001\n"
    )
    consents = (
        "phone,seller,purposes,channels,level,method,evidence_id,given_at\n"
        "2125550140,Acme,telemarketing,live;autodialed,express_written,web,ev-a,2026-03-01\n"
        "2125550141,Globex,telemarketing,live;autodialed,express_written,web,ev-g,2026-03-01\n"
        "2125550142,Acme,informational,live,express,web,ev-i,2026-03-01\n"
    )
    gate = Gate(consents=ConsentBook.from_text(consents, source="consents"))
    skill = new_skill(sctx.client, "segment")
    spec = _spec(
        skill,
        "segment",
        segment={"seller": "Acme", "purpose": "marketing", "channel": "autodialed"},
    )
    report = upload_list(sctx, spec, csv_path, gate, skill_id=skill)
    assert report.list_id is not None
    assert set(_records(sctx.client, report.list_id)) == {"s1"}
    left = {(r.source, r.external_id) for r in report.rejected}
    assert ("segment", "s1") not in left
    assert report.outside_segment + report.blocked == 2
    assert report.as_dict()["counts"]["uploaded"] == 1


def test_cli_rescreen_prints_one_json_object(
    tenant: Tenant, sctx: CampaignContext, env: dict[str, str], tmp_path: Path
) -> None:
    """`cxdial list rescreen --json`: counts and removals; the DNC-listed record is removed."""
    csv_path = tmp_path / "list.csv"
    csv_path.write_text(HEADER + _row("c1", "2125550150") + _row("c2", "2125550151"))
    skill = new_skill(sctx.client, "rescreen-cli")
    spec = _spec(skill, "rescreen-cli")
    upload_list(sctx, spec, csv_path, Gate(), skill_id=skill)
    spec_path = tmp_path / "campaign.yaml"
    spec_path.write_text(dump_spec(spec))
    dnc = tmp_path / "dnc.txt"
    dnc.write_text("# registry: internal, fetched: 2026-11-24\n2125550151\n")
    args = ["list", "rescreen", str(spec_path), "--dnc", str(dnc), "--json"]
    result = CliRunner().invoke(
        app, [*args, "--at", (tenant.now + timedelta(minutes=1)).isoformat()]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["counts"] == {
        "screened": 2,
        "kept": 1,
        "outside_hours": 0,
        "removed": 1,
        "failed": 0,
    }
    assert [r["external_id"] for r in payload["removals"]] == ["c2"]
    assert "555" not in json.dumps(payload)


def test_every_us_zone_mirrors_the_window_in_each_callee_zone(ctx: CampaignContext) -> None:
    """`calling_window.every_us_zone`: the time-zones block gets the window per US zone
    (overrides kept); apply writes it, and plan and export round-trip without a diff."""
    import yaml

    from cxdial.campaigns.apply import plan_campaign
    from cxdial.campaigns.live import read_config
    from cxdial.campaigns.mapping import SECTIONS, US_ZONES, spec_from_config
    from cxdial.campaigns.spec import parse_spec

    skill = new_skill(ctx.client, "every-zone")
    window = {
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "start": "09:00",
        "end": "20:00",
        "zones": [{"zone": "America/Chicago", "start": "10:00", "end": "19:00"}],
        "every_us_zone": True,
    }
    spec = spec_for(skill, "every-zone", calling_window=window)
    apply_campaign(ctx, spec)
    live = ctx.client.skills.parameters(skill, "time-zones")
    zones = live["timeZoneSettings"] if isinstance(live, dict) else live
    hours = {z["standardName"]: (z["startTime"], z["endTime"], z["overrideTime"]) for z in zones}
    assert set(hours) == set(US_ZONES)
    assert hours["America/Chicago"] == ("10:00", "19:00", True)
    assert hours["America/New_York"] == ("09:00", "20:00", True)
    assert plan_campaign(ctx, spec).changes == []
    text = spec_from_config(
        read_config(ctx.client, skill, SECTIONS), name="every-zone", skill_id=skill
    )
    assert plan_campaign(ctx, parse_spec(yaml.safe_load(text))).changes == []
