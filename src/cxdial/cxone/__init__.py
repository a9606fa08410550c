"""The CXone platform client: auth, the one HTTP policy, typed resources, sync and async.

Only :mod:`cxdial.cxone.http` (driving :mod:`cxdial.cxone.policy`) talks HTTP to CXone.
Names load on first use (PEP 562), so ``cxdial.cxone.numbers`` (E.164 checks) does not
pull in httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxdial._lazy import lazy_exports

if TYPE_CHECKING:
    from cxdial.cxone.backoff import FakeClock, no_sleep
    from cxdial.cxone.client import AsyncClient, AuthInfo, Client
    from cxdial.cxone.request import APIRequest, APIResponse
    from cxdial.cxone.resources import CONTEXT_FIELD
    from cxdial.errors import AmbiguousWrite

__all__ = [
    "CONTEXT_FIELD",
    "APIRequest",
    "APIResponse",
    "AmbiguousWrite",
    "AsyncClient",
    "AuthInfo",
    "Client",
    "FakeClock",
    "no_sleep",
]

_HOME = {
    "CONTEXT_FIELD": "resources",
    "APIRequest": "request",
    "APIResponse": "request",
    "AmbiguousWrite": "..errors",
    "AsyncClient": "client",
    "AuthInfo": "client",
    "Client": "client",
    "FakeClock": "backoff",
    "no_sleep": "backoff",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOME)
