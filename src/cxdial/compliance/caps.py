"""Frequency caps over a whole table: attempt counts per number, subject or debt."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from cxdial.compliance.history import AttemptHistory
from cxdial.compliance.ruleset import CapRule, CooldownRule

__all__ = ["cap_clears", "cap_hits", "cap_signature"]


def cap_signature(rule: CapRule | CooldownRule) -> tuple[Any, ...]:
    """Caps with equal signatures count the same attempts (e.g. FL, MD and OK)."""
    if isinstance(rule, CooldownRule):
        return ("cooldown", rule.scope, rule.hours, rule.after_outcome)
    return ("cap", rule.scope, rule.window_hours, rule.exclude_outcomes, rule.max_attempts)


def cap_hits(
    table: pl.DataFrame,
    rule: CapRule | CooldownRule,
    history: AttemptHistory,
    at: datetime,
    rows: pl.Series,
) -> pl.Series:
    """Whether each row's earlier attempts reach the cap; only ``rows`` are counted."""
    df = table.select("national", "nat_i", "subject", "debt_id").filter(rows)
    hit = _hits(df, rule, history, at)
    out = np.zeros(table.height, dtype=bool)
    out[np.flatnonzero(rows.to_numpy())] = hit.to_numpy()
    return pl.Series(rule.id, out)


def _hits(
    df: pl.DataFrame, rule: CapRule | CooldownRule, history: AttemptHistory, at: datetime
) -> pl.Series:
    hours = rule.window_hours if isinstance(rule, CapRule) else rule.hours
    start = pl.lit(at - timedelta(hours=hours), dtype=pl.Datetime("us", "UTC"))
    hist = history.frame().filter(
        (pl.col("at") > start) & (pl.col("at") <= pl.lit(at, dtype=pl.Datetime("us", "UTC")))
    )
    debt = (
        pl.when(pl.col("debt_id").is_null())
        .then(pl.lit("phone:") + pl.col("national"))
        .otherwise(pl.lit("debt:") + pl.col("debt_id"))
    )
    key, hist_key = (debt, "debt_key") if rule.scope == "debt" else (pl.col("national"), "national")
    if isinstance(rule, CooldownRule):
        hist = hist.filter(pl.col("outcome") == rule.after_outcome)
        hit = key.is_in(hist[hist_key].unique().implode()).fill_null(False)
        return df.select(hit).to_series()
    hist = hist.filter(~pl.col("outcome").is_in(list(rule.exclude_outcomes)))

    def counts(frame: pl.DataFrame, by: str, on: pl.Expr) -> pl.Expr:
        g = frame.group_by(by).len()
        return on.replace_strict(g[by], g["len"], default=0, return_dtype=pl.Int64)

    if rule.scope == "debt":
        n = counts(hist, hist_key, key)
    else:
        # Integer keys: the national number, and number x subject id.
        hist = hist.with_columns(pl.col("national").cast(pl.Int64).alias("nat_i"))
        total = counts(hist, "nat_i", pl.col("nat_i"))
        if rule.scope == "phone":
            n = total
        else:
            subjects = pl.concat([hist["subject"], df["subject"]]).drop_nulls().unique()
            sid = {v: i + 1 for i, v in enumerate(sorted(subjects.to_list()))}

            def subject_id(col: pl.Expr) -> pl.Expr:
                return col.replace_strict(
                    list(sid), list(sid.values()), default=0, return_dtype=pl.Int64
                )

            hist = hist.with_columns(
                (pl.col("nat_i") * 1_000_003 + subject_id(pl.col("subject"))).alias("ns")
            )
            ns = pl.col("nat_i") * 1_000_003 + subject_id(pl.col("subject"))
            no_subject = hist.filter(pl.col("subject").is_null())
            n = (
                pl.when(pl.col("subject").is_null())
                .then(total)
                .otherwise(
                    counts(hist.filter(pl.col("subject").is_not_null()), "ns", ns)
                    + counts(no_subject, "nat_i", pl.col("nat_i"))
                )
            )
    return df.select((n >= rule.max_attempts).fill_null(False)).to_series()


def cap_clears(
    table: pl.DataFrame,
    rule: CapRule | CooldownRule,
    history: AttemptHistory,
    at: datetime,
    rows: pl.Series,
) -> pl.Series:
    """For the ``rows`` a limit blocks, when it lapses (null elsewhere and when it never does).

    The batch twin of ``AttemptHistory.cap_clears_at`` and of ``cooling`` + ``hours``:
    the blocked rows are joined with their counted attempts, which stay few.
    """
    utc = pl.Datetime("us", "UTC")
    hours = rule.window_hours if isinstance(rule, CapRule) else rule.hours
    window = timedelta(hours=hours)
    hist = history.frame().filter(
        (pl.col("at") > pl.lit(at - window, dtype=utc)) & (pl.col("at") <= pl.lit(at, dtype=utc))
    )
    df = table.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("__row"),
        "national",
        "subject",
        pl.when(pl.col("debt_id").is_null())
        .then(pl.lit("phone:") + pl.col("national"))
        .otherwise(pl.lit("debt:") + pl.col("debt_id"))
        .alias("debt_key"),
    ).filter(rows)
    on = "debt_key" if rule.scope == "debt" else "national"
    joined = df.join(hist, on=on, how="inner", suffix="_h")
    if isinstance(rule, CooldownRule):
        joined = joined.filter(pl.col("outcome") == rule.after_outcome)
        clears = joined.group_by("__row").agg((pl.col("at").max() + window).alias("clear"))
    else:
        joined = joined.filter(~pl.col("outcome").is_in(list(rule.exclude_outcomes)))
        if rule.scope == "phone_subject":
            joined = joined.filter(
                pl.col("subject").is_null()
                | pl.col("subject_h").is_null()
                | (pl.col("subject") == pl.col("subject_h"))
            )
        if rule.max_attempts == 0:
            return pl.repeat(None, table.height, dtype=utc, eager=True).alias(rule.id)
        ats = pl.col("at").sort()
        clears = joined.group_by("__row").agg(
            (ats.get(pl.len() - rule.max_attempts) + window).alias("clear")
        )
    out = (
        pl.DataFrame({"__row": pl.int_range(table.height, eager=True, dtype=pl.Int64)})
        .join(clears, on="__row", how="left")
        .sort("__row")
    )
    return out["clear"].cast(utc).alias(rule.id)
