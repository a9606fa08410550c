"""``cxdial demo``: the main job, end to end, against an emulator started on the spot.

1. start the CXone emulator on a free loopback port (accelerated clock, starting at the
   demo's instant);
2. authenticate the way a real tenant wants it (discovery, access-key grant);
3. screen the sample contact list through the compliance gate;
4. place a handful of ad-hoc calls through the gate and follow each to its outcome;
5. take the emulator's signed pushes of those calls into a cxdial service running in
   this process (receiver + worker over a throw-away SQLite store) and check what it
   stored against CXone's own record (``/contacts/completed``);
6. run the sample campaign spec as code: validate, plan, apply (version 1), plan again
   (nothing left), upload its list through the gate, start; the emulator's dialer calls
   the cleared records, their pushes reach the pipeline, and the monitor's rates come from
   it; then stop;
7. size a predictive campaign with the pacing simulator, beside the optimal bound.

Compliance is evaluated at a fixed instant inside calling hours (``DEMO_INSTANT``, a
Tuesday at 11:00 in New York, overridable with ``--at``) against the sample contacts, DNC
lists and attempt history shipped inside the package (``cxdial/demo_data``, the same files
as ``examples/``), so the demo shows the same decisions wherever and whenever it runs.
Every input must be there: a missing one stops the demo before the emulator starts, and
no call is placed unless the screen ran with its DNC lists loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import typer
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cxdial.cli.app import console, styled
from cxdial.errors import ComplianceBlocked, CxdialError, ValidationError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cxdial.calls import CallResult
    from cxdial.compliance import Gate
    from cxdial.cxone import Client
    from cxdial.events.queue import EventQueue

__all__ = ["DEMO_INSTANT", "register"]

_CONSENTED = {"consent": "express_written", "consent_at": "2026-01-05", "phone_type": "mobile"}


@dataclass(frozen=True)
class _DemoCall:
    label: str
    to: str
    attributes: dict[str, str]


_CALLS = (
    _DemoCall("answers", "+12025550000", {**_CONSENTED, "state": "DC"}),
    _DemoCall("never picks up", "+13125550001", {**_CONSENTED, "state": "IL"}),
    _DemoCall("line busy", "+14155550002", {**_CONSENTED, "state": "CA"}),
    _DemoCall("voicemail", "+16175550003", {**_CONSENTED, "state": "MA"}),
    _DemoCall("disconnected number", "+17135550004", {**_CONSENTED, "state": "TX"}),
    _DemoCall(
        "consent revoked",
        "+12125550006",
        {**_CONSENTED, "state": "NY", "revoked_at": "2026-06-01"},
    ),
    _DemoCall("no written consent", "+19725550007", {"state": "TX", "phone_type": "mobile"}),
    _DemoCall("on our do-not-call list", "+16465550175", {**_CONSENTED, "state": "NY"}),
)


DEMO_INSTANT = datetime(2026, 11, 24, 11, 0, tzinfo=ZoneInfo("America/New_York"))
"""When the demo's compliance decisions are evaluated (the sample DNC lists are fresh then)."""


DEMO_FILES = (
    "contacts.csv",
    "dnc-national.txt",
    "dnc-internal.txt",
    "history.csv",
    "campaign.yaml",
)
"""The demo's inputs: the sample list, the DNC lists it must honour, earlier attempts, and
the campaign spec whose list is that sample."""


@dataclass(frozen=True)
class DemoInputs:
    """The demo's input files, each one present."""

    contacts: Path
    dnc: tuple[Path, ...]
    history: Path
    spec: Path

    @classmethod
    def in_folder(cls, folder: Path) -> DemoInputs:
        """The inputs in ``folder``; a missing one is an error naming it."""
        missing = [name for name in DEMO_FILES if not (folder / name).is_file()]
        if missing:
            raise ValidationError(
                f"the demo needs {', '.join(missing)} in {folder}",
                field="--examples",
                fix="point --examples at a folder holding "
                + ", ".join(DEMO_FILES)
                + ", or leave it out to use the samples shipped with cxdial",
            )
        return cls(
            contacts=folder / "contacts.csv",
            dnc=tuple(sorted(folder.glob("dnc-*.txt"))),
            history=folder / "history.csv",
            spec=folder / "campaign.yaml",
        )


