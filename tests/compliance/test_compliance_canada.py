"""Canada: area codes, CRTC calling hours, the National DNCL and the abandonment cap.

Every verdict is taken from ``Gate.check`` and from the batch screener on the same contact
(:func:`both`), so the per-dial and the batch entry points are held to the same facts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest
from phonenumbers.phonemetadata import PhoneMetadata

from cxdial.compliance import Contact, Decision, DncIndex, Gate, Purpose, ReasonCode, RuleSet
from cxdial.compliance.areas import ca_area_codes, state_zones
from cxdial.compliance.locate import address_facts
from cxdial.compliance.parsing import CA_PROVINCES, postal_province, zone_info
from cxdial.compliance.phones import phone_facts

#: Weekdays 09:00-21:30, weekends 10:00-18:00 (UTR Part III, CRTC summary).
TORONTO = "America/Toronto"


def local(zone: str, *args: int) -> datetime:
    """An aware instant given as wall-clock time in ``zone``."""
    return datetime(*args, tzinfo=zone_info(zone))  # type: ignore[misc]


def _contact(**fields: Any) -> Contact:
    base: dict[str, Any] = {"id": "ca1", "phone": "416-555-0199", "phone_type": "landline"}
    base.update(fields)
    return Contact.model_validate({k: v for k, v in base.items() if v is not None})


def both(
    gate: Gate, at: datetime, purpose: Purpose = Purpose.TELEMARKETING, **fields: Any
) -> Decision:
    """``gate.check`` on the contact, asserting the batch screener's row says the same."""
    contact = _contact(**fields)
    decision = gate.check(contact, at, purpose=purpose)
    raw = {k: (None if v is None else str(v)) for k, v in contact.model_dump().items()}
    report = gate.screen(pl.DataFrame([raw]), at, purpose=purpose).report().row(0, named=True)
    assert report["decision"] == ("ALLOW" if decision.allowed else "BLOCK")
    assert report["reasons"] == ";".join(decision.reasons)
    assert (report["zones"] or "") == ";".join(decision.zones)
    expected = decision.next_allowed_at.isoformat() if decision.next_allowed_at else None
    assert report["next_allowed_at"] == expected
    return decision


def fresh_dncl(*numbers: str, fetched: str = "2026-11-20") -> DncIndex:
    """A DNCL snapshot (and an empty US registry) fetched on ``fetched``."""
    dnc = DncIndex()
    dnc.add_lines([f"# registry: dncl, fetched: {fetched}", *numbers])
    dnc.add_lines([f"# registry: national, fetched: {fetched}"])
    return dnc


@pytest.fixture
def ca_gate(rules: RuleSet) -> Gate:
    """Shipped rules and a fresh, empty DNCL snapshot."""
    return Gate(rules=rules, dnc=fresh_dncl())


def test_area_code_table_matches_phonenumbers() -> None:
    """The shipped NPA list is exactly the NPAs libphonenumber calls Canadian geographic."""
    meta = PhoneMetadata.metadata_for_region("CA")
    assert meta is not None
    patterns = [meta.fixed_line.national_number_pattern, meta.mobile.national_number_pattern]
    canadian = {
        str(n) for n in range(200, 1000) if any(re.fullmatch(p, f"{n}2345678") for p in patterns)
    }
    assert set(ca_area_codes()) == canadian


def test_every_area_code_has_known_provinces_and_zones() -> None:
    """Each NPA names provinces of the table; its zones are real and within its provinces'."""
    for area in ca_area_codes().values():
        assert area.provinces
        assert set(area.provinces) <= CA_PROVINCES
        allowed = {z for p in area.provinces for z in state_zones(p)}
        assert area.zones
        assert set(area.zones) <= allowed, area
        for zone in area.zones:
            zone_info(zone)
    for province in CA_PROVINCES:
        assert state_zones(province), province


