"""The frequency cap sees campaign calls: two completed calls pushed as events through a
running receiver + worker block the third, in ``cxdial call`` and in ``cxdial screen
--history-from-store``.

The rule that applies: Massachusetts debt collection, at most two initiated telephone
communications per debt in each 7-day period (940 CMR 7.04(1)(f), 209 CMR 18.16(1)(d);
``ma.debt.calls_per_week``: 2 per 168 h, busy and failed not counted). Without a debt id the
count is per number, which is what the pushed attempts carry.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from service_support import Running, push, run_service

from cxdial.cli import main
from cxdial.emulator import EmulatorConfig
from cxdial.emulator import credentials as demo
from cxdial.emulator.testing import EmulatorServer
from cxdial.events.consumer import Processor
from cxdial.store import make_engine

DIAL = datetime.fromisoformat("2026-11-24T10:00:00-05:00")
"""The instant of the third call: office hours in Boston."""
CAPPED = "+16175550101"
"""Called twice this morning (no answer, then answered): the third call is over the cap."""
ONCE = "+16175550102"
"""Called once (answered): one more call is allowed."""
BUSY_TWICE = "+16175550103"
"""Two busy attempts: not communications under the MA rule, so not counted."""
DEBT_CALL = [
    "--purpose",
    "debt_collection",
    "--state",
    "MA",
    "--consent",
    "express_written",
    "--consent-at",
    "2026-01-01",
]


def _call(
    contact: int, phone: str, start: str, end: str, outcome: str, disposition: str | None = None
) -> list[dict[str, Any]]:
    """One call's pushes, as a PC skill's Studio script sends them."""
    base = {"contact_id": contact, "skill_id": demo.DEMO_SKILL_ID, "phone": phone}
    events: list[dict[str, Any]] = [
        {**base, "type": "call.started", "occurred_at": start, "sequence": 1},
        {**base, "type": "call.completed", "occurred_at": end, "outcome": outcome, "sequence": 2},
    ]
    if disposition is not None:
        events.append(
            {
                **base,
                "type": "disposition.set",
                "occurred_at": end,
                "disposition": disposition,
                "sequence": 3,
            }
        )
    return events


PUSHES = [
    *_call(8101, CAPPED, "2026-11-24T08:31:00-05:00", "2026-11-24T08:31:40-05:00", "no_answer"),
    *_call(8102, CAPPED, "2026-11-24T09:10:00-05:00", "2026-11-24T09:14:05-05:00", "answered", "7"),
    *_call(8103, ONCE, "2026-11-24T09:20:00-05:00", "2026-11-24T09:22:00-05:00", "answered"),
    *_call(8104, BUSY_TWICE, "2026-11-24T08:40:00-05:00", "2026-11-24T08:40:20-05:00", "busy"),
    *_call(8105, BUSY_TWICE, "2026-11-24T09:40:00-05:00", "2026-11-24T09:40:20-05:00", "busy"),
]


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    """The CXone tenant ``cxdial call`` talks to (manual clock)."""
    with EmulatorServer(EmulatorConfig(seed=3, manual_clock=True)) as server:
        yield server


@pytest.fixture
def running(tmp_path: Path, store_url: str) -> Iterator[Running]:
    """A receiver + worker on a real loopback port, writing ``store_url``."""
    yield from run_service(tmp_path, db=store_url)


@pytest.fixture
def pushed(running: Running, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorServer) -> str:
    """Every push acked by the running receiver and applied by its worker; the CLI's
    environment set to the emulator and the service's store. The store's URL."""
    for n, event in enumerate(PUSHES):
        assert push(running.url, event, f"studio-{n}") == 202
    engine = make_engine(running.db)
    processor = Processor(engine)
    ended = {e["contact_id"] for e in PUSHES}
    deadline = time.monotonic() + 10
    while not all((v := processor.call(c)) is not None and v.outcome for c in ended):
        assert time.monotonic() < deadline, "the worker did not apply the pushes"
        time.sleep(0.02)
    engine.dispose()
    env = {
        "CXDIAL_ISSUER": emulator.url,
        "CXDIAL_ACCESS_KEY_ID": demo.DEMO_ACCESS_KEY_ID,
        "CXDIAL_ACCESS_KEY_SECRET": demo.DEMO_ACCESS_KEY_SECRET,
        "CXDIAL_CLIENT_ID": demo.DEMO_CLIENT_ID,
        "CXDIAL_CLIENT_SECRET": demo.DEMO_CLIENT_SECRET,
        "CXDIAL_SKILL_ID": str(demo.DEMO_SKILL_ID),
        "CXDIAL_CALLER_ID": demo.DEMO_CALLER_ID,
        "CXDIAL_DATABASE_URL": running.db,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return running.db


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = main(list(argv), clock=lambda: DIAL)
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.e2e
def test_cxdial_call_is_blocked_by_the_cap_the_events_filled(
    pushed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The third debt call to a number called twice this morning exits 3 with the cap as the
    only reason and clears a week after the first call; the once-called and the twice-busy
    numbers are dialed through the emulator."""
    code, out = _cli(capsys, "call", CAPPED, *DEBT_CALL, "--json")
    assert code == 3
    assert out["error"]["reasons"] == ["FREQUENCY_CAP"]
    assert out["error"]["next_allowed_at"] == "2026-12-01T13:31:00+00:00"
    for phone in (ONCE, BUSY_TWICE):
        code, out = _cli(capsys, "call", phone, *DEBT_CALL, "--json")
        assert (code, out["status"]) == (0, "dialed")
    code, out = _cli(capsys, "call", ONCE, *DEBT_CALL, "--json")  # the dial just made counts
    assert code == 3
    assert out["error"]["reasons"] == ["FREQUENCY_CAP"]