@contextmanager
def demo_inputs(folder: Path | None) -> Iterator[DemoInputs]:
    """``folder``'s inputs, or the samples shipped as package data (``cxdial/demo_data``)."""
    if folder is not None:
        yield DemoInputs.in_folder(folder)
        return
    with as_file(files("cxdial").joinpath("demo_data")) as shipped:
        yield DemoInputs.in_folder(Path(shipped))


def _gate(inputs: DemoInputs) -> Gate:
    """The gate with the sample DNC lists and attempt history; refuses to run without them."""
    from cxdial.compliance import AttemptHistory, DncIndex, Gate

    dnc = DncIndex.from_files(inputs.dnc)
    if not dnc.snapshots:
        raise ValidationError(
            "the demo loaded no DNC list", field="--examples", fix="restore dnc-*.txt"
        )
    return Gate(dnc=dnc, history=AttemptHistory.from_csv(inputs.history))


def _client(url: str) -> Client:
    from cxdial.config import Settings
    from cxdial.cxone import Client
    from cxdial.emulator import credentials as creds

    return Client.from_settings(
        Settings(
            issuer=url,
            access_key_id=creds.DEMO_ACCESS_KEY_ID,
            access_key_secret=creds.DEMO_ACCESS_KEY_SECRET,
            client_id=creds.DEMO_CLIENT_ID,
            client_secret=creds.DEMO_CLIENT_SECRET,
            rate_limit=50.0,
            rate_burst=50,
        )
    )


def _auth_step(client: Client) -> None:
    info = client.authenticate()
    table = Table(title="1 · authentication (discovery → access-key grant)", show_header=False)
    table.add_row("issuer", info.issuer)
    table.add_row("token endpoint", str(info.token_endpoint))
    table.add_row("API endpoint", str(info.api_endpoint))
    table.add_row("tenant", str(info.tenant_id))
    table.add_row("business unit", str(info.claims.get("icBUId", "—")))
    table.add_row("token expires", info.expires_at.isoformat() if info.expires_at else "—")
    console.print(table)


def _screen_step(gate: Gate, at: datetime, contacts: Path) -> None:
    from cxdial.compliance import Purpose, read_contacts

    result = gate.screen(read_contacts(contacts), at, purpose=Purpose.TELEMARKETING)
    summary = result.summary()
    table = Table(title=f"2 · compliance screen of {contacts.name}\nat {at.isoformat()}")
    table.add_column("id", no_wrap=True)
    table.add_column("phone", no_wrap=True)
    table.add_column("decision", no_wrap=True)
    table.add_column("reasons", overflow="fold")
    for row in result.report().iter_rows(named=True):
        colour = "green" if row["decision"] == "ALLOW" else "red"
        table.add_row(
            str(row["id"]),
            str(row["phone_e164"] or "—"),
            Text(str(row["decision"]), style=colour),
            str(row["reasons"] or "").replace(";", " "),
        )
    console.print(table)
    decided = ", ".join(f"{k} {v}" for k, v in summary["decisions"].items())
    reasons = ", ".join(f"{k} {v}" for k, v in summary["reasons"].items() if v)
    console.print(f"   decisions: {decided}; reasons: {reasons or 'none'}")


def _calls_step(
    client: Client, gate: Gate, at: datetime, timeout: float
) -> list[CallResult | None]:
    from cxdial.calls import CallOutcome, CallPlacer
    from cxdial.calls.compliance_hook import gate_check
    from cxdial.compliance import Purpose
    from cxdial.emulator import credentials as creds

    table = Table(title="3 · ad-hoc calls (gate → /scripts/start → follow to disposition)")
    table.add_column("callee")
    table.add_column("number", no_wrap=True)
    table.add_column("gate → outcome (CXone says, duration)", overflow="fold")
    results: list[CallResult | None] = []
    for call in _CALLS:
        hook = gate_check(
            gate, purpose=Purpose.TELEMARKETING, attributes=call.attributes, at=lambda: at
        )
        placer = CallPlacer(client, pre_dial=hook)
        try:
            _placed, result = placer.call(
                call.to,
                caller_id=creds.DEMO_CALLER_ID,
                skill_id=creds.DEMO_SKILL_ID,
                wait=True,
                timeout=timeout,
            )
        except ComplianceBlocked as blocked:
            gate_cell = styled(("BLOCK ", "red"), " ".join(blocked.reasons))
            table.add_row(call.label, call.to, gate_cell)
            results.append(None)
            continue
        if result is None:  # wait=True always follows; a result is always there
            raise CxdialError(f"the call to {call.to} was not followed")
        colour = "green" if result.outcome is CallOutcome.ANSWERED else "yellow"
        outcome = styled(
            ("ALLOW ", "green"),
            (result.outcome.value, colour),
            f" ({result.reason}, {result.duration_seconds or 0:.0f}s)",
        )
        table.add_row(call.label, call.to, outcome)
        results.append(result)
    console.print(table)
    return results


