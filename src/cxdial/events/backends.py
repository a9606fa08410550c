"""Choosing the queue backend from ``CXDIAL_QUEUE_URL``: embedded (default) or ``redis://``.

Query parameters tune the queue without more variables: ``prefix`` (the Redis key prefix,
so several deployments or tests share one Redis) and any :class:`QueueSettings` field,
e.g. ``redis://127.0.0.1:6379/0?prefix=acme:events&visibility_timeout=10`` or
``embedded?max_attempts=8``. Other parameters of a Redis URL go to redis-py.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import Engine

from cxdial.errors import ConfigurationError
from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.queue import EventQueue, QueueSettings

__all__ = ["open_queue"]

_FIELD = "CXDIAL_QUEUE_URL"
_TUNABLES = {f.name: f.type for f in dataclasses.fields(QueueSettings)}
_REDIS = ("redis://", "rediss://", "unix://")


def _number(name: str, text: str) -> float | int:
    kind = int if _TUNABLES[name] in (int, "int") else float
    try:
        value = kind(text)
    except ValueError:
        raise ConfigurationError(
            f"queue setting {name}={text!r} is not a{'n integer' if kind is int else ' number'}",
            field=_FIELD,
            fix=f"e.g. ?{name}={getattr(QueueSettings(), name)}",
        ) from None
    if value < 0 or (value == 0 and name not in ("batch_wait", "checkpoint_interval")):
        raise ConfigurationError(
            f"queue setting {name} must be positive", field=_FIELD, fix=f"e.g. ?{name}=10"
        )
    return value


def _split(
    url: str, settings: QueueSettings, prefix: str, redis: bool
) -> tuple[str, QueueSettings, str]:
    """The URL without cxdial's parameters, the settings and prefix they set."""
    base, _, query = url.partition("?")
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise ConfigurationError(
            "the queue URL's query is malformed", field=_FIELD, fix="use ?name=value&name=value"
        ) from None
    changes: dict[str, float | int] = {}
    rest: list[tuple[str, str]] = []
    for name, value in pairs:
        if name == "prefix" and redis and value:
            prefix = value
        elif name in _TUNABLES:
            changes[name] = _number(name, value)
        elif redis:
            rest.append((name, value))  # redis-py's own (socket_timeout, …)
        else:
            known = ", ".join(sorted(_TUNABLES))
            raise ConfigurationError(
                f"unknown queue setting {name!r}", field=_FIELD, fix=f"one of {known}"
            )
    if rest:
        base += "?" + urlencode(rest)
    return base, dataclasses.replace(settings, **changes), prefix  # type: ignore[arg-type]


def open_queue(
    url: str | None,
    engine: Engine,
    settings: QueueSettings | None = None,
    *,
    prefix: str = "cxdial:events",
) -> EventQueue:
    """The queue ``url`` names: ``None``/``embedded`` (a table in ``engine``) or ``redis://…``,
    tuned by its query parameters (see the module docstring)."""
    text = url or "embedded"
    redis = text.startswith(_REDIS)
    base, tuned, prefix = _split(text, settings or QueueSettings(), prefix, redis)
    if base in ("", "embedded"):
        return EmbeddedQueue(engine, tuned)
    if redis:
        try:
            from cxdial.events.redis_queue import RedisQueue
        except ImportError as exc:  # redis-py is in the "scale" extra
            raise ConfigurationError(
                "the Redis queue needs redis-py",
                field=_FIELD,
                fix="pip install 'cxdial[scale]'",
            ) from exc
        return RedisQueue.from_url(base, prefix, tuned)
    raise ConfigurationError(
        f"unknown queue URL scheme in {base.split('://')[0]!r}",
        field=_FIELD,
        fix="leave it unset (embedded) or use redis://host:6379/0",
    )
