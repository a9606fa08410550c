"""Dispositions that are compliance facts: recorded in the event's transaction, once.

A ``disposition.set`` named as a revocation becomes a consent revocation record the gate
reads (CONSENT_REVOKED); one named as a do-not-call request an internal-DNC entry
(DNC_INTERNAL, every purpose); each, and every recorded attempt, hands the number to the
re-screen job. SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from queue_support import sqlite_engine
from sqlalchemy import Engine

from cxdial.compliance import ConsentBook, Contact, DncIndex, Gate, Purpose
from cxdial.events import Envelope, parse_event
from cxdial.events.consumer import Handled, Processor
from cxdial.events.dispositions import DispositionRules
from cxdial.store import ConsentStore
from cxdial.store.rescreen_tables import InternalDncStore, RescreenQueue

AT = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 10:00 in New York, a Tuesday


def _event(kind: str, contact: int, phone: str, **kw: Any) -> Envelope:
    body: dict[str, Any] = {
        "type": kind,
        "occurred_at": AT.isoformat(),
        "contact_id": contact,
        "skill_id": 12,
        "phone": phone,
        **kw,
    }
    return Envelope.of(parse_event(body), id=f"ev-{contact}-{kind}", source="push")


def test_revocation_and_dnc_dispositions_are_recorded_once_and_handed_over(
    engine: Engine,
) -> None:
    """Names match without case; a redelivery records nothing twice; other dispositions
    record nothing; the gate then blocks both numbers for the reasons the rules give."""
    rules = DispositionRules.of(revocation=["Revoked Consent"], dnc=["do not call", "9"])
    processor = Processor(engine, dispositions=rules, rescreen=True)
    revoked = _event("disposition.set", 1, "+12125550110", disposition="  revoked  CONSENT ")
    listed = _event("disposition.set", 2, "+12125550111", disposition=9, list_record_id="k2")
    sale = _event("disposition.set", 3, "+12125550112", disposition="sale")
    ended = _event("call.completed", 4, "+12125550113", outcome="answered")
    assert processor.handle([revoked, listed, sale, ended]) == [Handled.PROCESSED] * 4
    assert processor.handle([revoked, listed]) == [Handled.DUPLICATE] * 2

    consents = ConsentStore(engine).rows()
    assert [(c["phone"], c["evidence_id"], c["revocation_channel"]) for c in consents] == [
        ("2125550110", revoked.id, "call")
    ]
    assert consents[0]["revoked_at"] == AT
    assert InternalDncStore(engine).numbers() == ["2125550111"]
    pending = RescreenQueue(engine).pending()
    assert [(p.phone_e164, p.trigger, p.external_id) for p in pending] == [
        ("+12125550110", "revocation", None),
        ("+12125550111", "dnc", "k2"),
        ("+12125550113", "attempt", None),
    ]

    dnc = DncIndex.empty()
    dnc.add_lines(["# registry: internal", *InternalDncStore(engine).numbers()], source="store")
    gate = Gate(dnc=dnc, consents=ConsentBook.from_store(ConsentStore(engine)))
    later = AT + timedelta(minutes=5)

    def reasons(phone: str, purpose: Purpose) -> set[str]:
        contact = Contact(
            id="c",
            phone=phone,
            state="NY",
            phone_type="landline",
            consent="express_written",
            consent_at="2026-01-01",
        )
        return {str(r) for r in gate.check(contact, later, purpose=purpose).reasons}

    assert reasons("2125550110", Purpose.TELEMARKETING) == {"CONSENT_REVOKED"}
    assert reasons("2125550111", Purpose.INFORMATIONAL) == {"DNC_INTERNAL"}
    assert reasons("2125550112", Purpose.TELEMARKETING) == set()


def test_without_rescreen_nothing_is_handed_over_and_rules_come_from_the_env(
    tmp_path: Path,
) -> None:
    """A worker without campaign specs writes no hand-off rows; empty variables disable."""
    engine = sqlite_engine(tmp_path)
    off = DispositionRules.from_env(
        {"CXDIAL_REVOCATION_DISPOSITIONS": "", "CXDIAL_DNC_DISPOSITIONS": "DNC, Stop Calling"}
    )
    assert off.kind("revoked consent") is None
    assert off.kind("stop calling") == "dnc"
    assert DispositionRules.from_env({}).kind("Do Not Call") == "dnc"
    processor = Processor(engine, dispositions=off)
    event = _event("disposition.set", 5, "+12125550114", disposition="stop calling")
    ended = _event("call.completed", 5, "+12125550114", outcome="answered")
    assert processor.handle([event, ended]) == [Handled.PROCESSED] * 2
    assert InternalDncStore(engine).numbers() == ["2125550114"]
    assert RescreenQueue(engine).pending() == []
