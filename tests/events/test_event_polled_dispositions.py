"""A disposition reaches cxdial by whichever path survives, and counts once.

The ``disposition.set`` push may be lost: the disposition then arrives only on the
polled ``/contacts/completed`` record or on the reconciler's ``/contacts/{id}`` lookup
(``primaryDispositionId``). Either way it must do what the push would have done — a
revocation recorded as a consent revocation, a do-not-call request on the internal list,
the number handed to the re-screen job, one ``disposition.set`` for subscribers — and a
late push or a repeated poll must add nothing. A different, newer disposition is a
re-disposition, published again; an older one is stale. Against the emulator over
loopback HTTP (manual clock), SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select

from cxdial.cxone import AsyncClient
from cxdial.cxone.request import APIRequest
from cxdial.cxone.versions import ACD_PREFIX, DEFAULT_VERSION
from cxdial.emulator import EmulatorConfig
from cxdial.emulator.testing import EmulatorServer, demo_settings
from cxdial.events import CallEvent, Envelope, event_from_completed
from cxdial.events.consumer import Handled, Processor
from cxdial.events.dispositions import DispositionRules, compare
from cxdial.events.embedded import EmbeddedQueue
from cxdial.events.outbound import OutboundSettings, Outbox
from cxdial.events.poller import Poller
from cxdial.events.queue import QueueSettings
from cxdial.events.reconcile import Reconciler
from cxdial.events.worker import Worker
from cxdial.store import ConsentStore, session_scope
from cxdial.store.rescreen_tables import InternalDncStore, RescreenQueue
from cxdial.store.webhook_tables import DeliveryRow

CALLER = "+18005550100"
SALE = "1"
"""The emulator's seeded "Sale" disposition id."""


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    """A fresh emulator on a loopback port (manual clock)."""
    with EmulatorServer(EmulatorConfig(seed=11, manual_clock=True)) as server:
        yield server


def _any(body: Any) -> Any:
    return body


def _path(path: str) -> str:
    """An ACD path the client has no resource for (tenant setup by the test)."""
    return f"{ACD_PREFIX}/{DEFAULT_VERSION}{path}"


@dataclass
class Rig:
    """A tenant with "Revoked Consent" and "Do Not Call" dispositions on its skill, and a
    worker that records them, hands numbers over and publishes to a CRM subscription."""

    emulator: EmulatorServer
    client: AsyncClient
    engine: Engine
    processor: Processor
    queue: EmbeddedQueue
    skill: int
    revoked: str
    dnc: str
    later: datetime

    async def calls(self, n: int) -> list[int]:
        """Place ``n`` calls and let them end; their contact ids."""
        ids = [
            (
                await self.client.scripts.start(
                    skill_id=self.skill, phone_number=f"+1555246{i:04d}", caller_id=CALLER
                )
            ).contact_id
            for i in range(n)
        ]
        await self.advance(1200)
        return ids

    async def advance(self, seconds: float) -> None:
        """Move the emulator's manual clock."""
        async with httpx.AsyncClient(base_url=self.emulator.url) as control:
            response = await control.post("/_emulator/clock/advance", json={"seconds": seconds})
            response.raise_for_status()

    async def dispose(self, contact_id: int, code: str) -> None:
        """An agent (or supervisor) dispositions the call on the platform, a little later."""
        await self.advance(5)
        info = {"skill": self.skill, "dispositionCode": int(code)}
        path = _path(f"/contacts/{contact_id}/set-disposition")
        await self.client.send(APIRequest("POST", path, json={"dispositionInfo": info}, parse=_any))

    async def record(self, contact_id: int) -> Any:
        """The platform's completed record of one call (what the reconciler looks up)."""
        return await self.client.contacts.get(contact_id)

    async def poll(self) -> None:
        """One poller pass, applied by the worker."""
        await Poller(self.client, self.queue, self.engine, now=lambda: self.later).poll_once()
        await Worker(self.queue, self.processor).drain()

    async def reconcile(self) -> None:
        """One reconciliation pass (every open call is past its grace)."""
        reconciler = Reconciler(
            self.client, self.processor, grace=timedelta(minutes=15), now=lambda: self.later
        )
        assert (await reconciler.run_once()).filled >= 1

    def push(self, event: CallEvent, kind: str, wid: str, **fields: Any) -> Handled:
        """A pushed event of ``kind`` for the call ``event`` describes."""
        body = event.model_dump(mode="json", exclude_none=True)
        body.pop("disposition", None)
        body.pop("updated_at", None)
        if kind not in ("call.completed", "call.abandoned"):
            body.pop("outcome", None)
        body.update(type=kind, **fields)
        (handled,) = self.processor.handle(
            [Envelope.of(CallEvent.model_validate(body), id=wid, source="push")]
        )
        return handled


