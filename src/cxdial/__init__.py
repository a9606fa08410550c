"""cxdial: compliant outbound voice campaigns on NICE CXone Personal Connection."""

from typing import TYPE_CHECKING, Any

from cxdial.errors import (
    APIConnectionError,
    APIError,
    APITimeout,
    AuthenticationError,
    BadRequest,
    ComplianceBlocked,
    ConfigurationError,
    Conflict,
    CxdialError,
    NotFound,
    PartialFailure,
    PermissionDenied,
    RateLimited,
    ServerError,
    UnprocessableEntity,
    ValidationError,
)

if TYPE_CHECKING:
    from cxdial.config import Settings, load_settings

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """``Settings`` and ``load_settings`` load pydantic on first use, not on ``import cxdial``."""
    if name in ("Settings", "load_settings"):
        from cxdial import config

        return getattr(config, name)
    raise AttributeError(f"module 'cxdial' has no attribute {name!r}")

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeout",
    "AuthenticationError",
    "BadRequest",
    "ComplianceBlocked",
    "ConfigurationError",
    "Conflict",
    "CxdialError",
    "NotFound",
    "PartialFailure",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
    "Settings",
    "UnprocessableEntity",
    "ValidationError",
    "__version__",
    "load_settings",
]
