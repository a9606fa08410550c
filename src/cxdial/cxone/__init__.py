"""The CXone platform client: auth, the one HTTP policy, typed resources, sync and async.

Only :mod:`cxdial.cxone.http` (driving :mod:`cxdial.cxone.policy`) talks HTTP to CXone.
"""

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
