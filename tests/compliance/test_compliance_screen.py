"""The batch screener: agreement with ``Gate.check``, malformed rows, output columns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxdial.compliance import (
    AttemptHistory,
    Contact,
    DncIndex,
    Gate,
    Purpose,
    ReasonCode,
    RuleSet,
)
from cxdial.compliance.consent import ConsentBook
from cxdial.compliance.reassigned import ReassignedNumbers
from cxdial.compliance.result import REPORT_COLUMNS

RULES = RuleSet.load_default()
NUMBERS = [
    "2125550142",
    "3055550142",
    "2085550100",
    "8504341234",
    "4165550100",
    "8075550123",
    "6025550134",
    "8085550187",
    "4055550123",
    "5045550142",
    "8605550142",
    "2075550142",
    "8015550142",
    "6015550142",
    "5125550142",
    "4015550142",
    "8005550100",
    "9005550100",
    "4165550199",
    "6045550111",
    "3065550100",
    "7095550100",
    "8765550100",
    "2120550142",
    "555",
]
FORMATS = ["{n}", "+1{n}", "1-{a}-{b}-{c}", "({a}) {b}-{c}", "{a}.{b}.{c}", " +1 {a} {b} {c} "]
ZIPS = [
    "10001",
    "33130",
    "94105",
    "83814",
    "85004",
    "96813",
    "70112",
    "00000",
    "80202",
    "K1A 0B1",
    "h2x1y4",
    "X0A 0H0",
    "V6B 1A1",
    "T2P 1J9",
]
STATES = [
    "NY",
    "FL",
    "CA",
    "ID",
    "AZ",
    "HI",
    "LA",
    "OK",
    "UT",
    "TX",
    "ME",
    "MS",
    "ON",
    "QC",
    "BC",
    "AB",
]
ZONES = [
    "America/New_York",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "America/Phoenix",
    "America/Toronto",
]


def _phone(n: str, fmt: str) -> str:
    if len(n) != 10:
        return n
    return fmt.format(n=n, a=n[:3], b=n[3:6], c=n[6:])


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _instant(at: datetime) -> st.SearchStrategy[str]:
    return st.integers(-24 * 800, 24 * 30).map(lambda h: (at + timedelta(hours=h)).isoformat())


@st.composite
def scenario(draw: st.DrawFn) -> dict[str, Any]:
    """A random instant, contacts, attempt history and DNC lists."""
    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(
        minutes=draw(st.integers(0, 365 * 24 * 60 // 15)) * 15
    )
    # the FCC revoke-all scope takes effect on 2027-01-31: draw calls on both sides of it
    at += timedelta(days=400 * draw(st.integers(0, 1)))
    contacts = []
    for i in range(draw(st.integers(1, 12))):
        contacts.append(
            {
                "id": f"c{i}",
                "phone": _phone(draw(st.sampled_from(NUMBERS)), draw(st.sampled_from(FORMATS))),
                "phone_type": draw(
                    _opt(st.sampled_from(["mobile", "landline", "voip", "unknown"]))
                ),
                "state": draw(_opt(st.sampled_from(STATES))),
                "postal_code": draw(_opt(st.sampled_from(ZIPS))),
                "timezone": draw(_opt(st.sampled_from(ZONES))),
                "consent": draw(_opt(st.sampled_from(["none", "express", "express_written"]))),
                "consent_at": draw(_opt(_instant(at))),
                "revoked_at": draw(_opt(_instant(at))),
                "ebr_at": draw(_opt(_instant(at))),
                "inquiry_at": draw(_opt(_instant(at))),
                "subject": draw(_opt(st.sampled_from(["solar", "roof"]))),
                "debt_id": draw(_opt(st.sampled_from(["D1", "D2"]))),
            }
        )
    attempts = draw(
        st.lists(
            st.tuples(
                st.sampled_from(NUMBERS[:4]),
                st.one_of(st.integers(0, 30), st.integers(0, 24 * 9)),
                _opt(st.sampled_from(["solar"])),
                _opt(st.sampled_from(["D1", "D2"])),
                st.sampled_from(["conversation", "no_answer", "busy", "answered"]),
            ),
            max_size=60,
        )
    )
    consents = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "phone": st.sampled_from(NUMBERS[:6]),  # [:4] carry the attempts
                    "seller": _opt(st.sampled_from(["Acme", "Zed"])),
                    "purposes": st.sampled_from(
                        [
                            "",
                            "telemarketing",
                            "informational",
                            "debt_collection",
                            "informational;debt_collection",
                        ]
                    ),
                    "channels": st.sampled_from(["live", "autodialed", "live;autodialed"]),
                    "level": st.sampled_from(["express", "express_written"]),
                    "method": st.just("web_form"),
                    "evidence_id": st.sampled_from(["E1", "E2", "E3", "E4"]),
                    # often within the last 8 days: Reg F's direct-consent window is 7
                    "given_at": st.one_of(
                        _instant(at),
                        st.integers(0, 8 * 24).map(lambda h: (at - timedelta(hours=h)).isoformat()),
                    ),
                    "revoked_at": _opt(_instant(at)),
                    "matter": _opt(st.sampled_from(["solar", "D1", "D2"])),
                }
            ),
            max_size=10,
        )
    )
    gone = draw(
        st.lists(
            st.tuples(st.sampled_from(NUMBERS[:6]), st.integers(-24 * 800, 24 * 30)), max_size=3
        )
    )
    burst_number = draw(st.sampled_from(NUMBERS[:4]))
    burst = [
        (burst_number, 2 * i, "solar", "D1", "no_answer") for i in range(draw(st.integers(0, 9)))
    ]
    return {
        "at": at,
        "contacts": contacts,
        "attempts": attempts + burst,
        "fetched": (at - timedelta(days=draw(st.integers(0, 40)))).date(),
        "dncl_fetched": (at - timedelta(days=draw(st.integers(0, 40)))).date(),
        "purpose": draw(st.sampled_from(list(Purpose))),
        "autodialed": draw(st.booleans()),
        "consents": consents,
        "gone": gone,
        "seller": draw(_opt(st.sampled_from(["Acme", "Zed"]))),
    }


def _gate(s: dict[str, Any]) -> Gate:
    dnc = DncIndex()
    dnc.add_lines([f"# registry: national, fetched: {s['fetched']}", "2125550142", "850XXXXXXX"])
    dnc.add_lines(["# registry: internal", "80155501XX", "6025X50134"])
    dnc.add_lines([f"# registry: dncl, fetched: {s['dncl_fetched']}", "4165550100", "604XXXXXXX"])
    history = AttemptHistory()
    for phone, hours, subject, debt, outcome in s["attempts"]:
        history.record_attempt(
            phone, s["at"] - timedelta(hours=hours), subject=subject, debt_id=debt, outcome=outcome
        )
    consents = ConsentBook.from_rows(s["consents"])
    rnd = ReassignedNumbers({n: s["at"] + timedelta(hours=h) for n, h in s["gone"]})
    return Gate(rules=RULES, dnc=dnc, history=history, consents=consents, reassigned=rnd)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_batch_screen_agrees_with_single_check(s: dict[str, Any]) -> None:
    """On random inputs, every row of ``screen`` equals ``check`` on the same contact."""
    gate = _gate(s)
    table = pl.DataFrame(s["contacts"], schema={k: pl.String for k in s["contacts"][0]})
    seller = s["seller"]
    result = gate.screen(
        table, s["at"], purpose=s["purpose"], autodialed=s["autodialed"], seller=seller
    )
    assert not result.errors
    report = result.report().to_dicts()
    assert len(report) == len(s["contacts"])
    for row, raw in zip(report, s["contacts"], strict=True):
        d = gate.check(
            Contact.from_row(raw),
            s["at"],
            purpose=s["purpose"],
            autodialed=s["autodialed"],
            seller=seller,
        )
        assert row["decision"] == ("ALLOW" if d.allowed else "BLOCK"), (raw, d)
        assert row["reasons"] == ";".join(d.reasons), (raw, d)
        assert row["phone_e164"] == d.phone_e164
        assert (row["zones"] or "") == ";".join(d.zones)
        assert (row["local_times"] or "") == ";".join(t.isoformat() for t in d.local_times)
        expected_next = d.next_allowed_at.isoformat() if d.next_allowed_at else None
        assert row["next_allowed_at"] == expected_next, (raw, d)


def test_malformed_rows_are_reported_and_skipped(gate: Gate) -> None:
    """Bad dates, enums, states, ZIPs, zones and missing ids name line and field; others run."""
    table = pl.DataFrame(
        {
            "ID": ["a", "b", "c", "d", "e", "f", "", "h"],
            "Phone": ["2125550142"] * 8,
            "consent_at": ["2026-01-01", "last week", None, None, None, None, None, None],
            "phone_type": ["mobile", None, "fax", None, None, None, None, None],
            "state": [None, None, None, "Xy", None, None, None, "ny"],
            "postal_code": [None, None, None, None, "1234", None, None, "10001-1234"],
            "timezone": [None, None, None, None, None, "EST5", None, None],
            "crm_ref": [str(i) for i in range(8)],
        }
    )
    at = datetime(2026, 11, 23, 17, tzinfo=UTC)
    result = gate.screen(table, at, purpose=Purpose.INFORMATIONAL)
    found = [(e.line, e.field) for e in result.errors]
    assert found == [
        (3, "consent_at"),
        (4, "phone_type"),
        (5, "state"),
        (6, "postal_code"),
        (7, "timezone"),
        (8, "id"),
    ]
    assert "ISO-8601" in str(result.errors[0])
    assert result.report()["id"].to_list() == ["a", "h"]
    assert result.cleared().columns == table.columns
    assert result.summary()["malformed"] == 6
    assert result.summary()["rows"] == 8


def test_report_columns_and_summary(gate: Gate) -> None:
    """The report has the contract's columns; the summary counts decisions and reasons."""
    table = pl.DataFrame(
        {
            "id": ["1", "2"],
            "phone": ["212-555-0142", "12"],
            "consent": ["express", None],
            "phone_type": ["mobile", None],
        }
    )
    result = gate.screen(
        table, datetime(2026, 11, 23, 17, tzinfo=UTC), purpose=Purpose.INFORMATIONAL
    )
    assert tuple(result.report().columns) == REPORT_COLUMNS
    summary = result.summary()
    assert summary["decisions"] == {"ALLOW": 1, "BLOCK": 1}
    assert summary["reasons"] == {"INVALID_NUMBER": 1}
    assert summary["rule_set_version"] == gate.rules.version


