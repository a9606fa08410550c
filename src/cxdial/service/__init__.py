"""The cxdial service: the webhook receiver, health and the event schema (FastAPI)."""

from cxdial.service.app import create_app
from cxdial.service.config import ServiceConfig
from cxdial.service.signatures import Authenticator, SignatureError

__all__ = ["Authenticator", "ServiceConfig", "SignatureError", "create_app"]
