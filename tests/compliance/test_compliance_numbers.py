"""Number normalisation and zones agree with phonenumbers; offline location data."""

from __future__ import annotations

import phonenumbers
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import timezone as pn_timezone

from cxdial.compliance.locate import address_facts, state_zones, zip_table
from cxdial.compliance.phones import (
    GEO_REGIONS,
    classify,
    national_number,
    national_number_expr,
    phone_facts,
)


@pytest.mark.parametrize(
    "text",
    [
        "2125550142",
        "212-555-0142",
        "(212) 555-0142",
        "212.555.0142",
        "+1 212 555 0142",
        "1-212-555-0142",
        "+1 (212) 555-0142",
        " 212 555 0142 ",
    ],
)
def test_common_formats_normalise_to_e164(text: str) -> None:
    """Common US spellings all become +12125550142."""
    assert phone_facts(text).e164 == "+12125550142"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "555-0142",
        "+44 20 7946 0958",
        "2125550142x12",
        "+2125550142",
        "12125550142 1",
        "２１２５５５０１４２",
    ],
)
def test_non_numbers_are_not_national_numbers(text: str) -> None:
    """Short, foreign, extension-bearing or non-ASCII input is not a number."""
    assert national_number(text) is None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet="+1234567890 ().-/x\t", max_size=16)
        | st.sampled_from(["+12125550142", "12125550142", "(212) 555-0142", "+2125550142"]),
        min_size=1,
        max_size=20,
    )
)
def test_one_normaliser_for_rows_and_columns(texts: list[str]) -> None:
    """The polars form of the normaliser reads every text exactly as the scalar one does."""
    column = pl.select(national_number_expr(pl.lit(pl.Series(texts)))).to_series().to_list()
    assert column == [national_number(t) for t in texts]


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r"[2-9][0-9]{9}", fullmatch=True))
def test_classification_matches_phonenumbers(national: str) -> None:
    """Valid-and-US-or-Canadian per phonenumbers exactly when the gate does not call it invalid."""
    parsed = phonenumbers.parse("+1" + national)
    us = phonenumbers.is_valid_number(parsed) and (
        phonenumbers.region_code_for_number(parsed) in GEO_REGIONS
    )
    assert (classify(national) != "invalid") == us


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["212", "208", "850", "605", "915", "541", "808", "602", "907", "787"]),
    st.from_regex(r"[2-9][0-9]{6}", fullmatch=True),
)
def test_zones_match_phonenumbers(npa: str, rest: str) -> None:
    """Geographic numbers get exactly phonenumbers' time zones."""
    facts = phone_facts(npa + rest)
    if facts.kind != "geo":
        return
    expected = pn_timezone.time_zones_for_number(phonenumbers.parse("+1" + npa + rest))
    assert facts.zones == tuple(sorted(expected))


def test_zip_and_state_tables_are_offline_and_consistent() -> None:
    """ZIP -> zone comes from the zipcodes data; every state has zones."""
    assert zip_table()["32501"] == ("America/Chicago", "FL")
    assert zip_table()["97914"][0] == "America/Boise"
    assert address_facts("99999", "OR", None).zones == state_zones("OR")
    for code in ("AL", "AK", "AZ", "FL", "HI", "TX", "PR", "GU"):
        assert state_zones(code)
