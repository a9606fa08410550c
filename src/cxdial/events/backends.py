"""Choosing the queue backend from ``CXDIAL_QUEUE_URL``: embedded (default) or ``redis://``."""

from __future__ import annotations

from sqlalchemy import Engine

from cxdial.errors import ConfigurationError
from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.queue import EventQueue, QueueSettings

__all__ = ["open_queue"]


def open_queue(
    url: str | None,
    engine: Engine,
    settings: QueueSettings | None = None,
    *,
    prefix: str = "cxdial:events",
) -> EventQueue:
    """The queue ``url`` names: ``None``/``embedded`` (a table in ``engine``) or ``redis://…``."""
    if url in (None, "", "embedded"):
        return EmbeddedQueue(engine, settings)
    if url.startswith(("redis://", "rediss://", "unix://")):
        try:
            from cxdial.events.redis_queue import RedisQueue
        except ImportError as exc:  # redis-py is in the "scale" extra
            raise ConfigurationError(
                "the Redis queue needs redis-py",
                field="CXDIAL_QUEUE_URL",
                fix="pip install 'cxdial[scale]'",
            ) from exc
        return RedisQueue.from_url(url, prefix, settings)
    raise ConfigurationError(
        f"unknown queue URL scheme in {url.split('://')[0]!r}",
        field="CXDIAL_QUEUE_URL",
        fix="leave it unset (embedded) or use redis://host:6379/0",
    )
