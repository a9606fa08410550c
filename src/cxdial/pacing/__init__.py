"""Pacing policies, the optimal bound, and the capacity simulator.

Names load on first use (PEP 562), so importing one module of the package, such as
``cxdial.pacing.policy`` for the emulator's dialer, does not import SciPy (``bound``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxdial._lazy import lazy_exports

if TYPE_CHECKING:
    from cxdial.pacing.bound import Bound, lp_bound, progressive_utilization
    from cxdial.pacing.capacity import Recommendation, policy_for, recommend, replicate
    from cxdial.pacing.factory import make_policy
    from cxdial.pacing.metrics import SimResult
    from cxdial.pacing.policies import FixedRatioPolicy, ProgressivePolicy
    from cxdial.pacing.policy import DialerState, PacingPolicy
    from cxdial.pacing.predictive import PredictivePolicy
    from cxdial.pacing.scenario import Scenario, load_scenario, scenario_from
    from cxdial.pacing.simulator import simulate
    from cxdial.pacing.vicidial import VicidialAdaptivePolicy

_WHERE = {
    "Bound": "bound",
    "lp_bound": "bound",
    "progressive_utilization": "bound",
    "Recommendation": "capacity",
    "policy_for": "capacity",
    "recommend": "capacity",
    "replicate": "capacity",
    "make_policy": "factory",
    "SimResult": "metrics",
    "FixedRatioPolicy": "policies",
    "ProgressivePolicy": "policies",
    "DialerState": "policy",
    "PacingPolicy": "policy",
    "PredictivePolicy": "predictive",
    "Scenario": "scenario",
    "load_scenario": "scenario",
    "scenario_from": "scenario",
    "simulate": "simulator",
    "VicidialAdaptivePolicy": "vicidial",
}

__all__ = [
    "Bound",
    "DialerState",
    "FixedRatioPolicy",
    "PacingPolicy",
    "PredictivePolicy",
    "ProgressivePolicy",
    "Recommendation",
    "Scenario",
    "SimResult",
    "VicidialAdaptivePolicy",
    "load_scenario",
    "lp_bound",
    "make_policy",
    "policy_for",
    "progressive_utilization",
    "recommend",
    "replicate",
    "scenario_from",
    "simulate",
]


__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
