"""The batch screener: the gate's rules over a whole table, vectorised with polars.

Per-row work (normalising numbers, ZIP and prefix look-ups, DNC membership, attempt
counts, date arithmetic) is columnar. Window and consent rules depend only on a row's
*profile* (zones, states, line type, consent, EBR, …), so each distinct profile is
evaluated once with the very function ``Gate.check`` uses and joined back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import polars as pl

from cxdial.compliance.gate import DNC_REASON
from cxdial.compliance.history import AttemptHistory
from cxdial.compliance.locate import address_parts, locate, zip_table
from cxdial.compliance.models import (
    REASON_ORDER,
    WINDOW_REASONS,
    ConsentLevel,
    PhoneType,
    Purpose,
    ReasonCode,
)
from cxdial.compliance.parsing import months_before
from cxdial.compliance.phones import CLEAN_PATTERN, geo_pattern, nongeo_pattern, prefix_tables
from cxdial.compliance.profile import ProfileKey, evaluate_profile
from cxdial.compliance.ruleset import CapRule, ConsentRule, CooldownRule
from cxdial.compliance.table import LINE, RowError, prepare

if TYPE_CHECKING:
    from cxdial.compliance.gate import Gate

__all__ = ["REPORT_COLUMNS", "ScreenResult", "screen_table"]

REPORT_COLUMNS = (
    "id", "phone_e164", "decision", "reasons", "zones", "local_times", "next_allowed_at",
)
_BIT = {code: 1 << REASON_ORDER[code] for code in ReasonCode}
_WINDOW_MASK = sum(_BIT[c] for c in WINDOW_REASONS)


@dataclass
class ScreenResult:
    """Screened rows (input columns + verdict columns) and the malformed rows."""

    frame: pl.DataFrame
    errors: list[RowError]
    input_columns: list[str]
    rule_set_version: str
    at: datetime
    purpose: Purpose
    counts: dict[str, Any] = field(default_factory=dict)

    def report(self) -> pl.DataFrame:
        """One row per screened contact: the report CSV columns."""
        return self.frame.select(pl.col("__id").alias("id"), *REPORT_COLUMNS[1:])

    def cleared(self) -> pl.DataFrame:
        """The allowed rows with their input columns, ready for upload."""
        return self.frame.filter(pl.col("allowed")).select(self.input_columns)

    def summary(self) -> dict[str, Any]:
        """Counts by decision and reason (for ``--json``)."""
        decisions = {"ALLOW": 0, "BLOCK": 0}
        for value, n in self.frame["decision"].value_counts().iter_rows():
            decisions[value] = n
        reasons = {code.value: 0 for code in ReasonCode}
        exploded = self.frame["reasons"].str.split(";").explode().drop_nulls()
        for value, n in exploded.filter(exploded != "").value_counts().iter_rows():
            reasons[value] = n
        return {
            "rule_set_version": self.rule_set_version,
            "at": self.at.isoformat(),
            "purpose": self.purpose.value,
            "rows": self.frame.height + len({e.line for e in self.errors}),
            "screened": self.frame.height,
            "malformed": len({e.line for e in self.errors}),
            "decisions": decisions,
            "reasons": {k: v for k, v in reasons.items() if v},
        }


def _national(phone: pl.Expr) -> pl.Expr:
    c = phone.str.replace_all(CLEAN_PATTERN, "")
    return (
        pl.when(c.str.contains(r"^\+1[0-9]{10}$")).then(c.str.slice(2))
        .when(c.str.contains(r"^1[0-9]{10}$")).then(c.str.slice(1))
        .when(c.str.contains(r"^[0-9]{10}$")).then(c)
    )


def _zoneset(national: pl.Expr) -> pl.Expr:
    _, by_len = prefix_tables()
    parts = [
        national.str.slice(0, n).replace_strict(
            list(t), list(t.values()), default=None, return_dtype=pl.Int32
        )
        for n, t in by_len.items()
    ]
    return pl.coalesce(*parts).fill_null(-1)


def _phone_columns(df: pl.DataFrame, gate: Gate) -> pl.DataFrame:
    nat = _national(pl.col("phone"))
    df = df.with_columns(nat.alias("national"))
    national = pl.col("national")
    kind = (
        pl.when(national.str.contains(geo_pattern())).then(pl.lit("geo"))
        .when(national.str.contains(nongeo_pattern())).then(pl.lit("nongeo"))
        .otherwise(pl.lit("invalid"))
    )
    df = df.with_columns(kind.alias("kind"))
    presumed = gate.rules.presumed_state
    geo = pl.col("kind") == "geo"
    return df.with_columns(
        pl.when(geo).then(_zoneset(national)).otherwise(-1).alias("zs"),
        pl.when(geo).then(
            national.str.slice(0, 3).replace_strict(
                list(presumed), list(presumed.values()), default=None, return_dtype=pl.String
            )
        ).alias("presumed"),
        pl.when(pl.col("kind") != "invalid").then(pl.lit("+1") + national).alias("phone_e164"),
    )


def _address_columns(df: pl.DataFrame) -> pl.DataFrame:
    table = zip_table()
    codes = [c for c in df["postal_code"].drop_nulls().unique().to_list() if c in table]
    zones = [table[c][0] for c in codes]
    states = [table[c][1] for c in codes]
    return df.with_columns(
        pl.col("postal_code").replace_strict(codes, zones, default=None, return_dtype=pl.String)
        .alias("zip_zone"),
        pl.col("postal_code").replace_strict(codes, states, default=None, return_dtype=pl.String)
        .alias("zip_state"),
    )


def _consent_columns(df: pl.DataFrame, gate: Gate, at: datetime) -> pl.DataFrame:
    purchase = months_before(at, gate.rules.ebr.purchase_months)
    inquiry = months_before(at, gate.rules.ebr.inquiry_months)
    lit_at = pl.lit(at, dtype=pl.Datetime("us", "UTC"))
    revoked = pl.col("revoked_at").is_not_null() & (pl.col("revoked_at") <= lit_at)
    future = pl.col("consent_at").is_not_null() & (pl.col("consent_at") > lit_at)
    ebr = (pl.col("ebr_at").is_between(pl.lit(purchase), lit_at)).fill_null(False) | (
        pl.col("inquiry_at").is_between(pl.lit(inquiry), lit_at)
    ).fill_null(False)
    return df.with_columns(
        revoked.alias("revoked"),
        pl.when(revoked | future).then(pl.lit(ConsentLevel.NONE.value))
        .otherwise(pl.col("consent")).alias("consent_eff"),
        ebr.alias("ebr"),
    )


_LOC_KEY = ("zs", "zip_zone", "zip_state", "state", "timezone", "presumed", "kind")
_PROFILE_KEY = ("loc", "phone_type", "consent_eff", "ebr")


def _locations(df: pl.DataFrame, gate: Gate) -> tuple[pl.DataFrame, list[Any]]:
    """Map each row's location inputs to a location id (distinct zones/states/placement).

    States without rules of their own only matter for zones (when no ZIP zone is known),
    so they are dropped from the key first: both keep ``locate``'s result for the rules.
    """
    codes = list(gate.rules.state_codes)
    df = df.with_columns(
        pl.when(pl.col("zip_zone").is_null() | pl.col("state").is_in(codes))
        .then(pl.col("state")).alias("state"),
        pl.when(pl.col("zip_state").is_in(codes)).then(pl.col("zip_state")).alias("zip_state"),
    )
    fill = {k: "" for k in ("zip_zone", "zip_state", "state", "timezone", "presumed")}
    df = df.with_columns(pl.col(k).fill_null(v) for k, v in fill.items())
    zonesets, _ = prefix_tables()
    keys = df.select(_LOC_KEY).unique()
    ids: dict[tuple[Any, ...], int] = {}
    locs: list[Any] = []
    loc_col: list[int] = []
    for zs, zip_zone, zip_state, state, tz, presumed, kind in keys.iter_rows():
        if kind == "invalid":
            loc_col.append(-1)
            continue
        address = address_parts(zip_zone or None, zip_state or None, state or None, tz or None)
        loc = locate(zonesets[zs] if zs >= 0 else (), presumed or None, address)
        rel = tuple(st for st in loc.states if st in gate.rules.state_codes)
        ident = (loc.zones, rel, loc.unplaced, kind == "nongeo")
        if ident not in ids:
            ids[ident] = len(locs)
            locs.append(ident)
        loc_col.append(ids[ident])
    keys = keys.with_columns(pl.Series("loc", loc_col, dtype=pl.Int64))
    df = df.join(keys, on=list(_LOC_KEY), how="left", maintain_order="left")
    return df, locs


def _profiles(
    df: pl.DataFrame, locs: list[Any], gate: Gate, at: datetime, purpose: Purpose,
    autodialed: bool, cap_ids: list[str],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    # Line types the consent rules treat alike collapse to one representative.
    consent_rules = [r for r in gate.rules.by_id.values() if isinstance(r, ConsentRule)]
    reps: dict[tuple[bool, ...], str] = {}
    alias = {}
    for pt in PhoneType:
        signature = tuple(pt in r.line_types for r in consent_rules)
        alias[pt.value] = reps.setdefault(signature, pt.value)
    df = df.with_columns(
        pl.col("phone_type").replace_strict(list(alias), list(alias.values()),
                                            return_dtype=pl.String)
    )
    combos = df.select(_PROFILE_KEY).unique()
    stale_cache: dict[str, str | None] = {}
    texts: dict[int, tuple[str, str]] = {}
    rows: list[tuple[Any, ...]] = []
    none_caps = (False,) * len(cap_ids)
    for loc_id, phone_type, consent, ebr in combos.iter_rows():
        head = (loc_id, phone_type, consent, ebr)
        if loc_id < 0:
            rows.append((*head, _BIT[ReasonCode.INVALID_NUMBER], None, None, None,
                         False, False, False, False, *none_caps))
            continue
        zones, states, unplaced, nongeo = locs[loc_id]
        key = ProfileKey(
            zones=zones, states=states, unplaced=unplaced, nongeo=nongeo, purpose=purpose,
            autodialed=autodialed, phone_type=PhoneType(phone_type),
            consent=ConsentLevel(consent), ebr=bool(ebr),
        )
        verdict = evaluate_profile(gate.rules, key, at, gate.guard_minutes)
        mask = sum(_BIT[c] for c in verdict.reasons)
        for rule in verdict.dnc_rules:
            if rule.id not in stale_cache:
                stale_cache[rule.id] = gate.dnc.stale(
                    rule.registry, at.date(), rule.max_age_days, rule.require_snapshot
                )
            if stale_cache[rule.id]:
                mask |= _BIT[ReasonCode.DNC_STALE]
        if loc_id not in texts:
            texts[loc_id] = (";".join(zones),
                             ";".join(t.isoformat() for t in verdict.local_times))
        registries = {r.registry for r in verdict.dnc_rules}
        applied = {c.id for c in verdict.caps}
        nxt = verdict.next_allowed_at
        rows.append((
            *head, mask, *texts[loc_id],
            nxt.astimezone(UTC).isoformat() if nxt is not None else None,
            verdict.revocation, "national" in registries, "state" in registries,
            "internal" in registries, *(c in applied for c in cap_ids),
        ))
    schema: dict[str, Any] = {k: combos.schema[k] for k in _PROFILE_KEY}
    schema.update(mask=pl.Int64, zones=pl.String, local_times=pl.String, nxt=pl.String,
                  revocation=pl.Boolean, national_on=pl.Boolean, state_on=pl.Boolean,
                  internal_on=pl.Boolean, **dict.fromkeys(cap_ids, pl.Boolean))
    return df, pl.DataFrame(rows, schema=schema, orient="row")


def _cap_hits(df: pl.DataFrame, rule: CapRule | CooldownRule, history: AttemptHistory,
              at: datetime) -> pl.Series:
    hist = history.frame()
    hours = rule.window_hours if isinstance(rule, CapRule) else rule.hours
    lit_at = pl.lit(at, dtype=pl.Datetime("us", "UTC"))
    start = pl.lit(at - timedelta(hours=hours), dtype=pl.Datetime("us", "UTC"))
    hist = hist.filter((pl.col("at") > start) & (pl.col("at") <= lit_at))
    debt = pl.when(pl.col("debt_id").is_null()).then(pl.lit("phone:") + pl.col("national")) \
        .otherwise(pl.lit("debt:") + pl.col("debt_id"))
    key = debt if rule.scope == "debt" else pl.col("national")
    if isinstance(rule, CooldownRule):
        hist = hist.filter(pl.col("outcome") == rule.after_outcome)
        keys = hist["debt_key" if rule.scope == "debt" else "national"].unique()
        return df.select(key.is_in(keys.implode()).fill_null(False)).to_series()
    hist = hist.filter(~pl.col("outcome").is_in(list(rule.exclude_outcomes)))

    def counts(frame: pl.DataFrame, by: pl.Expr | str, on: pl.Expr) -> pl.Expr:
        g = frame.group_by(by).len()
        return on.replace_strict(g[g.columns[0]], g["len"], default=0, return_dtype=pl.Int64)

    if rule.scope == "debt":
        n = counts(hist, "debt_key", key)
    elif rule.scope == "phone":
        n = counts(hist, "national", key)
    else:
        sep = pl.lit("\x1f")
        by_subject = hist.filter(pl.col("subject").is_not_null()).select(
            (pl.col("national") + sep + pl.col("subject")).alias("k")
        )
        n = pl.when(pl.col("subject").is_null()).then(counts(hist, "national", key)).otherwise(
            counts(by_subject, "k", pl.col("national") + sep + pl.col("subject"))
            + counts(hist.filter(pl.col("subject").is_null()), "national", key)
        )
    return df.select(n >= rule.max_attempts).to_series()


def screen_table(
    gate: Gate, table: pl.DataFrame, at: datetime, purpose: Purpose, autodialed: bool
) -> ScreenResult:
    """Screen ``table`` at ``at`` (see :meth:`Gate.screen`)."""
    input_columns = [c for c in table.columns if c != LINE]
    typed, raw, errors = prepare(table)
    df = _consent_columns(_address_columns(_phone_columns(typed, gate)), gate, at)
    caps = [
        r for j in gate.rules.jurisdictions for r in j.rules
        if isinstance(r, CapRule | CooldownRule) and purpose in r.applies_to.purposes
    ]
    cap_ids = [r.id for r in caps]
    df, locs = _locations(df, gate)
    df, profiles = _profiles(df, locs, gate, at, purpose, autodialed, cap_ids)
    df = df.join(profiles, on=list(_PROFILE_KEY), how="left", maintain_order="left")
    nat = pl.col("national")
    mask = pl.col("mask")
    for registry, code in DNC_REASON.items():
        hit = gate.dnc.expr(registry, nat) & pl.col(f"{registry}_on")
        mask = mask | pl.when(hit).then(_BIT[code]).otherwise(0)
    mask = mask | pl.when(pl.col("revoked") & pl.col("revocation")).then(
        _BIT[ReasonCode.CONSENT_REVOKED]).otherwise(0)
    for rule in caps:
        if df[rule.id].any():
            hits = _cap_hits(df, rule, gate.history, at)
            mask = mask | pl.when(pl.col(rule.id) & hits).then(_BIT[rule.reason]).otherwise(0)
    df = df.with_columns(mask.alias("mask"))
    masks = df["mask"].unique().to_list()
    texts = [";".join(c.value for c in ReasonCode if m & _BIT[c]) for m in masks]
    out = raw.select(input_columns).with_columns(
        typed["id"].alias("__id"),
        df["phone_e164"],
        (df["mask"] == 0).alias("allowed"),
        pl.Series("decision", ["ALLOW", "BLOCK"]).gather((df["mask"] != 0).cast(pl.UInt32)),
        df["mask"].replace_strict(masks, texts, return_dtype=pl.String).alias("reasons"),
        df["zones"],
        df["local_times"],
        df.select(
            pl.when((mask_col := pl.col("mask")) & ~pl.lit(_WINDOW_MASK) == 0)
            .then(pl.when(mask_col != 0).then(pl.col("nxt")))
        ).to_series().alias("next_allowed_at"),
    )
    return ScreenResult(out, errors, input_columns, gate.rules.version, at, purpose)
