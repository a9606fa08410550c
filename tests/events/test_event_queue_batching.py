"""Queue round trips and tuning: Redis claims in one call, multi-id acks, the queue URL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
from queue_support import REDIS_URL, sqlite_engine

from cxdial.errors import ConfigurationError
from cxdial.events.backends import open_queue
from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.queue import QueueSettings
from cxdial.events.redis_queue import RedisQueue


class CountingRedis(aioredis.Redis):
    """The real client, counting the commands and pipelines it sends to the server."""

    sent: list[str]

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        self.sent.append(str(args[0]))
        return await super().execute_command(*args, **options)

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Any:
        self.sent.append("PIPELINE")
        return super().pipeline(transaction, shard_hint)


def _counting() -> CountingRedis:
    client = CountingRedis.from_url(REDIS_URL)
    client.sent = []
    return client


def test_a_claim_of_many_entries_is_one_round_trip(redis_key_prefix: str) -> None:
    """250 entries, new and expired alike, come out of ONE script call; an ack is one MULTI."""
    settings = QueueSettings(visibility_timeout=0.2, max_attempts=5, batch_wait=0)

    async def main() -> None:
        client = _counting()
        queue = RedisQueue(client, redis_key_prefix, settings)
        await queue.enqueue([f"b{n}" for n in range(300)])
        first = await queue.claim("w1", limit=150)  # new entries
        await asyncio.sleep(0.3)
        client.sent.clear()
        second = await queue.claim("w2", limit=250)  # 150 expired leases + 100 new ones
        assert client.sent in (["EVALSHA"], ["EVALSHA", "SCRIPT LOAD", "EVALSHA"])
        assert len(first) == 150
        assert len(second) == 250
        assert sorted(d.attempts for d in second) == [1] * 100 + [2] * 150
        assert {d.body for d in second} >= {d.body for d in first}
        client.sent.clear()
        await queue.ack(second)
        assert client.sent == ["PIPELINE"]
        rest = await queue.claim("w2", limit=500)
        assert len(rest) == 50
        await queue.ack(rest)
        stats = await queue.stats()
        assert (stats.received, stats.pending, stats.dead) == (300, 0, 0)
        await queue.close()

    asyncio.run(main())


def test_leases_expired_too_often_are_buried_together(redis_key_prefix: str) -> None:
    """Entries past max_attempts in one claim become dead letters in one transaction."""
    settings = QueueSettings(visibility_timeout=0.1, max_attempts=1, batch_wait=0)

    async def main() -> None:
        client = _counting()
        queue = RedisQueue(client, redis_key_prefix, settings)
        await queue.enqueue([f"d{n}" for n in range(40)])
        assert len(await queue.claim("dies", limit=100)) == 40
        await asyncio.sleep(0.2)
        client.sent.clear()
        assert await queue.claim("next", limit=100) == []
        assert client.sent.count("PIPELINE") == 1
        letters = await queue.dead_letters(limit=100)
        assert sorted(x.body for x in letters) == sorted(f"d{n}" for n in range(40))
        assert {(x.attempts, x.error) for x in letters} == {(2, "visibility timeout expired")}
        assert await queue.replay() == 40
        again = await queue.claim("next", limit=100)
        assert {d.attempts for d in again} == {1}
        assert len(again) == 40
        await queue.ack(again)
        assert (await queue.stats()).pending == 0
        await queue.close()

    asyncio.run(main())


def test_the_queue_url_tunes_settings_and_the_redis_prefix(
    tmp_path: Path, redis_key_prefix: str
) -> None:
    """?visibility_timeout=…&prefix=… reach the queue; redis-py's own parameters pass through."""
    engine = sqlite_engine(tmp_path)
    embedded = open_queue("embedded?visibility_timeout=3.5&max_attempts=8", engine)
    assert isinstance(embedded, EmbeddedQueue)
    assert (embedded.settings.visibility_timeout, embedded.settings.max_attempts) == (3.5, 8)
    assert open_queue(None, engine).settings == QueueSettings()
    url = f"{REDIS_URL}?prefix={redis_key_prefix}&socket_timeout=5&batch_wait=0"
    queue = open_queue(url, engine)
    assert isinstance(queue, RedisQueue)
    assert queue.prefix == redis_key_prefix
    assert queue.settings.batch_wait == 0
    assert queue.redis.connection_pool.connection_kwargs["socket_timeout"] == 5

    async def roundtrip() -> None:
        await queue.enqueue(["x"])
        (got,) = await queue.claim("w")
        await queue.ack([got])
        assert (await queue.stats()).received == 1
        await queue.close()

    asyncio.run(roundtrip())


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("embedded?visibility=3", "unknown queue setting 'visibility'"),
        ("embedded?max_attempts=two", "not an integer"),
        ("embedded?visibility_timeout=0", "must be positive"),
        ("embedded?visibility_timeout", "malformed"),
        ("kafka://broker:9092", "unknown queue URL scheme"),
    ],
)
def test_a_bad_queue_url_names_the_variable(tmp_path: Path, url: str, needle: str) -> None:
    """Every refusal is a ConfigurationError at CXDIAL_QUEUE_URL saying what is wrong."""
    with pytest.raises(ConfigurationError) as caught:
        open_queue(url, sqlite_engine(tmp_path))
    assert needle in caught.value.message
    assert caught.value.field == "CXDIAL_QUEUE_URL"
