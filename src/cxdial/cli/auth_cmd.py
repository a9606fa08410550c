"""``cxdial auth check``: discover the tenant, get a token, and show what it grants."""

from __future__ import annotations

import json
from collections.abc import Callable

import typer
from rich.table import Table

from cxdial.cli.app import console, state_of
from cxdial.cli.output import shown
from cxdial.cxone import Client
from cxdial.errors import PermissionDenied

__all__ = ["register"]

auth_app = typer.Typer(help="Check credentials against the CXone tenant (or the emulator).")


def _probe(client: Client) -> dict[str, str]:
    """Which read areas the key's security profile opens (CXone has no OAuth scopes).

    Each probe is one harmless GET; a 403 names the permission the profile lacks.
    """
    probes: dict[str, Callable[[], object]] = {
        "skills": lambda: next(iter(client.skills.list(page_size=1)), None),
        "calling lists": client.lists.all,
        "DNC groups": client.dnc.groups,
        "agent states": client.agents.states,
        "contacts": lambda: next(iter(client.contacts.iter_active()), None),
    }
    found: dict[str, str] = {}
    for area, probe in probes.items():
        try:
            probe()
        except PermissionDenied as exc:
            found[area] = f"denied ({exc.fix or exc.message})"
        else:
            found[area] = "ok"
    return found


@auth_app.command("check")
def auth_check(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Discover the tenant, get a token, and show what it grants."""
    settings = state_of(ctx).settings()
    settings.require("access_key_id", "access_key_secret", "client_id", "client_secret")
    with Client.from_settings(settings) as client:
        info = client.authenticate()
        unit = client.business_unit.get()
        access = _probe(client)
    claims = info.claims
    expires = info.expires_at.isoformat() if info.expires_at else None
    facts = {
        "issuer": info.issuer,
        "api_endpoint": info.api_endpoint,
        "tenant_id": info.tenant_id,
        "business_unit": claims.get("icBUId"),
        "cluster": claims.get("icClusterId"),
        "user": claims.get("sub"),
        "token_expires_at": expires,
        "permissions": access,
        "predictive_allowed": unit.allow_predictive_dialing,
    }
    if as_json:
        console.print_json(json.dumps(facts, default=str))
        return
    table = Table(title="CXone authentication", show_header=False)
    for key, value in facts.items():
        if isinstance(value, dict):
            for area, verdict in value.items():
                table.add_row(f"{key}: {area}", verdict)
        else:
            table.add_row(key, shown(value))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``auth`` to the root app."""
    app.add_typer(auth_app, name="auth")