@pytest.mark.parametrize(
    ("phone", "zones"),
    [
        ("+1 416 555 0199", ("America/Toronto",)),
        ("604-555-0100", ("America/Vancouver",)),
        ("(807) 555-0100", ("America/Atikokan", "America/Toronto", "America/Winnipeg")),
        ("306 555 0100", ("America/Edmonton", "America/Regina", "America/Swift_Current")),
        ("709-555-0100", ("America/Goose_Bay", "America/St_Johns")),
    ],
)
def test_canadian_numbers_are_placed_in_their_provinces_zones(
    phone: str, zones: tuple[str, ...]
) -> None:
    """Single-zone NPAs narrow to their zone; the others take every zone of the province."""
    facts = phone_facts(phone)
    assert facts.kind == "geo"
    assert facts.country == "CA"
    assert facts.zones == zones
    assert phone_facts("212-555-0142").country == "US"


@pytest.mark.parametrize(
    ("wall", "allowed"),
    [
        ((2026, 11, 23, 8, 59), False),  # Monday
        ((2026, 11, 23, 9, 0), True),
        ((2026, 11, 23, 21, 15), True),  # after the US 21:00 curfew, inside Canada's
        ((2026, 11, 23, 21, 29), True),
        ((2026, 11, 23, 21, 30), False),
        ((2026, 11, 28, 9, 30), False),  # Saturday
        ((2026, 11, 28, 10, 0), True),
        ((2026, 11, 28, 17, 59), True),
        ((2026, 11, 29, 18, 0), False),  # Sunday
    ],
)
def test_crtc_calling_hours(ca_gate: Gate, wall: tuple[int, ...], allowed: bool) -> None:
    """Telemarketing to Toronto: weekdays 09:00-21:30, weekends 10:00-18:00, local time."""
    d = both(ca_gate, local(TORONTO, *wall), consent="express")
    assert d.allowed is allowed, d
    if not allowed:
        assert d.reasons == (ReasonCode.OUTSIDE_HOURS,)
        assert "canada.hours.telemarketing" in d.details[ReasonCode.OUTSIDE_HOURS]
        assert d.next_allowed_at is not None


def test_next_allowed_after_a_saturday_evening(ca_gate: Gate) -> None:
    """Blocked at 18:00 on Saturday: next allowed at 10:00 on Sunday, Toronto time."""
    d = both(ca_gate, local(TORONTO, 2026, 11, 28, 18, 0), consent="express")
    assert d.next_allowed_at == local(TORONTO, 2026, 11, 29, 10, 0).astimezone(UTC)


def test_multi_zone_province_is_the_intersection(ca_gate: Gate) -> None:
    """807 (northwestern Ontario) at 09:30 Toronto is 08:30 in Winnipeg: blocked until 10:00."""
    d = both(ca_gate, local(TORONTO, 2026, 11, 23, 9, 30), phone="807-555-0100", consent="express")
    assert d.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert "America/Winnipeg" in d.details[ReasonCode.OUTSIDE_HOURS]
    assert d.next_allowed_at == local(TORONTO, 2026, 11, 23, 10, 0).astimezone(UTC)


def test_a_province_in_the_address_adds_its_zones_and_canadas_rules(ca_gate: Gate) -> None:
    """A New York number with an Ontario address: both countries' rules, all candidate zones."""
    at = local(TORONTO, 2026, 11, 23, 21, 15)  # inside Canada's window, past the US curfew
    d = both(ca_gate, at, phone="212-555-0142", state="ON", consent="express_written")
    assert d.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert "federal.hours.telemarketing" in d.details[ReasonCode.OUTSIDE_HOURS]
    assert set(d.zones) == {"America/New_York", *state_zones("ON")}
    morning = both(ca_gate, local(TORONTO, 2026, 11, 23, 8, 30), phone="212-555-0142", state="ON")
    assert "canada.hours.telemarketing" in morning.details[ReasonCode.OUTSIDE_HOURS]