@pytest.mark.e2e
@pytest.mark.slow
def test_screen_history_from_store_blocks_the_capped_row(
    pushed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``cxdial screen --history-from-store`` blocks the twice-called row for the cap and
    clears the others; without the option the same list clears every row."""
    contacts = tmp_path / "contacts.csv"
    rows = [("capped", CAPPED), ("once", ONCE), ("busy", BUSY_TWICE)]
    contacts.write_text(
        "id,phone,state,consent,consent_at\n"
        + "".join(f"{i},{p},MA,express_written,2026-01-01\n" for i, p in rows)
    )
    report = tmp_path / "report.csv"
    at = DIAL.isoformat()
    base = ["screen", str(contacts), "--at", at, "--purpose", "debt_collection", "--json"]
    code, summary = _cli(capsys, *base, "--history-from-store", "--report", str(report))
    assert code == 0
    assert summary["decisions"] == {"ALLOW": 2, "BLOCK": 1}
    with report.open() as fh:
        decided = {r["id"]: (r["decision"], r["reasons"]) for r in csv.DictReader(fh)}
    assert decided == {
        "capped": ("BLOCK", "FREQUENCY_CAP"),
        "once": ("ALLOW", ""),
        "busy": ("ALLOW", ""),
    }
    code, plain = _cli(capsys, *base)
    assert (code, plain["decisions"]) == (0, {"ALLOW": 3, "BLOCK": 0})


def test_history_and_history_from_store_exclude_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both history sources at once is an input error (exit 2) naming --history."""
    monkeypatch.setenv("CXDIAL_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    contacts = tmp_path / "c.csv"
    contacts.write_text("id,phone\na,+16175550101\n")
    history = tmp_path / "h.csv"
    history.write_text("phone,at\n+16175550101,2026-11-24T09:00:00Z\n")
    argv = ["screen", str(contacts), "--history", str(history), "--history-from-store", "--json"]
    code, out = _cli(capsys, *argv)
    assert code == 2
    assert out["error"]["field"] == "--history"
