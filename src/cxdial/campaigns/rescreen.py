"""The re-screen job: screen what is on a calling list again and remove what became blocked.

The platform dials a record hours after cxdial screened it; in between a consent is
revoked, a number lands on a DNC list, an attempt limit is reached. :class:`Rescreener`
reads cxdial's record of what it uploaded to a list (:class:`~cxdial.store.list_screens.
ListScreenStore`: each record's gate inputs), screens those records again at the current
instant, and removes each one the gate now blocks from the platform
(``DELETE /lists/call-lists/{listName}/removeProspects``). Each removal is a ledger entry
with its reasons (``inputs.action: removeProspects``); the run is a screening of the list
under the gate's rule set (what pre-flight checks) and an audit entry
(``list.rescreened``).

A record blocked only by the calling-hours windows is kept: its expiration column already
stops the platform, and it may be dialed again tomorrow after a new upload. Everything
else (consent, DNC, attempt limits, Reg F cool-downs, invalid numbers) is removed.

Triggers: :meth:`Rescreener.run` re-screens the whole list (the timer, the CLI's
``cxdial list rescreen``); :meth:`Rescreener.on_event` only the records of the numbers
or contacts an event names (a revocation, a DNC addition, a cap hit recorded by the event
pipeline); :meth:`Rescreener.run_every` is a simple timer loop a service can run in a
thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cxdial.campaigns.segments import GATE_PURPOSE
from cxdial.campaigns.upload import choose_list

if TYPE_CHECKING:
    from cxdial.campaigns.context import CampaignContext
    from cxdial.campaigns.spec import CampaignSpec
    from cxdial.compliance import Gate
    from cxdial.store.list_screens import StoredListRecord

__all__ = ["Removal", "RescreenReport", "Rescreener", "rescreen_numbers"]

BATCH = 200
"""Records per ``removeProspects`` request."""


@dataclass(frozen=True)
class Removal:
    """One record the re-screen took off the list (or failed to)."""

    external_id: str
    reasons: tuple[str, ...]
    removed: bool
    result: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data (no phone numbers)."""
        return {
            "external_id": self.external_id,
            "reasons": list(self.reasons),
            "removed": self.removed,
            "result": self.result,
        }


@dataclass
class RescreenReport:
    """What one re-screen looked at, kept and removed."""

    campaign: str
    list_name: str
    rule_set_version: str
    at: datetime
    trigger: str
    screened: int = 0
    kept: int = 0
    waiting: int = 0
    removals: list[Removal] = field(default_factory=list)

    @property
    def removed(self) -> int:
        """Records taken off the platform's list."""
        return sum(1 for r in self.removals if r.removed)

    @property
    def failed(self) -> int:
        """Blocked records the platform did not remove (still on its list)."""
        return sum(1 for r in self.removals if not r.removed)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "campaign": self.campaign,
            "list": self.list_name,
            "rule_set_version": self.rule_set_version,
            "at": self.at.isoformat(),
            "trigger": self.trigger,
            "counts": {
                "screened": self.screened,
                "kept": self.kept,
                "outside_hours": self.waiting,
                "removed": self.removed,
                "failed": self.failed,
            },
            "removals": [r.as_dict() for r in self.removals],
        }


