"""Validation beyond the schema: the drop message, list columns, the tenant, the simulator."""

from __future__ import annotations

from pathlib import Path

from campaigns_support import EXAMPLE, example_data

from cxdial.campaigns import parse_spec
from cxdial.campaigns.validate import validate_spec
from cxdial.cxone import Client


def _errors(report: object) -> dict[str, str]:
    return {f.path: f.message for f in report.findings if f.level == "error"}  # type: ignore[attr-defined]


def test_example_validates_offline() -> None:
    """The example passes every local check and reports a simulated abandonment rate."""
    report = validate_spec(parse_spec(example_data()), base_dir=EXAMPLE.parent)
    assert report.ok, report.findings
    assert report.simulated_abandon_rate is not None


def test_drop_message_must_name_seller_and_opt_out() -> None:
    """A drop message without the seller or the opt-out is a legal error."""
    data = example_data()
    data["abandon_message"]["text"] = "Sorry we missed you, we will call back later."
    errors = [
        f.message
        for f in validate_spec(parse_spec(data), base_dir=EXAMPLE.parent, simulate=False).findings
        if f.level == "error"
    ]
    assert any("seller 'Acme Energy'" in e for e in errors)
    assert any("opt out" in e for e in errors)


def test_missing_list_column_is_named(tmp_path: Path) -> None:
    """A mapped column the CSV lacks is an error at lists.N.columns.FIELD."""
    (tmp_path / "contacts.csv").write_text("id,phone\nc1,+12125550142\n")
    data = example_data()
    report = validate_spec(parse_spec(data), base_dir=tmp_path, simulate=False)
    assert "first_name" in _errors(report)["lists.0.columns.first_name"]


def test_capacity_check_reports_expected_abandonment() -> None:
    """A ratio the floor cannot absorb is an error quoting agents and expected abandonment."""
    data = example_data()
    data["pacing"]["max_ratio"] = 4.0
    report = validate_spec(parse_spec(data), base_dir=EXAMPLE.parent)
    message = _errors(report)["pacing.max_ratio"]
    assert message.startswith("at these settings and 12 agents, expected abandonment ")
    assert message.endswith("> 3 % (the legal cap)")
    assert (report.simulated_abandon_rate or 0.0) > 0.03


def test_port_limit_and_caller_id_come_from_the_tenant(client: Client) -> None:
    """Lines above the BU's outbound port limit and a foreign caller ID are errors."""
    data = example_data()
    data["pacing"]["max_calls_in_flight"] = 500
    data["caller_id"] = "+18005559999"
    report = validate_spec(parse_spec(data), base_dir=EXAMPLE.parent, client=client, simulate=False)
    errors = _errors(report)
    assert "outbound port limit of 100" in errors["pacing.max_calls_in_flight"]
    assert "outbound routes" in errors["caller_id"]


def test_example_fits_the_emulated_tenant(client: Client) -> None:
    """The example's lines and caller ID fit the emulator's business unit."""
    report = validate_spec(parse_spec(example_data()), base_dir=EXAMPLE.parent, client=client)
    assert report.ok, report.findings
