"""Outbound webhooks for CRM / WFM: subscriptions per event type, signed, retried, guarded.

Every delivery is signed per Standard Webhooks with the subscription's ``whsec_`` secret
(``webhook-id`` stays the same on every retry, ``webhook-timestamp`` is the attempt's time,
``webhook-signature: v1,…``). A failed attempt is retried on :data:`RETRY_SCHEDULE`
(Svix's: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); after its last attempt a
delivery is a dead letter (:meth:`Outbox.replay` sends it again). An endpoint that fails
``disable_after`` attempts in a row is disabled and its pending deliveries become dead
letters. Targets are resolved once per attempt and the request goes to that pinned address
(``Host`` and TLS SNI keep the name); private, loopback, link-local and other non-global
addresses are refused unless a network in ``allowed_networks`` holds them.
Redirects are not followed (a 3xx is a failed attempt), so a target cannot bounce the
request to an address the guard would refuse.

Many deliverers may share one store: a due delivery is claimed (its ``next_at`` moved to a
lease, compare-and-set) before it is sent, so two deliverers never send it at once; one
that dies mid-send leaves the lease to run out and the delivery is sent again, with the
same ``webhook-id``. Endpoints are served concurrently, each one's deliveries in order.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import json
import secrets
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook

from cxdial.errors import ValidationError
from cxdial.store.event_tables import rowcount
from cxdial.store.webhook_tables import DeliveryRow, SubscriptionRow, create_webhook_schema

__all__ = [
    "RETRY_SCHEDULE",
    "Attempt",
    "OutboundSettings",
    "Outbox",
    "PinnedTarget",
    "Resolver",
    "Subscription",
    "TargetRefused",
    "pin_target",
    "system_resolver",
]

RETRY_SCHEDULE: tuple[float, ...] = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
"""Seconds to wait before each attempt (the first is immediate): Svix's schedule."""

Resolver = Callable[[str, int], Sequence[str]]
"""Host and port to the addresses it resolves to (text form)."""

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(ValidationError):
    """A webhook URL is malformed, or resolves to an address the SSRF guard refuses."""


@dataclass(frozen=True)
class OutboundSettings:
    """Tunables of outbound delivery."""

    schedule: tuple[float, ...] = RETRY_SCHEDULE
    disable_after: int = len(RETRY_SCHEDULE)
    """Failed attempts in a row (over all its deliveries) that disable an endpoint."""
    allowed_networks: tuple[str, ...] = ()
    """CIDRs allowed although not global (e.g. ``127.0.0.0/8`` for a local CRM)."""
    timeout_s: float = 10.0
    batch: int = 100
    lease_s: float = 60.0
    """How long a claimed delivery is held by the deliverer sending it (beyond the timeout)."""

    def __post_init__(self) -> None:
        if not self.schedule or any(s < 0 for s in self.schedule):
            raise ValidationError(
                "the retry schedule is empty or has a negative wait",
                field="schedule",
                fix="give one or more waits in seconds, the first usually 0",
            )
        if self.timeout_s <= 0 or self.batch < 1 or self.lease_s <= 0:
            raise ValidationError(
                "timeout_s, batch and lease_s must be positive",
                field="timeout_s",
                fix="e.g. timeout_s=10, batch=100, lease_s=60",
            )
        if self.disable_after < 1:
            raise ValidationError(
                "disable_after must be at least 1", field="disable_after", fix="use e.g. 8"
            )
        for cidr in self.allowed_networks:
            try:
                ipaddress.ip_network(cidr)
            except ValueError:
                raise ValidationError(
                    f"{cidr!r} is not a network", field="allowed_networks", fix="use CIDR form"
                ) from None


