"""The library's logger stays quiet unless the application configures logging."""

from __future__ import annotations

import logging
import subprocess
import sys


def test_package_logger_has_a_null_handler() -> None:
    """``cxdial`` carries a NullHandler, as the logging HOWTO asks of libraries."""
    import cxdial  # noqa: F401  (importing installs the handler)

    handlers = logging.getLogger("cxdial").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


def test_library_warnings_do_not_reach_stderr() -> None:
    """A warning logged by cxdial in an unconfigured application prints nothing."""
    code = "import cxdial, logging; logging.getLogger('cxdial.compliance').warning('x')"
    done = subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stderr == ""
