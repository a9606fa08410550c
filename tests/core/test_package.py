"""The top-level package: every public error exported, cheap to import, quiet by default."""

from __future__ import annotations


def test_every_public_error_is_exported_at_the_top_level() -> None:
    """`cxdial.X` is `cxdial.errors.X` for every error class, and `__all__` is sorted."""
    import cxdial
    import cxdial.errors as errors

    classes = [n for n in errors.__all__ if isinstance(getattr(errors, n), type)]
    for name in classes:
        assert getattr(cxdial, name) is getattr(errors, name)
        assert name in cxdial.__all__
    assert list(cxdial.__all__) == sorted(cxdial.__all__)


def test_importing_cxdial_is_light() -> None:
    """`import cxdial` loads no pydantic, FastAPI, SciPy, SQLAlchemy, polars or matplotlib."""
    import subprocess
    import sys

    probe = (
        "import sys, cxdial; heavy = ('pydantic', 'fastapi', 'scipy', 'sqlalchemy', 'polars',"
        " 'matplotlib'); print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter on a fixed probe
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_library_logs_go_nowhere_unless_the_application_says_so() -> None:
    """The package logger carries a NullHandler, so warnings never print on their own."""
    import logging

    import cxdial

    assert cxdial.__version__
    handlers = logging.getLogger("cxdial").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)
