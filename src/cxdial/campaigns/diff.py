"""Field-by-field differences between two configs, and the plan that holds them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from cxdial.campaigns.mapping import Config, comparable, project

__all__ = ["Change", "Plan", "diff_configs"]


@dataclass(frozen=True)
class Change:
    """One field that differs: where, the value now (``before``) and the value wanted."""

    section: str
    field: str
    before: Any
    after: Any

    def __str__(self) -> str:
        return f"{self.section}.{self.field}: {self.before!r} → {self.after!r}"


def diff_configs(current: Config, wanted: Config) -> list[Change]:
    """What would change ``current`` into ``wanted`` (only the fields ``wanted`` names)."""
    now = project(current, wanted)
    changes = []
    for section, fields in wanted.items():
        have = now.get(section, {})
        for name, value in fields.items():
            if comparable(have.get(name)) != comparable(value):
                changes.append(Change(section, name, have.get(name), value))
    return changes


@dataclass
class Plan:
    """What ``apply`` would do to one campaign, and what changed behind cxdial's back."""

    campaign: str
    skill_id: int
    spec_hash: str
    changes: list[Change] = field(default_factory=list)
    drift: list[Change] = field(default_factory=list)
    """Fields the platform changed since the last apply (console edits)."""
    last_version: int | None = None
    missing_lists: Sequence[str] = ()
    cxdial_side_changed: bool = False
    """The spec changed only in what cxdial keeps (caps, failover …): a new version, no write."""

    @property
    def has_changes(self) -> bool:
        """True when apply would write something or record a new version."""
        return bool(self.changes) or self.cxdial_side_changed

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "campaign": self.campaign,
            "skill_id": self.skill_id,
            "spec_hash": self.spec_hash,
            "last_version": self.last_version,
            "has_changes": self.has_changes,
            "changes": [asdict(c) for c in self.changes],
            "drift": [asdict(c) for c in self.drift],
            "missing_lists": list(self.missing_lists),
            "cxdial_side_changed": self.cxdial_side_changed,
        }
