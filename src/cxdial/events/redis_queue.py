"""The Redis Streams queue backend: N receivers and M workers on many machines.

Keys under one ``prefix``: ``{prefix}:stream`` (a consumer group ``workers`` reads it),
``{prefix}:delayed`` (a sorted set of failed bodies waiting out their back-off),
``{prefix}:dead`` (the dead-letter stream), ``{prefix}:attempts`` (deliveries per entry)
and ``{prefix}:received``. A delivery unacked for ``visibility_timeout`` is taken over by
the next claim (``XAUTOCLAIM``). Durability is Redis's: run it with ``appendfsync``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from cxdial.events.queue import DeadLetter, Delivery, GroupCommit, QueueSettings, QueueStats

__all__ = ["RedisQueue"]

GROUP = "workers"
# Move due bodies from the delayed set back onto the stream, atomically.
_PROMOTE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, member in ipairs(due) do
  local item = cjson.decode(member)
  redis.call('XADD', KEYS[2], '*', 'body', item['b'], 'attempts', item['a'])
  redis.call('ZREM', KEYS[1], member)
end
return #due
"""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisQueue:
    """:class:`~cxdial.events.queue.EventQueue` over a Redis stream and consumer group."""

    def __init__(
        self,
        client: aioredis.Redis,
        prefix: str = "cxdial:events",
        settings: QueueSettings | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.redis = client
        self.prefix = prefix
        self.settings = settings or QueueSettings()
        self._clock = clock
        self._stream = f"{prefix}:stream"
        self._delayed = f"{prefix}:delayed"
        self._dead = f"{prefix}:dead"
        self._attempts = f"{prefix}:attempts"
        self._received = f"{prefix}:received"
        self._group_ready = False
        self._promote = client.register_script(_PROMOTE)
        self._commit = GroupCommit(
            self._write, max_batch=self.settings.batch_max, wait=self.settings.batch_wait
        )

    @classmethod
    def from_url(
        cls, url: str, prefix: str = "cxdial:events", settings: QueueSettings | None = None
    ) -> RedisQueue:
        """A queue on the Redis at ``url`` (``redis://host:port/db``)."""
        return cls(aioredis.Redis.from_url(url), prefix, settings)

    @property
    def commits(self) -> int:
        """Pipelined transactions the group commit has written so far."""
        return self._commit.commits

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key this queue writes (tests delete them)."""
        return (self._stream, self._delayed, self._dead, self._attempts, self._received)

    async def _group(self) -> None:
        if self._group_ready:
            return
        try:
            await self.redis.xgroup_create(self._stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    async def _write(self, bodies: list[str]) -> None:
        await self._group()
        pipe = self.redis.pipeline(transaction=True)
        for body in bodies:
            pipe.xadd(self._stream, {"body": body, "attempts": 0})
        pipe.incrby(self._received, len(bodies))
        await pipe.execute()

    async def enqueue(self, bodies: Sequence[str]) -> None:
        """XADD ``bodies`` in one pipelined transaction per burst."""
        await self._commit.submit(bodies)

    async def claim(self, consumer: str, limit: int = 100) -> list[Delivery]:
        """Promote due retries, take over expired leases, then read new entries."""
        await self._group()
        await self._promote(keys=[self._delayed, self._stream], args=[self._clock(), limit])
        idle_ms = int(self.settings.visibility_timeout * 1000)
        reply = await self.redis.xautoclaim(
            self._stream, GROUP, consumer, min_idle_time=idle_ms, start_id="0-0", count=limit
        )
        entries: list[tuple[Any, Any]] = [e for e in reply[1] if e[1]]
        if len(entries) < limit:
            fresh: Any = await self.redis.xreadgroup(
                GROUP, consumer, {self._stream: ">"}, count=limit - len(entries)
            )
            for _stream, items in fresh or []:
                entries.extend(items)
        out: list[Delivery] = []
        for entry_id, fields in entries:
            eid = _text(entry_id)
            data = {_text(k): _text(v) for k, v in fields.items()}
            count = await self.redis.hincrby(self._attempts, eid, 1)
            attempts = int(data.get("attempts", 0)) + int(count)
            delivery = Delivery(eid, data.get("body", ""), attempts)
            if attempts > self.settings.max_attempts:
                await self._bury(delivery, "visibility timeout expired")
                continue
            out.append(delivery)
        return out

    async def _bury(self, delivery: Delivery, error: str) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.xadd(
            self._dead,
            {"body": delivery.body, "attempts": delivery.attempts, "error": error[:2000]},
        )
        self._forget(pipe, delivery.id)
        await pipe.execute()

    def _forget(self, pipe: Any, entry_id: str) -> None:
        pipe.xack(self._stream, GROUP, entry_id)
        pipe.xdel(self._stream, entry_id)
        pipe.hdel(self._attempts, entry_id)

    async def ack(self, deliveries: Sequence[Delivery]) -> None:
        """XACK and delete the entries."""
        if not deliveries:
            return
        pipe = self.redis.pipeline(transaction=True)
        for delivery in deliveries:
            self._forget(pipe, delivery.id)
        await pipe.execute()

    async def retry(self, delivery: Delivery, error: str) -> bool:
        """Park the body in the delayed set for its back-off, or dead-letter it."""
        if delivery.attempts >= self.settings.max_attempts:
            await self._bury(delivery, error)
            return True
        due = self._clock() + self.settings.backoff(delivery.attempts)
        member = json.dumps({"b": delivery.body, "a": delivery.attempts, "u": uuid.uuid4().hex})
        pipe = self.redis.pipeline(transaction=True)
        pipe.zadd(self._delayed, {member: due})
        self._forget(pipe, delivery.id)
        await pipe.execute()
        return False

    async def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        """Entries of the dead-letter stream, oldest first."""
        rows: Any = await self.redis.xrange(self._dead, count=limit)
        out = []
        for entry_id, fields in rows:
            data = {_text(k): _text(v) for k, v in (fields or {}).items()}
            out.append(
                DeadLetter(
                    _text(entry_id),
                    data.get("body", ""),
                    int(data.get("attempts", 0)),
                    data.get("error"),
                )
            )
        return out

    async def replay(self, ids: Sequence[str] | None = None) -> int:
        """Move dead letters back onto the stream with their attempts reset."""
        await self._group()
        letters = await self.dead_letters(limit=1_000_000)
        wanted = None if ids is None else set(ids)
        moved = 0
        for letter in letters:
            if wanted is not None and letter.id not in wanted:
                continue
            pipe = self.redis.pipeline(transaction=True)
            pipe.xadd(self._stream, {"body": letter.body, "attempts": 0})
            pipe.xdel(self._dead, letter.id)
            await pipe.execute()
            moved += 1
        return moved

    async def stats(self) -> QueueStats:
        """Received (ever), pending (stream + delayed) and dead."""
        await self._group()
        pipe = self.redis.pipeline(transaction=False)
        pipe.get(self._received)
        pipe.xlen(self._stream)
        pipe.zcard(self._delayed)
        pipe.xlen(self._dead)
        received, stream, delayed, dead = await pipe.execute()
        return QueueStats(
            received=int(received or 0), pending=int(stream) + int(delayed), dead=int(dead)
        )

    async def close(self) -> None:
        """Wait for the write in flight and close the connection pool."""
        await self._commit.drain()
        await self.redis.aclose()