def test_dncl_listed_number_is_blocked(rules: RuleSet) -> None:
    """A number on the National DNCL is not called for telemarketing without an exemption."""
    gate = Gate(rules=rules, dnc=fresh_dncl("4165550199"))
    at = local(TORONTO, 2026, 11, 23, 10, 0)
    d = both(gate, at)
    assert d.reasons == (ReasonCode.CA_DNCL,)
    assert d.details[ReasonCode.CA_DNCL] == "canada.dncl: number is listed"
    assert both(gate, at, consent="express").allowed  # express consent exempts
    assert both(gate, at, ebr_at="2026-01-05").allowed  # a purchase within 18 months
    assert both(gate, at, purpose=Purpose.INFORMATIONAL).allowed  # not telemarketing


def test_dncl_snapshot_older_than_31_days_is_stale(rules: RuleSet) -> None:
    """The DNCL version used must be at most 31 days old; none loaded is stale too."""
    at = local(TORONTO, 2026, 11, 23, 10, 0)
    old = Gate(rules=rules, dnc=fresh_dncl(fetched="2026-10-22"))  # 32 days
    d = both(old, at)
    assert d.reasons == (ReasonCode.DNC_STALE,)
    assert "dncl registry snapshot fetched 2026-10-22" in d.details[ReasonCode.DNC_STALE]
    assert both(Gate(rules=rules, dnc=fresh_dncl(fetched="2026-10-23")), at).allowed  # 31 days
    nothing = both(Gate(rules=rules), at)
    assert "no dncl registry snapshot loaded" in nothing.details[ReasonCode.DNC_STALE]


def test_us_registry_and_us_rules_do_not_reach_a_canadian_number(rules: RuleSet) -> None:
    """A Canadian number without address is judged by Canada's rules, not the TCPA's."""
    dnc = fresh_dncl()
    dnc.add_lines(["# registry: national, fetched: 2026-11-20", "4165550199"])
    d = both(Gate(rules=rules, dnc=dnc), local(TORONTO, 2026, 11, 23, 10, 0))
    assert d.allowed, d  # no PEWC needed for the autodialed call, no US registry
    assert "federal.dnc.national" not in d.evidence["rules"]
    assert "canada.dncl" in d.evidence["rules"]


def test_internal_list_and_revocation_apply_in_canada(rules: RuleSet) -> None:
    """The company's internal list binds every purpose; a revoked consent blocks at once."""
    dnc = fresh_dncl()
    dnc.add_lines(["# registry: internal", "4165550199"])
    at = local(TORONTO, 2026, 11, 23, 10, 0)
    gate = Gate(rules=rules, dnc=dnc)
    assert both(gate, at, purpose=Purpose.DEBT_COLLECTION).reasons == (ReasonCode.DNC_INTERNAL,)
    revoked = both(
        Gate(rules=rules, dnc=fresh_dncl()),
        at,
        consent="express",
        consent_at="2025-01-01",
        revoked_at="2026-11-01",
    )
    assert revoked.reasons == (ReasonCode.CONSENT_REVOKED,)


def test_debt_collection_to_canada_keeps_a_window(ca_gate: Gate) -> None:
    """Collection calls are not telemarketing; cxdial still keeps them to 08:00-21:00 local."""
    at = local(TORONTO, 2026, 11, 23, 21, 5)
    d = both(ca_gate, at, purpose=Purpose.DEBT_COLLECTION)
    assert d.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert "canada.hours.debt_collection" in d.details[ReasonCode.OUTSIDE_HOURS]


def test_caribbean_numbers_stay_invalid(ca_gate: Gate) -> None:
    """NANP numbers of neither country (Jamaica's 876) are still INVALID_NUMBER."""
    d = ca_gate.check(
        _contact(phone="876-555-0199"), datetime.now(UTC), purpose=Purpose.INFORMATIONAL
    )
    assert d.reasons == (ReasonCode.INVALID_NUMBER,)