@dataclass(frozen=True)
class PinnedTarget:
    """Where a request goes: the URL's name, and the one address it resolved to."""

    scheme: str
    host: str
    port: int
    address: str
    target: str
    """Path and query of the URL."""

    @property
    def request_url(self) -> str:
        """The URL with the pinned address in place of the name."""
        ip = ipaddress.ip_address(self.address)
        shown = f"[{ip}]" if ip.version == 6 else str(ip)
        return f"{self.scheme}://{shown}:{self.port}{self.target}"

    @property
    def host_header(self) -> str:
        """The ``Host`` header the name-based URL would have sent."""
        default = 443 if self.scheme == "https" else 80
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == default else f"{name}:{self.port}"


@dataclass(frozen=True)
class Subscription:
    """An endpoint subscribed to some event types."""

    id: str
    url: str
    event_types: tuple[str, ...]
    secret: str = field(repr=False)
    enabled: bool
    consecutive_failures: int
    disabled_reason: str | None


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt: its number (from 1), the HTTP status if any, and the outcome."""

    delivery_id: str
    subscription_id: str
    number: int
    ok: bool
    status_code: int | None
    error: str | None
    status: str
    """The delivery's status after the attempt: ``delivered``, ``pending`` or ``dead``."""
    endpoint_disabled: bool = False
    """This attempt disabled the endpoint (``disable_after`` failures in a row)."""


