"""Campaigns as code: a YAML spec → validate → plan → versioned apply with rollback → run.

A cxdial campaign is one CXone Personal Connection skill and everything around it
(docs/campaigns.md). Names load on first use (PEP 562), so importing the package is light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxdial._lazy import lazy_exports

if TYPE_CHECKING:
    from cxdial.campaigns.apply import ApplyResult, apply_campaign, plan_campaign, rollback_campaign
    from cxdial.campaigns.context import CampaignContext
    from cxdial.campaigns.diagnose import diagnose
    from cxdial.campaigns.diff import Change, Plan
    from cxdial.campaigns.errors import (
        ConfigConflict,
        InvalidTransition,
        RolledBack,
        SpecError,
        SpecProblem,
    )
    from cxdial.campaigns.lifecycle import (
        TransitionResult,
        current_state,
        patch_dialing_mode,
        transition,
    )
    from cxdial.campaigns.mapping import desired_config, spec_from_config
    from cxdial.campaigns.monitor import Evaluation, MonitorAction, Snapshot, evaluate, observe
    from cxdial.campaigns.preflight import PreflightFailed, PreflightReport, preflight
    from cxdial.campaigns.schema import spec_schema
    from cxdial.campaigns.spec import CampaignSpec, dump_spec, load_spec, parse_spec, spec_hash
    from cxdial.campaigns.validate import ValidationReport, validate_spec

_WHERE = {
    "ApplyResult": "apply",
    "CampaignContext": "context",
    "CampaignSpec": "spec",
    "Change": "diff",
    "ConfigConflict": "errors",
    "Evaluation": "monitor",
    "InvalidTransition": "errors",
    "MonitorAction": "monitor",
    "Plan": "diff",
    "PreflightFailed": "preflight",
    "PreflightReport": "preflight",
    "RolledBack": "errors",
    "Snapshot": "monitor",
    "SpecError": "errors",
    "SpecProblem": "errors",
    "TransitionResult": "lifecycle",
    "ValidationReport": "validate",
    "apply_campaign": "apply",
    "current_state": "lifecycle",
    "desired_config": "mapping",
    "diagnose": "diagnose",
    "dump_spec": "spec",
    "evaluate": "monitor",
    "load_spec": "spec",
    "observe": "monitor",
    "parse_spec": "spec",
    "patch_dialing_mode": "lifecycle",
    "plan_campaign": "apply",
    "preflight": "preflight",
    "rollback_campaign": "apply",
    "spec_from_config": "mapping",
    "spec_hash": "spec",
    "spec_schema": "schema",
    "transition": "lifecycle",
    "validate_spec": "validate",
}

__all__ = [
    "ApplyResult",
    "CampaignContext",
    "CampaignSpec",
    "Change",
    "ConfigConflict",
    "Evaluation",
    "InvalidTransition",
    "MonitorAction",
    "Plan",
    "PreflightFailed",
    "PreflightReport",
    "RolledBack",
    "Snapshot",
    "SpecError",
    "SpecProblem",
    "TransitionResult",
    "ValidationReport",
    "apply_campaign",
    "current_state",
    "desired_config",
    "diagnose",
    "dump_spec",
    "evaluate",
    "load_spec",
    "observe",
    "parse_spec",
    "patch_dialing_mode",
    "plan_campaign",
    "preflight",
    "rollback_campaign",
    "spec_from_config",
    "spec_hash",
    "spec_schema",
    "transition",
    "validate_spec",
]


__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