def test_abandonment_caps_are_rule_data_and_the_campaign_cap_is_the_strictest(
    rules: RuleSet,
) -> None:
    """US 3 %, Canada 5 % (per 30 days, 2 s to connect); campaigns enforce the stricter."""
    from cxdial.campaigns.spec import ABANDON_CAP

    caps = rules.abandonment_caps()
    assert caps["US"].max_rate == 0.03
    assert caps["CA"].max_rate == 0.05
    assert {c.connect_seconds for c in caps.values()} == {2}
    assert min(c.max_rate for c in caps.values()) == ABANDON_CAP
    d = Gate(rules=rules, dnc=fresh_dncl()).check(
        _contact(), local(TORONTO, 2026, 11, 23, 10, 0), purpose=Purpose.TELEMARKETING
    )
    assert "canada.abandonment" not in d.evidence["rules"]  # a campaign setting, not per dial


def test_state_column_takes_provinces(ca_gate: Gate) -> None:
    """``QC`` is a province (its every zone joins the candidates); a bad code names both kinds."""
    assert _contact(state="qc").state == "QC"
    with pytest.raises(ValueError, match="Canadian province"):
        _contact(state="XQ")
    at = local(TORONTO, 2026, 11, 23, 10, 0) + timedelta(minutes=1)
    assert both(ca_gate, at, phone="514-555-0100").zones == ("America/Toronto",)
    assert both(ca_gate, at, phone="514-555-0100", state="QC").zones == state_zones("QC")


@pytest.mark.parametrize(
    ("text", "code", "province"),
    [
        ("K1A 0B1", "K1A 0B1", "ON"),  # Ottawa
        ("h2x1y4", "H2X 1Y4", "QC"),  # Montreal
        (" V6B 1A1 ", "V6B 1A1", "BC"),
        ("X0A 0H0", "X0A 0H0", "NU"),  # Iqaluit
        ("X1A 2N4", "X1A 2N4", "NT"),  # Yellowknife
        ("A1C 5M2", "A1C 5M2", "NL"),
    ],
)
def test_canadian_postal_codes_name_their_province(text: str, code: str, province: str) -> None:
    """``A1A 1A1`` (any case, blank optional) is read; its first letter names the province."""
    contact = _contact(postal_code=text)
    assert contact.postal_code == code
    assert postal_province(code) == province
    assert address_facts(code, None, None).states == (province,)
    assert address_facts(code, None, None).countries == ("CA",)


def test_a_postal_code_places_the_contact_in_its_province(ca_gate: Gate) -> None:
    """A New York number with an Ottawa postal code: Ontario's zones and Canada's rules."""
    at = local(TORONTO, 2026, 11, 23, 9, 30)  # 08:30 in Winnipeg (Ontario's Central time)
    d = both(ca_gate, at, phone="212-555-0142", postal_code="K1A 0B1", consent="express_written")
    assert d.reasons == (ReasonCode.OUTSIDE_HOURS,)
    assert "canada.hours.telemarketing" in d.details[ReasonCode.OUTSIDE_HOURS]
    assert set(d.zones) == {"America/New_York", *state_zones("ON")}
    for bad in ("K1A 0B", "D1A 0B1", "K1A-0B1"):
        with pytest.raises(ValueError, match="Canadian A1A 1A1"):
            _contact(postal_code=bad)


@pytest.mark.parametrize("phone", ["600-555-0100", "622-555-0100", "633-555-0100"])
def test_canadian_non_geographic_numbers_are_like_toll_free(ca_gate: Gate, phone: str) -> None:
    """Canada's 600 and personal (622, 633) numbers place no one: as toll free, not invalid."""
    assert phone_facts(phone).kind == "nongeo"
    d = both(ca_gate, local(TORONTO, 2026, 11, 23, 14, 0), phone=phone, consent="express_written")
    assert d.reasons == (ReasonCode.NON_GEOGRAPHIC,)
