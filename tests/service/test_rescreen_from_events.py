"""The re-screen job runs on the events the pipeline records, end to end over HTTP.

A list is uploaded to the emulator through the compliance gate; a running service
(receiver, worker, rescreener) then receives signed pushes: a ``disposition.set`` that
revokes consent for one record's number, one that asks not to be called for another, and
five completed calls to a third (the company's 5-per-24-h cap). Each of the three records
is taken off the emulator's calling list (``removeProspects``) with a ledger entry naming
the trigger and the reason; the fourth stays. SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml
from service_support import SECRET, Running, push, run_service

from cxdial.campaigns import parse_spec
from cxdial.campaigns.context import CampaignContext
from cxdial.campaigns.spec import dump_spec
from cxdial.campaigns.upload import upload_list
from cxdial.compliance import Gate
from cxdial.cxone import Client
from cxdial.cxone.request import APIRequest
from cxdial.cxone.versions import acd_path
from cxdial.emulator import EmulatorConfig
from cxdial.emulator import credentials as demo
from cxdial.emulator.testing import EmulatorServer, demo_settings
from cxdial.service import ServiceConfig
from cxdial.store import open_ledger
from cxdial.store.campaigns import CampaignStore
from cxdial.store.list_screens import ListScreenStore
from cxdial.store.rescreen_tables import RescreenQueue

EXAMPLE = Path(__file__).parents[2] / "examples" / "campaign.yaml"
START = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
NOW = START + timedelta(minutes=30)
"""The service's clock: after every pushed event."""
ROWS = {"r1": "2125550160", "r2": "2125550161", "r3": "2125550162", "r4": "2125550163"}
HEADER = "account,mobile,phone_type,state,postal_code,consent,consent_at\n"


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    """The tenant, its clock at :data:`START`."""
    config = EmulatorConfig(seed=11, manual_clock=True, agents=2, start_at=START)
    with EmulatorServer(config) as server:
        yield server


def _settings(url: str) -> Any:
    return demo_settings(url, rate_limit=1000.0, rate_burst=1000, max_retries=1)


def _records(client: Client, list_id: int) -> set[str]:
    path = acd_path("/lists/call-lists/{listId}", listId=list_id)
    request: APIRequest[Any] = APIRequest(
        "GET", path, params={"includeRecords": "true"}, parse=lambda b: b
    )
    body = client.send(request).parsed
    return {r["externalId"] for r in body["resultSet"]["contactRecords"]}


@pytest.fixture
def uploaded(
    emulator: EmulatorServer, store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, int]:
    """The four records on a list of a fresh skill; the spec file and the list id."""
    monkeypatch.setenv("CXDIAL_LEDGER_KEY", secrets.token_hex(32))
    monkeypatch.setenv("CXDIAL_LEDGER_CHECKPOINT", str(tmp_path / "ledger.json"))
    monkeypatch.setenv("CXDIAL_AUDIT_CHECKPOINT", str(tmp_path / "audit.json"))
    (tmp_path / "list.csv").write_text(
        HEADER
        + "".join(
            f"{a},{p},landline,NY,10001,express_written,2026-03-01\n" for a, p in ROWS.items()
        )
    )
    with Client.from_settings(_settings(emulator.url)) as client, CampaignStore(store_url) as st:
        skill = client.skills.create({"skill_name": "rescreen e2e"})[0]
        data = yaml.safe_load(EXAMPLE.read_text())
        data["name"] = "events"
        data["skill"] = {"name": "rescreen e2e", "id": skill}
        columns = {"external_id": "account", "phone": "mobile"}
        data["lists"] = [{"name": "events-list", "source": "list.csv", "columns": columns}]
        spec = parse_spec(data)

        def advance(seconds: float) -> None:  # the upload job runs on the emulator's clock
            url = f"{emulator.url}/_emulator/clock/advance"
            httpx.post(url, json={"seconds": seconds}, timeout=10).raise_for_status()

        ctx = CampaignContext(
            client=client, store=st, actor="tester", clock=lambda: START, sleep=advance
        )
        report = upload_list(ctx, spec, tmp_path / "list.csv", Gate(), skill_id=skill)
    assert report.accepted == 4
    assert report.list_id is not None
    spec_path = tmp_path / "campaign.yaml"
    spec_path.write_text(dump_spec(spec))
    return spec_path, report.list_id