@contextmanager
def _pipeline(folder: Path, secret: str) -> Iterator[tuple[str, Engine, EventQueue]]:
    """A cxdial service (receiver + worker) in this process over a SQLite store in
    ``folder``: its URL, the store's engine and the queue."""
    from cxdial.events.embedded import EmbeddedQueue
    from cxdial.service import ServiceConfig
    from cxdial.service.background import ServiceThread
    from cxdial.service.runtime import Service
    from cxdial.store import make_engine

    engine = make_engine(f"sqlite:///{folder / 'demo.db'}")
    queue = EmbeddedQueue(engine)
    service = Service(
        ServiceConfig(secrets=(secret,)), engine, queue, ("receiver", "worker"), port=0
    )
    try:
        with ServiceThread(service) as url:
            yield url, engine, queue
    finally:
        engine.dispose()


def _events_step(
    client: Client,
    emulator_url: str,
    engine: Engine,
    queue: EventQueue,
    results: list[CallResult | None],
    timeout: float,
) -> None:
    """Wait until the service stored every placed call's end, then compare with CXone."""
    import asyncio
    import time

    import httpx

    from cxdial.events import Processor, event_from_completed, pipeline_stats

    placed = {r.contact_id: r for r in results if r is not None}
    httpx.post(f"{emulator_url}/_emulator/webhooks/flush", timeout=timeout).raise_for_status()
    processor = Processor(engine)
    deadline = time.monotonic() + timeout
    while True:
        views = {cid: processor.call(cid) for cid in placed}
        if all(v is not None and v.outcome is not None for v in views.values()):
            break
        if time.monotonic() > deadline:
            missing = sorted(cid for cid, v in views.items() if v is None or v.outcome is None)
            raise CxdialError(
                f"the service did not store the end of contact(s) {missing} in {timeout:g} s",
                fix="run with -v to see the receiver's and worker's log",
            )
        time.sleep(0.05)
    polled = {
        r.contact_id: event_from_completed(r)
        for r in client.contacts.iter_completed(updated_since="2020-01-01T00:00:00Z")
        if r.contact_id in placed
    }
    table = Table(title="5 · event pipeline (signed pushes → durable queue → worker → store)")
    for column in ("contact", "pushes seen", "stored outcome", "disposition", "CXone says"):
        table.add_column(column, justify="right" if column == "pushes seen" else "left")
    agreed = 0
    for cid, view in views.items():
        assert view is not None
        truth = polled.get(cid)
        same = truth is not None and (truth.outcome, truth.disposition) == (
            view.outcome,
            view.disposition,
        )
        agreed += same
        said = "—" if truth is None else f"{truth.outcome} / {truth.disposition or '—'}"
        table.add_row(
            str(cid),
            str(len(view.sequences)),
            str(view.outcome),
            view.disposition or "—",
            Text(said, style="green" if same else "red"),
        )
    console.print(table)
    stats = asyncio.run(pipeline_stats(queue, engine))
    counts = ", ".join(
        f"{k.replace('_', ' ')} {stats[k]}"
        for k in ("received", "duplicates", "processed", "dead_letters")
    )
    console.print(f"   {counts}; stored = CXone's record for {agreed} of {len(views)} calls")
    if agreed != len(views):
        raise CxdialError(
            f"the stored outcome of {len(views) - agreed} call(s) differs from CXone's",
            fix="report it with the output of 'cxdial events stats --json'",
        )


