"""cxdial: compliant outbound voice campaigns on NICE CXone Personal Connection."""

from cxdial.config import Settings, load_settings
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

__version__ = "0.1.0"

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
