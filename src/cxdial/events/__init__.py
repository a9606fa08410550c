"""The event pipeline: call events in (pushed or polled), durably queued, applied once.

The Redis backend lives in :mod:`cxdial.events.redis_queue` (it needs the ``scale``
extra); :func:`open_queue` picks it for a ``redis://`` URL.
"""

from cxdial.events.backends import open_queue
from cxdial.events.consumer import CallView, Handled, Processor, gaps_of
from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.metrics import WindowMetrics, metrics
from cxdial.events.models import (
    TERMINAL_TYPES,
    CallEvent,
    Envelope,
    EventSource,
    EventType,
    EventValidationError,
    Outcome,
    event_schema,
    parse_event,
)
from cxdial.events.outbound import (
    RETRY_SCHEDULE,
    OutboundSettings,
    Outbox,
    TargetRefused,
    pin_target,
)
from cxdial.events.polled import envelope_from_completed, event_from_completed, poll_event_id
from cxdial.events.poller import Poller, PollResult
from cxdial.events.queue import (
    DeadLetter,
    Delivery,
    EventQueue,
    GroupCommit,
    QueueSettings,
    QueueStats,
)
from cxdial.events.reconcile import Reconciler, ReconcileResult
from cxdial.events.stats import pipeline_stats
from cxdial.events.worker import Worker

__all__ = [
    "RETRY_SCHEDULE",
    "TERMINAL_TYPES",
    "CallEvent",
    "CallView",
    "DeadLetter",
    "Delivery",
    "EmbeddedQueue",
    "Envelope",
    "EventQueue",
    "EventSource",
    "EventType",
    "EventValidationError",
    "GroupCommit",
    "Handled",
    "OutboundSettings",
    "Outbox",
    "Outcome",
    "PollResult",
    "Poller",
    "Processor",
    "QueueSettings",
    "QueueStats",
    "ReconcileResult",
    "Reconciler",
    "TargetRefused",
    "WindowMetrics",
    "Worker",
    "envelope_from_completed",
    "event_from_completed",
    "event_schema",
    "gaps_of",
    "metrics",
    "open_queue",
    "parse_event",
    "pin_target",
    "pipeline_stats",
    "poll_event_id",
]
