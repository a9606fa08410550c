"""Running ``cxdial serve``: the receiver, workers and the poller in one process or split.

Roles: ``receiver`` (the HTTP app), ``worker`` (drains the queue into the store and
publishes what it applied to the outbound subscribers), ``poller`` (``/contacts/completed``
into the queue, and every ``reconcile_interval`` a reconciliation pass over calls with
gaps or no end), ``deliverer`` (sends the outbound webhooks that are due), ``rescreener``
(re-screens the configured campaigns' lists: the numbers the worker handed over, batched
every ``rescreen_debounce``, and whole lists every ``rescreen_interval``), ``monitor``
(every ``monitor_interval`` judges the configured campaigns' rates: failover and
auto-pause, :func:`cxdial.campaigns.monitor.evaluate`), or ``all``.
Each role is stateless apart from the store and the queue, so any number of each can run
on many machines with the Redis backend (deliverers claim each delivery before sending).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

import uvicorn
from sqlalchemy import Engine

from cxdial.config import Settings
from cxdial.errors import ConfigurationError
from cxdial.events.consumer import Processor
from cxdial.events.outbound import Outbox
from cxdial.events.queue import EventQueue
from cxdial.events.worker import Worker
from cxdial.service.app import create_app
from cxdial.service.config import ServiceConfig

if TYPE_CHECKING:
    from cxdial.campaigns.monitor import MonitorAction
    from cxdial.campaigns.spec import CampaignSpec

__all__ = ["ROLES", "Role", "Service"]

log = logging.getLogger("cxdial.service")
Role = Literal["receiver", "worker", "poller", "deliverer", "rescreener", "monitor"]
ROLES: tuple[Role, ...] = ("receiver", "worker", "poller", "deliverer", "rescreener", "monitor")


@dataclass
class Service:
    """The roles to run, over one store engine and one queue."""

    config: ServiceConfig
    engine: Engine
    queue: EventQueue
    roles: Sequence[Role] = ROLES
    host: str = "127.0.0.1"
    port: int = 8080
    settings: Settings | None = None
    """CXone settings the poller's client is built from (needed for the poller role)."""
    poll_interval: float = 30.0
    housekeeping_interval: float = 3600.0
    """Seconds between prunes of expired dedupe rows and old delivered webhooks."""
    consumer: str = f"worker-{socket.gethostname()}"
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    """The re-screen job's screening instant."""
    settle_heap: bool = False
    """Once the roles have started, freeze the long-lived heap out of the garbage
    collector's later passes (:func:`cxdial.service.heap.settle_heap`); for the process
    that owns the service (``cxdial serve``), not for an embedding process."""

    def __post_init__(self) -> None:
        if "receiver" in self.roles:
            self.config.require_auth()
        self.server: uvicorn.Server | None = None

    async def serve(self, stop: asyncio.Event | None = None) -> None:
        """Run every role until ``stop`` is set (or SIGINT/SIGTERM); then close the queue."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, stop.set)
        tasks = []
        if "receiver" in self.roles:
            tasks.append(asyncio.create_task(self._receiver(stop)))
        if "worker" in self.roles:
            worker = Worker(self.queue, self.processor(), consumer=self.consumer)
            tasks.append(asyncio.create_task(worker.run(stop)))
        if "poller" in self.roles:
            tasks.append(asyncio.create_task(self._poller(stop)))
        if "deliverer" in self.roles:
            tasks.append(asyncio.create_task(self._deliverer(stop)))
        if "rescreener" in self.roles:
            tasks.append(asyncio.create_task(self._rescreener(stop)))
        if "monitor" in self.roles:
            tasks.append(asyncio.create_task(self._monitor(stop)))
        if "worker" in self.roles or "deliverer" in self.roles:
            tasks.append(asyncio.create_task(self._housekeeping(stop)))
        if self.settle_heap:
            await asyncio.sleep(0)  # every role has run its first step (the app is built)
            from cxdial.service.heap import settle_heap

            log.info("froze %d long-lived objects out of later collections", settle_heap())
        try:
            await asyncio.gather(*tasks)
        finally:
            stop.set()  # one role ended (or failed): the others end too, then the queue closes
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.queue.close()

    @property
    def bound_port(self) -> int | None:
        """The receiver's port once it listens (the one the OS chose when ``port`` is 0)."""
        server = self.server
        if server is None or not server.started or not server.servers:
            return None
        sockets = server.servers[0].sockets
        return int(sockets[0].getsockname()[1]) if sockets else None

    def outbox(self) -> Outbox:
        """The outbound webhooks, with this service's delivery settings."""
        return Outbox(self.engine, self.config.outbound)

    def processor(self) -> Processor:
        """A consumer that publishes what it applies to the outbound subscribers, records
        revocation and do-not-call dispositions, and (with campaign specs configured) hands
        the numbers they and the attempts concern to the re-screen job."""
        return Processor(
            self.engine,
            outbox=self.outbox(),
            dispositions=self.config.dispositions,
            rescreen=bool(self.config.campaign_specs),
        )

    async def _rescreener(self, stop: asyncio.Event) -> None:
        """Drain the handed-over numbers every ``rescreen_debounce`` seconds (back-off on
        failure, the rows stay), re-screen whole lists every ``rescreen_interval``."""
        import os

        from cxdial.campaigns.spec import load_spec
        from cxdial.cxone import Client
        from cxdial.service.rescreen import RescreenJob

        if not self.config.campaign_specs:
            log.info("no CXDIAL_CAMPAIGN_SPECS: the rescreener has nothing to keep screened")
            await stop.wait()
            return
        if self.settings is None:
            raise RuntimeError("the rescreener role needs CXone settings")
        specs = [load_spec(path) for path in self.config.campaign_specs]
        loop = asyncio.get_running_loop()
        with Client.from_settings(self.settings) as client:
            job = RescreenJob(
                self.engine,
                client,
                specs,
                environ=os.environ,
                clock=self.clock,
                dnc_files=self.config.rescreen_dnc,
                rules_dir=self.config.rules_dir,
            )
            whole_at = loop.time()
            wait = self.config.rescreen_debounce
            while not stop.is_set():
                try:
                    if loop.time() - whole_at >= self.config.rescreen_interval:
                        whole_at = loop.time()
                        await asyncio.to_thread(job.run_all)
                    await asyncio.to_thread(job.drain)
                    wait = self.config.rescreen_debounce
                except Exception:  # the rows stay: the next pass re-screens them
                    log.warning("re-screen pass failed", exc_info=True)
                    wait = min(max(wait * 2, 1.0), 300.0)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)

    async def _monitor(self, stop: asyncio.Event) -> None:
        """Every ``monitor_interval``: evaluate each configured campaign (a failed look is
        logged and tried again next time; the monitor's own state lives in the store)."""
        import os

        from cxdial.campaigns.spec import load_spec

        if not self.config.campaign_specs:
            log.info("no CXDIAL_CAMPAIGN_SPECS: the monitor has no campaign to judge")
            await stop.wait()
            return
        if self.settings is None:
            raise RuntimeError("the monitor role needs CXone settings")
        specs = [load_spec(path) for path in self.config.campaign_specs]
        url = self.engine.url.render_as_string(hide_password=False)
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.monitor_pass, specs, url, os.environ)
            except Exception:  # the tenant or the store is down: next time
                log.warning("monitor pass failed", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.config.monitor_interval)

    def monitor_pass(
        self, specs: Sequence[CampaignSpec], url: str, environ: Mapping[str, str]
    ) -> list[MonitorAction]:
        """One evaluation of every campaign in ``specs``; the automatic actions taken."""
        from cxdial.campaigns.context import CampaignContext
        from cxdial.campaigns.monitor import MONITOR_ACTOR, evaluate
        from cxdial.cxone import Client
        from cxdial.store.audit import open_audit_log
        from cxdial.store.campaigns import CampaignStore

        assert self.settings is not None  # checked by the role
        actions: list[MonitorAction] = []
        with (
            Client.from_settings(self.settings) as client,
            open_audit_log(url, environ=environ) as audit,
        ):
            ctx = CampaignContext(
                client=client,
                store=CampaignStore(self.engine),
                audit=audit,
                actor=MONITOR_ACTOR,
                clock=self.clock,
                outbox=self.outbox(),
            )
            for spec in specs:
                result = evaluate(ctx, spec)
                for action in result.actions:
                    log.info("monitor: %s %s (%s)", action.kind, spec.name, action.reason)
                actions.extend(result.actions)
        return actions

    async def _housekeeping(self, stop: asyncio.Event) -> None:
        """Every ``housekeeping_interval``: dedupe rows past their window (worker role) and
        deliveries delivered a week ago (deliverer role) are removed."""
        processor, outbox = Processor(self.engine), self.outbox()
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.housekeeping_interval)
            if stop.is_set():
                return
            try:
                if "worker" in self.roles:
                    await asyncio.to_thread(processor.prune)
                if "deliverer" in self.roles:
                    await asyncio.to_thread(outbox.prune)
            except Exception:  # the store is down: next time
                log.warning("housekeeping failed", exc_info=True)

    async def _deliverer(self, stop: asyncio.Event) -> None:
        import httpx

        outbox = self.outbox()
        async with httpx.AsyncClient(trust_env=False) as client:
            while not stop.is_set():
                try:
                    attempts = await outbox.deliver_due(client)
                except Exception:  # the store is down: try again next pass
                    log.warning("delivery pass failed", exc_info=True)
                    attempts = []
                for attempt in attempts:
                    if attempt.endpoint_disabled:
                        log.warning("endpoint %s disabled", attempt.subscription_id)
                if not attempts:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.config.outbound_interval)

    async def _receiver(self, stop: asyncio.Event) -> None:
        app = create_app(self.config, self.queue, self.engine)
        config = uvicorn.Config(
            app, host=self.host, port=self.port, log_level="warning", lifespan="off"
        )
        server = uvicorn.Server(config)
        self.server = server
        watcher = asyncio.create_task(self._stop_server(stop, server))
        try:
            await server.serve()
        except SystemExit as exc:  # uvicorn exits the process when it cannot start
            raise ConfigurationError(
                f"the receiver could not listen on {self.host}:{self.port}",
                field="--port",
                fix="choose a free port, or stop what holds this one (uvicorn's log says why)",
            ) from exc
        finally:
            stop.set()
            await watcher

    @staticmethod
    async def _stop_server(stop: asyncio.Event, server: uvicorn.Server) -> None:
        await stop.wait()
        server.should_exit = True

    async def _poller(self, stop: asyncio.Event) -> None:
        from cxdial.cxone.client import AsyncClient
        from cxdial.events.poller import Poller
        from cxdial.events.reconcile import Reconciler

        if self.settings is None:
            raise RuntimeError("the poller role needs CXone settings")
        loop = asyncio.get_running_loop()
        async with AsyncClient.from_settings(self.settings) as client:
            poller = Poller(client, self.queue, self.engine)
            reconciler = Reconciler(
                client,
                self.processor(),
                grace=timedelta(seconds=self.config.reconcile_grace),
            )
            reconciled_at = float("-inf")
            while not stop.is_set():
                try:
                    result = await poller.poll_once()
                    log.info("polled %d completed contacts", result.records)
                except Exception:  # the next pass retries from the same watermark
                    log.warning("poll pass failed", exc_info=True)
                if loop.time() - reconciled_at >= self.config.reconcile_interval:
                    reconciled_at = loop.time()
                    try:
                        done = await reconciler.run_once()
                        log.info("reconciled %d of %d calls", done.filled, done.candidates)
                    except Exception:  # looked up again next pass
                        log.warning("reconcile pass failed", exc_info=True)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.poll_interval)