class Rescreener:
    """Re-screens one list of one campaign with one gate; reusable across runs.

    ``ctx`` gives the client, the store, the audit log and the clock (its ``clock()`` is
    the screening instant); ``gate`` carries the current rules, DNC lists, attempt
    history and consent records, and writes the removals to its ledger when it has one.
    """

    def __init__(
        self,
        ctx: CampaignContext,
        spec: CampaignSpec,
        gate: Gate,
        *,
        list_name: str | None = None,
        skill_id: int | None = None,
    ) -> None:
        self.ctx = ctx
        self.spec = spec
        self.gate = gate
        self.source = choose_list(spec, list_name)
        self.skill_id = skill_id if skill_id is not None else (spec.skill.id or 0)

    def run(self, *, trigger: str = "timer") -> RescreenReport:
        """Re-screen every record cxdial keeps on the list."""
        return self._run(self._records(), trigger, whole_list=True)

    def on_event(
        self,
        *,
        phones: Iterable[str] = (),
        contact_ids: Iterable[str] = (),
        trigger: str = "event",
    ) -> RescreenReport:
        """Re-screen only the records of these numbers (any format) or external ids."""
        from cxdial.compliance.phones import national_number

        wanted = {f"+1{n}" for p in phones if (n := national_number(p)) is not None}
        ids = set(contact_ids)
        records = self._records(phones=wanted, external_ids=ids) if wanted or ids else []
        return self._run(records, trigger, whole_list=False)

    def run_every(
        self,
        seconds: float,
        *,
        stop: Callable[[], bool],
        sleep: Callable[[float], None] | None = None,
        on_report: Callable[[RescreenReport], None] | None = None,
    ) -> int:
        """Run, then wait ``seconds``, until ``stop()`` is true; returns the runs made."""
        import time

        wait = sleep or self.ctx.sleep or time.sleep
        runs = 0
        while not stop():
            report = self.run(trigger="timer")
            runs += 1
            if on_report is not None:
                on_report(report)
            if stop():
                break
            wait(seconds)
        return runs

    # --- the work --------------------------------------------------------------------

    def _store(self) -> Any:
        from cxdial.store.list_screens import ListScreenStore

        return ListScreenStore(self.ctx.store)

    def _records(
        self, *, phones: set[str] | None = None, external_ids: set[str] | None = None
    ) -> list[StoredListRecord]:
        records: list[StoredListRecord] = self._store().active_records(
            self.spec.name, self.source.name, phones=phones, external_ids=external_ids
        )
        return records

    def _run(
        self, records: list[StoredListRecord], trigger: str, *, whole_list: bool
    ) -> RescreenReport:
        import polars as pl

        from cxdial.compliance.gate import ledger_record
        from cxdial.compliance.models import WINDOW_REASONS, Purpose, blocked_only_by_time

        at = self.ctx.clock()
        report = RescreenReport(
            self.spec.name, self.source.name, self.gate.rules.version, at, trigger
        )
        if records:
            columns = sorted({c for r in records for c in r.contact})
            frame = pl.DataFrame(
                [{c: r.contact.get(c) for c in columns} for r in records],
                schema=dict.fromkeys(columns, pl.String),
                orient="row",
            )
            seller = self.source.segment.seller if self.source.segment is not None else None
            purpose = Purpose(GATE_PURPOSE[self.spec.purpose])
            result = self.gate.screen(frame, at, purpose=purpose, seller=seller)
            report.screened = result.frame.height + len({e.line for e in result.errors})
            blocked = []
            for decision in result.decisions():
                if decision.allowed:
                    report.kept += 1
                elif blocked_only_by_time(decision.reasons, WINDOW_REASONS):
                    report.waiting += 1
                else:
                    blocked.append(decision)
            removals = self._remove(
                [(str(d.contact_id), tuple(str(r) for r in d.reasons)) for d in blocked]
            )
            report.removals.extend(removals)
            if self.gate.ledger is not None and blocked:
                done = {r.external_id: r for r in removals}
                self.gate.ledger.append_many(
                    [
                        ledger_record(
                            d,
                            {
                                "screen": True,
                                "rescreen": True,
                                "trigger": trigger,
                                "action": "removeProspects",
                                "list": self.source.name,
                                "removed": done[str(d.contact_id)].removed,
                                "result": done[str(d.contact_id)].result,
                            },
                        )
                        for d in blocked
                    ]
                )
        if whole_list:
            self._store().record_screen(
                self.spec.name,
                self.source.name,
                skill_id=self.skill_id,
                kind="rescreen",
                rule_set_version=report.rule_set_version,
                screened_for=at,
                records=report.kept + report.waiting + report.failed,
                removed=report.removed,
            )
        if not (whole_list or records):
            return report  # an event about numbers not on this list: nothing to audit
        self.ctx.record(
            "list.rescreened",
            self.spec.name,
            detail={k: v for k, v in report.as_dict().items() if k != "removals"},
        )
        return report

    def _remove(self, blocked: list[tuple[str, tuple[str, ...]]]) -> list[Removal]:
        """``removeProspects`` in batches; remember what the platform removed."""
        out: list[Removal] = []
        reasons = dict(blocked)
        for start in range(0, len(blocked), BATCH):
            ids = [external_id for external_id, _ in blocked[start : start + BATCH]]
            answer = self.ctx.client.lists.remove_prospects(self.source.name, ids)
            results: dict[str, str] = {}
            gone: set[str] = set()
            body = answer if isinstance(answer, dict) else {}
            for item in body.get("successfulRecords") or []:
                if isinstance(item, dict):
                    key = str(item.get("externalId"))
                    gone.add(key)
                    results[key] = str(item.get("resultCode") or "Removed")
            for item in body.get("failedRecords") or []:
                if isinstance(item, dict):
                    results[str(item.get("externalId"))] = str(item.get("resultCode") or "Failed")
            batch = [
                Removal(
                    external_id,
                    reasons[external_id],
                    external_id in gone,
                    results.get(external_id, "no answer for this record"),
                )
                for external_id in ids
            ]
            out.extend(batch)
            removed = {r.external_id: ";".join(r.reasons) for r in batch if r.removed}
            if removed:
                self._store().mark_removed(
                    self.spec.name, self.source.name, removed, self.ctx.clock()
                )
        return out


def rescreen_numbers(
    ctx: CampaignContext,
    spec: CampaignSpec,
    gate: Gate,
    *,
    phones: Iterable[str] = (),
    contact_ids: Iterable[str] = (),
    trigger: str = "event",
    skill_id: int | None = None,
) -> list[RescreenReport]:
    """Re-screen the records of these numbers / contacts on every list of ``spec``.

    What the service calls when the event pipeline records a revocation, a DNC addition
    or an attempt that may reach a cap (``trigger`` names which); ``gate`` must carry the
    updated consent records, DNC lists and attempt history. Lists with none of the
    records are screened at no cost (nothing to screen, nothing removed).
    """
    phones, contact_ids = list(phones), list(contact_ids)
    return [
        Rescreener(ctx, spec, gate, list_name=source.name, skill_id=skill_id).on_event(
            phones=phones, contact_ids=contact_ids, trigger=trigger
        )
        for source in spec.lists
    ]
