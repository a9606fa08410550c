"""Segmentation by consent at upload: which records a list takes (``lists[].segment``).

A record is in a list's segment when one of its number's consent records (the gate's
:class:`~cxdial.compliance.consent.ConsentBook`, loaded from ``--consent``) was given by the
screening instant, is not revoked by then, and fits every attribute the segment names:
its seller (a record naming none fits any seller), the purpose (the record lists it or
lists none) and the channel (the record allows it). One CSV is split over several lists by
giving each its own segment and uploading it with ``--list NAME``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from cxdial.campaigns.spec import ConsentSegment

if TYPE_CHECKING:
    import polars as pl

    from cxdial.compliance.consent import Consent, ConsentBook

__all__ = ["GATE_PURPOSE", "in_segment", "segment_mask"]

GATE_PURPOSE = {
    "marketing": "telemarketing",
    "informational": "informational",
    "debt_collection": "debt_collection",
    "political": "informational",
    "survey": "informational",
}
"""The gate's purpose for each spec purpose (political and survey calls sell nothing)."""


def in_segment(record: Consent, segment: ConsentSegment, at: datetime) -> bool:
    """Whether one consent record puts its number in ``segment`` at ``at``."""
    if record.given_at > at or (record.revoked_at is not None and record.revoked_at <= at):
        return False
    seller = segment.seller
    if (
        seller is not None
        and record.seller is not None
        and (record.seller.casefold() != seller.casefold())
    ):
        return False
    purposes = {str(p) for p in record.purposes}
    if segment.purpose is not None and purposes and GATE_PURPOSE[segment.purpose] not in purposes:
        return False
    return segment.channel is None or segment.channel in {str(c) for c in record.channels}


def segment_mask(
    frame: pl.DataFrame, book: ConsentBook, segment: ConsentSegment, at: datetime
) -> pl.Series:
    """Per row of ``frame`` (its ``phone`` column): True when the number is in the segment."""
    import polars as pl

    from cxdial.compliance.phones import national_number

    keep = []
    for phone in frame["phone"].to_list():
        national = national_number(phone) if isinstance(phone, str) else None
        records = book.records(national) if national is not None else ()
        keep.append(any(in_segment(r, segment, at) for r in records))
    return pl.Series("in_segment", keep, dtype=pl.Boolean)
