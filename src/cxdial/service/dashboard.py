"""The dashboard: ``GET /dashboard`` (one self-contained page) and ``GET /api/dashboard``.

The page carries no data and no token: it asks for the API token once (or reads it from the
URL fragment ``#token=…``), keeps it in ``sessionStorage`` and polls ``/api/dashboard``
with it, building the DOM with ``textContent`` only. The JSON, behind the same bearer
``CXDIAL_API_TOKEN`` as ``/events/stats``, holds per campaign of the campaign store its
remembered run state (the service has no CXone client, so unlike ``cxdial campaign
status`` it does not reconcile with the platform), the monitor's rolling windows from the
event pipeline (:class:`cxdial.campaigns.monitor.Rates` over
:func:`cxdial.events.metrics.totals`), the 30-day abandonment against the 3 % cap, the
monitor's memory (degraded / failed over) and the pipeline's counts
(:func:`cxdial.events.stats.pipeline_stats`).
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import Engine, inspect, select

from cxdial.campaigns.monitor import pipeline_rates, rate_windows
from cxdial.campaigns.spec import ABANDON_CAP, CampaignSpec, MonitorSettings, parse_spec
from cxdial.errors import CxdialError
from cxdial.events.queue import EventQueue
from cxdial.events.stats import pipeline_stats
from cxdial.store.campaigns import CampaignStore, RunRow
from cxdial.store.db import session_scope

__all__ = ["dashboard_data", "dashboard_router", "page"]


def page() -> str:
    """The packaged HTML page (no data in it)."""
    return files("cxdial.service").joinpath("dashboard.html").read_text(encoding="utf-8")


def _spec(store: CampaignStore, campaign: str) -> tuple[CampaignSpec | None, int | None]:
    """The newest applied spec and its number (None: never applied, or no longer valid)."""
    latest = store.latest(campaign)
    if latest is None:
        return None, None
    try:
        return parse_spec(latest.spec, source=f"{campaign} version {latest.number}"), latest.number
    except CxdialError:
        return None, latest.number


def _campaign(engine: Engine, store: CampaignStore, run: RunRow, now: datetime) -> dict[str, Any]:
    spec, version = _spec(store, run.campaign)
    guard = spec.monitor if spec else MonitorSettings()
    spans = rate_windows(spec)
    windows = [pipeline_rates(engine, run.skill_id, x, now - span, now) for x, span in spans]
    month = windows[-1]
    rate = month.abandonment_rate
    near = ABANDON_CAP - guard.abandon_margin
    level = "over" if rate >= ABANDON_CAP else "near" if rate >= near else "ok"
    memory = store.monitor_state(run.campaign)
    return {
        "campaign": run.campaign,
        "skill_id": run.skill_id,
        "state": run.state,
        "state_updated_at": run.updated_at.isoformat(),
        "version": version,
        "windows": [w.as_dict() for w in windows],
        "abandonment_30d": {
            "rate": round(rate, 4),
            "cap": ABANDON_CAP,
            "near_at": round(near, 4),
            "live_answers": month.live_answers,
            "level": level,
        },
        "monitor": {
            "degraded": memory.degraded,
            "backup": memory.backup,
            "failed_over_at": memory.failed_over_at.isoformat() if memory.failed_over_at else None,
        },
    }


def dashboard_data(engine: Engine, now: datetime) -> list[dict[str, Any]]:
    """Every campaign with a run state, by name (the campaign store's tables may not exist)."""
    if not inspect(engine).has_table(RunRow.__tablename__):
        return []
    with session_scope(engine) as session:
        runs = list(session.scalars(select(RunRow).order_by(RunRow.campaign)))
    store = CampaignStore(engine)
    return [_campaign(engine, store, run, now) for run in runs]


def dashboard_router(
    api_token: str | None,
    queue: EventQueue,
    engine: Engine | None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> APIRouter:
    """``GET /dashboard`` (public, data-free) and ``GET /api/dashboard`` (bearer token)."""
    router = APIRouter()
    html = page()

    @router.get("/dashboard")
    async def dashboard() -> HTMLResponse:
        """The page; it fetches its figures from ``/api/dashboard``."""
        return HTMLResponse(
            html,
            headers={
                "cache-control": "no-store",
                "x-content-type-options": "nosniff",
                "content-security-policy": "default-src 'none'; script-src 'unsafe-inline'; "
                "style-src 'unsafe-inline'; img-src data:; connect-src 'self'",
                "referrer-policy": "no-referrer",
            },
        )

    @router.get("/api/dashboard")
    async def dashboard_json(request: Request) -> JSONResponse:
        """Campaign health and the pipeline's counts, for a caller holding the API token."""
        given = request.headers.get("authorization", "").removeprefix("Bearer ").encode()
        token = (api_token or "").encode()
        if not token or not hmac.compare_digest(token, given):
            return JSONResponse(
                {"error": "bearer token required", "fix": "set CXDIAL_API_TOKEN and send it"},
                status_code=401,
            )
        now = clock()
        if engine is None:
            stats = await queue.stats()
            pipeline: dict[str, int] = {
                "received": stats.received,
                "pending": stats.pending,
                "dead_letters": stats.dead,
            }
            campaigns: list[dict[str, Any]] = []
        else:
            pipeline = await pipeline_stats(queue, engine)
            campaigns = await asyncio.to_thread(dashboard_data, engine, now)
        return JSONResponse(
            {"at": now.isoformat(), "pipeline": pipeline, "campaigns": campaigns},
            headers={"cache-control": "no-store"},
        )

    return router
