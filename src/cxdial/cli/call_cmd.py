"""``cxdial call``: one call now, through the compliance gate; ``cxdial follow``: its outcome.

The wiring lives in :mod:`cxdial.calls.setup`; this module turns options into a
:class:`~cxdial.calls.setup.CallRequest` and a :class:`~cxdial.calls.setup.Screening`,
and the report into text or one JSON object. A call still in progress when ``--wait``
gives up exits 5 and prints the ``cxdial follow`` command that picks it up later.
"""

from __future__ import annotations

import shlex
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from cxdial.calls.models import CallResult, Via
from cxdial.calls.setup import CallReport, CallRequest, Screening, follow_contact, place_gated_call
from cxdial.cli.app import console, emit_json, styled
from cxdial.cli.output import shown
from cxdial.cli.state import state_of
from cxdial.compliance import ConsentLevel, PhoneType, Purpose

__all__ = ["IN_PROGRESS_EXIT", "register"]

IN_PROGRESS_EXIT = 5
"""Exit code of a followed call that had not ended when ``--wait``/``--timeout`` gave up."""

_WHEN = "instant, e.g. 2026-01-05 or 2026-01-05T14:00:00Z"


def _follow_command(report: CallReport) -> str:
    placed = report.placed
    since = placed.placed_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return shlex.join(
        [
            "cxdial",
            "follow",
            str(placed.contact_id),
            "--skill",
            str(placed.intent.skill_id),
            "--since",
            since,
        ]
    )


def _result_fields(result: CallResult) -> dict[str, object]:
    return {
        "outcome": result.outcome.value,
        "reason": result.reason,
        "duration_seconds": result.duration_seconds,
        "agent_seconds": result.agent_seconds,
        "disposition_id": result.disposition_id,
    }


def _payload(report: CallReport) -> dict[str, object]:
    placed, decision = report.placed, report.decision
    out: dict[str, object] = {
        "ok": True,
        "status": "dialed",
        "contact_id": placed.contact_id,
        "to": placed.intent.to,
        "caller_id": placed.intent.caller_id,
        "via": placed.intent.via.value,
        "context_id": placed.intent.context_id,
        "idempotency_key": placed.intent.idempotency_key,
    }
    if decision is not None:
        out["compliance"] = {
            "allowed": decision.allowed,
            "zones": list(decision.zones),
            "rule_set_version": decision.rule_set_version,
            "override_reason": decision.override_reason,
        }
    if report.result is not None:
        out.update(_result_fields(report.result))
        out["status"] = "in_progress" if report.in_progress else "completed"
    if report.in_progress:
        out["follow_command"] = _follow_command(report)
    return out


def _result_line(result: CallResult) -> Any:
    parts: list[str | tuple[str, str]] = [
        "outcome: ",
        (result.outcome.value, "bold"),
        f" ({result.reason})",
    ]
    if result.duration_seconds is not None:
        parts.append(f"; duration {result.duration_seconds:g} s")
    if result.agent_seconds is not None:
        parts.append(f", agent {result.agent_seconds:g} s")
    return styled(*parts)


def _print(report: CallReport) -> None:
    placed, intent = report.placed, report.placed.intent
    console.print(
        styled(
            ("dialed", "green"),
            f" {intent.to} from {intent.caller_id} via {intent.via.value}: "
            f"contact {shown(placed.contact_id, missing='not reported')}, "
            f"context {intent.context_id}",
        ),
        soft_wrap=True,
    )
    if report.decision is not None and report.decision.override_reason:
        console.print(
            styled(("compliance override: ", "yellow"), report.decision.override_reason),
            soft_wrap=True,
        )
    if report.result is not None:
        console.print(_result_line(report.result), soft_wrap=True)
    if report.in_progress:
        console.print(
            styled(
                ("still in progress", "yellow"),
                f": contact {placed.contact_id}; follow it later with:\n  "
                f"{_follow_command(report)}",
            ),
            soft_wrap=True,
        )


