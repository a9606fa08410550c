"""Build a policy from its command-line spelling: ``predictive``, ``progressive``,
``ratio:2.5``, ``vicidial`` (or ``vicidial:average`` / ``vicidial:tapered``)."""

from __future__ import annotations

from typing import Any

from cxdial.errors import ValidationError
from cxdial.pacing.policies import FixedRatioPolicy, ProgressivePolicy
from cxdial.pacing.policy import PacingPolicy
from cxdial.pacing.predictive import PredictivePolicy
from cxdial.pacing.vicidial import VicidialAdaptivePolicy

__all__ = ["POLICY_NAMES", "make_policy"]

POLICY_NAMES = ("predictive", "progressive", "ratio:X", "vicidial")
_FIX = "use predictive, progressive, ratio:X (e.g. ratio:2.5) or vicidial[:average|:tapered]"


def make_policy(spec: str, **priors: Any) -> PacingPolicy:
    """A fresh policy for ``spec``; ``priors`` (cap, handle_time, dial_time, answer_rate,
    grace) configure the predictive policy and ``cap`` the VICIdial drop limit."""
    kind, _, arg = spec.strip().lower().partition(":")
    if kind == "progressive" and not arg:
        return ProgressivePolicy()
    if kind == "predictive" and not arg:
        return PredictivePolicy(**priors)
    if kind == "ratio":
        try:
            ratio = float(arg)
        except ValueError:
            raise ValidationError(f"bad dial ratio in {spec!r}", field="policy", fix=_FIX) from None
        return FixedRatioPolicy(ratio)
    if kind == "vicidial" and arg in ("", "hard_limit", "average", "tapered"):
        cap = float(priors.get("cap", 0.03))
        mode = arg or "hard_limit"
        return VicidialAdaptivePolicy(mode=mode, drop_percentage=100 * cap)  # type: ignore[arg-type]
    raise ValidationError(f"unknown pacing policy {spec!r}", field="policy", fix=_FIX)
