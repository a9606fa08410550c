"""cxdial: compliant outbound voice campaigns on NICE CXone Personal Connection.

Importing ``cxdial`` is cheap: the error tree is plain Python, and ``Settings`` /
``load_settings`` (pydantic) load on first use through :func:`__getattr__`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from cxdial.errors import (
    AmbiguousWrite,
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeout,
    AuthenticationError,
    BadRequest,
    ComplianceBlocked,
    ConfigurationError,
    Conflict,
    CxdialError,
    ItemFailure,
    NotFound,
    PartialFailure,
    PermissionDenied,
    RateLimited,
    ServerError,
    UnexpectedResponse,
    UnprocessableEntity,
    ValidationError,
)

if TYPE_CHECKING:
    from cxdial.config import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeout",
    "AmbiguousWrite",
    "AuthenticationError",
    "BadRequest",
    "ComplianceBlocked",
    "ConfigurationError",
    "Conflict",
    "CxdialError",
    "ItemFailure",
    "NotFound",
    "PartialFailure",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
    "Settings",
    "UnexpectedResponse",
    "UnprocessableEntity",
    "ValidationError",
    "__version__",
    "load_settings",
]

logging.getLogger("cxdial").addHandler(logging.NullHandler())
"""Library log records go nowhere unless the application configures logging."""

_LAZY = {"Settings": "cxdial.config", "load_settings": "cxdial.config"}


def __getattr__(name: str) -> Any:
    """Load ``Settings`` and ``load_settings`` (pydantic) only when first used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cxdial' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
