"""``cxdial call``: one call now, after the compliance gate cleared it."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer

from cxdial.calls import CallPlacer, CallResult, PlacedCall, Via
from cxdial.calls.compliance_hook import gate_check, record_attempt
from cxdial.cli.app import console, state_of
from cxdial.compliance import AttemptHistory, Decision, DncIndex, Gate, Purpose
from cxdial.cxone import Client
from cxdial.errors import ConfigurationError
from cxdial.store import AttemptLog, open_ledger

__all__ = ["register"]


def _now() -> datetime:
    """The dial instant the gate evaluates: always the real clock (no back-dating)."""
    return datetime.now(UTC)


def _result_json(placed: PlacedCall, result: CallResult | None, decision: Decision | None) -> str:
    out: dict[str, object] = {
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
        }
    if result is not None:
        out.update(
            outcome=result.outcome.value,
            reason=result.reason,
            duration_seconds=result.duration_seconds,
            agent_seconds=result.agent_seconds,
            disposition_id=result.disposition_id,
        )
    return json.dumps(out)


def call(
    ctx: typer.Context,
    to: str = typer.Argument(..., help="number to call, E.164 (e.g. +12025550143)"),
    caller_id: str | None = typer.Option(
        None, "--from", envvar="CXDIAL_CALLER_ID", help="caller ID the business unit owns"
    ),
    skill: int | None = typer.Option(None, "--skill", envvar="CXDIAL_SKILL_ID", help="skill id"),
    via: Via = typer.Option(Via.SCRIPT, "--via", help="script | callback | agent"),
    context_id: str | None = typer.Option(None, "--context-id", help="your correlation id"),
    wait: bool = typer.Option(False, "--wait", help="follow the call to its outcome"),
    timeout: float = typer.Option(120.0, "--timeout", help="seconds to follow with --wait"),
    purpose: Purpose = typer.Option(Purpose.TELEMARKETING, "--purpose", help="purpose of the call"),
    state: str | None = typer.Option(None, "--state", help="callee's state (address)"),
    postal_code: str | None = typer.Option(None, "--postal-code", help="callee's ZIP code"),
    timezone: str | None = typer.Option(None, "--timezone", help="callee's IANA time zone"),
    phone_type: str | None = typer.Option(None, "--phone-type", help="mobile|landline|voip"),
    consent: str | None = typer.Option(None, "--consent", help="none|express|express_written"),
    consent_at: str | None = typer.Option(None, "--consent-at", help="when consent was given"),
    revoked_at: str | None = typer.Option(None, "--revoked-at", help="when it was revoked"),
    ebr_at: str | None = typer.Option(None, "--ebr-at", help="last purchase (EBR)"),
    inquiry_at: str | None = typer.Option(None, "--inquiry-at", help="last inquiry (EBR)"),
    subject: str | None = typer.Option(None, "--subject", help="subject (state call caps)"),
    debt_id: str | None = typer.Option(None, "--debt-id", help="debt (Reg F caps)"),
    dnc: list[Path] = typer.Option([], "--dnc", help="DNC list file (repeatable)"),
    history: Path | None = typer.Option(None, "--history", help="CSV of earlier attempts"),
    override_reason: str | None = typer.Option(
        None, "--override-reason", help="logged override; informational calls only"
    ),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Place one call now — after the compliance gate cleared it — and optionally follow it."""
    settings = state_of(ctx).settings()
    caller = caller_id or settings.caller_id
    skill_id = skill or settings.skill_id
    if caller is None:
        raise ConfigurationError(
            "no caller ID", field="caller_id", fix="pass --from or set CXDIAL_CALLER_ID"
        )
    if skill_id is None:
        raise ConfigurationError(
            "no skill to dial on", field="skill_id", fix="pass --skill or set CXDIAL_SKILL_ID"
        )
    attempts = (
        AttemptHistory.from_csv(history)
        if history
        else AttemptHistory.from_store(
            AttemptLog(settings.database_url), since=_now() - timedelta(days=8)
        )
    )
    gate = Gate(
        dnc=DncIndex.from_files(dnc) if dnc else None,
        history=attempts,
        ledger=open_ledger(settings.database_url, environ=os.environ),
    )
    decisions: list[Decision] = []
    hook = gate_check(
        gate,
        purpose=purpose,
        attributes={
            "state": state,
            "postal_code": postal_code,
            "timezone": timezone,
            "phone_type": phone_type,
            "consent": consent,
            "consent_at": consent_at,
            "revoked_at": revoked_at,
            "ebr_at": ebr_at,
            "inquiry_at": inquiry_at,
            "subject": subject,
            "debt_id": debt_id,
        },
        override_reason=override_reason,
        at=lambda: _now(),
        on_decision=decisions.append,
    )
    with Client.from_settings(settings) as client:
        placer = CallPlacer(client, pre_dial=hook, script_path=settings.dial_script_path)
        with placer.sessions_closed():
            placed, result = placer.call(
                to,
                caller_id=caller,
                skill_id=skill_id,
                via=via,
                context_id=context_id,
                wait=wait,
                timeout=timeout,
            )
    record_attempt(attempts, placed, result, at=_now(), subject=subject, debt_id=debt_id)
    decision = decisions[-1] if decisions else None
    if as_json:
        console.print_json(_result_json(placed, result, decision))
        return
    console.print(
        f"[green]dialed[/] {placed.intent.to} from {placed.intent.caller_id} "
        f"via {placed.intent.via.value}: contact {placed.contact_id}, "
        f"context {placed.intent.context_id}"
    )
    if decision is not None and decision.override_reason:
        console.print(f"[yellow]compliance override:[/] {decision.override_reason}")
    if result is not None:
        console.print(
            f"outcome: [bold]{result.outcome.value}[/] ({result.reason}); "
            f"duration {result.duration_seconds}s, agent {result.agent_seconds}s"
        )


def register(app: typer.Typer) -> None:
    """Add ``call`` to the root app (``auth`` lives in :mod:`cxdial.cli.auth_cmd`)."""
    app.command("call")(call)
    from cxdial.cli import auth_cmd  # stopgap until the root registers auth_cmd itself

    auth_cmd.register(app)
