"""Keeping the garbage collector's full passes off the ack path of a long-running service.

CPython's oldest-generation collection walks every tracked object. In ``cxdial serve``
most of them are the long-lived heap the process builds before its first request
(modules, the app, the engine, pydantic schemas): about 85,000 objects, whose walk
stalled every ack queued behind it by 50-80 ms about once a second at 1,000 events/s
(``bench/webhooks.py``, embedded queue). :func:`settle_heap` collects once and then
freezes what survived (:func:`gc.freeze`), so later passes walk only what was made
since. Frozen objects are still freed by reference counting; only a reference cycle
among them would outlive its last use, and those objects live as long as the process.
"""

from __future__ import annotations

import gc

__all__ = ["settle_heap"]


def settle_heap() -> int:
    """Collect garbage, then move every surviving object out of later collections.

    Returns how many objects are frozen. Meant for the process owner (``cxdial serve``)
    once the service is built, never for a library caller's process.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
