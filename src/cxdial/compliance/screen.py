"""The batch screener: the gate's rules over a whole table, vectorised with polars.

Per-row work (normalising numbers, ZIP and prefix look-ups, DNC membership, attempt
counts, date arithmetic) is columnar. Window and consent rules depend only on a row's
*profile* (zones, states, line type, consent, EBR, …), so each distinct profile is
evaluated once with the very function ``Gate.check`` uses and joined back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
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
from cxdial.compliance.parsing import months_before, zone_info
from cxdial.compliance.phones import CLEAN_PATTERN, geo_pattern, nongeo_pattern, prefix_tables
from cxdial.compliance.profile import ProfileKey, evaluate_profile
from cxdial.compliance.ruleset import CapRule, CooldownRule
from cxdial.compliance.table import LINE, RowError, prepare

if TYPE_CHECKING:
    from cxdial.compliance.gate import Gate

__all__ = ["REPORT_COLUMNS", "ScreenResult", "screen_table"]

REPORT_COLUMNS = (
    "id", "phone_e164", "decision", "reasons", "zones", "local_times", "next_allowed_at",
)
_BIT = {code: 1 << REASON_ORDER[code] for code in ReasonCode}
_WINDOW_MASK = sum(_BIT[c] for c in WINDOW_REASONS)
_KEY = ("zs", "zip_zone", "zip_state", "state", "timezone", "presumed", "kind",
        "phone_type", "consent_eff", "ebr")


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


def _profiles(
    df: pl.DataFrame, gate: Gate, at: datetime, purpose: Purpose, autodialed: bool,
    cap_ids: list[str],
) -> pl.DataFrame:
    zonesets, _ = prefix_tables()
    combos = df.select(_KEY).unique()
    stale_cache: dict[str, str | None] = {}
    rows: list[dict[str, Any]] = []
    for combo in combos.iter_rows(named=True):
        out: dict[str, Any] = dict(combo)
        if combo["kind"] == "invalid":
            out.update(mask=_BIT[ReasonCode.INVALID_NUMBER], zones=None, local_times=None,
                       nxt=None, revocation=False, national_on=False, state_on=False,
                       internal_on=False, **{c: False for c in cap_ids})
            rows.append(out)
            continue
        address = address_parts(combo["zip_zone"], combo["zip_state"], combo["state"],
                                combo["timezone"])
        number_zones = zonesets[combo["zs"]] if combo["zs"] >= 0 else ()
        loc = locate(number_zones, combo["presumed"], address)
        key = ProfileKey(
            zones=loc.zones, states=loc.states, unplaced=loc.unplaced,
            nongeo=combo["kind"] == "nongeo", purpose=purpose, autodialed=autodialed,
            phone_type=PhoneType(combo["phone_type"]),
            consent=ConsentLevel(combo["consent_eff"]), ebr=bool(combo["ebr"]),
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
        registries = {r.registry for r in verdict.dnc_rules}
        applied = {c.id for c in verdict.caps}
        out.update(
            mask=mask,
            zones=";".join(loc.zones),
            local_times=";".join(t.isoformat() for t in verdict.local_times),
            nxt=verdict.next_allowed_at.astimezone(zone_info("UTC")).isoformat()
            if verdict.next_allowed_at else None,
            revocation=verdict.revocation,
            national_on="national" in registries,
            state_on="state" in registries,
            internal_on="internal" in registries,
            **{c: c in applied for c in cap_ids},
        )
        rows.append(out)
    return pl.DataFrame(rows, schema_overrides={"mask": pl.Int64, "nxt": pl.String,
                                                "zones": pl.String, "local_times": pl.String})


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
    fill = {"zip_zone": "", "zip_state": "", "state": "", "timezone": "", "presumed": ""}
    df = df.with_columns(pl.col(k).fill_null(v) for k, v in fill.items())
    caps = [
        r for j in gate.rules.jurisdictions for r in j.rules
        if isinstance(r, CapRule | CooldownRule) and purpose in r.applies_to.purposes
    ]
    cap_ids = [r.id for r in caps]
    profiles = _profiles(df.with_columns(pl.col(k).replace("", None) for k in fill),
                         gate, at, purpose, autodialed, cap_ids)
    profiles = profiles.with_columns(pl.col(k).fill_null(v) for k, v in fill.items())
    df = df.join(profiles, on=list(_KEY), how="left", maintain_order="left")
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
