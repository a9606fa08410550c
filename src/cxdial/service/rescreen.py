"""The service's re-screen job: keep the configured campaigns' calling lists screened.

The event worker hands over, in each event's transaction, the numbers whose standing may
have changed (a consent revocation or a do-not-call request a disposition recorded, an
attempt that may reach a frequency cap) as rows of ``rescreen_pending``
(:class:`~cxdial.store.rescreen_tables.RescreenQueue`). :meth:`RescreenJob.drain` reads
them in batches, builds a gate with what the store knows *now* about the numbers in play
(their consent records and internal do-not-call entries, read with ``IN`` queries, not the
whole tables; the last eight days of attempts; the configured DNC files and rules),
re-screens the records of those numbers on every list of every spec
(:func:`cxdial.campaigns.rescreen.rescreen_numbers`, one call per trigger so each ledger
entry names it), and deletes the rows only afterwards: a crash in between re-screens them
again, which removes nothing twice. :meth:`RescreenJob.run_all` re-screens whole lists
(the timer). The work is synchronous (the client and the stores are); the
``rescreener`` role runs it in a thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
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

    def gate(self, ledger: Ledger | None, phones: Iterable[str] | None = None) -> Gate:
        """A gate with the store's consent records, internal DNC list and recent attempts:
        every number's, or only those of ``phones`` (any format; read with ``IN`` queries),
        which is all a pass over handed-over numbers screens."""
        from cxdial.compliance import AttemptHistory, ConsentBook, DncIndex, Gate, RuleSet
        from cxdial.compliance.phones import national_number
        from cxdial.store import AttemptLog, ConsentStore
        from cxdial.store.rescreen_tables import InternalDncStore

        if self._rules is None:
            self._rules = RuleSet.load(self.rules_dir)
        dnc = DncIndex.from_files(self.dnc_files)
        consent_store, dnc_store = ConsentStore(self.engine), InternalDncStore(self.engine)
        if phones is None:
            numbers = dnc_store.numbers()
            consent_rows = consent_store.rows()
        else:
            national = {n for p in phones if (n := national_number(p)) is not None}
            numbers = dnc_store.numbers_of(national)
            consent_rows = consent_store.rows_of(national)
        if numbers:
            dnc.add_lines(["# registry: internal", *numbers], source="store internal_dnc")
        history = AttemptHistory.from_store(AttemptLog(self.engine), self.clock() - HISTORY)
        history.sink = None  # a screen reads the history; it records no attempt
        consents = ConsentBook.from_rows(consent_rows, source="store consent_records")
        return Gate(rules=self._rules, dnc=dnc, history=history, consents=consents, ledger=ledger)

    def _in_play(
        self, ctx: CampaignContext, phones: Iterable[str], external_ids: Sequence[str]
    ) -> set[str]:
        """Every number a pass over these numbers and record ids screens: the numbers, and
        those of the records matched by id (a record's number may differ from the event's)."""
        from cxdial.store.list_screens import ListScreenStore

        wanted = set(phones)
        if external_ids:
            screens = ListScreenStore(ctx.store)
            for spec in self.specs:
                for source in spec.lists:
                    for record in screens.active_records(
                        spec.name, source.name, external_ids=external_ids
                    ):
                        for phone in (record.phone_e164, record.contact.get("phone")):
                            if isinstance(phone, str) and phone:
                                wanted.add(phone)
        return wanted

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
                ctx = self._context(audit)
                every_id = sorted({r.external_id for r in rows if r.external_id})
                in_play = self._in_play(ctx, (r.phone_e164 for r in rows), every_id)
                gate = self.gate(ledger, in_play)
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
