"""``cxdial call`` on a store already at the head revision never imports alembic."""

from __future__ import annotations

import os
from pathlib import Path

from cli_support import CALLEE, CONSENTED, dnc_file
from test_cli_lazy import _heavy, _loaded

from cxdial.store import make_engine, upgrade


def test_a_blocked_call_on_a_migrated_store_loads_no_alembic(
    tenant_env: dict[str, str], tmp_path: Path
) -> None:
    """At the head, opening the store is one version read: no alembic, no Mako."""
    engine = make_engine(tenant_env["CXDIAL_DATABASE_URL"])
    upgrade(engine)
    engine.dispose()
    dnc = dnc_file(tmp_path, CALLEE[2:])
    code, modules = _loaded(
        ["call", CALLEE, *CONSENTED, "--dnc", str(dnc)], {**os.environ, **tenant_env}
    )
    assert code == 3
    assert _heavy(modules, ("alembic", "mako")) == []
    assert "sqlalchemy" in modules  # the store was opened: the ledger took the decision
