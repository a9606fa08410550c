"""``cxdial auth check``: prove the credentials work and show what the access key may do.

The command always performs a fresh password grant (a wrong secret fails even while a
token is cached), then probes each area of the security profile, dialing included
(:func:`cxdial.cxone.access.check_access`). Library pieces load when the command runs.
"""

from __future__ import annotations

import json

import typer

__all__ = ["register"]


def check(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Discover the tenant, get a fresh token, and show what the access key may do."""
    from rich.table import Table
    from rich.text import Text

    from cxdial.cli.app import console, state_of
    from cxdial.cxone import Client
    from cxdial.cxone.access import check_access

    settings = state_of(ctx).settings()
    settings.require("access_key_id", "access_key_secret", "client_id", "client_secret")
    with Client.from_settings(settings) as client:
        info = client.authenticate(fresh=True)
        unit = client.business_unit.get()
        access = check_access(client)
    claims = info.claims
    facts: dict[str, object] = {
        "issuer": info.issuer,
        "api_endpoint": info.api_endpoint,
        "tenant_id": info.tenant_id,
        "business_unit": claims.get("icBUId"),
        "cluster": claims.get("icClusterId"),
        "user": claims.get("sub"),
        "token_expires_at": info.expires_at.isoformat() if info.expires_at else None,
        "permissions": access,
        "predictive_allowed": unit.allow_predictive_dialing,
    }
    if as_json:
        typer.echo(json.dumps(facts, default=str))
        return
    table = Table(title="CXone authentication", show_header=False)
    for key, value in facts.items():
        if isinstance(value, dict):
            for area, verdict in value.items():
                table.add_row(Text(f"{key}: {area}"), Text(str(verdict)))
        else:
            table.add_row(Text(key), Text("unknown" if value is None else str(value)))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``auth`` group (``auth check``) to the root app."""
    auth_app = typer.Typer(
        help="Check credentials against the CXone tenant (or the emulator).", no_args_is_help=True
    )
    auth_app.command("check")(check)
    app.add_typer(auth_app, name="auth")
