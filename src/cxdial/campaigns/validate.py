"""Local validation of a campaign spec beyond its schema.

- legal: the drop message names the seller and an opt-out (the 3 % cap, the 15-second /
  4-ring floor and the 2-second connect rule are refused by the spec models already);
- lists: each CSV source exists and has the mapped columns;
- tenant (when a client is given): the caller ID is the business unit's, and the lines the
  spec may use fit the BU's port limits;
- capacity: the pacing simulator runs the floor described in ``planning`` at the spec's
  ratio and line limit, and an expected abandonment above the target (or the legal cap) is
  reported, e.g. "at these settings and 12 agents, expected abandonment 4.1 % > 3 %".
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cxdial.campaigns.spec import ABANDON_CAP, CampaignSpec

if TYPE_CHECKING:
    from cxdial.cxone import Client
    from cxdial.cxone.models import BusinessUnit

__all__ = [
    "Finding",
    "ValidationReport",
    "check_capacity",
    "check_spec",
    "check_tenant",
    "validate_spec",
]

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """One result of validation: its level, the spec path it is about, and what it says."""

    level: Level
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.path}: {self.message}"


@dataclass
class ValidationReport:
    """Every finding about one spec; ``ok`` when none is an error."""

    campaign: str
    findings: list[Finding] = field(default_factory=list)
    simulated_abandon_rate: float | None = None

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not any(f.level == "error" for f in self.findings)

    def add(self, level: Level, path: str, message: str) -> None:
        """Record one finding."""
        self.findings.append(Finding(level, path, message))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "campaign": self.campaign,
            "ok": self.ok,
            "simulated_abandon_rate": self.simulated_abandon_rate,
            "findings": [asdict(f) for f in self.findings],
        }


def check_spec(spec: CampaignSpec, report: ValidationReport, *, base_dir: Path) -> None:
    """The checks that need neither the tenant nor the simulator."""
    message = spec.abandon_message
    if message is not None:
        text = message.text.casefold()
        if message.seller.casefold() not in text:
            report.add(
                "error",
                "abandon_message.text",
                f"does not name the seller {message.seller!r}; the message must identify "
                "the business on whose behalf the call is made",
            )
        if message.opt_out.casefold() not in text:
            report.add(
                "error",
                "abandon_message.text",
                f"does not say how to opt out ({message.opt_out!r} is not in the text)",
            )
    for i, source in enumerate(spec.lists):
        _check_list(report, f"lists.{i}", base_dir / source.source, source.columns.model_dump())
    if message is not None and message.prompt_path is None:
        report.add(
            "warning",
            "abandon_message.prompt_path",
            "no prompt file named: record the message in CXone and name its path here",
        )


def _check_list(
    report: ValidationReport, path: str, csv_path: Path, columns: dict[str, Any]
) -> None:
    try:
        with csv_path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
    except OSError as exc:
        report.add("error", f"{path}.source", f"cannot read {csv_path}: {exc.strerror}")
        return
    for name, column in columns.items():
        if column is not None and column not in header:
            report.add(
                "error",
                f"{path}.columns.{name}",
                f"column {column!r} is not in {csv_path.name} (it has {', '.join(header)})",
            )


def check_tenant(
    spec: CampaignSpec, report: ValidationReport, unit: BusinessUnit, caller_ids: Sequence[str]
) -> None:
    """Port limits and caller ID against the business unit."""
    limit = unit.outbound_port_limit
    if limit is not None and spec.pacing.max_calls_in_flight > limit:
        report.add(
            "error",
            "pacing.max_calls_in_flight",
            f"{spec.pacing.max_calls_in_flight} lines exceed the business unit's outbound "
            f"port limit of {limit}",
        )
    ports = spec.dialing.agentless_ports
    agentless = unit.agentless_port_limit
    if ports is not None and agentless is not None and ports > agentless:
        report.add(
            "error",
            "dialing.agentless_ports",
            f"{ports} ports exceed the business unit's agentless port limit of {agentless}",
        )
    if spec.dialing.mode == "predictive" and unit.allow_predictive_dialing is False:
        report.add("error", "dialing.mode", "the business unit does not allow predictive dialing")
    if caller_ids and spec.caller_id is not None and spec.caller_id not in caller_ids:
        report.add(
            "error",
            "caller_id",
            f"{spec.caller_id} is not a number of the business unit's outbound routes",
        )


def check_capacity(
    spec: CampaignSpec, report: ValidationReport, *, trunks: int, seed: int = 0
) -> None:
    """Simulate the planned floor at the spec's ratio and line limit; judge the abandonment."""
    from cxdial.pacing import make_policy, scenario_from, simulate

    plan = spec.planning
    scenario = scenario_from(
        {
            "name": spec.name,
            "agents": plan.agents,
            "hours": plan.hours,
            "handle_time": {"mean": plan.handle_seconds},
            "outcomes": {"live": plan.answer_rate, "no_answer": 1 - plan.answer_rate},
            "ring_time": {"no_answer": float(spec.pacing.ring_seconds)},
            "abandon_after": spec.pacing.connect_seconds,
            "trunks": trunks,
            "cap": ABANDON_CAP,
        }
    )
    ratio = spec.pacing.max_ratio if spec.dialing.mode == "predictive" else 1.0
    policy = make_policy("progressive" if ratio == 1.0 else f"ratio:{ratio:g}")
    result = simulate(scenario, policy, seed=seed)
    rate = result.abandon_rate
    report.simulated_abandon_rate = rate
    said = f"at these settings and {plan.agents} agents, expected abandonment {_pct(rate)}"
    target = spec.pacing.abandon_target
    if rate > ABANDON_CAP:
        report.add("error", "pacing.max_ratio", f"{said} > {_pct(ABANDON_CAP)} (the legal cap)")
    elif rate > target:
        report.add("warning", "pacing.max_ratio", f"{said} > the {_pct(target)} target")
    else:
        report.add("info", "pacing", f"{said} ≤ the {_pct(target)} target")


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %".replace(".0 %", " %")


def validate_spec(
    spec: CampaignSpec,
    *,
    base_dir: Path,
    client: Client | None = None,
    simulate: bool = True,
) -> ValidationReport:
    """Every local check, plus the tenant's limits when ``client`` is given."""
    report = ValidationReport(spec.name)
    check_spec(spec, report, base_dir=base_dir)
    trunks = spec.pacing.max_calls_in_flight
    if client is not None:
        unit = client.business_unit.get()
        check_tenant(spec, report, unit, client.business_unit.caller_ids())
        if unit.outbound_port_limit is not None:
            trunks = min(trunks, unit.outbound_port_limit)
    if simulate and spec.dialing.mode != "agentless":
        check_capacity(spec, report, trunks=trunks)
    return report
