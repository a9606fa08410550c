"""The CXone platform client: auth, the one HTTP policy, typed resources, sync and async.

Only :mod:`cxdial.cxone.http` (driving :mod:`cxdial.cxone.policy`) talks HTTP to CXone.
Names load on first use (PEP 562), so ``cxdial.cxone.numbers`` (E.164 checks) does not
pull in httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
    "CONTEXT_FIELD": "cxdial.cxone.resources",
    "APIRequest": "cxdial.cxone.request",
    "APIResponse": "cxdial.cxone.request",
    "AmbiguousWrite": "cxdial.errors",
    "AsyncClient": "cxdial.cxone.client",
    "AuthInfo": "cxdial.cxone.client",
    "Client": "cxdial.cxone.client",
    "FakeClock": "cxdial.cxone.backoff",
    "no_sleep": "cxdial.cxone.backoff",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
