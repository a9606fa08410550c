"""The one small interface every pacing policy implements: state in, dials out.

The simulator and the emulator's dialer call :meth:`PacingPolicy.dials_to_launch` whenever
the dialer state changes (an agent frees up, an attempt resolves) and on a regular tick.
Cumulative counters let a policy compute drop rates on the regulatory basis itself
(abandoned ÷ live answers) over any window it keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["DialerState", "PacingPolicy"]


@dataclass(frozen=True, slots=True)
class DialerState:
    """What a pacer may know at one instant about one campaign."""

    now: float
    """Seconds since the campaign started (virtual time in the simulator)."""
    agents: int
    """Agents logged in to the campaign."""
    busy: int
    """Agents talking or in wrap-up (not free for a new connect)."""
    in_flight: int
    """Attempts dialed and not yet resolved (ringing, in CPA)."""
    dials: int = 0
    """Attempts launched so far (cumulative)."""
    live_answers: int = 0
    """Attempts answered by a live person so far (cumulative)."""
    abandoned: int = 0
    """Live answers not connected to an agent in time (cumulative)."""
    trunks_free: int | None = None
    """Lines still free for new attempts; ``None`` when unlimited."""

    @property
    def free(self) -> int:
        """Agents idle and ready for a connect."""
        return max(self.agents - self.busy, 0)

    def launchable(self, wanted: int) -> int:
        """``wanted`` clamped to [0, free trunks]: what a policy may actually return."""
        if self.trunks_free is not None and wanted > self.trunks_free:
            wanted = self.trunks_free
        return max(wanted, 0)


@runtime_checkable
class PacingPolicy(Protocol):
    """Decides how many new attempts to launch now."""

    name: str

    def dials_to_launch(self, state: DialerState) -> int:
        """Number of new attempts to start at ``state.now`` (0 or more)."""
        ...
