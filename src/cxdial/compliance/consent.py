"""Consent records as evidence: who consented to what, how, when, and what revoked it.

A :class:`Consent` is one record (seller, purposes, channels, method, evidence id, given and
revoked instants, matter); a :class:`ConsentBook` holds several per number, loaded from CSV or
JSON. :func:`resolve` decides, for one call, which record it rests on; ``resolve_frame`` is its
batch twin (the hypothesis agreement test covers both). The rules, in one place:

- a record *covers* a call when its seller (blank = any), purposes (empty = all), channels
  and matter (blank = any) all fit the call;
- a revocation covers the calls its record covers and, once the FCC "revoke-all" scope is in
  force (rule data: ``revoke_all_from``), every robocall (autodialed or prerecorded) of that
  seller on any matter; it takes effect at its instant (the law's 10 business days are not used);
- a record counts when it covers the call, was given by then, is not itself revoked, was given
  after every covering revocation, and is not older than the number's permanent disconnection
  (Reassigned Numbers Database);
- the call rests on the strongest counting record (ties: the latest given, then the highest
  evidence id).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import ValidationError as PydanticValidationError

from cxdial.compliance.models import CONSENT_RANK, ConsentLevel, Purpose
from cxdial.compliance.parsing import parse_instant
from cxdial.compliance.phones import national_number
from cxdial.errors import ValidationError
from cxdial.validation_errors import field_error

if TYPE_CHECKING:  # polars loads only for the batch screener, never for one dial
    import polars as pl


class ConsentSource(Protocol):
    """Where stored consent records come from (``cxdial.store.ConsentStore``)."""

    def rows(self, phone: str | None = None) -> list[dict[str, Any]]: ...

    def add(self, rows: Iterable[Mapping[str, Any]]) -> int: ...


__all__ = [
    "CONSENT_COLUMNS",
    "CallScope",
    "Channel",
    "Consent",
    "ConsentBook",
    "ConsentFinding",
    "ConsentSource",
    "resolve",
]

#: CSV header of a consent file (``purposes`` and ``channels`` are ``;``-separated).
CONSENT_COLUMNS = (
    "phone",
    "seller",
    "purposes",
    "channels",
    "level",
    "method",
    "evidence_id",
    "given_at",
    "revoked_at",
    "revocation_channel",
    "matter",
)


class Channel(StrEnum):
    """How a call is placed, as consent records name it."""

    LIVE = "live"
    AUTODIALED = "autodialed"
    PRERECORDED = "prerecorded"


ROBOCALL_CHANNELS = frozenset({Channel.AUTODIALED, Channel.PRERECORDED})


def _instant(value: Any) -> Any:
    if isinstance(value, str):
        return parse_instant(value) if value.strip() else None
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _listed(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(p.strip().lower() for p in value.split(";") if p.strip())
    return value


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value


class Consent(BaseModel):
    """One consent record for one number (several per contact are normal)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phone: str
    seller: str | None = None
    purposes: tuple[Purpose, ...] = ()
    channels: tuple[Channel, ...] = (Channel.LIVE, Channel.AUTODIALED)
    level: ConsentLevel = ConsentLevel.EXPRESS
    method: str
    evidence_id: str
    given_at: datetime
    revoked_at: datetime | None = None
    revocation_channel: str | None = None
    matter: str | None = None

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: Any) -> Any:
        found = national_number(value) if isinstance(value, str) else None
        if found is None:
            raise ValueError("not a US number; write +1NXXNXXXXXX or ten digits")
        return found

    @field_validator("purposes", "channels", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _listed(value)

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        value = _text(value)
        return ConsentLevel.EXPRESS if value is None else value

    @field_validator("given_at", "revoked_at", mode="before")
    @classmethod
    def _instants(cls, value: Any) -> Any:
        return _instant(value)

    @field_validator(
        "seller", "revocation_channel", "matter", "method", "evidence_id", mode="before"
    )
    @classmethod
    def _texts(cls, value: Any) -> Any:
        return _text(value)

    @property
    def rank(self) -> int:
        """The consent level's rank (0 none, 1 express, 2 express written)."""
        return CONSENT_RANK[self.level]


@dataclass(frozen=True, slots=True)
class CallScope:
    """What a call is, as far as consent goes: purpose, channel, seller and matter."""

    purpose: Purpose
    channel: Channel
    seller: str | None = None
    matter: str | None = None


@dataclass(frozen=True, slots=True)
class ConsentFinding:
    """What the records say about one call."""

    level: ConsentLevel = ConsentLevel.NONE
    evidence_id: str | None = None
    revoked_by: str | None = None
    revoked_at: datetime | None = None
    voided: tuple[str, ...] = ()
    direct_given_at: datetime | None = None
    direct_evidence: str | None = None


def _seller_ok(c: Consent, call: CallScope) -> bool:
    return c.seller is None or call.seller is None or c.seller == call.seller


def _covers(c: Consent, call: CallScope) -> bool:
    return (
        _seller_ok(c, call)
        and (not c.purposes or call.purpose in c.purposes)
        and call.channel in c.channels
        and (c.matter is None or call.matter is None or c.matter == call.matter)
    )


def resolve(
    records: Sequence[Consent],
    call: CallScope,
    at: datetime,
    *,
    revoke_all: bool,
    disconnected_at: datetime | None = None,
) -> ConsentFinding:
    """The records' verdict on one call at ``at`` (see the module docstring for the rules).

    ``direct_given_at`` is the latest counting record that names ``debt_collection`` among
    its purposes (Reg F's "direct prior consent"); the caller compares it with the window.
    """
    gone = disconnected_at if disconnected_at is not None and disconnected_at <= at else None
    revocations = [
        c
        for c in records
        if c.revoked_at is not None
        and c.revoked_at <= at
        and (
            _covers(c, call)
            or (revoke_all and _seller_ok(c, call) and call.channel in ROBOCALL_CHANNELS)
        )
    ]
    last = max(revocations, key=lambda c: (c.revoked_at, c.evidence_id), default=None)
    last_at = last.revoked_at if last is not None else None
    covering = [c for c in records if _covers(c, call) and c.given_at <= at]
    voided = tuple(
        sorted(c.evidence_id for c in covering if gone is not None and c.given_at < gone)
    )
    counting = [
        c
        for c in covering
        if (c.revoked_at is None or c.revoked_at > at)
        and (last_at is None or c.given_at > last_at)
        and not (gone is not None and c.given_at < gone)
    ]
    best = max(counting, key=lambda c: (c.rank, c.given_at, c.evidence_id), default=None)
    direct = max(
        (c for c in counting if Purpose.DEBT_COLLECTION in c.purposes),
        key=lambda c: (c.given_at, c.evidence_id),
        default=None,
    )
    revoked = last is not None and best is None
    return ConsentFinding(
        level=best.level if best is not None else ConsentLevel.NONE,
        evidence_id=best.evidence_id if best is not None else None,
        revoked_by=last.evidence_id if revoked and last is not None else None,
        revoked_at=last_at if revoked else None,
        voided=voided,
        direct_given_at=direct.given_at if direct is not None else None,
        direct_evidence=direct.evidence_id if direct is not None else None,
    )


class ConsentBook:
    """Consent records by national number; loaded from CSV, JSON or given directly."""

    def __init__(self, records: Iterable[Consent] = ()) -> None:
        self._by_phone: dict[str, list[Consent]] = {}
        self._count = 0
        for record in records:
            self._by_phone.setdefault(record.phone, []).append(record)
            self._count += 1
        self._frame: pl.DataFrame | None = None

    def __len__(self) -> int:
        return self._count

    def records(self, national: str) -> Sequence[Consent]:
        """The records of one national number (10 digits)."""
        return self._by_phone.get(national, ())

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, Any]], *, source: str = "<memory>") -> ConsentBook:
        """Records from mappings (CSV rows or JSON objects); errors name the row and field."""
        out = []
        for n, row in enumerate(rows, start=1):
            data = {str(k).strip().lower(): v for k, v in row.items()}
            data = {k: v for k, v in data.items() if v is not None and v != ""}
            try:
                out.append(Consent.model_validate(data))
            except PydanticValidationError as exc:
                raise field_error(
                    exc,
                    what=f"consent record {source}:{n}",
                    fix=f"columns are {', '.join(CONSENT_COLUMNS)}; see docs/compliance.md",
                    field_prefix="consent",
                ) from None
        return cls(out)

    @classmethod
    def from_text(cls, text: str, *, source: str, json_format: bool = False) -> ConsentBook:
        """A consent file's text: CSV (header ``CONSENT_COLUMNS``) or a JSON array."""
        if not json_format:
            return cls.from_rows(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))), source=source)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"consent file {source} is not JSON ({exc.msg}, line {exc.lineno})",
                field="consent",
                fix="write a JSON array of consent objects",
            ) from None
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            raise ValidationError(
                f"consent file {source} is not a JSON array of objects",
                field="consent",
                fix="write a JSON array of consent objects",
            )
        return cls.from_rows(data, source=source)

    @classmethod
    def from_store(cls, store: ConsentSource, *, phone: str | None = None) -> ConsentBook:
        """The records in the store (of one number, any accepted format, when ``phone``)."""
        national = national_number(phone) if phone is not None else None
        if phone is not None and national is None:
            return cls()
        return cls.from_rows(store.rows(national), source="store consent_records")

    def save(self, store: ConsentSource) -> int:
        """Append every record of this book to ``store``; the number written."""
        return store.add(self.store_rows())

    def store_rows(self) -> list[dict[str, Any]]:
        """Every record as a store row (the consent CSV's columns, lists joined by ``;``)."""
        return [
            {
                **c.model_dump(exclude={"purposes", "channels"}),
                "level": c.level.value,
                "purposes": ";".join(p.value for p in c.purposes),
                "channels": ";".join(ch.value for ch in c.channels),
            }
            for c in self.all()
        ]

    def all(self) -> list[Consent]:
        """Every record, grouped by number."""
        return [c for v in self._by_phone.values() for c in v]

    def merged(self, other: ConsentBook) -> ConsentBook:
        """The records of both books."""
        return ConsentBook([*self.all(), *other.all()])

    @classmethod
    def from_csv(cls, path: Path | str) -> ConsentBook:
        """A consent CSV (header ``CONSENT_COLUMNS``; row numbers count data rows)."""
        return cls.from_text(Path(path).read_text(encoding="utf-8-sig"), source=str(path))

    @classmethod
    def from_json(cls, path: Path | str) -> ConsentBook:
        """A JSON array of consent objects (``purposes``/``channels`` as lists or text)."""
        text = Path(path).read_text(encoding="utf-8")
        return cls.from_text(text, source=str(path), json_format=True)

    @classmethod
    def from_file(cls, path: Path | str) -> ConsentBook:
        """CSV or JSON by the file's suffix (``.json``, else CSV)."""
        return cls.from_json(path) if str(path).lower().endswith(".json") else cls.from_csv(path)

    def frame(self) -> pl.DataFrame:
        """Every record as columns for the batch screener (built once per book)."""
        import polars as pl

        utc = pl.Datetime("us", "UTC")
        if self._frame is None:
            rows = [c for v in self._by_phone.values() for c in v]
            purposes = {p: [p in c.purposes for c in rows] for p in Purpose}
            channels = {ch: [ch in c.channels for c in rows] for ch in Channel}
            self._frame = pl.DataFrame(
                {
                    "nat_i": pl.Series([int(c.phone) for c in rows], dtype=pl.Int64),
                    "seller": pl.Series([c.seller for c in rows], dtype=pl.String),
                    "all_purposes": pl.Series([not c.purposes for c in rows], dtype=pl.Boolean),
                    **{f"p_{p.value}": pl.Series(v, dtype=pl.Boolean) for p, v in purposes.items()},
                    **{
                        f"c_{ch.value}": pl.Series(v, dtype=pl.Boolean)
                        for ch, v in channels.items()
                    },
                    "rank": pl.Series([c.rank for c in rows], dtype=pl.Int64),
                    "evidence_id": pl.Series([c.evidence_id for c in rows], dtype=pl.String),
                    "given_at": pl.Series([c.given_at for c in rows], dtype=utc),
                    "revoked_at": pl.Series([c.revoked_at for c in rows], dtype=utc),
                    "matter": pl.Series([c.matter for c in rows], dtype=pl.String),
                }
            )
        return self._frame