@pytest.fixture
def running(
    uploaded: tuple[Path, int], emulator: EmulatorServer, store_url: str, tmp_path: Path
) -> Iterator[Running]:
    """Receiver, worker and rescreener on a loopback port, writing ``store_url``."""
    config = ServiceConfig(secrets=(SECRET,), campaign_specs=(uploaded[0],), rescreen_debounce=0.05)
    yield from run_service(
        tmp_path,
        roles=("receiver", "worker", "rescreener"),
        config=config,
        db=store_url,
        settings=_settings(emulator.url),
        clock=lambda: NOW,
    )


def _event(kind: str, contact: int, phone: str, minutes: int, **kw: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "occurred_at": (START + timedelta(minutes=minutes)).isoformat(),
        "contact_id": contact,
        "skill_id": demo.DEMO_SKILL_ID,
        "phone": "+1" + phone,
        **kw,
    }


@pytest.mark.e2e
@pytest.mark.slow
def test_revocation_dnc_and_cap_events_take_records_off_the_list(
    running: Running, uploaded: tuple[Path, int], emulator: EmulatorServer, store_url: str
) -> None:
    """Three events, three removals on the platform, each in the ledger with its trigger."""
    pushes = [
        _event("disposition.set", 9001, ROWS["r1"], 1, disposition="Revoked Consent"),
        _event("disposition.set", 9002, ROWS["r2"], 2, disposition="do not call"),
        *(
            _event("call.completed", 9010 + n, ROWS["r3"], 3 + n, outcome="no_answer")
            for n in range(5)
        ),
    ]
    for n, body in enumerate(pushes):
        assert push(running.url, body, f"studio-rescreen-{n}") == 202
    with CampaignStore(store_url) as st:
        screens = ListScreenStore(st)
        deadline = time.monotonic() + 20
        while {r.external_id for r in screens.active_records("events", "events-list")} != {"r4"}:
            assert time.monotonic() < deadline, "the re-screen did not remove the three records"
            time.sleep(0.05)
    with Client.from_settings(_settings(emulator.url)) as client:
        assert _records(client, uploaded[1]) == {"r4"}
    with open_ledger(store_url, environ=os.environ) as ledger:
        removals = {
            e.contact_id: (e.inputs["trigger"], set(e.reasons.split(";")))
            for e in ledger.query(limit=100)
            if e.inputs.get("rescreen") and e.inputs.get("removed")
        }
    assert removals == {
        "r1": ("revocation", {"CONSENT_REVOKED"}),
        "r2": ("dnc", {"DNC_INTERNAL"}),
        "r3": ("attempt", {"FREQUENCY_CAP"}),
    }
    deadline = time.monotonic() + 5
    with RescreenQueue(store_url) as queue:
        while queue.count():  # every hand-off row is done once re-screened
            assert time.monotonic() < deadline
            time.sleep(0.05)


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_handed_over_numbers_survive_until_a_rescreen_finishes(
    uploaded: tuple[Path, int], emulator: EmulatorServer, store_url: str
) -> None:
    """The worker's hand-off outlives a rescreener that is down or fails: the row stays
    while the platform is unreachable, and the next pass removes the record once."""
    from cxdial.campaigns.spec import load_spec
    from cxdial.events import Envelope, parse_event
    from cxdial.events.consumer import Processor
    from cxdial.events.dispositions import DispositionRules
    from cxdial.service.rescreen import RescreenJob
    from cxdial.store import make_engine

    engine = make_engine(store_url)
    body = _event("disposition.set", 9101, ROWS["r4"], 1, disposition="revoked consent")
    envelope = Envelope.of(parse_event(body), id="studio-crash-1", source="push")
    Processor(engine, dispositions=DispositionRules(), rescreen=True).handle([envelope])
    spec = load_spec(uploaded[0])
    down = demo_settings("http://127.0.0.1:9", max_retries=0)  # nothing listens there
    with Client.from_settings(down) as client:
        job = RescreenJob(engine, client, [spec], environ=os.environ, clock=lambda: NOW)
        with pytest.raises(Exception):  # noqa: B017, PT011 - any transport error
            job.drain()
    with RescreenQueue(engine) as queue:
        assert queue.count() == 1
    with Client.from_settings(_settings(emulator.url)) as client:
        job = RescreenJob(engine, client, [spec], environ=os.environ, clock=lambda: NOW)
        (report,) = job.drain()
        assert [r.external_id for r in report.removals if r.removed] == ["r4"]
        assert job.drain() == []
        assert _records(client, uploaded[1]) == {"r1", "r2", "r3"}
    with RescreenQueue(engine) as queue:
        assert queue.count() == 0
    engine.dispose()


