"""``python -m cxdial.store.migrations "what changed"``: write the store's next revision.

For developers changing a table. A scratch SQLite database is migrated to the current
head, alembic's autogenerate compares it with the tables the code declares, and the
difference is written to ``versions/v<NNNN>_<slug>.py`` numbered after
:data:`~cxdial.store.schema.SCHEMA_HEAD` (then formatted with ruff when it is installed).
Review it — autogenerate does not see triggers, renames or data moves — and set
``SCHEMA_HEAD`` to the new number (docs/store.md). ``--empty`` writes a revision with no
operations, for hand-written DDL.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["main", "new_revision"]


def new_revision(message: str, *, autogenerate: bool = True) -> Path:
    """Write the revision after the head and return its path (not yet the head: see above)."""
    from alembic import command

    from cxdial.store.db import make_engine
    from cxdial.store.migrations import store_metadata
    from cxdial.store.schema import SCHEMA_HEAD, alembic_config, upgrade

    rev_id = f"{int(SCHEMA_HEAD) + 1:04d}"
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        try:
            upgrade(engine)
            with engine.connect() as conn:
                config = alembic_config(conn, store_metadata())
                script = command.revision(
                    config, message=message, autogenerate=autogenerate, rev_id=rev_id
                )
        finally:
            engine.dispose()
    if script is None or isinstance(script, list):  # one head in, one script out
        raise SystemExit("alembic wrote no single revision")
    path = Path(script.path)
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff:
        subprocess.run([ruff, "format", "-q", str(path)], check=False)  # noqa: S603
        subprocess.run([ruff, "check", "-q", "--fix", str(path)], check=False)  # noqa: S603
    return path


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and write the revision; prints its path and what to do next."""
    parser = argparse.ArgumentParser(
        prog="python -m cxdial.store.migrations", description=__doc__.splitlines()[0]
    )
    parser.add_argument("message", help="what the revision changes, e.g. 'add dnc_lists'")
    parser.add_argument("--empty", action="store_true", help="no autogenerate: an empty body")
    args = parser.parse_args(argv)
    path = new_revision(args.message, autogenerate=not args.empty)
    rev = path.name[1:5]
    print(f"wrote {path}")  # noqa: T201 - a developer tool's report
    print(  # noqa: T201
        f"next: review it, set SCHEMA_HEAD = {rev!r} in cxdial/store/schema.py, and run "
        "pytest tests/store/test_store_migrations.py"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
