"""``cxdial demo``: the main job, end to end, against an emulator started on the spot.

1. start the CXone emulator on a free loopback port (accelerated clock);
2. authenticate the way a real tenant wants it (discovery, access-key grant);
3. screen the sample contact list through the compliance gate;
4. place a handful of ad-hoc calls through the gate and follow each to its outcome;
5. size a predictive campaign with the pacing simulator, beside the optimal bound.

Compliance is evaluated at a fixed instant inside calling hours (``DEMO_INSTANT``, a
Tuesday at 11:00 in New York, overridable with ``--at``) against the sample DNC lists and
attempt history in ``examples/``, so the demo shows the same decisions whenever it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from rich.panel import Panel
from rich.table import Table

from cxdial.calls import CallOutcome, CallPlacer, CallResult
from cxdial.calls.compliance_hook import gate_check
from cxdial.cli.app import console
from cxdial.compliance import AttemptHistory, DncIndex, Gate, Purpose, read_contacts
from cxdial.config import Settings
from cxdial.cxone import Client
from cxdial.emulator import EmulatorConfig
from cxdial.emulator import credentials as creds
from cxdial.emulator.testing import EmulatorServer
from cxdial.errors import ComplianceBlocked, CxdialError

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


def _gate(examples: Path) -> Gate:
    """The gate with the sample DNC lists and attempt history, where present."""
    dnc = sorted(examples.glob("dnc-*.txt"))
    history = examples / "history.csv"
    return Gate(
        dnc=DncIndex.from_files(dnc) if dnc else None,
        history=AttemptHistory.from_csv(history) if history.exists() else None,
    )


def _client(url: str) -> Client:
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
    table.add_row("tenant / business unit", f"{info.tenant_id} / {info.claims.get('icBUId')}")
    table.add_row("token expires", info.expires_at.isoformat() if info.expires_at else "?")
    console.print(table)


def _screen_step(gate: Gate, at: datetime, contacts: Path) -> None:
    if not contacts.exists():
        console.print(f"[yellow]2 · screening skipped:[/] {contacts} not found")
        return
    result = gate.screen(read_contacts(contacts), at, purpose=Purpose.TELEMARKETING)
    summary = result.summary()
    table = Table(title=f"2 · compliance screen of {contacts} at {at.isoformat()}")
    table.add_column("id")
    table.add_column("phone")
    table.add_column("decision")
    table.add_column("reasons")
    for row in result.report().iter_rows(named=True):
        colour = "green" if row["decision"] == "ALLOW" else "red"
        table.add_row(
            str(row["id"]),
            str(row["phone_e164"] or ""),
            f"[{colour}]{row['decision']}[/]",
            str(row["reasons"] or ""),
        )
    console.print(table)
    console.print(f"   decisions: {summary['decisions']}  reasons: {summary['reasons']}")


def _calls_step(
    client: Client, gate: Gate, at: datetime, timeout: float
) -> list[CallResult | None]:
    table = Table(title="3 · ad-hoc calls (gate → /scripts/start → follow to disposition)")
    for column in ("callee", "number", "gate", "contact", "outcome", "CXone says", "seconds"):
        table.add_column(column)
    results: list[CallResult | None] = []
    for call in _CALLS:
        hook = gate_check(
            gate, purpose=Purpose.TELEMARKETING, attributes=call.attributes, at=lambda: at
        )
        placer = CallPlacer(client, pre_dial=hook)
        try:
            placed, result = placer.call(
                call.to,
                caller_id=creds.DEMO_CALLER_ID,
                skill_id=creds.DEMO_SKILL_ID,
                wait=True,
                timeout=timeout,
            )
        except ComplianceBlocked as blocked:
            table.add_row(
                call.label,
                call.to,
                f"[red]BLOCK[/] {', '.join(blocked.reasons)}",
                "-",
                "-",
                "-",
                "-",
            )
            results.append(None)
            continue
        assert result is not None  # wait=True always follows
        colour = "green" if result.outcome is CallOutcome.ANSWERED else "yellow"
        table.add_row(
            call.label,
            call.to,
            "[green]ALLOW[/]",
            str(placed.contact_id),
            f"[{colour}]{result.outcome.value}[/]",
            result.reason,
            f"{result.duration_seconds or 0:.0f}",
        )
        results.append(result)
    console.print(table)
    return results


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
        title=f"4 · pacing: {agents} agents, p={answer_rate}, h=120 s, r=20 s, cap 3 % "
        f"(optimal bound {bound.utilization:.1%})"
    )
    for column in ("policy", "utilisation", "of bound", "abandonment", "dials", "talk min/h"):
        table.add_column(column, justify="right")
    for spec in ("progressive", "ratio:2.0", "vicidial", "predictive"):
        result = simulate(scenario, make_policy(spec), seed=seed)
        over = result.abandon_rate > scenario.cap
        table.add_row(
            spec,
            f"{result.utilization:.1%}",
            f"{result.utilization / bound.utilization:.0%}",
            f"[{'red' if over else 'green'}]{result.abandon_rate:.2%}[/]",
            str(result.dials),
            f"{result.talk_minutes_per_agent_hour:.1f}",
        )
    console.print(table)


def demo(
    ctx: typer.Context,
    seed: int = typer.Option(7, "--seed", help="emulator and simulator seed"),
    speed: float = typer.Option(60.0, "--speed", help="emulated seconds per real second"),
    examples: Path = typer.Option(
        Path("examples"), "--examples", help="folder with contacts.csv, dnc-*.txt, history.csv"
    ),
    at: datetime = typer.Option(
        DEMO_INSTANT.isoformat(), "--at", help="instant the compliance gate evaluates"
    ),
    timeout: float = typer.Option(60.0, "--timeout", help="real seconds to follow each call"),
    skip_pacing: bool = typer.Option(False, "--skip-pacing", help="leave out the simulator"),
) -> None:
    """Run the main job against a freshly started emulator and show every step."""
    del ctx
    if at.tzinfo is None:
        at = at.replace(tzinfo=DEMO_INSTANT.tzinfo)
    gate = _gate(examples)
    config = EmulatorConfig(seed=seed, speed=speed)
    with EmulatorServer(config) as server:
        console.print(
            Panel.fit(
                f"CXone emulator on {server.url} (seed {seed}, {speed:g}× time)\n"
                f"point other shells at it with: cxdial emulator --port {server.port} --print-env",
                title="cxdial demo",
            )
        )
        with _client(server.url) as client:
            _auth_step(client)
            _screen_step(gate, at, examples / "contacts.csv")
            results = _calls_step(client, gate, at, timeout)
    if not skip_pacing:
        _pacing_step(seed)
    placed = [r for r in results if r is not None]
    if not placed:
        raise CxdialError("the demo placed no call", fix="run with -v to see why")
    console.print(
        f"[bold green]demo complete:[/] {len(placed)} calls placed and followed, "
        f"{len(results) - len(placed)} blocked by the compliance gate before dialing"
    )


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the root app."""
    app.command("demo")(demo)