def test_empty_and_all_invalid_tables(gate: Gate) -> None:
    """An empty table and a table of invalid numbers screen without error."""
    at = datetime(2026, 11, 23, 17, tzinfo=UTC)
    empty = pl.DataFrame({"id": [], "phone": []}, schema={"id": pl.String, "phone": pl.String})
    assert gate.screen(empty, at, purpose=Purpose.TELEMARKETING).summary()["screened"] == 0
    bad = pl.DataFrame({"id": ["a", "b"], "phone": ["1", "x"]})
    result = gate.screen(bad, at, purpose=Purpose.TELEMARKETING)
    assert result.report()["reasons"].to_list() == ["INVALID_NUMBER", "INVALID_NUMBER"]
    assert result.cleared().height == 0


def test_screen_accepts_contacts_and_records(tmp_path: Any) -> None:
    """A list of contacts screens like a table; ``record=True`` ledgers every row."""
    from cxdial.store import open_ledger

    ledger = open_ledger(f"sqlite:///{tmp_path / 'l.db'}", environ={})
    gate = Gate(rules=RULES, ledger=ledger)
    at = datetime(2026, 11, 23, 17, tzinfo=UTC)
    people = [
        Contact(id="a", phone="212-555-0142", phone_type="landline", consent_at="2026-01-01"),
        Contact(id="b", phone="12"),
    ]
    result = gate.screen(people, at, purpose=Purpose.INFORMATIONAL, record=True)
    assert result.report()["decision"].to_list() == ["ALLOW", "BLOCK"]
    decisions = list(result.decisions())
    assert decisions[0].allowed
    assert decisions[1].reasons == ("INVALID_NUMBER",)
    assert [e.contact_id for e in ledger.query()] == ["b", "a"]
    assert ledger.verify().entries_checked == 2


