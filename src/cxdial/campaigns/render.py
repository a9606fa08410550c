"""Plans, reports and audit entries for a person: rich renderables within 80 columns.

No user text is ever parsed as markup: every cell is a :class:`rich.text.Text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from cxdial.campaigns.diff import Change, Plan
from cxdial.campaigns.validate import Finding

if TYPE_CHECKING:
    from cxdial.campaigns.monitor import Evaluation

__all__ = ["findings_table", "monitor_renderable", "plan_renderable", "value_text"]

_WIDTH = 24


def value_text(value: Any) -> str:
    """A short spelling of a config value (long lists and strings are cut)."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


def _changes_table(title: str, changes: Sequence[Change], now: str, then: str) -> Table:
    table = Table(title=Text(title), title_justify="left", show_edge=False, pad_edge=False)
    table.add_column(Text("section.field"), overflow="fold", max_width=30)
    table.add_column(Text(now), overflow="fold", max_width=_WIDTH)
    table.add_column(Text(then), overflow="fold", max_width=_WIDTH)
    for c in changes:
        table.add_row(
            Text(f"{c.section}.{c.field}"),
            Text(value_text(c.before), style="red"),
            Text(value_text(c.after), style="green"),
        )
    return table


def plan_renderable(plan: Plan) -> RenderableType:
    """The plan: changes apply would make, drift since the last apply, lists to upload."""
    parts: list[RenderableType] = []
    skill = f"skill {plan.skill_id}" if plan.skill_id else "a new skill"
    version = f"v{plan.last_version}" if plan.last_version else "never applied"
    parts.append(Text(f"campaign {plan.campaign} ({skill}, {version})", style="bold"))
    if plan.drift:
        parts.append(
            _changes_table(
                "drift since the last apply (console edits)", plan.drift, "applied", "live now"
            )
        )
    if plan.changes:
        parts.append(_changes_table(f"{len(plan.changes)} change(s)", plan.changes, "live", "spec"))
    elif plan.cxdial_side_changed:
        parts.append(Text("no platform change; apply records a new version", style="yellow"))
    else:
        parts.append(Text("no changes: the skill matches the spec", style="green"))
    if plan.missing_lists:
        names = ", ".join(plan.missing_lists)
        parts.append(Text(f"lists not on the skill yet: {names}", style="yellow"))
    return Group(*parts)


def findings_table(findings: Sequence[Finding]) -> RenderableType:
    """Validation / pre-flight findings, errors first."""
    order = {"error": 0, "warning": 1, "info": 2}
    style = {"error": "red", "warning": "yellow", "info": "green"}
    table = Table(show_header=False, show_edge=False, pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold", max_width=28)
    table.add_column(overflow="fold")
    for f in sorted(findings, key=lambda f: order[f.level]):
        table.add_row(Text(f.level, style=style[f.level]), Text(f.path), Text(f.message))
    return table


def _percent(value: float, calls: int) -> Text:
    return Text(f"{value:.1%}" if calls else "—", justify="right")


def monitor_renderable(result: Evaluation) -> RenderableType:
    """One monitor snapshot: rates per window, then what the monitor did or why not."""
    snap = result.snapshot
    skill = f"skill {snap.skill_id}" if snap.skill_id else "no skill yet"
    head = Text(f"{snap.campaign} ({skill}): {snap.state}, from the {snap.source}", style="bold")
    table = Table(show_edge=False, pad_edge=False)
    for name in ("window", "calls", "answer", "success", "abandoned"):
        table.add_column(Text(name), justify="left" if name == "window" else "right")
    for w in snap.windows:
        table.add_row(
            Text(w.label),
            Text(str(w.ended), justify="right"),
            _percent(w.answer_rate, w.ended),
            _percent(w.success_rate, w.ended),
            _percent(w.abandonment_rate, w.live_answers),
        )
    parts: list[RenderableType] = [head, table]
    if snap.rejections is not None:
        rej = snap.rejections
        parts.append(Text(f"gate rejections (30 d): {rej.rate:.1%} of {rej.rows} rows"))
    for action in result.actions:
        parts.append(Text(f"{action.kind}: {action.reason}", style="bold yellow"))
    for note in result.notes:
        parts.append(Text(note, style="dim"))
    parts.append(Text(f"at {snap.at.isoformat(timespec='seconds')}", style="dim"))
    return Group(*parts)
