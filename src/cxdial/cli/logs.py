"""The CLI's own log handler: on the ``cxdial`` logger only, with personal data redacted.

Nothing here runs on import. :class:`CliLogging` attaches one handler to the ``cxdial``
logger when a command starts and detaches it when the run ends, so an application that
imports cxdial keeps its own logging as it was. Third-party loggers (``httpx``,
``httpcore``) get no handler: their request lines carry query strings with phone numbers.
Every line the handler writes passes through :func:`redact` as a second line of defence.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass

__all__ = ["CliLogging", "RedactingFormatter", "redact"]

PACKAGE_LOGGER = "cxdial"

_E164 = re.compile(r"\+\d{6,15}\b")
_PHONE_PARAM = re.compile(
    r"(?i)\b(phone\w*|to_?address|from_?address|ani|dnis|number|caller_?id)"
    r"(=|%3D|\"?:\s*\"?)([^&\s\",}]+)"
)
_NATIONAL = re.compile(r"(?<![\w.:-])\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}(?![\w.:-])")


def redact(text: str) -> str:
    """``text`` with phone numbers (E.164, national, or as a phone-ish parameter) masked."""
    text = _PHONE_PARAM.sub(lambda m: f"{m[1]}{m[2]}<redacted>", text)
    text = _E164.sub("+<redacted>", text)
    return _NATIONAL.sub("<redacted>", text)


class RedactingFormatter(logging.Formatter):
    """A formatter whose every output line has passed through :func:`redact`."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record, phone numbers masked."""
        return redact(super().format(record))


def _handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    return handler


@dataclass
class CliLogging:
    """The handler of one CLI run: WARNING by default, ``-v`` INFO, ``-vv`` DEBUG."""

    verbosity: int = 0
    _handler: logging.Handler | None = None
    _previous_level: int = logging.NOTSET

    def set_verbosity(self, verbosity: int) -> None:
        """Attach the handler (once) and set the level the count of ``-v`` asks for."""
        logger = logging.getLogger(PACKAGE_LOGGER)
        if self._handler is None:
            self._handler = _handler()
            self._previous_level = logger.level
            logger.addHandler(self._handler)
        self.verbosity = verbosity
        level = logging.WARNING - 10 * min(max(verbosity, 0), 2)
        logger.setLevel(level)  # the handler itself passes all: a command may open a subtree

    def close(self) -> None:
        """Detach the handler and restore the package logger's level."""
        if self._handler is None:
            return
        logger = logging.getLogger(PACKAGE_LOGGER)
        logger.removeHandler(self._handler)
        logger.setLevel(self._previous_level)
        self._handler = None