def _campaign_step(
    client: Client,
    gate: Gate,
    inputs: DemoInputs,
    engine: Engine,
    emulator_url: str,
    clock: Callable[[], datetime],
    earlier: set[int],
    timeout: float,
) -> int:
    """The sample spec as code: validate, plan, apply, plan again (nothing to do), upload
    the list through the gate, start; the emulator's dialer calls the cleared records, the
    pipeline takes their pushes, and the monitor judges the rates; then stop. Returns how
    many records the dialer called."""
    import time

    import httpx

    from cxdial.campaigns.apply import apply_campaign, plan_campaign
    from cxdial.campaigns.context import CampaignContext
    from cxdial.campaigns.lifecycle import transition
    from cxdial.campaigns.monitor import Evaluation, observe
    from cxdial.campaigns.render import monitor_renderable
    from cxdial.campaigns.spec import load_spec
    from cxdial.campaigns.upload import upload_list
    from cxdial.campaigns.validate import validate_spec
    from cxdial.store.audit import open_audit_log
    from cxdial.store.campaigns import CampaignStore

    spec = load_spec(inputs.spec)
    url = engine.url.render_as_string(hide_password=False)
    with CampaignStore(url) as store, open_audit_log(url, environ={}) as audit:
        ctx = CampaignContext(client=client, store=store, audit=audit, actor="demo", clock=clock)
        report = validate_spec(spec, base_dir=inputs.spec.parent, client=client)
        before = plan_campaign(ctx, spec)
        applied = apply_campaign(ctx, spec)
        again = plan_campaign(ctx, spec)
        upload = upload_list(
            ctx, spec, inputs.contacts, gate, skill_id=applied.skill_id, interval=0.1
        )
        started = transition(ctx, spec.name, "start", spec=spec)
        table = Table(title=f"6 · campaign as code: {inputs.spec.name} → skill {applied.skill_id}")
        table.add_column("step")
        table.add_column("result", overflow="fold")
        problems = [f for f in report.findings if f.level == "error"]
        table.add_row("validate", f"{len(report.findings)} finding(s), {len(problems)} error(s)")
        table.add_row("plan", f"{len(before.changes)} field(s) to write on the live skill")
        written = len(applied.changes)
        table.add_row("apply", f"version {applied.version}, {written} field(s) written")
        table.add_row("plan again", "no changes" if not again.has_changes else "CHANGES LEFT")
        table.add_row(
            "list upload",
            f"{upload.cleared} of {upload.rows} rows cleared by the gate and uploaded "
            f"({upload.blocked} blocked, {upload.malformed} malformed)",
        )
        table.add_row("start", f"{started.before} → {started.after}")
        dialed = _await_list_dialed(client, applied.skill_id, upload.accepted, earlier, timeout)
        httpx.post(f"{emulator_url}/_emulator/webhooks/flush", timeout=timeout).raise_for_status()
        table.add_row("dialer", f"{dialed} record(s) called by the platform's dialer")
        deadline = time.monotonic() + timeout
        while True:  # the worker stores the flushed pushes a moment later
            snapshot = observe(ctx, spec, engine=engine)
            stored = snapshot.source == "pipeline" and snapshot.windows[0].ended >= dialed
            if stored or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        stopped = transition(ctx, spec.name, "stop")
        table.add_row("stop", f"{stopped.before} → {stopped.after}")
        console.print(table)
        console.print("   the monitor's look before the stop (watch-only: it would act on these):")
        console.print(monitor_renderable(Evaluation(snapshot)))
    return dialed


