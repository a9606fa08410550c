"""Pacing policies, the optimal bound, and the capacity simulator."""

from cxdial.pacing.policy import DialerState, PacingPolicy

__all__ = ["DialerState", "PacingPolicy"]
