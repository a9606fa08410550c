"""``cxdial consent import FILE`` and ``cxdial consent show PHONE``: the store's consent records.

``import`` validates a consent file (CSV with the ``CONSENT_COLUMNS`` header, or a ``.json``
array) exactly as ``cxdial screen --consent`` reads it and appends its records to the store's
``consent_records`` table, which ``cxdial call`` and ``cxdial screen --consent-from-store``
read. A record already stored (same number, evidence id, seller, given and revoked instants)
is not added twice, so importing a file again is a no-op. A bad row is exit 2 naming its
line and field, and nothing is written. ``show`` lists the records of one number.
``--json`` prints one object.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cxdial.cli.app import console, emit_json, state_of

__all__ = ["consent_app", "register"]

consent_app = typer.Typer(help="Consent records in the store: import a file, show a number's.")

DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database-url", envvar="CXDIAL_DATABASE_URL", help="store URL (default: the settings')"
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON object")]


@consent_app.callback()
def _group() -> None:
    """Consent records in the store: import a file, show a number's."""


@consent_app.command("import")
def import_file(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", dir_okay=False, exists=True, help="consent records (CSV or .json)"
        ),
    ],
    database_url: DatabaseOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Validate FILE and append its records to the store (records already there are skipped)."""
    from cxdial.compliance.consent import ConsentBook
    from cxdial.store import ConsentStore

    state_of(ctx).json_output = as_json
    book = ConsentBook.from_file(path)  # every row validated before anything is written
    url = database_url or state_of(ctx).settings().database_url
    with ConsentStore(url) as store:
        added, skipped = store.add_new(book.store_rows())
    if as_json:
        emit_json({"ok": True, "file": str(path), "added": added, "already_stored": skipped})
        return
    console.print(
        f"{path}: added {added} consent records, {skipped} already stored", soft_wrap=True
    )


@consent_app.command("show")
def show(
    ctx: typer.Context,
    phone: Annotated[str, typer.Argument(metavar="PHONE", help="the number, any US/CA format")],
    database_url: DatabaseOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The stored consent records of one number, oldest first."""
    from cxdial.compliance.consent import ConsentBook
    from cxdial.store import ConsentStore

    state_of(ctx).json_output = as_json
    url = database_url or state_of(ctx).settings().database_url
    with ConsentStore(url) as store:
        records = ConsentBook.from_store(store, phone=phone).all()
    if as_json:
        emit_json(
            {"ok": True, "records": [r.model_dump(mode="json") for r in records]},
        )
        return
    if not records:
        console.print("no consent records for this number")
        return
    for r in records:
        revoked = f", revoked {r.revoked_at.isoformat()}" if r.revoked_at else ""
        console.print(
            f"{r.evidence_id}: {r.level.value} for {r.seller or 'any seller'}"
            f" ({r.method}), given {r.given_at.isoformat()}{revoked}",
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    """Add the ``consent`` group to the root app."""
    app.add_typer(consent_app, name="consent")
