"""Call events POSTed to a configured URL, signed per the Standard Webhooks spec.

This is how a CXone Studio script's REST API action would report calls; CXone itself
has no outbound-call webhook (cxone-api.md §3.8), so the payload is cxdial's design, the
pushed-event contract of ``cxdial.events`` (issue 8): ``type`` (``call.started``,
``call.answered``, ``call.completed``, ``call.abandoned``), ``occurred_at``, ``contact_id``,
``skill_id``, ``phone``, ``outcome``, ``disposition``, ``agent_id``, ``duration_s`` and a
per-call ``sequence``; the emulator's raw record rides along as the extra field ``data``.

Headers: ``webhook-id`` (stable across retries), ``webhook-timestamp`` (Unix seconds),
``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``. A secret
``whsec_<base64>`` is base64-decoded to get the key; any other secret is used as UTF-8.
Delivery is at-least-once: a failed or lost POST is retried, so duplicates can happen.
With ``webhook_concurrency`` > 1 several POSTs are in flight at once (as concurrent Studio
script actions are), so a call's pushes may arrive out of order. Every message's fate is
kept in :attr:`WebhookSender.deliveries` (``GET /_emulator/webhooks/deliveries``).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import logging
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any

from cxdial.emulator.poster import Poster, PostError
from cxdial.emulator.world import World

__all__ = ["Delivery", "WebhookSender", "contract_body", "secret_key", "sign"]

log = logging.getLogger("cxdial.emulator.webhooks")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a Standard Webhooks secret."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret[6:], validate=True)
        except binascii.Error:
            pass
    return secret.encode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for one message."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


_OUTCOMES = {"answered", "no_answer", "busy", "machine", "failed", "abandoned"}


def contract_body(event: dict[str, Any], sequence: int) -> dict[str, Any]:
    """The pushed-event body of one outbox entry (``sequence`` counts the call's pushes)."""
    data = event.get("data", {})
    kind = {"call.dialed": "call.started"}.get(event["type"], event["type"])
    outcome = data.get("outcome")
    if kind == "call.completed" and outcome == "abandoned":
        kind = "call.abandoned"
    phone = str(data.get("toAddress") or "")
    body: dict[str, Any] = {
        "type": kind,
        "occurred_at": event["timestamp"],
        "contact_id": data.get("contactId"),
        "skill_id": data.get("skillId"),
        "phone": phone if phone.startswith("+") else "+1" + phone[-10:],
        "agent_id": data.get("agentId"),
        "duration_s": data.get("totalDurationSeconds"),
        "sequence": sequence,
        "data": data,
    }
    if kind in ("call.completed", "call.abandoned"):
        body["outcome"] = outcome if outcome in _OUTCOMES else "failed"  # e.g. DNC-scrubbed
        if data.get("primaryDispositionId") is not None:
            body["disposition"] = str(data["primaryDispositionId"])
    return {k: v for k, v in body.items() if v is not None}


@dataclass(slots=True)
class Delivery:
    """One message's fate: acked (a 2xx answered it) or given up after its attempts."""

    webhook_id: str
    type: str
    contact_id: Any
    sequence: int
    attempts: int = 0
    acked: bool = False
    status: int | None = None
    """The last HTTP status received (None: only transport errors)."""

    def as_json(self) -> dict[str, Any]:
        """The control API's shape."""
        return {
            "webhookId": self.webhook_id,
            "type": self.type,
            "contactId": self.contact_id,
            "sequence": self.sequence,
            "attempts": self.attempts,
            "acked": self.acked,
            "status": self.status,
        }


class WebhookSender:
    """Delivers the world's outbox from background tasks, retrying failures.

    ``concurrency`` tasks share one queue (1: strictly in order); a message is retried up
    to ``attempts`` times, ``backoff`` seconds doubling up to ``max_backoff`` apart.
    """

    def __init__(
        self,
        world: World,
        *,
        attempts: int = 5,
        backoff: float = 0.2,
        max_backoff: float = 5.0,
        concurrency: int = 1,
    ) -> None:
        self.world = world
        self.attempts = attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.concurrency = max(1, concurrency)
        self.delivered = 0
        self.failed = 0
        self.retries = 0
        self.deliveries: list[Delivery] = []
        self._pending: deque[dict[str, Any]] = deque()
        self._sequences: dict[Any, int] = {}
        self._workers: list[asyncio.Task[None]] = []

    @property
    def pending(self) -> int:
        """Events queued and not yet delivered or given up."""
        in_flight = len(self.deliveries) - self.delivered - self.failed
        return len(self._pending) + len(self.world.outbox) + in_flight

    def kick(self) -> None:
        """Start delivering whatever the world queued (no-op without a URL or events)."""
        if not self.world.config.webhook_url:
            return
        for event in self.world.outbox:
            contact = event.get("data", {}).get("contactId")
            sequence = self._sequences.get(contact, 0) + 1
            self._sequences[contact] = sequence
            if event["type"] == "call.completed":
                self._sequences.pop(contact, None)
            self._pending.append(contract_body(event, sequence))
        self.world.outbox.clear()
        self._workers = [w for w in self._workers if not w.done()]
        while self._pending and len(self._workers) < self.concurrency:
            self._workers.append(asyncio.get_running_loop().create_task(self._drain()))

    async def flush(self) -> None:
        """Deliver everything queued so far and wait for it (tests use this)."""
        self.kick()
        while self._workers:
            await asyncio.gather(*(asyncio.shield(w) for w in self._workers))
            self._workers = [w for w in self._workers if not w.done()]

    async def _drain(self) -> None:
        url = self.world.config.webhook_url or ""
        secret = self.world.config.webhook_secret
        poster = Poster(url, timeout=5.0)
        try:
            while self._pending:
                event = self._pending.popleft()
                entry = Delivery(
                    "msg_" + uuid.uuid4().hex,
                    str(event["type"]),
                    event.get("contact_id"),
                    int(event["sequence"]),
                )
                self.deliveries.append(entry)
                body = json.dumps(event, separators=(",", ":")).encode()
                await self._post(poster, entry, body, secret)
        finally:
            await poster.close()

    async def _post(self, poster: Poster, entry: Delivery, body: bytes, secret: str | None) -> None:
        msg_id = entry.webhook_id
        for attempt in range(self.attempts):
            timestamp = int(time.time())
            headers = {
                "content-type": "application/json",
                "webhook-id": msg_id,
                "webhook-timestamp": str(timestamp),
            }
            if secret:
                headers["webhook-signature"] = sign(secret, msg_id, timestamp, body)
            entry.attempts += 1
            try:
                entry.status = await poster.post(body, headers)
            except PostError as exc:
                log.debug("webhook %s attempt %d failed: %s", msg_id, attempt + 1, exc)
            else:
                if 200 <= entry.status < 300:
                    entry.acked = True
                    self.delivered += 1
                    return
            if attempt + 1 < self.attempts:
                self.retries += 1
                await asyncio.sleep(min(self.backoff * 2**attempt, self.max_backoff))
        self.failed += 1
