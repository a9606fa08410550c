"""Ad-hoc calls: place one call to one number now, then follow it to its disposition."""

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