def system_resolver(host: str, port: int) -> Sequence[str]:
    """Every address ``host`` resolves to, by the system resolver."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TargetRefused(
            f"{host} does not resolve: {exc}", field="url", fix="check the host name"
        ) from None
    return [str(info[4][0]) for info in infos]


def _refused_reason(
    ip: _Address, allowed: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> str | None:
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    checked: _Address = mapped or ip
    if any(checked.version == net.version and checked in net for net in allowed):
        return None
    for name in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(checked, f"is_{name}"):
            return name.replace("_", "-")
    return None if checked.is_global else "non-global"


def pin_target(
    url: str, settings: OutboundSettings, resolve: Resolver = system_resolver
) -> PinnedTarget:
    """Resolve ``url``'s host once; refuse it if any address is not allowed; pin the first."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(
            "a webhook URL must be http(s)://host/…", field="url", fix="give an absolute URL"
        )
    if parts.username or parts.password:
        raise TargetRefused(
            "a webhook URL must not carry credentials", field="url", fix="remove user:password@"
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("the URL's port is invalid", field="url", fix="use 1-65535") from None
    host = parts.hostname
    try:
        addresses: Sequence[str] = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = resolve(host, port)
    if not addresses:
        raise TargetRefused(f"{host} resolves to nothing", field="url", fix="check the host name")
    allowed = [ipaddress.ip_network(c) for c in settings.allowed_networks]
    for text in addresses:
        reason = _refused_reason(ipaddress.ip_address(text.split("%")[0]), allowed)
        if reason:
            raise TargetRefused(
                f"{host} resolves to a {reason} address ({text})",
                field="url",
                fix="use a public endpoint, or allow its network in allowed_networks",
            )
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return PinnedTarget(parts.scheme, host, port, addresses[0].split("%")[0], target)


def new_secret() -> str:
    """A fresh ``whsec_`` secret (24 random bytes)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _view(row: SubscriptionRow) -> Subscription:
    return Subscription(
        row.id,
        row.url,
        tuple(row.event_types),
        row.secret,
        row.enabled,
        row.consecutive_failures,
        row.disabled_reason,
    )


class Outbox:
    """Subscriptions and their deliveries in the store; :meth:`deliver_due` sends what is due."""

    def __init__(
        self,
        engine: Engine,
        settings: OutboundSettings | None = None,
        *,
        clock: Callable[[], float] = time.time,
        resolve: Resolver = system_resolver,
    ) -> None:
        self._engine = engine
        self._settings = settings or OutboundSettings()
        self._clock = clock
        self._resolve = resolve
        create_webhook_schema(engine)

    def subscribe(
        self, url: str, event_types: Sequence[str], *, secret: str | None = None
    ) -> Subscription:
        """Subscribe ``url`` to ``event_types`` (``*`` for all); refused targets raise now."""
        pin_target(url, self._settings, self._resolve)
        if not event_types:
            raise ValidationError(
                "a subscription needs event types", field="event_types", fix="e.g. call.completed"
            )
        secret = secret or new_secret()
        try:
            Webhook(secret)
        except Exception:
            raise ValidationError(
                "the secret is not whsec_<base64>", field="secret", fix="omit it to get one"
            ) from None
        row = SubscriptionRow(
            id="ep_" + uuid.uuid4().hex,
            url=url,
            event_types=list(event_types),
            secret=secret,
            enabled=True,
            consecutive_failures=0,
        )
        with Session(self._engine) as session, session.begin():
            session.add(row)
            view = _view(row)
        return view

    def subscription(self, subscription_id: str) -> Subscription:
        """The subscription by id."""
        with Session(self._engine) as session:
            row = session.get(SubscriptionRow, subscription_id)
            if row is None:
                raise ValidationError(
                    f"no subscription {subscription_id}", field="subscription_id", fix="list them"
                )
            return _view(row)

    def enable(self, subscription_id: str) -> None:
        """Re-enable a disabled endpoint (its failure count starts again)."""
        with Session(self._engine) as session, session.begin():
            row = session.get(SubscriptionRow, subscription_id)
            if row is None:
                raise ValidationError(
                    f"no subscription {subscription_id}", field="subscription_id", fix="list them"
                )
            row.enabled, row.consecutive_failures, row.disabled_reason = True, 0, None

    def subscriptions(self) -> list[Subscription]:
        """Every subscription, enabled or not (secrets included: show them to no one)."""
        with Session(self._engine) as session:
            return [_view(r) for r in session.scalars(select(SubscriptionRow))]

    def unsubscribe(self, subscription_id: str) -> int:
        """Remove a subscription; its undelivered messages are dropped. How many were."""
        with Session(self._engine) as session, session.begin():
            row = session.get(SubscriptionRow, subscription_id)
            if row is None:
                raise ValidationError(
                    f"no subscription {subscription_id}", field="subscription_id", fix="list them"
                )
            dropped = 0
            for delivery in session.scalars(
                select(DeliveryRow).where(
                    DeliveryRow.subscription_id == subscription_id,
                    DeliveryRow.status.in_(("pending", "dead")),
                )
            ):
                session.delete(delivery)
                dropped += 1
            session.delete(row)
            return dropped

    def publish(self, event_type: str, data: Mapping[str, Any]) -> list[str]:
        """Queue one message per enabled subscription to ``event_type``; their webhook ids."""
        with Session(self._engine) as session, session.begin():
            return self.publish_in(session, [(event_type, data)])

    def publish_in(
        self, session: Session, events: Sequence[tuple[str, Mapping[str, Any]]]
    ) -> list[str]:
        """Queue messages for ``events`` inside the caller's transaction (so a consumer
        publishes an event exactly when it commits having applied it); their webhook ids."""
        if not events:
            return []
        now = self._clock()
        stamp = datetime.fromtimestamp(now, UTC).isoformat()
        subs = [
            (s.id, set(s.event_types))
            for s in session.scalars(select(SubscriptionRow).where(SubscriptionRow.enabled))
        ]
        rows: list[dict[str, Any]] = []
        for event_type, data in events:
            wanted = [sid for sid, types in subs if event_type in types or "*" in types]
            if not wanted:
                continue
            body = json.dumps(
                {"type": event_type, "timestamp": stamp, "data": dict(data)},
                separators=(",", ":"),
                default=str,
            )
            rows.extend(
                {
                    "id": "msg_" + uuid.uuid4().hex,
                    "subscription_id": sid,
                    "event_type": event_type,
                    "body": body,
                    "status": "pending",
                    "attempts": 0,
                    "next_at": now + self._settings.schedule[0],
                }
                for sid in wanted
            )
        if rows:  # one multi-row INSERT, not one unit-of-work object per message
            session.execute(insert(DeliveryRow), rows)
        return [r["id"] for r in rows]

    def counts(self) -> dict[str, int]:
        """Deliveries by status (``pending``, ``delivered``, ``dead``)."""
        with Session(self._engine) as session:
            rows = session.execute(
                select(DeliveryRow.status, func.count()).group_by(DeliveryRow.status)
            )
            found = {str(status): int(n) for status, n in rows}
        return {k: found.get(k, 0) for k in ("pending", "delivered", "dead")}

    def status(self, delivery_id: str) -> tuple[str, int]:
        """A delivery's status and attempts made."""
        with Session(self._engine) as session:
            row = session.get(DeliveryRow, delivery_id)
            if row is None:
                raise ValidationError(
                    f"no delivery {delivery_id}", field="delivery_id", fix="see dead_letters()"
                )
            return row.status, row.attempts

    def dead_letters(self) -> list[str]:
        """Ids of the deliveries that gave up, oldest first."""
        with Session(self._engine) as session:
            return list(
                session.scalars(
                    select(DeliveryRow.id)
                    .where(DeliveryRow.status == "dead")
                    .order_by(DeliveryRow.next_at)
                )
            )

    def prune(self, keep_s: float = 7 * 86400) -> int:
        """Forget deliveries delivered more than ``keep_s`` ago; how many. Dead letters stay
        until replayed or their subscription is removed."""
        with Session(self._engine) as session, session.begin():
            result = session.execute(
                delete(DeliveryRow).where(
                    DeliveryRow.status == "delivered",
                    DeliveryRow.next_at < self._clock() - keep_s,
                )
            )
            return rowcount(result)

    def dead_letter_details(self, limit: int = 100) -> list[dict[str, Any]]:
        """The dead letters, oldest first: id, endpoint, type, attempts and the last error."""
        with Session(self._engine) as session:
            rows = session.execute(
                select(DeliveryRow, SubscriptionRow.url)
                .join(SubscriptionRow, SubscriptionRow.id == DeliveryRow.subscription_id)
                .where(DeliveryRow.status == "dead")
                .order_by(DeliveryRow.next_at)
                .limit(limit)
            )
            return [
                {
                    "id": d.id,
                    "subscription_id": d.subscription_id,
                    "url": url,
                    "type": d.event_type,
                    "attempts": d.attempts,
                    "last_status": d.last_status,
                    "error": d.last_error,
                }
                for d, url in rows
            ]

    def replay(self, delivery_id: str) -> None:
        """Send a dead letter again from its first attempt (same ``webhook-id``)."""
        with Session(self._engine) as session, session.begin():
            row = session.get(DeliveryRow, delivery_id)
            if row is None or row.status != "dead":
                raise ValidationError(
                    f"{delivery_id} is not a dead letter",
                    field="delivery_id",
                    fix="see dead_letters()",
                )
            row.status, row.attempts, row.next_at = "pending", 0, self._clock()

    async def deliver_due(self, client: httpx.AsyncClient) -> list[Attempt]:
        """Make every attempt that is due now through ``client``; what each did.

        Due deliveries are claimed first (so another deliverer skips them); endpoints are
        served concurrently, each one's deliveries oldest first.
        """
        work = await asyncio.to_thread(self._claim_due)
        by_endpoint: dict[str, list[tuple[str, str, Subscription]]] = {}
        for item in work:
            by_endpoint.setdefault(item[2].id, []).append(item)
        done = await asyncio.gather(*(self._deliver(client, q) for q in by_endpoint.values()))
        return [attempt for attempts in done for attempt in attempts]

    def _claim_due(self) -> list[tuple[str, str, Subscription]]:
        now = self._clock()
        lease = now + self._settings.timeout_s + self._settings.lease_s
        with Session(self._engine) as session, session.begin():
            due = list(
                session.execute(
                    select(DeliveryRow.id, DeliveryRow.next_at, DeliveryRow.body, SubscriptionRow)
                    .join(SubscriptionRow, SubscriptionRow.id == DeliveryRow.subscription_id)
                    .where(DeliveryRow.status == "pending", DeliveryRow.next_at <= now)
                    .where(SubscriptionRow.enabled)
                    .order_by(DeliveryRow.next_at)
                    .limit(self._settings.batch)
                )
            )
            claimed = []
            for delivery_id, next_at, body, sub in due:
                taken = session.execute(
                    update(DeliveryRow)
                    .where(
                        DeliveryRow.id == delivery_id,
                        DeliveryRow.status == "pending",
                        DeliveryRow.next_at == next_at,
                    )
                    .values(next_at=lease)
                )
                if rowcount(taken) == 1:
                    claimed.append((delivery_id, body, _view(sub)))
            return claimed

    async def _deliver(
        self, client: httpx.AsyncClient, queue: list[tuple[str, str, Subscription]]
    ) -> list[Attempt]:
        attempts: list[Attempt] = []
        for delivery_id, body, sub in queue:
            status_code, error = await self._send(client, delivery_id, body, sub)
            attempt = await asyncio.to_thread(self._record, delivery_id, sub.id, status_code, error)
            attempts.append(attempt)
            if attempt.endpoint_disabled:  # its other deliveries became dead letters with it
                break
        return attempts

    async def _send(
        self, client: httpx.AsyncClient, delivery_id: str, body: str, sub: Subscription
    ) -> tuple[int | None, str | None]:
        try:
            pinned = pin_target(sub.url, self._settings, self._resolve)
        except TargetRefused as exc:
            return None, exc.message
        sent_at = datetime.fromtimestamp(self._clock(), UTC)
        headers = {
            "host": pinned.host_header,
            "content-type": "application/json",
            "webhook-id": delivery_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": Webhook(sub.secret).sign(delivery_id, sent_at, body),
        }
        extensions = {"sni_hostname": pinned.host} if pinned.scheme == "https" else {}
        try:
            response = await client.post(
                pinned.request_url,
                content=body.encode(),
                headers=headers,
                timeout=self._settings.timeout_s,
                follow_redirects=False,
                extensions=extensions,
            )
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"[:400]
        if 200 <= response.status_code < 300:
            return response.status_code, None
        return response.status_code, f"HTTP {response.status_code}"

    def _record(
        self, delivery_id: str, subscription_id: str, status_code: int | None, error: str | None
    ) -> Attempt:
        schedule = self._settings.schedule
        disabled = False
        with Session(self._engine) as session, session.begin():
            row = session.get(DeliveryRow, delivery_id)
            sub = session.get(SubscriptionRow, subscription_id)
            assert row is not None
            assert sub is not None
            row.attempts += 1
            row.last_status, row.last_error = status_code, error
            if error is None:
                row.status = "delivered"
                row.next_at = self._clock()  # when it was delivered (see prune)
                sub.consecutive_failures = 0
            else:
                if row.attempts < len(schedule):
                    row.next_at = self._clock() + schedule[row.attempts]
                else:
                    row.status = "dead"
                sub.consecutive_failures += 1
                if sub.consecutive_failures >= self._settings.disable_after:
                    self._disable(session, sub, error)
                    disabled = True
            return Attempt(
                delivery_id,
                subscription_id,
                row.attempts,
                error is None,
                status_code,
                error,
                row.status,
                disabled,
            )

    def _disable(self, session: Session, sub: SubscriptionRow, error: str) -> None:
        sub.enabled = False
        sub.disabled_reason = f"{sub.consecutive_failures} failed attempts in a row; last: {error}"[
            :400
        ]
        for pending in session.scalars(
            select(DeliveryRow).where(
                DeliveryRow.subscription_id == sub.id, DeliveryRow.status == "pending"
            )
        ):
            pending.status = "dead"
            pending.last_error = "endpoint disabled"