def resolve_frame(
    book: ConsentBook,
    rows: pl.DataFrame,
    call: CallScope,
    at: datetime,
    *,
    revoke_all: bool,
) -> pl.DataFrame:
    """:func:`resolve` for every row of ``rows`` (``nat_i``, ``matter``, ``gone_at``).

    Returns, aligned with ``rows``: ``rec_rank`` (0 without records), ``rec_evidence``,
    ``rec_revoked``, ``rec_revoked_by``, ``rec_voided`` (any record voided by a disconnection)
    and ``rec_direct`` (latest direct debt-collection consent). The call's own facts
    (seller, purpose, channel, instant) filter the records before any join.
    """
    import polars as pl

    utc = pl.Datetime("us", "UTC")
    lit_at = pl.lit(at, dtype=utc)
    recs = book.frame()
    seller_ok = (
        pl.lit(True)
        if call.seller is None
        else pl.col("seller").is_null() | (pl.col("seller") == call.seller)
    )
    fits = seller_ok & (pl.col("all_purposes") | pl.col(f"p_{call.purpose.value}"))
    fits = fits & pl.col(f"c_{call.channel.value}")
    robo_all = revoke_all and call.channel in ROBOCALL_CHANNELS
    revs = recs.filter(
        pl.col("revoked_at").is_not_null()
        & (pl.col("revoked_at") <= lit_at)
        & (fits | (pl.lit(robo_all) & seller_ok))
    ).select(
        "nat_i", pl.col("matter").alias("matter_r"), fits.alias("fits"), "revoked_at", "evidence_id"
    )
    covs = recs.filter(fits & (pl.col("given_at") <= lit_at)).select(
        "nat_i",
        pl.col("matter").alias("matter_r"),
        "rank",
        "given_at",
        "revoked_at",
        "evidence_id",
        pl.col(f"p_{Purpose.DEBT_COLLECTION.value}").alias("direct"),
    )
    base = rows.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("__row"), "nat_i", "matter", "gone_at"
    )
    matter_ok = (
        pl.col("matter_r").is_null()
        | pl.col("matter").is_null()
        | (pl.col("matter_r") == pl.col("matter"))
    )
    last = (
        base.join(revs, on="nat_i", how="inner")
        .filter((pl.col("fits") & matter_ok) | pl.lit(robo_all))
        .group_by("__row")
        .agg(
            pl.col("revoked_at").max().alias("last_at"),
            pl.col("evidence_id").sort_by("revoked_at", "evidence_id").last().alias("by"),
        )
    )
    gone = pl.col("gone_at").is_not_null() & (pl.col("gone_at") <= lit_at)
    covering = (
        base.join(covs, on="nat_i", how="inner")
        .filter(matter_ok)
        .join(last.select("__row", "last_at"), on="__row", how="left")
        .with_columns((gone & (pl.col("given_at") < pl.col("gone_at"))).alias("void"))
    )
    counts = (
        (pl.col("revoked_at").is_null() | (pl.col("revoked_at") > lit_at))
        & (pl.col("last_at").is_null() | (pl.col("given_at") > pl.col("last_at")))
        & ~pl.col("void")
    )
    order = ("rank", "given_at", "evidence_id")
    best = (
        covering.filter(counts)
        .group_by("__row")
        .agg(
            pl.col("rank").max().alias("rec_rank"),
            pl.col("evidence_id").sort_by(*order).last().alias("rec_evidence"),
            pl.col("given_at").filter(pl.col("direct")).max().alias("rec_direct"),
        )
    )
    voided = covering.filter(pl.col("void")).select("__row").unique()
    n = rows.height

    def scatter(frame: pl.DataFrame, column: str, empty: pl.Series) -> pl.Series:
        out = empty.clone()
        return out.scatter(frame["__row"], frame[column]) if frame.height else out

    rank = scatter(best, "rec_rank", _filled("rec_rank", None, n, pl.Int64))
    last_at = scatter(last, "last_at", _filled("last_at", None, n, utc))
    by = scatter(last, "by", _filled("rec_revoked_by", None, n, pl.String))
    revoked = last_at.is_not_null() & rank.is_null()
    return pl.DataFrame(
        [
            rank.fill_null(0).alias("rec_rank"),
            scatter(best, "rec_evidence", _filled("rec_evidence", None, n, pl.String)),
            revoked.alias("rec_revoked"),
            pl.select(pl.when(revoked).then(by)).to_series().alias("rec_revoked_by"),
            _filled("rec_voided", False, n, pl.Boolean).scatter(voided["__row"], True),
            scatter(best, "rec_direct", _filled("rec_direct", None, n, utc)),
        ]
    )


