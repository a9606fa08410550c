"""The batch screener: the gate's rules over a whole table, vectorised with polars.

Per-row work (normalising numbers, ZIP and prefix look-ups, DNC membership, attempt
counts, date arithmetic) is columnar. Location comes from the same ``locate`` as
``Gate.check``; rule selection, windows and consent from the same ``ProfileRules``
object and ``consent_reason`` — each evaluated once per distinct
combination (states x consent x EBR, zones x selection, selection x line type) and
gathered back to the rows. A hypothesis test proves both entry points agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from cxdial.compliance.caps import cap_clears, cap_hits, cap_signature
from cxdial.compliance.consent import CallScope, Channel, ConsentBook, consent_columns
from cxdial.compliance.dnc import DncIndex
from cxdial.compliance.history import AttemptHistory
from cxdial.compliance.locate import address_parts, locate
from cxdial.compliance.lookup import (
    IntArray,
    canada_lut,
    presumed_lut,
    relevant_lut,
    state_ids,
    zip_luts,
    zone_names,
    zoneset_lut,
)
from cxdial.compliance.models import (
    DNC_REASON,
    REASON_ORDER,
    TEMPORAL_REASONS,
    WINDOW_REASONS,
    ConsentLevel,
    PhoneType,
    Purpose,
    ReasonCode,
    blocked_only_by_time,
)
from cxdial.compliance.parsing import months_before, postal_province, zone_info
from cxdial.compliance.phones import (
    geo_pattern,
    national_number_expr,
    nongeo_pattern,
    prefix_tables,
)
from cxdial.compliance.profile import ProfileRules, Selection, consent_reason
from cxdial.compliance.reassigned import ReassignedNumbers
from cxdial.compliance.result import REPORT_COLUMNS, ScreenResult
from cxdial.compliance.ruleset import CapRule, CooldownRule, RuleSet
from cxdial.compliance.table import BAD, LINE, prepare

__all__ = ["REPORT_COLUMNS", "NextAllowed", "ScreenResult", "screen_table"]

_BIT = {code: 1 << REASON_ORDER[code] for code in ReasonCode}
#: ``Gate.next_allowed_after_caps``: (lapse instants, zones, window rule ids) -> instant.
NextAllowed = Callable[
    [Sequence[datetime | None], tuple[str, ...], tuple[str, ...]], datetime | None
]


def _reasons(mask: int) -> list[ReasonCode]:
    return [c for c in ReasonCode if mask & _BIT[c]]


def _derive(typed: pl.DataFrame, rules: RuleSet, at: datetime) -> pl.DataFrame:
    """Columnar facts: national number, class, effective consent, EBR, revocation."""
    purchase = months_before(at, rules.ebr.purchase_months)
    inquiry = months_before(at, rules.ebr.inquiry_months)
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
        .with_columns(national_number_expr(pl.col("phone")).alias("national"))
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


def _location_ids(df: pl.DataFrame, rules: RuleSet) -> tuple[IntArray, list[Any]]:
    """Per row, the id of its distinct (zones, rule states, unplaced, non-geographic,
    countries)."""
    kind = df["kind"].to_numpy()
    nat = df["nat_i"].to_numpy()
    zs = np.where(kind == 1, zoneset_lut()[nat // 10_000], -1)
    presumed = np.where(kind == 1, presumed_lut(rules)[nat // 10_000_000], 0)
    canadian = np.where(kind == 1, canada_lut()[nat // 10_000_000], 0)
    zip_zone_lut, zip_state_lut = zip_luts()
    zip_i = df["zip_i"].to_numpy()
    zz, zst = zip_zone_lut[zip_i], zip_state_lut[zip_i]
    states = list(state_ids())
    # a Canadian postal code (``A1A 1A1``) stands for its province, as a ZIP for its state
    postal = df["postal_code"]
    codes = postal.filter(postal.str.len_chars() == 7).unique().to_list()
    provinces = {c: postal_province(c) or "" for c in codes}
    province = postal.replace_strict(
        list(provinces), list(provinces.values()), default="", return_dtype=pl.String
    )
    zst = np.where(postal.str.len_chars().fill_null(0).to_numpy() == 7, _ids(province, states), zst)
    st = _ids(df["state"], states)
    tz_names = ["", *sorted(df["timezone"].drop_nulls().unique().to_list())]
    tz = _ids(df["timezone"], tz_names)
    # States without rules matter only for zones (when there is no ZIP zone) and for their
    # country: fold them into one such US state (fewer combinations, same verdicts).
    rel = relevant_lut(rules)
    filler = next((i for i, s in enumerate(states) if i and not rel[i]), 0)
    st = np.where((zz == 0) | rel[st] | (st == 0), st, filler)
    zst = np.where(rel[zst] | (zst == 0), zst, filler)
    code = zs + 1
    for part, size in (
        (zz, 1 << 10),
        (zst, 128),
        (st, 128),
        (tz, 1 << 12),
        (presumed, 128),
        (kind, 4),
        (canadian, 2),
    ):
        code = code * size + part
    uniq, inverse = _unique_inverse(code)
    zonesets, _ = prefix_tables()
    zones_by_id = zone_names()
    idents: dict[tuple[Any, ...], int] = {}
    locs: list[Any] = []
    loc_of = np.empty(len(uniq), dtype=np.int64)
    for i, value in enumerate(uniq.tolist()):
        value, ca = divmod(value, 2)
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
        country = ("CA" if ca else "US") if k == 1 else None
        loc = locate(number_zones, states[p] or None, address, country)
        ident = (
            loc.zones,
            tuple(x for x in loc.states if x in rules.state_codes),
            loc.unplaced,
            k == 2,
            loc.countries,
        )
        loc_of[i] = idents.setdefault(ident, len(locs))
        if loc_of[i] == len(locs):
            locs.append(ident)
    return loc_of[inverse], locs


def _unique_inverse(code: IntArray) -> tuple[IntArray, IntArray]:
    """``np.unique(code, return_inverse=True)``: the few distinct codes by a hash (polars),
    then each row's index by binary search (a third of the sort's time on 1M rows)."""
    uniq = np.sort(pl.Series(code).unique().to_numpy())
    return uniq, np.searchsorted(uniq, code).astype(np.int64)


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
    return _unique_inverse(code)


def _profiles(
    df: pl.DataFrame,
    loc: IntArray,
    locs: list[Any],
    profiles: ProfileRules,
    dnc: DncIndex,
    guard_minutes: int,
    at: datetime,
    purpose: Purpose,
    autodialed: bool,
    caps: list[CapRule | CooldownRule],
) -> tuple[pl.DataFrame, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
    """Window and consent verdicts from the same rule selections ``Gate.check`` uses.

    Selections depend on (states, consent, EBR); windows on (zones, selection); consent on
    (selection, line type). Each distinct combination is evaluated once, then gathered.
    Also returns, per window combination (column ``wcombo``), its zones and rule ids.
    """
    types, levels = list(PhoneType), list(ConsentLevel)
    pt = _ids(df["phone_type"], [p.value for p in types])
    consent = _ids(df["consent_eff"], [c.value for c in levels])
    ebr = df["ebr"].to_numpy().astype(np.int64)
    valid = loc >= 0
    safe = np.where(valid, loc, 0)
    zone_sets: dict[tuple[str, ...], int] = {}
    # rules are selected by (states, countries): the location's jurisdictions
    juris: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
    loc_state = np.array([juris.setdefault((x[1], x[4]), len(juris)) for x in locs] or [0])
    loc_zone = np.array([zone_sets.setdefault(x[0], len(zone_sets)) for x in locs] or [0])
    loc_nongeo = np.array(
        [x[3] and x[2] and purpose is Purpose.TELEMARKETING for x in locs] or [False]
    )
    states_list, zones_list = list(juris), list(zone_sets)
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
        states, countries = states_list[st] if states_list else ((), ("US",))
        sel = profiles.select_rules(states, purpose, autodialed, day, levels[c], bool(e), countries)
        sels.append(sel)
        sel_wid[i] = wids.setdefault(sel.window_ids, len(wids))
        for rule in sel.dnc:
            if rule.id not in stale:
                stale[rule.id] = dnc.stale(
                    rule.registry, at.date(), rule.max_age_days, rule.require_snapshot
                )
            if stale[rule.id]:
                stale_bit[i] = _BIT[ReasonCode.DNC_STALE]
    # 2. windows per (zones, window rules)
    wid_list = list(wids)
    w_u, w_inv = _codes((loc_zone[safe], max(len(zones_list), 1)), (sel_wid[sel_inv], len(wids)))
    w_mask = np.zeros(len(w_u), dtype=np.int64)
    w_next: list[str | None] = []
    combos: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for i, value in enumerate(w_u.tolist()):
        z, w = divmod(value, len(wids))
        combos.append((zones_list[z] if zones_list else (), wid_list[w]))
        reasons, nxt = profiles.window_verdict(*combos[-1], at, guard_minutes)
        w_mask[i] = sum(_BIT[r] for r in reasons)
        w_next.append(nxt.astimezone(UTC).isoformat() if nxt is not None else None)
    # 3. consent, lists, caps per (selection, line type)
    c_u, c_inv = _codes((sel_inv, len(sel_u)), (pt, len(types)))
    registries = list(DNC_REASON)
    flag_names = [
        "revocation",
        "reassigned",
        *(f"{r}_on" for r in registries),
        *(r.id for r in caps),
    ]
    c_mask = np.zeros(len(c_u), dtype=np.int64)
    c_flags = np.zeros((len(c_u), len(flag_names)), dtype=bool)
    for i, value in enumerate(c_u.tolist()):
        si, p = divmod(value, len(types))
        sel = sels[si]
        c_level = levels[(sel_u[si] // 2) % 3]
        if consent_reason(sel, types[p], c_level) is not None:
            c_mask[i] = _BIT[ReasonCode.NO_CONSENT]
        listed = {r.registry for r in sel.dnc}
        applied = {r.id for r in sel.caps}
        c_flags[i] = [
            sel.revocation,
            sel.reassigned,
            *(r in listed for r in registries),
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
    frame = pl.DataFrame(
        [
            pl.Series("mask", mask, dtype=pl.Int64),
            pl.Series("wcombo", w_inv, dtype=pl.Int64),
            *(
                pl.select(pl.when(zone_idx >= 0).then(gathered[c])).to_series().alias(c)
                for c in ("zones", "local_times")
            ),
            pl.select(pl.when(pl.Series(valid)).then(next_col)).to_series().alias("nxt"),
            *(pl.Series(n, flags[:, j]) for j, n in enumerate(flag_names)),
        ]
    )
    return frame, combos


def screen_table(
    table: pl.DataFrame,
    at: datetime,
    purpose: Purpose,
    autodialed: bool,
    *,
    profiles: ProfileRules,
    dnc: DncIndex,
    history: AttemptHistory,
    guard_minutes: int = 0,
    next_allowed: NextAllowed,
    consents: ConsentBook | None = None,
    reassigned: ReassignedNumbers | None = None,
    seller: str | None = None,
) -> ScreenResult:
    """Screen ``table`` at ``at`` (see :meth:`Gate.screen`, which passes its parts)."""
    rules = profiles.rules
    input_columns = [c for c in table.columns if c not in (LINE, BAD)]
    typed, keep, errors = prepare(table)
    df = _derive(typed, rules, at)
    scope = CallScope(purpose, Channel.AUTODIALED if autodialed else Channel.LIVE, seller)
    df = df.with_columns(
        consent_columns(
            df,
            consents if consents is not None else ConsentBook(),
            reassigned.frame() if reassigned is not None and len(reassigned) else None,
            scope,
            at,
            revoke_all=rules.revoke_all_in_force(at.astimezone(UTC).date()),
        )
    )
    caps = [
        r
        for r in rules.by_id.values()
        if isinstance(r, CapRule | CooldownRule) and purpose in r.applies_to.purposes
    ]
    loc, locs = _location_ids(df, rules)
    verdicts, combos = _profiles(
        df, loc, locs, profiles, dnc, guard_minutes, at, purpose, autodialed, caps
    )
    df = df.hstack(verdicts)
    mask = pl.col("mask")
    for registry, code in DNC_REASON.items():
        hit = dnc.expr(registry, pl.col("national"), pl.col("nat_i")) & pl.col(f"{registry}_on")
        mask = mask | pl.when(hit).then(_BIT[code]).otherwise(0)
    mask = mask | pl.when((pl.col("revoked") | pl.col("rec_revoked")) & pl.col("revocation")).then(
        _BIT[ReasonCode.CONSENT_REVOKED]
    ).otherwise(0)
    if caps and history.frame().height > df.height:
        # only this table's attempts: a batch's cost must not grow with the history (a history
        # no larger than the table costs less to count whole than to restrict)
        history = history.restricted_to(
            df["national"],
            df.select(
                pl.when(pl.col("debt_id").is_null())
                .then(pl.lit("phone:") + pl.col("national"))
                .otherwise(pl.lit("debt:") + pl.col("debt_id"))
            ).to_series(),
        )
    gone = (
        (pl.col("sh_void") | pl.col("rec_voided"))
        & (pl.col("consent_eff") == ConsentLevel.NONE.value)
        & pl.col("reassigned")
    )
    mask = mask | pl.when(gone).then(_BIT[ReasonCode.REASSIGNED_NUMBER]).otherwise(0)
    lit_at = pl.lit(at, dtype=pl.Datetime("us", "UTC"))
    groups: dict[tuple[Any, ...], list[CapRule | CooldownRule]] = {}
    for rule in caps:
        groups.setdefault(cap_signature(rule), []).append(rule)
    clear_cols: list[pl.Series] = []
    for like in groups.values():
        rows = df.select(pl.any_horizontal(pl.col(r.id) for r in like)).to_series()
        if not rows.any():
            continue
        hits = cap_hits(df, like[0], history, at, rows)
        if not hits.any():
            continue
        clears = cap_clears(df, like[0], history, at, rows & hits)
        for rule in like:
            counted = pl.col(rule.id) & hits
            if rule.direct_consent_days is not None:
                since = pl.lit(
                    at - timedelta(days=rule.direct_consent_days), dtype=pl.Datetime("us", "UTC")
                )
                counted = counted & ~pl.col("rec_direct").is_between(since, lit_at).fill_null(False)
            blocked = df.select(counted).to_series()
            mask = mask | pl.when(blocked).then(_BIT[rule.reason]).otherwise(0)
            # a blocked row with no lapse instant (null) can never be dialed by waiting
            clear_cols.append(
                pl.select(
                    pl.when(blocked)
                    .then(clears.fill_null(_NEVER))
                    .otherwise(pl.lit(None, dtype=clears.dtype))
                ).to_series()
            )
    final = df.select(mask.alias("mask"))["mask"]
    masks = final.unique().to_list()
    texts = [";".join(_reasons(m)) for m in masks]
    window_only = [m for m in masks if blocked_only_by_time(_reasons(m), WINDOW_REASONS)]
    waiting = [
        m
        for m in masks
        if m not in window_only and blocked_only_by_time(_reasons(m), TEMPORAL_REASONS)
    ]
    nxt = pl.select(pl.when(final.is_in(window_only)).then(df["nxt"])).to_series()
    if waiting and clear_cols:
        nxt = _after_caps(df, final.is_in(waiting), clear_cols, combos, next_allowed, nxt)
    out = pl.DataFrame(
        [
            typed["id"].alias("__id"),
            df["phone_e164"],
            (final == 0).alias("allowed"),
            pl.Series("decision", ["ALLOW", "BLOCK"]).gather((final != 0).cast(pl.UInt32)),
            final.replace_strict(masks, texts, default="", return_dtype=pl.String).alias("reasons"),
            df["zones"],
            df["local_times"],
            nxt.alias("next_allowed_at"),
            df["rec_evidence"].alias("consent_evidence_id"),
            df["wcombo"].alias("window_combo"),
        ]
    )
    frame = out.filter(keep) if errors else out
    return ScreenResult(
        frame,
        errors,
        input_columns,
        table,
        keep & (final == 0),
        rules.version,
        at,
        purpose,
        window_combos=combos,
    )


#: Stands in for "this limit never lapses" while the lapse instants are combined.
_NEVER = datetime(9999, 1, 1, tzinfo=UTC)


def _after_caps(
    df: pl.DataFrame,
    rows: pl.Series,
    clear_cols: list[pl.Series],
    combos: list[tuple[tuple[str, ...], tuple[str, ...]]],
    next_allowed: NextAllowed,
    nxt: pl.Series,
) -> pl.Series:
    """``next_allowed_at`` of rows blocked by attempt limits (and maybe windows) only."""
    latest = pl.select(pl.max_horizontal(clear_cols)).to_series()
    pairs = pl.DataFrame({"w": df["wcombo"], "clear": latest}).filter(rows).unique()
    found: dict[tuple[int, datetime], str | None] = {}
    for w, clear in pairs.iter_rows():
        if clear is None:
            continue
        zones, window_ids = combos[w]
        lapse = None if clear == _NEVER else clear
        when = next_allowed([lapse], zones, window_ids)
        found[(w, clear)] = when.astimezone(UTC).isoformat() if when is not None else None
    if not found:
        return nxt
    lookup = pl.DataFrame(
        {
            "w": [k[0] for k in found],
            "clear": pl.Series([k[1] for k in found], dtype=latest.dtype),
            "found": list(found.values()),
        },
        schema_overrides={"found": pl.String},
    )
    joined = (
        pl.DataFrame({"w": df["wcombo"], "clear": latest, "nxt": nxt, "rows": rows})
        .with_row_index("__i")
        .join(lookup, on=["w", "clear"], how="left")
        .sort("__i")
    )
    return joined.select(
        pl.when(pl.col("rows")).then(pl.col("found")).otherwise(pl.col("nxt"))
    ).to_series()
