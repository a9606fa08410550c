"""The service's re-screen job: keep the configured campaigns' calling lists screened.

The event worker hands over, in each event's transaction, the numbers whose standing may
have changed (a consent revocation or a do-not-call request a disposition recorded, an
attempt that may reach a frequency cap) as rows of ``rescreen_pending``
(:class:`~cxdial.store.rescreen_tables.RescreenQueue`). :meth:`RescreenJob.drain` reads
them in batches, builds a gate with what the store knows *now* (its consent records,
internal do-not-call list and the last eight days of attempts, plus the configured DNC
files and rules), re-screens the records of those numbers on every list of every spec
(:func:`cxdial.campaigns.rescreen.rescreen_numbers`, one call per trigger so each ledger
entry names it), and deletes the rows only afterwards: a crash in between re-screens them
again, which removes nothing twice. :meth:`RescreenJob.run_all` re-screens whole lists
(the timer). The work is synchronous (the client and the stores are); the
``rescreener`` role runs it in a thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from cxdial.campaigns.context import CampaignContext
    from cxdial.campaigns.rescreen import RescreenReport
    from cxdial.campaigns.spec import CampaignSpec
    from cxdial.compliance import Gate, RuleSet
    from cxdial.cxone import Client
    from cxdial.store import Ledger
    from cxdial.store.audit import AuditLog

__all__ = ["HISTORY", "RescreenJob"]

log = logging.getLogger("cxdial.service.rescreen")

HISTORY = timedelta(days=8)
"""Attempts the caps read: the longest cap window (7 days) + 1."""


@dataclass
class RescreenJob:
    """Re-screens the lists of ``specs`` with a gate fed by the store; reusable."""

    engine: Engine
    client: Client
    specs: Sequence[CampaignSpec]
    environ: Mapping[str, str]
    """Where the ledger key and checkpoints are read from (usually ``os.environ``)."""
    clock: Callable[[], datetime]
    dnc_files: Sequence[Path] = ()
    rules_dir: Path | None = None
    batch: int = 1000
    _rules: RuleSet | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        """The store's URL (the ledger and audit log open their own engines on it)."""
        return self.engine.url.render_as_string(hide_password=False)

    def gate(self, ledger: Ledger | None) -> Gate:
        """A gate with the store's consent records, internal DNC list and recent attempts."""
        from cxdial.compliance import AttemptHistory, ConsentBook, DncIndex, Gate, RuleSet
        from cxdial.store import AttemptLog, ConsentStore
        from cxdial.store.rescreen_tables import InternalDncStore

        if self._rules is None:
            self._rules = RuleSet.load(self.rules_dir)
        dnc = DncIndex.from_files(self.dnc_files)
        numbers = InternalDncStore(self.engine).numbers()
        if numbers:
            dnc.add_lines(["# registry: internal", *numbers], source="store internal_dnc")
        history = AttemptHistory.from_store(AttemptLog(self.engine), self.clock() - HISTORY)
        history.sink = None  # a screen reads the history; it records no attempt
        consents = ConsentBook.from_store(ConsentStore(self.engine))
        return Gate(rules=self._rules, dnc=dnc, history=history, consents=consents, ledger=ledger)

    def _context(self, audit: AuditLog | None) -> CampaignContext:
        from cxdial.campaigns.context import CampaignContext
        from cxdial.store.campaigns import CampaignStore

        return CampaignContext(
            client=self.client,
            store=CampaignStore(self.engine),
            audit=audit,
            actor="cxdial-rescreener",
            clock=self.clock,
        )

    def drain(self) -> list[RescreenReport]:
        """Re-screen every number handed over so far; the reports (empty: nothing pending)."""
        from cxdial.campaigns.rescreen import rescreen_numbers
        from cxdial.store import open_ledger
        from cxdial.store.audit import open_audit_log
        from cxdial.store.rescreen_tables import TRIGGERS, RescreenQueue

        queue = RescreenQueue(self.engine)
        reports: list[RescreenReport] = []
        while rows := queue.pending(self.batch):
            with (
                open_ledger(self.url, environ=self.environ) as ledger,
                open_audit_log(self.url, environ=self.environ) as audit,
            ):
                gate, ctx = self.gate(ledger), self._context(audit)
                for trigger in TRIGGERS:
                    mine = [r for r in rows if r.trigger == trigger]
                    if not mine:
                        continue
                    phones = sorted({r.phone_e164 for r in mine})
                    ids = sorted({r.external_id for r in mine if r.external_id})
                    for spec in self.specs:
                        reports.extend(
                            rescreen_numbers(
                                ctx, spec, gate, phones=phones, contact_ids=ids, trigger=trigger
                            )
                        )
            queue.done(r.id for r in rows)
            log.info("re-screened %d handed-over numbers", len(rows))
        return reports

    def run_all(self) -> list[RescreenReport]:
        """Re-screen every list of every spec (the timer's run)."""
        from cxdial.campaigns.apply import resolve_skill_id
        from cxdial.campaigns.rescreen import Rescreener
        from cxdial.store import open_ledger
        from cxdial.store.audit import open_audit_log

        reports: list[RescreenReport] = []
        with (
            open_ledger(self.url, environ=self.environ) as ledger,
            open_audit_log(self.url, environ=self.environ) as audit,
        ):
            gate, ctx = self.gate(ledger), self._context(audit)
            for spec in self.specs:
                skill_id = resolve_skill_id(ctx, spec)
                for source in spec.lists:
                    rescreener = Rescreener(
                        ctx, spec, gate, list_name=source.name, skill_id=skill_id
                    )
                    reports.append(rescreener.run(trigger="timer"))
        return reports