@dataclass(frozen=True)
class Facts:
    """What one number's calls left behind: compliance records, hand-offs, publications."""

    revocations: list[str]
    dnc: list[str]
    handed_over: list[str]
    published: list[dict[str, Any]]


def facts(rig: Rig, event: CallEvent) -> Facts:
    """Everything recorded for ``event``'s number and contact."""
    national = event.phone[2:]
    revocations = [
        r["evidence_id"] for r in ConsentStore(rig.engine).rows() if r["phone"] == national
    ]
    dnc = InternalDncStore(rig.engine).numbers(national)
    handed = [
        p.trigger
        for p in RescreenQueue(rig.engine).pending()
        if p.phone_e164 == event.phone and p.trigger != "attempt"
    ]
    with session_scope(rig.engine) as session:
        bodies = [
            json.loads(b)
            for b in session.scalars(
                select(DeliveryRow.body).where(DeliveryRow.event_type == "disposition.set")
            )
        ]
    published = [b["data"] for b in bodies if b["data"]["contact_id"] == event.contact_id]
    return Facts(revocations, dnc, handed, published)


async def _tenant_dispositions(client: AsyncClient) -> tuple[int, str, str]:
    """Create "Revoked Consent" and "Do Not Call" and assign them to the PC skill beside
    the seeded ones; the skill id and the two disposition ids."""
    skill = next(iter([s async for s in client.skills.list()])).skill_id
    made = await client.send(
        APIRequest(
            "POST",
            _path("/dispositions"),
            json={
                "dispositions": [
                    {"dispositionName": "Revoked Consent", "isPreviewDisposition": False},
                    {"dispositionName": "Do Not Call", "isPreviewDisposition": False},
                ]
            },
            parse=_any,
        )
    )
    revoked, dnc = (r["dispositionId"] for r in made.body["dispositionResults"])
    assigned = [{"dispositionId": i} for i in (*range(1, 9), revoked, dnc)]
    await client.send(
        APIRequest(
            "PUT",
            _path(f"/skills/{skill}"),
            json={"skill": {"dispositions": assigned}},
            parse=_any,
        )
    )
    return skill, str(revoked), str(dnc)


def run(emulator: EmulatorServer, engine: Engine, test: Any) -> None:
    """Run ``test(rig)`` on a fresh tenant and store."""

    async def main() -> None:
        settings = demo_settings(emulator.url, rate_limit=float("inf"))
        async with AsyncClient.from_settings(settings) as client:
            skill, revoked, dnc = await _tenant_dispositions(client)
            rules = DispositionRules.of(
                revocation=["Revoked Consent", revoked], dnc=["Do Not Call", dnc]
            )
            outbox = Outbox(engine, OutboundSettings(allowed_networks=("127.0.0.0/8",)))
            outbox.subscribe("http://127.0.0.1:9/crm", ["disposition.set"])
            processor = Processor(engine, outbox=outbox, dispositions=rules, rescreen=True)
            queue = EmbeddedQueue(engine, QueueSettings(batch_wait=0.0))
            later = datetime.now(UTC) + timedelta(days=1)
            rig = Rig(emulator, client, engine, processor, queue, skill, revoked, dnc, later)
            try:
                await test(rig)
            finally:
                await queue.close()

    asyncio.run(main())


