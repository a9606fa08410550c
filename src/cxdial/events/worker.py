"""The worker loop: claim a batch, apply it once, ack; failures back off into dead letters."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pydantic

from cxdial.events.consumer import Handled, Processor
from cxdial.events.models import Envelope
from cxdial.events.queue import Delivery, EventQueue

__all__ = ["Worker"]

log = logging.getLogger("cxdial.events.worker")


class Worker:
    """Drains ``queue`` into ``processor``; many workers may share one queue."""

    def __init__(
        self,
        queue: EventQueue,
        processor: Processor,
        *,
        consumer: str = "worker-1",
        batch: int = 200,
        idle_sleep: float = 0.05,
    ) -> None:
        self.queue = queue
        self.processor = processor
        self.consumer = consumer
        self.batch = batch
        self.idle_sleep = idle_sleep
        self.handled = {Handled.PROCESSED: 0, Handled.DUPLICATE: 0}

    async def run_once(self) -> int:
        """One claim-apply-ack round; how many deliveries it handled (0 when idle)."""
        deliveries = await self.queue.claim(self.consumer, self.batch)
        if not deliveries:
            return 0
        good: list[tuple[Delivery, Envelope]] = []
        for delivery in deliveries:
            try:
                good.append((delivery, Envelope.from_json(delivery.body)))
            except pydantic.ValidationError as exc:
                await self.queue.retry(delivery, f"unreadable envelope: {exc.error_count()} errors")
        try:
            results = await asyncio.to_thread(self.processor.handle, [e for _, e in good])
        except Exception:  # isolate the event that fails the batch: one transaction each
            log.warning("batch of %d failed; applying one by one", len(good), exc_info=True)
            await self._one_by_one(good)
        else:
            self._count(results)
            await self.queue.ack([d for d, _ in good])
        return len(deliveries)

    async def _one_by_one(self, items: list[tuple[Delivery, Envelope]]) -> None:
        for delivery, envelope in items:
            try:
                results = await asyncio.to_thread(self.processor.handle, [envelope])
            except Exception as exc:  # retried with back-off, then a dead letter
                dead = await self.queue.retry(delivery, f"{type(exc).__name__}: {exc}")
                log.warning("event %s failed (dead letter: %s)", envelope.id, dead)
            else:
                self._count(results)
                await self.queue.ack([delivery])

    def _count(self, results: list[Handled]) -> None:
        for result in results:
            self.handled[result] += 1

    async def drain(self) -> int:
        """Run rounds until nothing is due; how many deliveries were handled."""
        total = 0
        while handled := await self.run_once():
            total += handled
        return total

    async def run(self, stop: asyncio.Event) -> None:
        """Work until ``stop`` is set, sleeping ``idle_sleep`` when there is nothing to do."""
        while not stop.is_set():
            if await self.run_once() == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.idle_sleep)
