"""The consent-records table: records saved from a book come back as the same records."""

from __future__ import annotations

from store_support import Backend

from cxdial.compliance.consent import CONSENT_COLUMNS, ConsentBook
from cxdial.store import ConsentStore
from cxdial.store.consents import CONSENT_FIELDS

ROWS = [
    {
        "phone": "+1 (416) 555-0100",
        "seller": "Acme",
        "purposes": "telemarketing;informational",
        "channels": "live",
        "level": "express_written",
        "method": "signed",
        "evidence_id": "E1",
        "given_at": "2026-01-01T09:30:00-05:00",
        "revoked_at": "2026-03-01",
        "revocation_channel": "agent",
        "matter": "solar",
    },
    {"phone": "2125550142", "method": "ivr", "evidence_id": "E2", "given_at": "2026-02-01"},
    {"phone": "2125550142", "method": "web_form", "evidence_id": "E3", "given_at": "2026-02-02"},
]


def test_saved_records_load_back_unchanged(backend: Backend) -> None:
    """Every field round-trips (instants in UTC); a number's records load alone."""
    book = ConsentBook.from_rows(ROWS)
    with ConsentStore(backend.url) as store:
        assert book.save(store) == 3
        loaded = ConsentBook.from_store(store)
        assert sorted(loaded.all(), key=lambda c: c.evidence_id) == sorted(
            book.all(), key=lambda c: c.evidence_id
        )
        one = ConsentBook.from_store(store, phone="(212) 555-0142")
        assert [c.evidence_id for c in one.all()] == ["E2", "E3"]
        assert not ConsentBook.from_store(store, phone="not a number").all()
        assert not ConsentBook.from_store(store, phone="6045550100").all()


def test_the_table_has_the_consent_files_columns() -> None:
    """The store's columns are the consent CSV's header (the store knows no compliance types)."""
    assert CONSENT_FIELDS == CONSENT_COLUMNS
