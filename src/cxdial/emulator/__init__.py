"""A CXone tenant on localhost: the same REST API, simulated agents, dialer and telephony.

Run it with ``cxdial emulator``; build it in tests with :func:`create_app`. Needs the
``emulator`` extra (``pip install 'cxdial[emulator]'``: FastAPI, uvicorn, cryptography).
Names load on first use (PEP 562), so ``cxdial.emulator.credentials`` and
:class:`EmulatorConfig` import without the web framework.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxdial._lazy import lazy_exports

if TYPE_CHECKING:
    from cxdial.emulator.app import create_app
    from cxdial.emulator.config import EmulatorConfig
    from cxdial.emulator.faults import FaultSpec, FaultSpecError

__all__ = ["EmulatorConfig", "FaultSpec", "FaultSpecError", "create_app"]

_WHERE = {
    "EmulatorConfig": "config",
    "FaultSpec": "faults",
    "FaultSpecError": "faults",
    "create_app": "app",
}


__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