def test_a_polled_revocation_and_dnc_request_count_once_whatever_comes_after(
    emulator: EmulatorServer, engine: Engine
) -> None:
    """Two calls whose disposition pushes were lost: the poll records the revocation and
    the do-not-call request, hands both numbers over and publishes one disposition.set
    each; the late pushes (one by id, one by name) and a repeated poll add nothing."""

    async def test(rig: Rig) -> None:
        a, b = await rig.calls(2)
        await rig.dispose(a, rig.revoked)
        await rig.dispose(b, rig.dnc)
        await rig.poll()
        ev_a = event_from_completed(await rig.record(a))
        ev_b = event_from_completed(await rig.record(b))

        first_a, first_b = facts(rig, ev_a), facts(rig, ev_b)
        assert len(first_a.revocations) == 1
        assert first_a.revocations[0].startswith(f"poll:{a}:")
        assert (first_a.dnc, first_a.handed_over) == ([], ["revocation"])
        assert (first_b.revocations, first_b.dnc, first_b.handed_over) == (
            [],
            [ev_b.phone[2:]],
            ["dnc"],
        )
        (pub_a,) = first_a.published
        assert (pub_a["type"], pub_a["disposition"], pub_a["source"]) == (
            "disposition.set",
            rig.revoked,
            "poll",
        )
        assert "sequence" not in pub_a
        assert "previous_disposition" not in pub_a
        assert [p["disposition"] for p in first_b.published] == [rig.dnc]
        consents = ConsentStore(rig.engine).rows()
        (revocation,) = [c for c in consents if c["phone"] == ev_a.phone[2:]]
        assert revocation["revoked_at"] == ev_a.occurred_at  # from the call, not the poll
        assert revocation["revocation_channel"] == "call"

        # the lost pushes arrive at last: the same disposition, by id and by name
        at = ev_a.occurred_at.isoformat()
        assert rig.push(ev_a, "disposition.set", "late-a", disposition=rig.revoked) is (
            Handled.DUPLICATE
        )
        assert rig.push(
            ev_b, "disposition.set", "late-b", disposition="do not call", occurred_at=at
        ) is (Handled.DUPLICATE)
        # a supervisor saves the same disposition again: a new record version, polled
        await rig.dispose(a, rig.revoked)
        await rig.poll()
        assert facts(rig, ev_a) == first_a
        assert facts(rig, ev_b) == first_b
        view = rig.processor.call(a)
        assert view is not None
        assert view.disposition == rig.revoked

    run(emulator, engine, test)


def test_reconciliation_filling_a_dropped_disposition_push_records_it_once(
    emulator: EmulatorServer, engine: Engine
) -> None:
    """The call's pushes 1 (started) and 3 (completed, no disposition) arrived, 2 (the
    disposition.set) did not: the lookup of the gap records the revocation, hands the number
    over and publishes it once; the lost push, then the poller, add nothing."""

    async def test(rig: Rig) -> None:
        (a,) = await rig.calls(1)
        await rig.dispose(a, rig.revoked)
        ev = event_from_completed(await rig.record(a))
        assert rig.push(ev, "call.started", "p-1", sequence=1) is Handled.PROCESSED
        assert rig.push(ev, ev.type, "p-3", sequence=3) is Handled.PROCESSED
        assert facts(rig, ev).published == []  # the end carried no disposition

        await rig.reconcile()
        first = facts(rig, ev)
        assert len(first.revocations) == 1
        assert first.revocations[0].startswith(f"reconcile:{a}:")
        assert first.handed_over == ["revocation"]
        assert [(p["disposition"], p["source"]) for p in first.published] == [
            (rig.revoked, "reconcile")
        ]
        view = rig.processor.call(a)
        assert view is not None
        assert (view.reconciled, view.disposition, view.gaps) == (True, rig.revoked, (2,))

        assert (
            rig.push(ev, "disposition.set", "p-2", sequence=2, disposition=rig.revoked)
            is Handled.DUPLICATE
        )
        await rig.poll()
        assert facts(rig, ev) == first

    run(emulator, engine, test)