def test_batch_next_allowed_at_after_caps_matches_check() -> None:
    """Cap, cooldown and cap-plus-window blocks give the same next_allowed_at in both paths."""
    at = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # 12:00 in New York
    history = AttemptHistory()
    for i in range(1, 6):  # company cap: 5 in 24 h
        history.record_attempt("2125550142", at - timedelta(hours=i), outcome="no_answer")
    history.record_attempt(
        "3055550142", at - timedelta(days=6, hours=20), debt_id="D1", outcome="conversation"
    )
    for i in range(5):
        history.record_attempt("2085550100", at - timedelta(hours=23, minutes=i), outcome="busy")
    gate = Gate(rules=RULES, history=history)
    contacts = [
        {"id": "cap", "phone": "2125550142", "state": "NY", "consent": "express_written"},
        {
            "id": "cool",
            "phone": "3055550142",
            "state": "FL",
            "debt_id": "D1",
            "consent": "express_written",
        },
        {"id": "late", "phone": "2085550100", "state": "ID", "consent": "express_written"},
    ]
    table = pl.DataFrame(contacts, schema=dict.fromkeys(contacts[0] | contacts[1], pl.String))
    for purpose in (Purpose.INFORMATIONAL, Purpose.DEBT_COLLECTION):
        report = gate.screen(table, at, purpose=purpose).report().to_dicts()
        for row, raw in zip(report, contacts, strict=True):
            d = gate.check(Contact.from_row(raw), at, purpose=purpose)
            assert row["reasons"] == ";".join(d.reasons)
            expected = d.next_allowed_at.isoformat() if d.next_allowed_at else None
            assert row["next_allowed_at"] == expected, (raw, d)
    cooled = gate.check(Contact.from_row(contacts[1]), at, purpose=Purpose.DEBT_COLLECTION)
    assert cooled.reasons == (ReasonCode.REG_F_CONVERSATION,)
    assert cooled.next_allowed_at == at + timedelta(hours=4)
    late = gate.check(Contact.from_row(contacts[2]), at, purpose=Purpose.INFORMATIONAL)
    assert late.next_allowed_at == at + timedelta(minutes=56)
