"""The batch screener: the gate's rules over a whole table, vectorised with polars.

Per-row work (normalising numbers, ZIP and prefix look-ups, DNC membership, attempt
counts, date arithmetic) is columnar. Window and consent rules depend only on a row's
*profile* (zones, states, line type, consent, EBR, …), so each distinct profile is
evaluated once with the very function ``Gate.check`` uses and joined back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from cxdial.compliance.caps import cap_hits
from cxdial.compliance.gate import DNC_REASON
from cxdial.compliance.locate import address_parts, locate
from cxdial.compliance.lookup import (
    IntArray,
    presumed_lut,
    relevant_lut,
    state_ids,
    zip_luts,
    zone_names,
    zoneset_lut,
)
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
from cxdial.compliance.result import REPORT_COLUMNS, ScreenResult
from cxdial.compliance.ruleset import CapRule, ConsentRule, CooldownRule
from cxdial.compliance.table import LINE, prepare

if TYPE_CHECKING:
    from cxdial.compliance.gate import Gate

__all__ = ["REPORT_COLUMNS", "ScreenResult", "screen_table"]

_BIT = {code: 1 << REASON_ORDER[code] for code in ReasonCode}
_WINDOW_MASK = sum(_BIT[c] for c in WINDOW_REASONS)


def _national(phone: pl.Expr) -> pl.Expr:
    c = phone.str.replace_all(CLEAN_PATTERN, "")
    return (
        pl.when(c.str.contains(r"^\+1[0-9]{10}$"))
        .then(c.str.slice(2))
        .when(c.str.contains(r"^1[0-9]{10}$"))
        .then(c.str.slice(1))
        .when(c.str.contains(r"^[0-9]{10}$"))
        .then(c)
    )


def _derive(typed: pl.DataFrame, gate: Gate, at: datetime) -> pl.DataFrame:
    """Columnar facts: national number, class, effective consent, EBR, revocation."""
    purchase = months_before(at, gate.rules.ebr.purchase_months)
    inquiry = months_before(at, gate.rules.ebr.inquiry_months)
    lit_at = pl.lit(at, dtype=pl.Datetime("us", "UTC"))
    revoked = pl.col("revoked_at").is_not_null() & (pl.col("revoked_at") <= lit_at)
    future = pl.col("consent_at").is_not_null() & (pl.col("consent_at") > lit_at)
    ebr = pl.col("ebr_at").is_between(pl.lit(purchase), lit_at).fill_null(False) | pl.col(
        "inquiry_at"
    ).is_between(pl.lit(inquiry), lit_at).fill_null(False)
    nat = pl.col("national")
    kind = (
        pl.when(nat.str.contains(geo_pattern()))
        .then(1)
        .when(nat.str.contains(nongeo_pattern()))
        .then(2)
        .otherwise(0)
    )
    return (
        typed.lazy()
        .with_columns(_national(pl.col("phone")).alias("national"))
        .with_columns(
            kind.cast(pl.Int64).alias("kind"),
            nat.cast(pl.Int64, strict=False).fill_null(0).alias("nat_i"),
            pl.col("postal_code").cast(pl.Int64, strict=False).fill_null(0).alias("zip_i"),
            revoked.alias("revoked"),
            pl.when(revoked | future)
            .then(pl.lit(ConsentLevel.NONE.value))
            .otherwise(pl.col("consent"))
            .alias("consent_eff"),
            ebr.alias("ebr"),
        )
        .with_columns(
            pl.when(pl.col("kind") > 0).then(pl.lit("+1") + nat).alias("phone_e164"),
        )
        .collect()
    )


def _ids(col: pl.Series, names: list[str]) -> IntArray:
    """String column -> index in ``names`` (0, the empty name, for nulls and unknowns)."""
    return col.replace_strict(
        names, list(range(len(names))), default=0, return_dtype=pl.Int64
    ).to_numpy()


def _location_ids(df: pl.DataFrame, gate: Gate) -> tuple[IntArray, list[Any]]:
    """Per row, the id of its distinct (zones, rule states, unplaced, non-geographic)."""
    kind = df["kind"].to_numpy()
    nat = df["nat_i"].to_numpy()
    zs = np.where(kind == 1, zoneset_lut()[nat // 10_000], -1)
    presumed = np.where(kind == 1, presumed_lut(gate.rules)[nat // 10_000_000], 0)
    zip_zone_lut, zip_state_lut = zip_luts()
    zip_i = df["zip_i"].to_numpy()
    zz, zst = zip_zone_lut[zip_i], zip_state_lut[zip_i]
    states = list(state_ids())
    st = _ids(df["state"], states)
    tz_names = ["", *sorted(df["timezone"].drop_nulls().unique().to_list())]
    tz = _ids(df["timezone"], tz_names)
    # States without rules matter only for zones (when there is no ZIP zone): drop them.
    rel = relevant_lut(gate.rules)
    st = np.where((zz == 0) | rel[st], st, 0)
    zst = np.where(rel[zst], zst, 0)
    code = zs + 1
    for part, size in (
        (zz, 1 << 10),
        (zst, 128),
        (st, 128),
        (tz, 1 << 12),
        (presumed, 128),
        (kind, 4),
    ):
        code = code * size + part
    uniq, inverse = np.unique(code, return_inverse=True)
    zonesets, _ = prefix_tables()
    zones_by_id = zone_names()
    idents: dict[tuple[Any, ...], int] = {}
    locs: list[Any] = []
    loc_of = np.empty(len(uniq), dtype=np.int64)
    for i, value in enumerate(uniq.tolist()):
        value, k = divmod(value, 4)
        value, p = divmod(value, 128)
        value, t = divmod(value, 1 << 12)
        value, s = divmod(value, 128)
        value, zs_state = divmod(value, 128)
        zset, z = divmod(value, 1 << 10)
        if k == 0:
            loc_of[i] = -1
            continue
        address = address_parts(
            zones_by_id[z] or None, states[zs_state] or None, states[s] or None, tz_names[t] or None
        )
        number_zones = zonesets[zset - 1] if zset > 0 else ()
        loc = locate(number_zones, states[p] or None, address)
        ident = (
            loc.zones,
            tuple(x for x in loc.states if x in gate.rules.state_codes),
            loc.unplaced,
            k == 2,
        )
        loc_of[i] = idents.setdefault(ident, len(locs))
        if loc_of[i] == len(locs):
            locs.append(ident)
    return loc_of[inverse], locs


def _profiles(
    df: pl.DataFrame,
    loc: IntArray,
    locs: list[Any],
    gate: Gate,
    at: datetime,
    purpose: Purpose,
    autodialed: bool,
    caps: list[CapRule | CooldownRule],
) -> pl.DataFrame:
    """Evaluate each distinct profile once; return its columns gathered back to rows."""
    consent_rules = [r for r in gate.rules.by_id.values() if isinstance(r, ConsentRule)]
    reps: dict[tuple[bool, ...], int] = {}
    types = list(PhoneType)
    pt_alias = [
        reps.setdefault(tuple(p in r.line_types for r in consent_rules), i)
        for i, p in enumerate(types)
    ]
    pt = np.array(pt_alias)[_ids(df["phone_type"], [p.value for p in types])]
    levels = list(ConsentLevel)
    consent = _ids(df["consent_eff"], [c.value for c in levels])
    ebr = df["ebr"].to_numpy().astype(np.int64)
    code = np.where(loc < 0, -1, ((loc * 4 + pt) * 3 + consent) * 2 + ebr)
    uniq, inverse = np.unique(code, return_inverse=True)
    stale: dict[str, str | None] = {}
    texts: dict[int, tuple[str, str]] = {}
    iso: dict[str, str] = {}
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "mask",
            "zones",
            "local_times",
            "nxt",
            "revocation",
            "national_on",
            "state_on",
            "internal_on",
            *(c.id for c in caps),
        )
    }
    for value in uniq.tolist():
        if value < 0:
            for k, v in zip(
                cols, (_BIT[ReasonCode.INVALID_NUMBER], None, None, None), strict=False
            ):
                cols[k].append(v)
            for k in list(cols)[4:]:
                cols[k].append(False)
            continue
        rest, e = divmod(value, 2)
        rest, c = divmod(rest, 3)
        loc_id, p = divmod(rest, 4)
        zones, states, unplaced, nongeo = locs[loc_id]
        verdict = evaluate_profile(
            gate.rules,
            ProfileKey(
                zones=zones,
                states=states,
                unplaced=unplaced,
                nongeo=nongeo,
                purpose=purpose,
                autodialed=autodialed,
                phone_type=types[p],
                consent=levels[c],
                ebr=bool(e),
            ),
            at,
            gate.guard_minutes,
        )
        mask = sum(_BIT[r] for r in verdict.reasons)
        for rule in verdict.dnc_rules:
            if rule.id not in stale:
                stale[rule.id] = gate.dnc.stale(
                    rule.registry, at.date(), rule.max_age_days, rule.require_snapshot
                )
            if stale[rule.id]:
                mask |= _BIT[ReasonCode.DNC_STALE]
        if loc_id not in texts:
            for z, t in zip(zones, verdict.local_times, strict=True):
                if z not in iso:
                    iso[z] = t.isoformat()
            texts[loc_id] = (";".join(zones), ";".join(iso[z] for z in zones))
        registries = {r.registry for r in verdict.dnc_rules}
        applied = {r.id for r in verdict.caps}
        nxt = verdict.next_allowed_at
        values = (
            mask,
            *texts[loc_id],
            nxt.astimezone(UTC).isoformat() if nxt else None,
            verdict.revocation,
            "national" in registries,
            "state" in registries,
            "internal" in registries,
            *(r.id in applied for r in caps),
        )
        for name, val in zip(cols, values, strict=True):
            cols[name].append(val)
    frame = pl.DataFrame(
        cols,
        schema={
            "mask": pl.Int64,
            "zones": pl.String,
            "local_times": pl.String,
            "nxt": pl.String,
            **{k: pl.Boolean for k in list(cols)[4:]},
        },
    )
    return frame.select(pl.all().gather(pl.Series(inverse)))


def screen_table(
    gate: Gate, table: pl.DataFrame, at: datetime, purpose: Purpose, autodialed: bool
) -> ScreenResult:
    """Screen ``table`` at ``at`` (see :meth:`Gate.screen`)."""
    input_columns = [c for c in table.columns if c != LINE]
    typed, keep, errors = prepare(table)
    df = _derive(typed, gate, at)
    caps = [
        r
        for r in gate.rules.by_id.values()
        if isinstance(r, CapRule | CooldownRule) and purpose in r.applies_to.purposes
    ]
    loc, locs = _location_ids(df, gate)
    df = df.hstack(_profiles(df, loc, locs, gate, at, purpose, autodialed, caps))
    mask = pl.col("mask")
    for registry, code in DNC_REASON.items():
        hit = gate.dnc.expr(registry, pl.col("national")) & pl.col(f"{registry}_on")
        mask = mask | pl.when(hit).then(_BIT[code]).otherwise(0)
    mask = mask | pl.when(pl.col("revoked") & pl.col("revocation")).then(
        _BIT[ReasonCode.CONSENT_REVOKED]
    ).otherwise(0)
    memo: dict[tuple[Any, ...], pl.Series] = {}
    for rule in caps:
        if df[rule.id].any():
            hits = cap_hits(df, rule, gate.history, at, memo)
            mask = mask | pl.when(pl.col(rule.id) & hits).then(_BIT[rule.reason]).otherwise(0)
    final = df.select(mask.alias("mask"), "nxt")["mask"]
    masks = final.unique().to_list()
    texts = [";".join(c.value for c in ReasonCode if m & _BIT[c]) for m in masks]
    out = pl.DataFrame(
        [
            typed["id"].alias("__id"),
            df["phone_e164"],
            (final == 0).alias("allowed"),
            pl.Series("decision", ["ALLOW", "BLOCK"]).gather((final != 0).cast(pl.UInt32)),
            final.replace_strict(masks, texts, return_dtype=pl.String).alias("reasons"),
            df["zones"],
            df["local_times"],
            pl.select(pl.when((final != 0) & (final & ~_WINDOW_MASK == 0)).then(df["nxt"]))
            .to_series()
            .alias("next_allowed_at"),
        ]
    )
    frame = out.filter(keep) if errors else out
    return ScreenResult(
        frame, errors, input_columns, table, keep & (final == 0), gate.rules.version, at, purpose
    )
