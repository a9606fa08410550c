"""The service's settings: webhook secrets, Studio tokens, limits, store and queue URLs.

Read once from explicit arguments, then ``CXDIAL_*`` variables, then defaults. Secrets are
never shown in ``repr`` and never logged.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from cxdial.errors import ConfigurationError

__all__ = ["ServiceConfig"]

_SECRET_ENV = "CXDIAL_WEBHOOK_SECRET"  # noqa: S105 - an env var name, not a secret
_TOKENS_ENV = "CXDIAL_WEBHOOK_TOKENS"


def _check_secret(secret: str) -> str:
    body = secret.removeprefix("whsec_")
    if not secret.startswith("whsec_") or not body:
        raise ConfigurationError(
            "a webhook secret must look like whsec_<base64>",
            field=_SECRET_ENV,
            fix="use the secret the sender signs with, e.g. whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        )
    try:
        base64.b64decode(body + "==", validate=False)
    except binascii.Error:
        raise ConfigurationError(
            "a webhook secret is not valid base64 after whsec_", field=_SECRET_ENV, fix="re-copy it"
        ) from None
    return secret


def _parse_tokens(text: str) -> dict[str, str]:
    tokens: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        source, sep, token = item.partition("=")
        if not sep or not source.strip() or len(token.strip()) < 16:
            raise ConfigurationError(
                "a Studio token entry must be source=token with a token of 16+ characters",
                field=_TOKENS_ENV,
                fix="e.g. CXDIAL_WEBHOOK_TOKENS=studio-east=7f3a…,studio-west=91cc…",
            )
        tokens[source.strip()] = token.strip()
    return tokens


@dataclass(frozen=True)
class ServiceConfig:
    """What ``cxdial serve`` needs; ``tokens`` enables the per-source token-header mode."""

    secrets: tuple[str, ...] = field(default=(), repr=False)
    """Standard Webhooks secrets accepted at once (several during a rotation)."""
    tokens: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Studio script sources allowed to authenticate with a token header instead of an HMAC."""
    max_body: int = 64 * 1024
    """Largest accepted request body, bytes; larger is 413."""
    database_url: str | None = None
    queue_url: str | None = None
    api_token: str | None = field(default=None, repr=False)
    """Bearer token of the service's read API (``GET /events/stats``); unset disables it."""

    def __post_init__(self) -> None:
        for secret in self.secrets:
            _check_secret(secret)
        if self.max_body < 256:
            raise ConfigurationError("max_body is too small", field="max_body", fix=">= 256 bytes")

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **explicit: object
    ) -> ServiceConfig:
        """``explicit`` (non-None) over the ``CXDIAL_*`` variables of ``cxdial serve``."""
        env = os.environ if environ is None else environ
        secrets = tuple(s.strip() for s in env.get(_SECRET_ENV, "").split(",") if s.strip())
        values: dict[str, object] = {
            "secrets": secrets,
            "tokens": _parse_tokens(env.get(_TOKENS_ENV, "")),
            "database_url": env.get("CXDIAL_DATABASE_URL") or None,
            "queue_url": env.get("CXDIAL_QUEUE_URL") or None,
            "api_token": env.get("CXDIAL_API_TOKEN") or None,
        }
        values.update({k: v for k, v in explicit.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def require_auth(self) -> None:
        """Refuse to serve a receiver that would accept unauthenticated events."""
        if not self.secrets and not self.tokens:
            raise ConfigurationError(
                "no webhook secret and no Studio token: the receiver would accept anything",
                field=_SECRET_ENV,
                fix="export CXDIAL_WEBHOOK_SECRET=whsec_… (comma-separate several to rotate)",
            )
