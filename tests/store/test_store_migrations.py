"""The store's alembic migrations on SQLite and PostgreSQL: upgrade, adopt, refuse, agree.

The drift test (``test_the_migrations_build_exactly_the_declared_tables``) is the one that
fails when a table or a column is added to the code without a revision: see docs/store.md.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.exc import DBAPIError
from store_support import Backend, record

from cxdial.cli import main
from cxdial.errors import ConfigurationError
from cxdial.store import AttemptLog, Ledger, LedgerKey, make_engine
from cxdial.store.migrations import store_metadata
from cxdial.store.schema import (
    MIGRATIONS,
    SCHEMA_HEAD,
    VERSION_TABLE,
    create_schema,
    downgrade,
    history,
    schema_diff,
    schema_state,
    stored_revision,
    upgrade,
)

LEGACY = Path(__file__).with_name("data")
ALL = [r.revision for r in history()]
"""Every shipped revision, oldest first (what an empty database gets)."""


@pytest.fixture
def engine(backend: Backend) -> Iterator[Engine]:
    """An engine on ``backend`` (a new SQLite file or a new PostgreSQL schema)."""
    made = make_engine(backend.url)
    yield made
    made.dispose()


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def _declared() -> set[str]:
    return {name for meta in store_metadata() for name in meta.tables}


def _legacy_ddl(dialect: str) -> list[str]:
    """The statements the pre-migration ``create_schema`` ran (frozen in tests/store/data)."""
    body = (LEGACY / f"legacy_{dialect}.sql").read_text()
    statements = [s.strip() for s in body.split("\n\n")]
    return [s.removesuffix(";") for s in statements if s and not s.startswith("--")]


def _make_legacy(backend: Backend, *, only: set[str] | None = None) -> None:
    """A database as the old code left it: every table, or only those in ``only``."""
    keep = []
    for ddl in _legacy_ddl(backend.name):
        table = re.match(r"CREATE (?:TABLE|INDEX \w+ ON) (\w+)", ddl)
        if only is None or table is None or table.group(1) in only:  # triggers: the ledger's
            keep.append(ddl)
    backend.execute(*keep)


def test_upgrade_from_empty_builds_every_table_then_is_a_no_op(engine: Engine) -> None:
    """An empty database gets every declared table and the version; a re-run applies nothing."""
    assert schema_state(engine).status == "empty"
    assert upgrade(engine) == ALL
    assert _tables(engine) == _declared() | {VERSION_TABLE}
    assert stored_revision(engine) == SCHEMA_HEAD
    assert upgrade(engine) == []
    create_schema(engine)
    state = schema_state(engine)
    assert (state.status, state.current, state.pending) == ("head", SCHEMA_HEAD, ())


def test_the_migrations_build_exactly_the_declared_tables(engine: Engine) -> None:
    """autogenerate finds no difference between the migrated database and the code's tables.

    When this fails, a table, column, index or constraint changed without a revision: add one
    (``python -m cxdial.store.migrations "what changed"``, docs/store.md) and bump SCHEMA_HEAD.
    """
    upgrade(engine)
    diff = schema_diff(engine)
    assert diff == [], f"the tables and the migrations disagree, add a revision: {diff}"


def test_the_ledger_is_append_only_after_the_migrations(
    backend: Backend, key: LedgerKey, tmp_path: Path
) -> None:
    """The baseline's triggers refuse UPDATE and DELETE on the ledger on both databases."""
    with Ledger(backend.url, key=key, checkpoint=tmp_path / "cp.json") as ledger:
        ledger.append(record())
    for sql in ("UPDATE compliance_ledger SET allowed = false", "DELETE FROM compliance_ledger"):
        with pytest.raises(DBAPIError, match="append-only"):
            backend.execute(sql)


def test_opening_a_store_at_head_reads_one_row(engine: Engine) -> None:
    """At head, ``create_schema`` is one SELECT of the version and takes no lock."""
    upgrade(engine)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    create_schema(engine)
    assert statements == ["SELECT version_num FROM cxdial_alembic_version"]