@pytest.mark.e2e
@pytest.mark.slow
def test_a_pass_among_many_unrelated_consents_reads_and_blocks_the_numbers_in_play(
    uploaded: tuple[Path, int], emulator: EmulatorServer, store_url: str
) -> None:
    """A store of 3,000 unrelated consent records (and DNC entries): a pass over the
    handed-over numbers loads only theirs, still removes r4 (revoked by an event), and r3 —
    handed over by its record id on an event about another number, its own number revoked
    earlier — because the numbers of records matched by id are read too."""
    from cxdial.campaigns.spec import load_spec
    from cxdial.events import Envelope, parse_event
    from cxdial.events.consumer import Processor
    from cxdial.events.dispositions import DispositionRules
    from cxdial.service.rescreen import RescreenJob
    from cxdial.store import ConsentStore, make_engine
    from cxdial.store.rescreen_tables import InternalDncStore

    engine = make_engine(store_url)
    try:
        unrelated = [f"{3125550000 + n}" for n in range(3000)]
        revoked = {"given_at": START - timedelta(days=90), "revoked_at": START - timedelta(days=1)}
        base = {
            "purposes": "",
            "channels": "live;autodialed;prerecorded",
            "level": "express",
            "method": "written",
        }
        ConsentStore(engine).add(
            [{**base, **revoked, "phone": p, "evidence_id": f"old-{p}"} for p in unrelated]
            + [{**base, **revoked, "phone": ROWS["r3"], "evidence_id": "old-r3"}]
        )
        dnc = InternalDncStore(engine)
        for phone in unrelated[:50]:
            dnc.add(phone, START - timedelta(days=2), channel="call", evidence_id=f"dnc-{phone}")
        events = [
            _event("disposition.set", 9201, ROWS["r4"], 1, disposition="revoked consent"),
            _event("call.completed", 9202, "3125559999", 2, outcome="busy", list_record_id="r3"),
        ]
        Processor(engine, dispositions=DispositionRules(), rescreen=True).handle(
            [
                Envelope.of(parse_event(b), id=f"studio-many-{n}", source="push")
                for n, b in enumerate(events)
            ]
        )
        spec = load_spec(uploaded[0])
        with Client.from_settings(_settings(emulator.url)) as client:
            job = RescreenJob(engine, client, [spec], environ=os.environ, clock=lambda: NOW)
            narrow = job.gate(None, [f"+1{ROWS['r4']}", "+13125559999", unrelated[7]])
            assert sorted(c.phone for c in narrow.consents.all()) == [ROWS["r4"], unrelated[7]]
            assert narrow.dnc.hits(unrelated[7]) == {"internal"}
            assert narrow.dnc.hits(unrelated[8]) == set()  # listed, but not in play: not read
            removed = {
                r.external_id: r.reasons
                for report in job.drain()
                for r in report.removals
                if r.removed
            }
            assert removed == {"r4": ("CONSENT_REVOKED",), "r3": ("CONSENT_REVOKED",)}
            assert _records(client, uploaded[1]) == {"r1", "r2"}
    finally:
        engine.dispose()


def test_rescreen_settings_come_from_the_env(tmp_path: Path) -> None:
    """Spec files must exist (the error names the variable); numbers parse; the defaults."""
    from cxdial.errors import ConfigurationError

    spec = tmp_path / "c.yaml"
    spec.write_text("name: x\n")
    config = ServiceConfig.from_env(
        {
            "CXDIAL_CAMPAIGN_SPECS": f" {spec} ,",
            "CXDIAL_RESCREEN_INTERVAL": "600",
            "CXDIAL_DNC_DISPOSITIONS": "Stop",
        }
    )
    assert config.campaign_specs == (spec,)
    assert (config.rescreen_interval, config.rescreen_debounce) == (600.0, 2.0)
    assert config.dispositions.kind("stop") == "dnc"
    assert config.dispositions.kind("do not call") is None
    with pytest.raises(ConfigurationError) as missing:
        ServiceConfig.from_env({"CXDIAL_CAMPAIGN_SPECS": str(tmp_path / "nope.yaml")})
    assert missing.value.field == "CXDIAL_CAMPAIGN_SPECS"
