"""The dashboard over real loopback HTTP: the page (data-free, DOM by textContent) and the
token-guarded JSON with the monitor's rolling rates, the run state and the pipeline's counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from service_support import SECRET, Running, run_service

from cxdial.events import Envelope, parse_event
from cxdial.events.consumer import Handled, Processor
from cxdial.service import ServiceConfig
from cxdial.store import make_engine
from cxdial.store.campaigns import CampaignStore, MonitorState

TOKEN = "dash-token-0123456789"
HOSTILE = '<img src=x onerror="alert(1)">&amp;</script>'
SKILL = 12


def _call(contact: int, outcome: str, ago: timedelta, now: datetime) -> list[Envelope]:
    start = now - ago
    base: dict[str, Any] = {"contact_id": contact, "skill_id": SKILL, "phone": "+13055550142"}
    bodies = [
        {**base, "type": "call.started", "occurred_at": start.isoformat(), "sequence": 1},
        {
            **base,
            "type": "call.abandoned" if outcome == "abandoned" else "call.completed",
            "occurred_at": (start + timedelta(seconds=40)).isoformat(),
            "outcome": outcome,
            "sequence": 2,
        },
    ]
    return [
        Envelope.of(parse_event(b), id=f"m{contact}-{i}", source="push")
        for i, b in enumerate(bodies)
    ]


@pytest.fixture
def served(store_url: str, tmp_path: Path) -> Iterator[Running]:
    """The receiver with an API token, on the SQLite or PostgreSQL store."""
    config = ServiceConfig(secrets=(SECRET,), api_token=TOKEN)
    yield from run_service(tmp_path, roles=("receiver",), config=config, db=store_url)


def _feed(db: str) -> None:
    """Five calls of skill 12 through the real Processor (one two days old), one redelivered;
    a running campaign with a hostile name whose monitor failed it over."""
    now = datetime.now(UTC)
    recent = [(1, "answered"), (2, "answered"), (3, "abandoned"), (4, "machine")]
    envelopes = [e for c, o in recent for e in _call(c, o, timedelta(minutes=5 + c), now)]
    envelopes += _call(5, "answered", timedelta(days=2), now)
    engine = make_engine(db)
    try:
        processor = Processor(engine)
        assert set(processor.handle(envelopes)) == {Handled.PROCESSED}
        assert processor.handle(envelopes[:1]) == [Handled.DUPLICATE]
        with CampaignStore(engine) as store:
            store.set_run(HOSTILE, SKILL, "running")
            store.set_monitor_state(MonitorState(HOSTILE, True, "backup-b", now))
    finally:
        engine.dispose()


def test_the_json_carries_the_rates_state_and_counts(served: Running) -> None:
    """Rates per window as the monitor defines them, the cap level, the monitor's memory."""
    _feed(served.db)
    r = httpx.get(served.url + "/api/dashboard", headers={"authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    data = r.json()
    assert data["pipeline"]["processed"] == 10
    assert data["pipeline"]["duplicates"] == 1
    assert data["pipeline"]["dead_letters"] == 0
    assert data["pipeline"]["outbound_dead"] == 0
    [camp] = data["campaigns"]
    assert camp["campaign"] == HOSTILE  # verbatim text in a JSON string, never markup
    assert (camp["skill_id"], camp["state"], camp["version"]) == (SKILL, "running", None)
    by = {w["window"]: w for w in camp["windows"]}
    assert list(by) == ["30m", "24h", "30d"]
    assert {k: by["30m"][k] for k in ("ended", "answered", "abandoned", "live_answers")} == {
        "ended": 4,
        "answered": 2,
        "abandoned": 1,
        "live_answers": 3,
    }
    assert (by["30m"]["answer_rate"], by["30m"]["success_rate"]) == (0.75, 0.5)
    assert by["30m"]["abandonment_rate"] == 0.3333
    assert (by["30d"]["ended"], by["30d"]["abandonment_rate"]) == (5, 0.25)
    assert camp["abandonment_30d"] == {
        "rate": 0.25,
        "cap": 0.03,
        "near_at": 0.025,
        "live_answers": 4,
        "level": "over",
    }
    assert camp["monitor"]["degraded"] is True
    assert camp["monitor"]["backup"] == "backup-b"


def test_the_json_needs_the_token(served: Running) -> None:
    """No token, or a wrong one: 401 and no figures."""
    for headers in ({}, {"authorization": "Bearer nope"}, {"authorization": TOKEN + "x"}):
        r = httpx.get(served.url + "/api/dashboard", headers=headers)
        assert r.status_code == 401
        assert "campaigns" not in r.json()


def test_the_page_is_html_without_data_and_builds_text_nodes(served: Running) -> None:
    """The page is public, self-contained (no external URL), holds no figures nor token,
    and renders data with textContent only."""
    _feed(served.db)
    r = httpx.get(served.url + "/dashboard")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "connect-src 'self'" in r.headers["content-security-policy"]
    html = r.text
    assert "/api/dashboard" in html
    assert "sessionStorage" in html
    for data in (HOSTILE, "backup-b", TOKEN, "0.3333"):
        assert data not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    script = html[html.index("<script>") : html.index("</script>")]
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script
    assert "textContent" in script
