"""Ad-hoc calls: place one call to one number now, then follow it to its disposition.

Names load on first use (PEP 562), so ``cxdial.calls.models`` and the compliance hook do
not pull in the CXone client (httpx) before a call is actually dialed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cxdial.calls.models import CallOutcome, CallResult, DialIntent, PlacedCall, Via
    from cxdial.calls.placer import CallPlacer, PreDialCheck, ungated
    from cxdial.cxone.numbers import to_e164

__all__ = [
    "CallOutcome",
    "CallPlacer",
    "CallResult",
    "DialIntent",
    "PlacedCall",
    "PreDialCheck",
    "Via",
    "to_e164",
    "ungated",
]

_HOME = {
    "CallOutcome": "cxdial.calls.models",
    "CallResult": "cxdial.calls.models",
    "DialIntent": "cxdial.calls.models",
    "PlacedCall": "cxdial.calls.models",
    "Via": "cxdial.calls.models",
    "CallPlacer": "cxdial.calls.placer",
    "PreDialCheck": "cxdial.calls.placer",
    "ungated": "cxdial.calls.placer",
    "to_e164": "cxdial.cxone.numbers",
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
