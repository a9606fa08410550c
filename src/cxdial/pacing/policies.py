"""The simple baselines: progressive (power) dialing and a fixed dial ratio."""

from __future__ import annotations

from cxdial.errors import ValidationError
from cxdial.pacing.policy import DialerState

__all__ = ["FixedRatioPolicy", "ProgressivePolicy"]


class ProgressivePolicy:
    """One attempt in flight per free agent: never abandons while agents stay logged in."""

    name = "progressive"

    def dials_to_launch(self, state: DialerState) -> int:
        """Top up in-flight attempts to the number of free agents."""
        return state.launchable(state.free - state.in_flight)


class FixedRatioPolicy:
    """Keep ``ratio`` attempts in flight per free agent (a static over-dial)."""

    def __init__(self, ratio: float) -> None:
        if not 0 < ratio <= 50:
            raise ValidationError(
                f"dial ratio must be in (0, 50], got {ratio:g}",
                field="ratio",
                fix="use e.g. ratio:2.5",
            )
        self.ratio = ratio
        self.name = f"ratio:{ratio:g}"

    def dials_to_launch(self, state: DialerState) -> int:
        """Top up in-flight attempts to ``ratio`` × free agents (rounded)."""
        return state.launchable(int(self.ratio * state.free + 0.5) - state.in_flight)