def test_push_then_poll_and_poll_then_push_leave_one_of_each(
    emulator: EmulatorServer, engine: Engine
) -> None:
    """A revocation pushed by id then polled, one pushed by name then polled (the poll
    knows only the id), and one polled then pushed: one revocation, one hand-off and one
    disposition.set for each call, from whichever path came first."""

    async def test(rig: Rig) -> None:
        by_id, by_name, polled = await rig.calls(3)
        for contact in (by_id, by_name, polled):
            await rig.dispose(contact, rig.revoked)
        ev = {c: event_from_completed(await rig.record(c)) for c in (by_id, by_name, polled)}
        at = (ev[by_id].occurred_at + timedelta(seconds=5)).isoformat()
        assert rig.push(
            ev[by_id], "disposition.set", "d-id", disposition=rig.revoked, occurred_at=at
        ) is (Handled.PROCESSED)
        assert rig.push(
            ev[by_name], "disposition.set", "d-name", disposition="Revoked Consent", occurred_at=at
        ) is (Handled.PROCESSED)
        await rig.poll()
        assert rig.push(
            ev[polled], "disposition.set", "d-late", disposition=rig.revoked, occurred_at=at
        ) is (Handled.DUPLICATE)

        for contact, source, evidence in (
            (by_id, "push", "d-id"),
            (by_name, "push", "d-name"),
            (polled, "poll", f"poll:{polled}:"),
        ):
            got = facts(rig, ev[contact])
            assert len(got.revocations) == 1
            assert got.revocations[0].startswith(evidence)
            assert got.handed_over == ["revocation"]
            assert [p["source"] for p in got.published] == [source]
        view = rig.processor.call(by_name)
        assert view is not None
        assert view.disposition == "Revoked Consent"  # the pushed spelling is kept

    run(emulator, engine, test)


def test_a_re_disposition_is_published_again_and_a_stale_copy_is_not(
    emulator: EmulatorServer, engine: Engine
) -> None:
    """Sale, then (newer) Revoked Consent, then Sale again: each change reaches the CRM
    with the disposition it replaces; the revocation is recorded once and stays; an older
    Sale pushed late is stale and changes nothing."""

    async def test(rig: Rig) -> None:
        (a,) = await rig.calls(1)
        await rig.dispose(a, SALE)
        await rig.poll()
        ev = event_from_completed(await rig.record(a))
        sold_at = ev.extras["updated_at"]
        assert [p["disposition"] for p in facts(rig, ev).published] == [SALE]
        assert facts(rig, ev).revocations == []

        await rig.dispose(a, rig.revoked)
        await rig.poll()
        changed = facts(rig, ev)
        assert [(p["disposition"], p.get("previous_disposition")) for p in changed.published] == [
            (SALE, None),
            (rig.revoked, SALE),
        ]
        assert (len(changed.revocations), changed.handed_over) == (1, ["revocation"])

        stale = rig.push(ev, "disposition.set", "old-sale", disposition=SALE, occurred_at=sold_at)
        assert stale is Handled.DUPLICATE
        assert facts(rig, ev) == changed

        await rig.dispose(a, SALE)
        await rig.poll()
        again = facts(rig, ev)
        assert [p["disposition"] for p in again.published] == [SALE, rig.revoked, SALE]
        assert again.published[-1]["previous_disposition"] == rig.revoked
        assert again.revocations == changed.revocations  # never withdrawn by a disposition
        view = rig.processor.call(a)
        assert view is not None
        assert view.disposition == SALE

    run(emulator, engine, test)


@pytest.mark.parametrize(
    ("current", "value", "later", "expected"),
    [
        (None, "9", True, "new"),
        (" Revoked  consent", "revoked CONSENT", True, "same"),
        ("9", "9", False, "same"),
        ("Revoked Consent", "9", True, "respelled"),
        ("1", "9", True, "changed"),
        ("1", "9", False, "stale"),
        ("Sale", "Call Back", True, "changed"),
    ],
)
def test_compare_tells_a_repeat_a_respelling_a_change_and_a_stale_copy(
    current: str | None, value: str, later: bool, expected: str
) -> None:
    """Case and blanks do not matter; a name against an id is a respelling; a different
    value of the same form is a change only when newer."""
    at = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    value_at = at + timedelta(seconds=1 if later else 0)
    assert compare(current, at, value, value_at) == expected
