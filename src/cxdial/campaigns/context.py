"""What every campaign operation works with: the client, the store, the audit log, who and when.

With an :class:`~cxdial.events.outbound.Outbox`, lifecycle changes are also published as
outbound events for CRM / WFM subscribers (``campaign.activated``, ``campaign.paused``,
``campaign.failover``, ``campaign.rolled_back``); the service's delivery loop sends them.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cxdial.cxone import Client
    from cxdial.events.outbound import Outbox
    from cxdial.store.audit import AuditLog
    from cxdial.store.campaigns import CampaignStore

__all__ = ["EVENT_TYPES", "CampaignContext", "default_actor"]

EVENT_TYPES = (
    "campaign.activated",
    "campaign.paused",
    "campaign.failover",
    "campaign.rolled_back",
)
"""The outbound event types campaigns publish."""


def default_actor() -> str:
    """The local user name (what the audit log records as ``actor`` by default)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown"


@dataclass
class CampaignContext:
    """The client, the store and the audit log one operation uses, plus actor and clock."""

    client: Client
    store: CampaignStore
    audit: AuditLog | None = None
    actor: str = field(default_factory=default_actor)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    sleep: Callable[[float], None] | None = None
    """How polling waits (tests pass a function that advances the emulator's clock)."""
    rule_set_version: str | None = None
    """The compliance rules in force (pre-flight's "screened under the current rule set");
    None: the rules shipped with cxdial."""
    outbox: Outbox | None = None
    """Where lifecycle events are published (none: nothing is published)."""

    def publish(self, event_type: str, campaign: str, **data: Any) -> list[str]:
        """Queue one outbound event (no-op without an outbox); the delivery ids."""
        if self.outbox is None:
            return []
        body = {"campaign": campaign, "actor": self.actor, "at": self.clock().isoformat()}
        return self.outbox.publish(event_type, {**body, **data})

    def record(
        self,
        action: str,
        campaign: str,
        *,
        version: int | None = None,
        before: Any = None,
        after: Any = None,
        request_ids: Sequence[str | None] = (),
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append one audit entry (no-op without an audit log)."""
        if self.audit is None:
            return
        from cxdial.store.audit import AuditEntry

        self.audit.record(
            AuditEntry(
                at=self.clock(),
                actor=self.actor,
                action=action,
                campaign=campaign,
                version=version,
                before=before,
                after=after,
                request_ids=[r for r in request_ids if r],
                detail=detail or {},
            )
        )