@pytest.mark.parametrize("made_by", ["every command", "cxdial call"])
def test_a_database_from_before_migrations_is_adopted(
    backend: Backend, key: LedgerKey, tmp_path: Path, made_by: str
) -> None:
    """Old tables and their rows stay; missing tables are added; the version is stamped.

    ``cxdial call`` alone made only the ledger and the attempt history; ``cxdial serve``,
    ``campaign`` and ``call`` together made every table.
    """
    only = {"compliance_ledger", "call_attempts"} if made_by == "cxdial call" else None
    _make_legacy(backend, only=only)
    backend.execute(
        "INSERT INTO call_attempts (phone_e164, at, outcome) "
        "VALUES ('+12125550142', '2026-11-20 15:00:00+00:00', 'answered')"
    )
    engine = make_engine(backend.url)
    try:
        assert schema_state(engine).status == "legacy"
        with AttemptLog(engine) as log:  # opening a store object adopts the database
            assert [a.phone_e164 for a in log.since()] == ["+12125550142"]
        assert stored_revision(engine) == SCHEMA_HEAD
        assert _tables(engine) == _declared() | {VERSION_TABLE}
        assert schema_diff(engine) == []
        assert upgrade(engine) == []
    finally:
        engine.dispose()
    with Ledger(backend.url, key=key, checkpoint=tmp_path / "cp.json") as ledger:
        ledger.append(record())
        assert ledger.verify().ok
    with pytest.raises(DBAPIError, match="append-only"):
        backend.execute("DELETE FROM compliance_ledger")


def test_an_old_ledger_table_is_refused_and_nothing_changes(backend: Backend) -> None:
    """A table missing baseline columns is named; the adoption rolls back whole."""
    backend.execute("CREATE TABLE compliance_ledger (id INTEGER PRIMARY KEY, contact_id TEXT)")
    engine = make_engine(backend.url)
    try:
        with pytest.raises(ConfigurationError, match="compliance_ledger predates") as info:
            create_schema(engine)
        assert info.value.field == "database_url"
        assert "mac" in str(info.value)
        assert _tables(engine) == {"compliance_ledger"}
    finally:
        engine.dispose()


def test_a_database_a_newer_cxdial_migrated_is_refused(engine: Engine) -> None:
    """A revision this cxdial does not ship is an error naming it, not a silent misread."""
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE cxdial_alembic_version SET version_num = '9999'"))
    with pytest.raises(ConfigurationError, match="9999") as info:
        create_schema(engine)
    assert "upgrade cxdial" in (info.value.fix or "")
    with pytest.raises(ConfigurationError, match="9999"):
        schema_state(engine)


def test_concurrent_first_opens_migrate_once(backend: Backend) -> None:
    """Four openers racing on an empty database: one migrates, the others find it done."""
    engines = [make_engine(backend.url) for _ in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(engines))

    def open_store(engine: Engine) -> None:
        start.wait()
        try:
            create_schema(engine)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_store, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        with engines[0].connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM cxdial_alembic_version")).all()
        assert [r[0] for r in rows] == [SCHEMA_HEAD]
    finally:
        for engine in engines:
            engine.dispose()


def test_threads_migrating_different_databases_do_not_mix(tmp_path: Path) -> None:
    """alembic's proxies are process-wide: migrations of two databases at once still work."""
    engines = [make_engine(f"sqlite:///{tmp_path / f'{n}.db'}") for n in range(3)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(engines))

    def migrate(engine: Engine) -> None:
        start.wait()
        try:
            upgrade(engine)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=migrate, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        assert [stored_revision(e) for e in engines] == [SCHEMA_HEAD] * len(engines)
        assert all(_tables(e) == _declared() | {VERSION_TABLE} for e in engines)
    finally:
        for engine in engines:
            engine.dispose()


