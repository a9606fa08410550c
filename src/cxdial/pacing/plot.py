"""Utilisation and abandonment over a simulated campaign, one line per policy: PNG or HTML.

A one-day scenario is drawn over its day (5-minute buckets); a multi-day one over its
days (one point a day), so a 30-day compliance run is drawn whole. The utilisation panel
carries the LP bound of the same model, the abandonment panel the regulatory cap; both
reference lines are black/grey, never in a policy's colour, and the axes always hold the
whole of every curve.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cxdial.errors import ValidationError
from cxdial.pacing.metrics import SimResult

__all__ = ["POLICY_COLOURS", "Series", "render_figure", "series_of", "write_plot"]

POLICY_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")
"""Policy line colours: matplotlib's palette without its red, which the cap line would share."""

CAP_STYLE = {"color": "black", "linestyle": "--", "linewidth": 1.2}
BOUND_STYLE = {"color": "0.45", "linestyle": ":", "linewidth": 1.6}


@dataclass(frozen=True)
class Series:
    """What one policy's lines show: x values and utilisation/abandonment as fractions."""

    policy: str
    x: tuple[float, ...]
    utilization: tuple[float, ...]
    abandonment: tuple[float, ...]


def series_of(result: SimResult) -> tuple[Series, str]:
    """The lines of ``result`` and the x-axis label: by day for a multi-day run."""
    if len(result.per_day) > 1:
        live = abandoned = 0
        to_date = []
        for day in result.per_day:
            live += day.live_answers
            abandoned += day.abandoned
            to_date.append(abandoned / live if live else 0.0)
        series = Series(
            result.policy,
            tuple(float(d.day + 1) for d in result.per_day),
            tuple(d.utilization for d in result.per_day),
            tuple(to_date),
        )
        return series, "day of the campaign"
    series = Series(
        result.policy,
        result.timeline_hours,
        result.timeline_utilization,
        result.timeline_abandon,
    )
    return series, "hours into the day"


def render_figure(
    results: Sequence[SimResult],
    cap: float,
    title: str = "",
    *,
    bound: float | None = None,
) -> Figure:
    """A two-panel figure: utilisation beside the LP bound; abandonment to date beside the cap."""
    fig = Figure(figsize=(9, 6.5), layout="constrained")
    FigureCanvasAgg(fig)
    util_ax, ab_ax = fig.subplots(2, 1, sharex=True)
    label = "hours into the day"
    peak_util = peak_ab = 0.0
    for i, res in enumerate(results):
        series, label = series_of(res)
        colour = POLICY_COLOURS[i % len(POLICY_COLOURS)]
        marker = "o" if len(series.x) <= 40 and label.startswith("day") else None
        for ax, values in ((util_ax, series.utilization), (ab_ax, series.abandonment)):
            ax.plot(
                series.x,
                [100 * v for v in values],
                color=colour,
                marker=marker,
                markersize=3,
                label=res.policy,
            )
        peak_util = max(peak_util, *series.utilization, 0.0)
        peak_ab = max(peak_ab, *series.abandonment, 0.0)
    if bound is not None:
        util_ax.axhline(100 * bound, label=f"LP bound {bound:.1%}", **BOUND_STYLE)
    ab_ax.axhline(100 * cap, label=f"cap {cap:.1%}", **CAP_STYLE)
    util_ax.set_ylim(0, 100 * max(1.0, peak_util, bound or 0.0) * 1.04)
    ab_ax.set_ylim(0, 100 * max(2.5 * cap, peak_ab) * 1.08)
    util_ax.set_ylabel("agent utilisation (%)")
    ab_ax.set_ylabel("abandoned ÷ live answers,\nto date (%)")
    ab_ax.set_xlabel(label)
    for ax in (util_ax, ab_ax):
        ax.legend(loc="best", fontsize="small")
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


def write_plot(
    results: Sequence[SimResult],
    path: Path,
    cap: float,
    title: str = "",
    *,
    bound: float | None = None,
) -> Path:
    """Write ``path`` as PNG (matplotlib Agg) or self-contained HTML (inline SVG)."""
    suffix = path.suffix.lower()
    if suffix not in (".png", ".html", ".htm"):
        raise ValidationError(
            f"cannot plot to {path.name}", field="--plot", fix="use a .png or .html file name"
        )
    if not path.parent.is_dir():
        raise ValidationError(
            f"the folder of {path} does not exist", field="--plot", fix="create it first"
        )
    fig = render_figure(results, cap, title, bound=bound)
    if suffix == ".png":
        fig.savefig(path, format="png", dpi=110)
        return path
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    rows = "".join(
        f"<tr><td>{html.escape(r.policy)}</td><td>{r.utilization:.1%}</td>"
        f"<td>{r.abandon_rate:.2%}</td><td>{r.dials}</td><td>{r.live_answers}</td>"
        f"<td>{r.abandoned}</td></tr>"
        for r in results
    )
    heading = html.escape(title or "cxdial simulate")
    bound_line = f"<p>LP bound: {bound:.1%} utilisation</p>" if bound is not None else ""
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{heading}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 10px}</style>"
        f"</head><body><h1>{heading}</h1>{svg}{bound_line}"
        "<table><tr><th>policy</th><th>utilisation</th><th>abandoned</th><th>dials</th>"
        f"<th>live answers</th><th>abandoned calls</th></tr>{rows}</table></body></html>"
    )
    path.write_text(page, encoding="utf-8")
    return path
