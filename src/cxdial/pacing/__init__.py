"""Pacing policies, the optimal bound, and the capacity simulator."""

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