def test_downgrade_to_base_drops_the_tables_and_upgrade_restores_them(engine: Engine) -> None:
    """Every revision can be reverted; a reverted database upgrades again cleanly."""
    upgrade(engine)
    assert downgrade(engine, "base") == ALL[::-1]
    assert _tables(engine) == {VERSION_TABLE}
    assert schema_state(engine).status == "empty"
    assert upgrade(engine) == ALL
    assert schema_diff(engine) == []


def test_the_head_constant_names_the_only_head_of_a_linear_history() -> None:
    """SCHEMA_HEAD is the newest file's revision; ids count up from 0001 without gaps.

    The fast path compares against SCHEMA_HEAD without loading the scripts, so a revision
    added without bumping it would never run.
    """
    from alembic.script import ScriptDirectory

    from cxdial.store.schema import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [SCHEMA_HEAD]
    revisions = [r.revision for r in history()]
    assert revisions == [f"{n:04d}" for n in range(1, len(revisions) + 1)]
    assert revisions[-1] == SCHEMA_HEAD
    files = sorted(p.name for p in (MIGRATIONS / "versions").glob("v[0-9]*.py"))
    assert [f[1:5] for f in files] == revisions
    assert [r.down_revision for r in history()] == [None, *revisions[:-1]]


def test_an_open_at_head_imports_no_alembic(tmp_path: Path, key: LedgerKey) -> None:
    """A process opening a migrated store (``cxdial call``'s path) never imports alembic."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from cxdial.store import AttemptLog, Ledger, LedgerKey\n"
        f"AttemptLog({url!r}).close()\n"
        f"ledger = Ledger({url!r}, key=LedgerKey.from_hex({secrets.token_hex(32)!r}),"
        f" checkpoint=Path({str(tmp_path / 'cp.json')!r}))\n"
        "from cxdial.store import DecisionRecord\n"
        "ledger.append(DecisionRecord(contact_id='c', allowed=True, reasons=(),"
        " rule_set_version='t', purpose='informational'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter running our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_cli_upgrade_current_history_json(
    backend: Backend, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``cxdial db`` prints one JSON object per command; the URL comes from the environment."""
    monkeypatch.setenv("CXDIAL_DATABASE_URL", backend.url)
    assert main(["db", "current", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert (before["current"], before["status"], before["pending"]) == (None, "empty", ALL)
    assert main(["db", "upgrade", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["from"], out["to"], out["adopted"]) == (None, SCHEMA_HEAD, False)
    assert out["applied"] == ALL
    assert main(["db", "upgrade", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["applied"] == []
    assert main(["db", "current", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "head"
    assert main(["db", "history", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["head"] == SCHEMA_HEAD
    assert shown["revisions"][0]["revision"] == "0001"
    assert shown["revisions"][-1]["head"] is True


def test_cli_upgrade_adopts_a_legacy_database(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    """``cxdial db upgrade --database-url`` on a pre-migration database says it adopted it."""
    _make_legacy(backend)
    assert main(["db", "current", "--database-url", backend.url]) == 0
    assert "legacy" in capsys.readouterr().out
    assert main(["db", "upgrade", "--database-url", backend.url, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["from"], out["to"], out["adopted"]) == (None, SCHEMA_HEAD, True)


def test_cli_hides_the_password_and_refuses_a_bad_url(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The URL is printed without its password; a malformed one exits 2 naming the field."""
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["db", "upgrade", "--database-url", url]) == 0
    assert f"{url}: applied {', '.join(ALL)}" in capsys.readouterr().out
    assert main(["db", "current", "--database-url", "not a url", "--json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["field"] == "database_url"
    assert main(["db", "upgrade", "--database-url", url, "--revision", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


@pytest.mark.services
def test_the_pg_url_password_is_hidden(capsys: pytest.CaptureFixture[str], pg_url: str) -> None:
    """A PostgreSQL URL with a password shows ``***`` in its place."""
    url = pg_url.replace("postgres@", "postgres:hunter2@")  # trust auth ignores it
    assert main(["db", "current", "--database-url", url, "--json"]) == 0
    out = capsys.readouterr().out
    assert "hunter2" not in out
    assert json.loads(out)["database"].startswith("postgresql+psycopg://postgres:***@")