def _filled(
    name: str, value: bool | int | None, n: int, dtype: pl.DataType | type[pl.DataType]
) -> pl.Series:
    """A column of ``n`` copies of ``value`` (built by polars, not from a Python list)."""
    import polars as pl

    return pl.repeat(value, n, dtype=dtype, eager=True).alias(name)


def within(given: datetime | None, at: datetime, days: int) -> bool:
    """Whether ``given`` lies in the ``days`` before ``at`` (a rolling window, inclusive)."""
    return given is not None and at - timedelta(days=days) <= given <= at


def consent_columns(
    df: pl.DataFrame,
    book: ConsentBook,
    gone: pl.DataFrame | None,
    call: CallScope,
    at: datetime,
    *,
    revoke_all: bool,
) -> pl.DataFrame:
    """The batch screener's consent facts per row of ``df`` (its derived columns).

    ``df`` has ``nat_i``, ``subject``, ``debt_id``, ``consent_at`` and the shorthand's
    ``consent_eff``; ``gone`` is ``ReassignedNumbers.frame()`` (or None). Returns
    ``consent_eff`` (shorthand and records combined), ``sh_void``, ``rec_revoked``,
    ``rec_voided``, ``rec_direct`` and ``rec_evidence``, aligned with ``df``.
    """
    import polars as pl

    utc = pl.Datetime("us", "UTC")
    levels = [c.value for c in CONSENT_RANK]
    lit_at = pl.lit(at, dtype=utc)
    if not len(book) and (gone is None or not gone.height):  # nothing to add: the column rules
        n = df.height
        return pl.DataFrame(
            [
                df["consent_eff"],
                _filled("sh_void", False, n, pl.Boolean),
                _filled("rec_revoked", False, n, pl.Boolean),
                _filled("rec_voided", False, n, pl.Boolean),
                _filled("rec_direct", None, n, utc),
                _filled("rec_evidence", None, n, pl.String),
            ]
        )
    rows = df.select(
        "nat_i",
        pl.coalesce("debt_id", "subject").alias("matter"),
        "consent_at",
        "consent_eff",
    )
    if gone is not None and gone.height:
        rows = rows.join(gone, on="nat_i", how="left", maintain_order="left").with_columns(
            pl.when(pl.col("gone_at") <= lit_at).then(pl.col("gone_at")).alias("gone_at")
        )
    else:
        rows = rows.with_columns(pl.lit(None, dtype=utc).alias("gone_at"))
    void = (
        pl.col("gone_at").is_not_null()
        & (pl.col("consent_eff") != ConsentLevel.NONE.value)
        & (pl.col("consent_at").is_null() | (pl.col("consent_at") < pl.col("gone_at")))
    )
    rows = rows.with_columns(void.alias("sh_void"))
    short = (
        pl.when(pl.col("sh_void"))
        .then(0)
        .otherwise(
            pl.col("consent_eff").replace_strict(
                levels, list(range(len(levels))), default=0, return_dtype=pl.Int64
            )
        )
    )
    if len(book):
        rec = resolve_frame(book, rows, call, at, revoke_all=revoke_all)
    else:
        rec = pl.DataFrame(
            {
                "rec_rank": _filled("rec_rank", 0, df.height, pl.Int64),
                "rec_evidence": _filled("rec_evidence", None, df.height, pl.String),
                "rec_revoked": _filled("rec_revoked", False, df.height, pl.Boolean),
                "rec_revoked_by": _filled("rec_revoked_by", None, df.height, pl.String),
                "rec_voided": _filled("rec_voided", False, df.height, pl.Boolean),
                "rec_direct": _filled("rec_direct", None, df.height, utc),
            }
        )
    both = rows.select(short.alias("short"), "sh_void").hstack(rec)
    rank = pl.max_horizontal("short", "rec_rank")
    return both.select(
        rank.replace_strict(list(range(len(levels))), levels, return_dtype=pl.String).alias(
            "consent_eff"
        ),
        "sh_void",
        "rec_revoked",
        "rec_voided",
        "rec_direct",
        "rec_evidence",
    )
