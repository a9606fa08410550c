"""cxdial: compliant outbound voice campaigns on NICE CXone Personal Connection."""

import logging

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

# A library leaves logging to the application: no output unless it configures handlers.
logging.getLogger("cxdial").addHandler(logging.NullHandler())

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
