"""The service's FastAPI app, wired from plain parts: config, authenticator, queue."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from cxdial.events.models import event_schema
from cxdial.events.queue import EventQueue
from cxdial.events.stats import pipeline_stats
from cxdial.service.config import ServiceConfig
from cxdial.service.dashboard import dashboard_router
from cxdial.service.receiver import ReceiverApp, WebhookEndpoint, receiver_router
from cxdial.service.signatures import Authenticator

__all__ = ["create_app"]


def create_app(config: ServiceConfig, queue: EventQueue, engine: Engine | None = None) -> FastAPI:
    """The receiver app: ``POST /webhooks/cxone``, ``GET /healthz``, ``GET /schemas/event.json``,
    and ``GET /events/stats`` (bearer ``api_token``; the store's counts when ``engine`` is given).
    """
    config.require_auth()
    app = ReceiverApp(title="cxdial service", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.queue = queue
    auth = Authenticator(config.secrets, config.tokens)
    endpoint = WebhookEndpoint(auth, queue, max_body=config.max_body)
    app.include_router(receiver_router(endpoint))
    app.webhook = endpoint  # POST /webhooks/cxone skips FastAPI's stack
    app.include_router(dashboard_router(config.api_token, queue, engine))  # GET /dashboard
    schema = event_schema()

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        """200 once the queue answers (so events would be accepted), else 503."""
        try:
            stats = await queue.stats()
        except Exception as exc:  # any failure means not ready
            return JSONResponse({"status": "unavailable", "error": type(exc).__name__}, 503)
        return JSONResponse({"status": "ok", "pending": stats.pending})

    @app.get("/schemas/event.json")
    async def event_json_schema() -> dict[str, Any]:
        """The JSON Schema of the pushed event body."""
        return schema

    @app.get("/events/stats")
    async def events_stats(request: Request) -> JSONResponse:
        """The pipeline's counts, for a caller holding the API token."""
        given = request.headers.get("authorization", "").removeprefix("Bearer ").encode()
        token = (config.api_token or "").encode()
        if not token or not hmac.compare_digest(token, given):
            return JSONResponse(
                {"error": "bearer token required", "fix": "set CXDIAL_API_TOKEN and send it"},
                status_code=401,
            )
        if engine is None:
            stats = await queue.stats()
            return JSONResponse(
                {"received": stats.received, "pending": stats.pending, "dead_letters": stats.dead}
            )
        return JSONResponse(await pipeline_stats(queue, engine))

    return app
