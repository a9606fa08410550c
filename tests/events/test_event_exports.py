"""The public surfaces of cxdial.events and cxdial.service are curated and importable."""

from __future__ import annotations

import subprocess
import sys

import cxdial.events
import cxdial.service


def test_all_is_sorted_and_every_name_exists() -> None:
    """Each package's ``__all__`` is sorted, and every name in it resolves."""
    for module in (cxdial.events, cxdial.service):
        names = list(module.__all__)
        assert names == sorted(names, key=lambda n: (not n.isupper(), n))
        for name in names:
            assert hasattr(module, name), name


def test_the_event_package_does_not_need_redis() -> None:
    """Importing cxdial.events loads no redis module (redis is an optional extra)."""
    code = "import sys, cxdial.events; print(any(m.startswith('redis') for m in sys.modules))"
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_the_cli_modules_import_no_service_machinery() -> None:
    """serve_cmd and events_cmd add no FastAPI, SQLAlchemy or service import of their own."""
    code = (
        "import sys, cxdial.cli.app; before = set(sys.modules); "
        "import cxdial.cli.serve_cmd, cxdial.cli.events_cmd; "
        "print(sorted(m for m in set(sys.modules) - before if m.startswith(('fastapi', "
        "'sqlalchemy', 'uvicorn', 'cxdial.service', 'cxdial.events', 'redis'))))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