def call(
    ctx: typer.Context,
    to: str = typer.Argument(..., metavar="TO", help="number to call, E.164 (+12025550143)"),
    caller_id: str | None = typer.Option(
        None, "--from", envvar="CXDIAL_CALLER_ID", help="caller ID the business unit owns"
    ),
    skill: int | None = typer.Option(None, "--skill", envvar="CXDIAL_SKILL_ID", help="skill id"),
    via: Via = typer.Option(Via.SCRIPT, "--via", help="dialing mechanism"),
    context_id: str | None = typer.Option(None, "--context-id", help="your correlation id"),
    wait: bool = typer.Option(False, "--wait", help="follow the call to its outcome"),
    timeout: float = typer.Option(120.0, "--timeout", min=0, help="seconds to follow (--wait)"),
    purpose: Purpose = typer.Option(Purpose.TELEMARKETING, "--purpose", help="why you call"),
    state: str | None = typer.Option(None, "--state", help="callee's state (address)"),
    postal_code: str | None = typer.Option(None, "--postal-code", help="callee's ZIP code"),
    timezone: str | None = typer.Option(None, "--timezone", help="callee's IANA time zone"),
    phone_type: PhoneType | None = typer.Option(None, "--phone-type", help="kind of line"),
    consent: ConsentLevel | None = typer.Option(None, "--consent", help="consent on record"),
    consent_at: str | None = typer.Option(None, "--consent-at", help=f"consent given, {_WHEN}"),
    revoked_at: str | None = typer.Option(None, "--revoked-at", help="consent revoked, instant"),
    ebr_at: str | None = typer.Option(None, "--ebr-at", help="last purchase (EBR), instant"),
    inquiry_at: str | None = typer.Option(None, "--inquiry-at", help="last inquiry, instant"),
    subject: str | None = typer.Option(None, "--subject", help="subject (state call caps)"),
    debt_id: str | None = typer.Option(None, "--debt-id", help="debt (Reg F caps)"),
    dnc: list[Path] = typer.Option(
        [],
        "--dnc",
        exists=True,
        dir_okay=False,
        envvar="CXDIAL_DNC",
        help="DNC list file (repeatable; env: space-separated)",
    ),
    history: Path | None = typer.Option(
        None,
        "--history",
        exists=True,
        dir_okay=False,
        envvar="CXDIAL_HISTORY",
        help="CSV of earlier attempts (default: the store)",
    ),
    override_reason: str | None = typer.Option(
        None, "--override-reason", help="logged override; informational calls only"
    ),
    seller: str | None = typer.Option(
        None, "--seller", help="the seller calling: consent records of other sellers do not count"
    ),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Place one call now, after the compliance gate cleared it, and optionally follow it.

    The gate judges the real dial instant. Exit codes: 0 dialed (or followed to its end),
    2 invalid input, 3 blocked by compliance (nothing dialed), 5 still in progress when
    --wait gave up (the output names the `cxdial follow` command to run later).
    """
    cli = state_of(ctx)
    cli.json_output = as_json
    attributes = {
        "state": state,
        "postal_code": postal_code,
        "timezone": timezone,
        "phone_type": phone_type.value if phone_type else None,
        "consent": consent.value if consent else None,
        "consent_at": consent_at,
        "revoked_at": revoked_at,
        "ebr_at": ebr_at,
        "inquiry_at": inquiry_at,
        "subject": subject,
        "debt_id": debt_id,
    }
    report = place_gated_call(
        cli.settings(),
        CallRequest(to, caller_id, skill, via, context_id, wait, timeout),
        Screening(
            purpose=purpose,
            attributes=attributes,
            dnc_files=tuple(dnc),
            history_csv=history,
            override_reason=override_reason,
            seller=seller,
            attribute_labels={k: "--" + k.replace("_", "-") for k in attributes},
        ),
        clock=cli.clock,
    )
    if as_json:
        emit_json(_payload(report))
    else:
        _print(report)
    if report.in_progress:
        raise typer.Exit(IN_PROGRESS_EXIT)


def follow(
    ctx: typer.Context,
    contact_id: int = typer.Argument(..., metavar="CONTACT_ID", help="contact id of the call"),
    skill: int | None = typer.Option(None, "--skill", envvar="CXDIAL_SKILL_ID", help="skill id"),
    since: datetime | None = typer.Option(
        None, "--since", help="when the call was placed, UTC (default: 24 hours ago)"
    ),
    timeout: float = typer.Option(120.0, "--timeout", min=0, help="seconds to follow"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Follow a call placed earlier to its outcome (exit 5 if it is still in progress)."""
    from datetime import UTC, timedelta

    from cxdial.calls.models import CallOutcome

    cli = state_of(ctx)
    cli.json_output = as_json
    if since is None:
        placed_at = cli.clock() - timedelta(days=1)
    else:
        placed_at = since if since.tzinfo else since.replace(tzinfo=UTC)
    result = follow_contact(
        cli.settings(), contact_id, skill_id=skill, placed_at=placed_at, timeout=timeout
    )
    pending = result.outcome is CallOutcome.PENDING
    if as_json:
        status = "in_progress" if pending else "completed"
        emit_json(
            {"ok": True, "status": status, "contact_id": contact_id, **_result_fields(result)}
        )
    else:
        console.print(_result_line(result), soft_wrap=True)
    if pending:
        raise typer.Exit(IN_PROGRESS_EXIT)


def register(app: typer.Typer) -> None:
    """Add ``call`` and ``follow`` to the root app."""
    app.command("call")(call)
    app.command("follow")(follow)
