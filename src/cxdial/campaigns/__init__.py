"""Campaigns as code: a YAML spec → validate → plan → versioned apply with rollback → run.

A cxdial campaign is one CXone Personal Connection skill and everything around it
(docs/campaigns.md). Names load on first use (PEP 562), so importing the package is light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cxdial.campaigns.errors import (
        ConfigConflict,
        InvalidTransition,
        RolledBack,
        SpecError,
        SpecProblem,
    )
    from cxdial.campaigns.spec import CampaignSpec, dump_spec, load_spec, parse_spec, spec_hash

_WHERE = {
    "CampaignSpec": "spec",
    "ConfigConflict": "errors",
    "InvalidTransition": "errors",
    "RolledBack": "errors",
    "SpecError": "errors",
    "SpecProblem": "errors",
    "dump_spec": "spec",
    "load_spec": "spec",
    "parse_spec": "spec",
    "spec_hash": "spec",
}

__all__ = [
    "CampaignSpec",
    "ConfigConflict",
    "InvalidTransition",
    "RolledBack",
    "SpecError",
    "SpecProblem",
    "dump_spec",
    "load_spec",
    "parse_spec",
    "spec_hash",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'cxdial.campaigns' has no attribute {name!r}")
    return getattr(importlib.import_module(f"cxdial.campaigns.{module}"), name)


def __dir__() -> list[str]:
    return sorted(__all__)
