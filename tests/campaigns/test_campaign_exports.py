"""The public surface of cxdial.campaigns: sorted, complete, lazy."""

from __future__ import annotations

import subprocess
import sys

import cxdial.campaigns as campaigns


def test_all_is_sorted_and_every_name_resolves() -> None:
    """__all__ is sorted and each name loads from the module it is listed under."""
    assert list(campaigns.__all__) == sorted(campaigns.__all__)
    for name in campaigns.__all__:
        assert getattr(campaigns, name) is not None


def test_importing_the_package_is_light() -> None:
    """`import cxdial.campaigns` loads neither SQLAlchemy, httpx, SciPy nor the emulator."""
    probe = (
        "import sys, cxdial.campaigns; heavy = ('sqlalchemy', 'httpx', 'scipy', 'fastapi');"
        " print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter on a fixed probe
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