def _await_list_dialed(
    client: Client, skill_id: int, records: int, earlier: set[int], timeout: float
) -> int:
    """Wait until the platform reports ``records`` calls of ``skill_id`` completed besides
    the ``earlier`` contact ids (the ad-hoc calls)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        done = sum(
            1
            for c in client.contacts.iter_completed(
                updated_since="2020-01-01T00:00:00Z", skill_id=skill_id
            )
            if c.contact_id not in earlier
        )
        if done >= records or time.monotonic() > deadline:
            return done
        time.sleep(0.2)


def _pacing_step(seed: int, agents: int = 20, answer_rate: float = 0.3) -> None:
    from cxdial.pacing import lp_bound, make_policy, scenario_from, simulate

    scenario = scenario_from(
        {
            "name": f"{agents} agents, one 8-hour day",
            "agents": agents,
            "hours": 8,
            "outcomes": {"live": answer_rate, "no_answer": 1 - answer_rate},
        }
    )
    bound = lp_bound(agents, answer_rate)
    table = Table(
        title=f"7 · pacing: {agents} agents, p={answer_rate}, h=120 s, r=20 s, cap 3 %\n"
        f"(optimal bound {bound.utilization:.1%})"
    )
    for column in ("policy", "util.", "of bound", "abandoned", "dials", "talk min/h"):
        table.add_column(column, justify="right")
    for spec in ("progressive", "ratio:2.0", "vicidial", "predictive"):
        result = simulate(scenario, make_policy(spec), seed=seed)
        over = result.abandon_rate > scenario.cap
        table.add_row(
            spec,
            f"{result.utilization:.1%}",
            f"{result.utilization / bound.utilization:.0%}",
            Text(f"{result.abandon_rate:.2%}", style="red" if over else "green"),
            str(result.dials),
            f"{result.talk_minutes_per_agent_hour:.1f}",
        )
    console.print(table)


def demo(
    seed: int = typer.Option(7, "--seed", help="emulator and simulator seed"),
    speed: float = typer.Option(60.0, "--speed", min=0.001, help="emulated s per real second"),
    examples: Path | None = typer.Option(
        None,
        "--examples",
        envvar="CXDIAL_DEMO_EXAMPLES",
        file_okay=False,
        help="folder with contacts.csv, dnc-*.txt, history.csv and campaign.yaml "
        "(default: the shipped samples)",
    ),
    at: datetime = typer.Option(
        DEMO_INSTANT.isoformat(), "--at", help="instant the compliance gate evaluates"
    ),
    timeout: float = typer.Option(60.0, "--timeout", help="real seconds to follow each call"),
    skip_pacing: bool = typer.Option(False, "--skip-pacing", help="leave out the simulator"),
) -> None:
    """Run the main job against a freshly started emulator and show every step."""
    import base64
    import secrets
    import tempfile
    import time
    from datetime import timedelta

    from cxdial.emulator import EmulatorConfig
    from cxdial.emulator.testing import EmulatorServer

    if at.tzinfo is None:
        at = at.replace(tzinfo=DEMO_INSTANT.tzinfo)
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    with demo_inputs(examples) as inputs:
        gate = _gate(inputs)  # a missing or broken input stops the demo before anything starts
        with (
            tempfile.TemporaryDirectory(prefix="cxdial-demo-") as tmp,
            _pipeline(Path(tmp), secret) as (service_url, engine, queue),
        ):
            config = EmulatorConfig(
                seed=seed,
                speed=speed,
                start_at=at,
                webhook_url=f"{service_url}/webhooks/cxone",
                webhook_secret=secret,
            )
            with EmulatorServer(config) as server:
                began = time.monotonic()

                def clock() -> datetime:  # the emulator's simulated now
                    return at + timedelta(seconds=(time.monotonic() - began) * speed)

                console.print(
                    Panel.fit(
                        f"CXone emulator on {server.url} (seed {seed}, {speed:g}× time)\n"
                        "point other shells at it with:\n"
                        f"  cxdial emulator --port {server.port} --print-env\n"
                        f"cxdial service (receiver + worker) on {service_url}",
                        title="cxdial demo",
                    )
                )
                with _client(server.url) as client:
                    _auth_step(client)
                    _screen_step(gate, at, inputs.contacts)
                    results = _calls_step(client, gate, at, timeout)
                    _events_step(client, server.url, engine, queue, results, timeout)
                    earlier = {r.contact_id for r in results if r is not None}
                    dialed = _campaign_step(
                        client, gate, inputs, engine, server.url, clock, earlier, timeout
                    )
    if not skip_pacing:
        _pacing_step(seed)
    placed = [r for r in results if r is not None]
    if not placed:
        raise CxdialError("the demo placed no call", fix="run with -v to see why")
    console.print(
        styled(
            ("demo complete: ", "bold green"),
            f"{len(placed)} calls placed and followed, "
            f"{len(results) - len(placed)} blocked by the compliance gate before dialing; "
            f"the campaign's dialer called {dialed} cleared record(s)",
        )
    )


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the root app."""
    app.command("demo")(demo)
