"""The Redis Streams queue backend: N receivers and M workers on many machines.

Keys under one ``prefix``: ``{prefix}:stream`` (a consumer group ``workers`` reads it),
``{prefix}:delayed`` (a sorted set of failed bodies waiting out their back-off),
``{prefix}:dead`` (the dead-letter stream), ``{prefix}:attempts`` (deliveries per entry)
and ``{prefix}:received``. A delivery unacked for ``visibility_timeout`` is taken over by
the next claim (``XAUTOCLAIM``). Durability is Redis's: run it with ``appendfsync``.

Round trips are batched: a claim is ONE script call (promote due retries, ``XAUTOCLAIM``
expired leases, ``XREADGROUP`` new entries, count the attempt of each), however many
entries it hands out; an ack is one ``MULTI`` of a multi-id ``XACK``, ``XDEL`` and
``HDEL``; dead letters of one claim are buried in one transaction, a replay in one
pipeline per 500 letters.
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
_CHUNK = 500
# One claim, atomically: move due bodies from the delayed set back onto the stream, take
# over leases idle past the visibility timeout, read new entries up to the limit, and
# count this delivery of each. Returns [id, fields, deliveries] per entry.
_CLAIM = """
local delayed, stream, attempts = KEYS[1], KEYS[2], KEYS[3]
local now, limit, group, consumer, idle = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, limit)
for _, member in ipairs(due) do
  local item = cjson.decode(member)
  redis.call('XADD', stream, '*', 'body', item['b'], 'attempts', item['a'])
  redis.call('ZREM', delayed, member)
end
local entries = {}
local taken = redis.call('XAUTOCLAIM', stream, group, consumer, idle, '0-0', 'COUNT', limit)
for _, entry in ipairs(taken[2]) do
  if type(entry) == 'table' and type(entry[2]) == 'table' then  -- deleted: no fields
    entries[#entries + 1] = entry
  end
end
if #entries < limit then
  local fresh = redis.call(
    'XREADGROUP', 'GROUP', group, consumer, 'COUNT', limit - #entries, 'STREAMS', stream, '>')
  if fresh then
    for _, entry in ipairs(fresh[1][2]) do entries[#entries + 1] = entry end
  end
end
local out = {}
for _, entry in ipairs(entries) do
  out[#out + 1] = {entry[1], entry[2], redis.call('HINCRBY', attempts, entry[1], 1)}
end
return out
"""


def _fields(flat: Any) -> dict[str, str]:
    """A stream entry's fields, from a script's flat ``[k1, v1, k2, v2, …]`` list."""
    items = [_text(v) for v in flat]
    return dict(zip(items[::2], items[1::2], strict=True))


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
        self._claim = client.register_script(_CLAIM)
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
        """Promote due retries, take over expired leases, then read new entries (one call)."""
        await self._group()
        idle_ms = int(self.settings.visibility_timeout * 1000)
        rows: Any = await self._claim(
            keys=[self._delayed, self._stream, self._attempts],
            args=[self._clock(), limit, GROUP, consumer, idle_ms],
        )
        out: list[Delivery] = []
        expired: list[Delivery] = []
        for entry_id, flat, count in rows:
            data = _fields(flat)
            attempts = int(data.get("attempts", 0)) + int(count)
            delivery = Delivery(_text(entry_id), data.get("body", ""), attempts)
            if attempts > self.settings.max_attempts:
                expired.append(delivery)
            else:
                out.append(delivery)
        if expired:
            await self._bury(expired, "visibility timeout expired")
        return out

    async def _bury(self, deliveries: Sequence[Delivery], error: str) -> None:
        pipe = self.redis.pipeline(transaction=True)
        for delivery in deliveries:
            pipe.xadd(
                self._dead,
                {"body": delivery.body, "attempts": delivery.attempts, "error": error[:2000]},
            )
        self._forget(pipe, [d.id for d in deliveries])
        await pipe.execute()

    def _forget(self, pipe: Any, entry_ids: Sequence[str]) -> None:
        """XACK, XDEL and HDEL every id, three commands whatever their number."""
        pipe.xack(self._stream, GROUP, *entry_ids)
        pipe.xdel(self._stream, *entry_ids)
        pipe.hdel(self._attempts, *entry_ids)

    async def ack(self, deliveries: Sequence[Delivery]) -> None:
        """XACK and delete the entries, in one transaction per 500."""
        for start in range(0, len(deliveries), _CHUNK):
            pipe = self.redis.pipeline(transaction=True)
            self._forget(pipe, [d.id for d in deliveries[start : start + _CHUNK]])
            await pipe.execute()

    async def retry(self, delivery: Delivery, error: str) -> bool:
        """Park the body in the delayed set for its back-off, or dead-letter it."""
        if delivery.attempts >= self.settings.max_attempts:
            await self._bury([delivery], error)
            return True
        due = self._clock() + self.settings.backoff(delivery.attempts)
        member = json.dumps({"b": delivery.body, "a": delivery.attempts, "u": uuid.uuid4().hex})
        pipe = self.redis.pipeline(transaction=True)
        pipe.zadd(self._delayed, {member: due})
        self._forget(pipe, [delivery.id])
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
        chosen = [x for x in letters if wanted is None or x.id in wanted]
        for start in range(0, len(chosen), _CHUNK):
            pipe = self.redis.pipeline(transaction=True)
            part = chosen[start : start + _CHUNK]
            for letter in part:
                pipe.xadd(self._stream, {"body": letter.body, "attempts": 0})
            pipe.xdel(self._dead, *[x.id for x in part])
            await pipe.execute()
        return len(chosen)

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
