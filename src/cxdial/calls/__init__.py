"""Ad-hoc calls: place one call to one number now, then follow it to its disposition.

Names load on first use (PEP 562), so ``cxdial.calls.models`` and the compliance hook do
not pull in the CXone client (httpx) before a call is actually dialed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxdial._lazy import lazy_exports

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
    "CallOutcome": "models",
    "CallResult": "models",
    "DialIntent": "models",
    "PlacedCall": "models",
    "Via": "models",
    "CallPlacer": "placer",
    "PreDialCheck": "placer",
    "ungated": "placer",
    "to_e164": "..cxone.numbers",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOME)
