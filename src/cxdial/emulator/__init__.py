"""A CXone tenant on localhost: the same REST API, simulated agents, dialer and telephony.

Run it with ``cxdial emulator``; build it in tests with :func:`create_app`.
"""

from cxdial.emulator.app import create_app
from cxdial.emulator.config import EmulatorConfig
from cxdial.emulator.faults import FaultSpec, FaultSpecError

__all__ = ["EmulatorConfig", "FaultSpec", "FaultSpecError", "create_app"]
