"""The batch screener: the gate's rules over a whole table, vectorised with polars.

Per-row work (normalising numbers, ZIP and prefix look-ups, DNC membership, attempt
counts, date arithmetic) is columnar. Location comes from the same ``locate`` as
``Gate.check``; rule selection, windows and consent from the same ``select_rules``,
``window_verdict`` and ``consent_reason`` — each evaluated once per distinct
combination (states x consent x EBR, zones x selection, selection x line type) and
gathered back to the rows. A hypothesis test proves both entry points agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from cxdial.compliance.caps import cap_hits, cap_signature
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
from cxdial.compliance.parsing import months_before, zone_info
from cxdial.compliance.phones import CLEAN_PATTERN, geo_pattern, nongeo_pattern, prefix_tables
from cxdial.compliance.profile import Selection, consent_reason, select_rules, window_verdict
from cxdial.compliance.result import REPORT_COLUMNS, ScreenResult
from cxdial.compliance.ruleset import CapRule, CooldownRule
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


def _codes(*parts: tuple[IntArray, int]) -> tuple[IntArray, IntArray]:
    """Distinct combinations of small integer columns: (unique codes, row -> index)."""
    code = np.zeros(len(parts[0][0]), dtype=np.int64)
    span = 1
    for values, size in parts:
        code = code * size + values
        span *= size
    if span <= 1 << 24:  # dense: counting beats sorting
        present = np.zeros(span, dtype=bool)
        present[code] = True
        uniq = np.flatnonzero(present)
        index = np.cumsum(present) - 1
        return uniq, index[code]
    uniq, inverse = np.unique(code, return_inverse=True)
    return uniq, inverse.reshape(-1)


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
    """Window and consent verdicts from the same rule selections ``Gate.check`` uses.

    Selections depend on (states, consent, EBR); windows on (zones, selection); consent on
    (selection, line type). Each distinct combination is evaluated once, then gathered.
    """
    rules = gate.rules
    types, levels = list(PhoneType), list(ConsentLevel)
    pt = _ids(df["phone_type"], [p.value for p in types])
    consent = _ids(df["consent_eff"], [c.value for c in levels])
    ebr = df["ebr"].to_numpy().astype(np.int64)
    valid = loc >= 0
    safe = np.where(valid, loc, 0)
    state_sets: dict[tuple[str, ...], int] = {}
    zone_sets: dict[tuple[str, ...], int] = {}
    loc_state = np.array([state_sets.setdefault(x[1], len(state_sets)) for x in locs] or [0])
    loc_zone = np.array([zone_sets.setdefault(x[0], len(zone_sets)) for x in locs] or [0])
    loc_nongeo = np.array(
        [x[3] and x[2] and purpose is Purpose.TELEMARKETING for x in locs] or [False]
    )
    states_list, zones_list = list(state_sets), list(zone_sets)
    day = at.astimezone(UTC).date()
    # 1. rule selections per (states, consent, EBR)
    sel_u, sel_inv = _codes((loc_state[safe], max(len(states_list), 1)), (consent, 3), (ebr, 2))
    sels: list[Selection] = []
    wids: dict[tuple[str, ...], int] = {}
    sel_wid = np.empty(len(sel_u), dtype=np.int64)
    stale_bit = np.zeros(len(sel_u), dtype=np.int64)
    stale: dict[str, str | None] = {}
    for i, value in enumerate(sel_u.tolist()):
        rest, e = divmod(value, 2)
        st, c = divmod(rest, 3)
        sel = select_rules(
            rules,
            states_list[st] if states_list else (),
            purpose,
            autodialed,
            day,
            levels[c],
            bool(e),
        )
        sels.append(sel)
        sel_wid[i] = wids.setdefault(sel.window_ids, len(wids))
        for rule in sel.dnc:
            if rule.id not in stale:
                stale[rule.id] = gate.dnc.stale(
                    rule.registry, at.date(), rule.max_age_days, rule.require_snapshot
                )
            if stale[rule.id]:
                stale_bit[i] = _BIT[ReasonCode.DNC_STALE]
    # 2. windows per (zones, window rules)
    wid_list = list(wids)
    w_u, w_inv = _codes((loc_zone[safe], max(len(zones_list), 1)), (sel_wid[sel_inv], len(wids)))
    w_mask = np.zeros(len(w_u), dtype=np.int64)
    w_next: list[str | None] = []
    for i, value in enumerate(w_u.tolist()):
        z, w = divmod(value, len(wids))
        reasons, nxt = window_verdict(
            rules, zones_list[z] if zones_list else (), wid_list[w], at, gate.guard_minutes
        )
        w_mask[i] = sum(_BIT[r] for r in reasons)
        w_next.append(nxt.astimezone(UTC).isoformat() if nxt is not None else None)
    # 3. consent, lists, caps per (selection, line type)
    c_u, c_inv = _codes((sel_inv, len(sel_u)), (pt, len(types)))
    flag_names = ["revocation", "national_on", "state_on", "internal_on", *(r.id for r in caps)]
    c_mask = np.zeros(len(c_u), dtype=np.int64)
    c_flags = np.zeros((len(c_u), len(flag_names)), dtype=bool)
    for i, value in enumerate(c_u.tolist()):
        si, p = divmod(value, len(types))
        sel = sels[si]
        c_level = levels[(sel_u[si] // 2) % 3]
        if consent_reason(sel, types[p], c_level) is not None:
            c_mask[i] = _BIT[ReasonCode.NO_CONSENT]
        registries = {r.registry for r in sel.dnc}
        applied = {r.id for r in sel.caps}
        c_flags[i] = [
            sel.revocation,
            "national" in registries,
            "state" in registries,
            "internal" in registries,
            *(r.id in applied for r in caps),
        ]
    # 4. zones and local-time texts per zone set
    iso: dict[str, str] = {}
    zone_text: list[str | None] = []
    time_text: list[str | None] = []
    for zones in zones_list:
        for z in zones:
            if z not in iso:
                iso[z] = at.astimezone(zone_info(z)).isoformat()
        zone_text.append(";".join(zones))
        time_text.append(";".join(iso[z] for z in zones))
    mask = (
        w_mask[w_inv]
        | c_mask[c_inv]
        | stale_bit[sel_inv]
        | np.where(loc_nongeo[safe], _BIT[ReasonCode.NON_GEOGRAPHIC], 0)
    )
    mask = np.where(valid, mask, _BIT[ReasonCode.INVALID_NUMBER])
    flags = c_flags[c_inv] & valid[:, None]
    zone_idx = pl.Series(np.where(valid, loc_zone[safe], -1))
    texts = pl.DataFrame(
        {"zones": zone_text or [None], "local_times": time_text or [None]},
        schema={"zones": pl.String, "local_times": pl.String},
    )
    gathered = texts.select(pl.all().gather(zone_idx.clip(0)))
    next_col = pl.Series("nxt", w_next or [None], dtype=pl.String).gather(pl.Series(w_inv))
    return pl.DataFrame(
        [
            pl.Series("mask", mask, dtype=pl.Int64),
            *(
                pl.select(pl.when(zone_idx >= 0).then(gathered[c])).to_series().alias(c)
                for c in ("zones", "local_times")
            ),
            pl.select(pl.when(pl.Series(valid)).then(next_col)).to_series().alias("nxt"),
            *(pl.Series(n, flags[:, j]) for j, n in enumerate(flag_names)),
        ]
    )


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
    groups: dict[tuple[Any, ...], list[CapRule | CooldownRule]] = {}
    for rule in caps:
        groups.setdefault(cap_signature(rule), []).append(rule)
    for like in groups.values():
        rows = df.select(pl.any_horizontal(pl.col(r.id) for r in like)).to_series()
        if not rows.any():
            continue
        hits = cap_hits(df, like[0], gate.history, at, rows)
        for rule in like:
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
            final.replace_strict(masks, texts, default="", return_dtype=pl.String).alias("reasons"),
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
