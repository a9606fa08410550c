"""Utilisation and abandonment over the (first) day, one line per policy: PNG or HTML."""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cxdial.errors import ValidationError
from cxdial.pacing.metrics import SimResult

__all__ = ["render_figure", "write_plot"]


def render_figure(results: Sequence[SimResult], cap: float, title: str = "") -> Figure:
    """A two-panel figure: utilisation per 5 minutes, campaign-to-date abandonment."""
    fig = Figure(figsize=(9, 6.5), layout="constrained")
    FigureCanvasAgg(fig)
    util_ax, ab_ax = fig.subplots(2, 1, sharex=True)
    for res in results:
        util_ax.plot(
            res.timeline_hours, [100 * u for u in res.timeline_utilization], label=res.policy
        )
        ab_ax.plot(res.timeline_hours, [100 * a for a in res.timeline_abandon], label=res.policy)
    ab_ax.axhline(100 * cap, color="red", linestyle="--", linewidth=1, label=f"cap {cap:.1%}")
    peak = max((a for r in results for a in r.timeline_abandon), default=0.0)
    ab_ax.set_ylim(0, 100 * max(2.5 * cap, min(peak, 5 * cap)) * 1.05)
    util_ax.set_ylabel("agent utilisation (%)")
    util_ax.set_ylim(0, 100)
    ab_ax.set_ylabel("abandoned ÷ live answers (%)")
    ab_ax.set_xlabel("hours into the day")
    util_ax.legend(loc="lower right")
    ab_ax.legend(loc="upper right")
    util_ax.grid(alpha=0.3)
    ab_ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


def write_plot(results: Sequence[SimResult], path: Path, cap: float, title: str = "") -> Path:
    """Write ``path`` as PNG (matplotlib Agg) or self-contained HTML (inline SVG)."""
    suffix = path.suffix.lower()
    if suffix not in (".png", ".html", ".htm"):
        raise ValidationError(
            f"cannot plot to {path.name}", field="--plot", fix="use a .png or .html file name"
        )
    fig = render_figure(results, cap, title)
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
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title or 'cxdial simulate')}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 10px}</style>"
        f"</head><body><h1>{html.escape(title or 'cxdial simulate')}</h1>{svg}"
        "<table><tr><th>policy</th><th>utilisation</th><th>abandoned</th><th>dials</th>"
        f"<th>live answers</th><th>abandoned calls</th></tr>{rows}</table></body></html>"
    )
    path.write_text(page, encoding="utf-8")
    return path
