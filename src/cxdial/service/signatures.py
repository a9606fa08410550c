"""Who sent a push: Standard Webhooks signatures, or a Studio script's per-source token.

Signatures are checked with the ``standardwebhooks`` library (HMAC-SHA256 over
``{id}.{timestamp}.{body}``, constant-time compare, 5-minute tolerance both ways) against
every configured secret, so a rotation can overlap old and new. Studio scripts cannot
compute an HMAC; the explicitly enabled token mode compares ``x-cxdial-token`` for the
source named in ``x-cxdial-source`` with :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence

from standardwebhooks.webhooks import (
    EmptyWebhookSecretError,
    Webhook,
    WebhookVerificationError,
)

from cxdial.errors import ConfigurationError, CxdialError

__all__ = ["Authenticator", "SignatureError"]

SOURCE_HEADER = "x-cxdial-source"
TOKEN_HEADER = "x-cxdial-token"  # noqa: S105 - a header name, not a secret


class SignatureError(CxdialError):
    """The push is not authentic (bad, stale or future signature; wrong token)."""


class Authenticator:
    """Verifies a raw body and its headers; returns the event id the sender gave."""

    def __init__(self, secrets: Sequence[str], tokens: Mapping[str, str] | None = None) -> None:
        try:
            self._hooks = [Webhook(s) for s in secrets]
        except (ValueError, EmptyWebhookSecretError):
            raise ConfigurationError(
                "a webhook secret is not whsec_<base64>",
                field="CXDIAL_WEBHOOK_SECRET",
                fix="re-copy the secret",
            ) from None
        self._tokens = {k: v.encode() for k, v in (tokens or {}).items()}

    def verify(self, body: bytes, headers: Mapping[str, str]) -> str:
        """The event id of an authentic push; :class:`SignatureError` otherwise."""
        if "webhook-signature" in headers:
            return self._signed(body, headers)
        if self._tokens and TOKEN_HEADER in headers:
            return self._token(body, headers)
        raise SignatureError(
            "no webhook-signature header",
            fix="sign per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)",
        )

    def _signed(self, body: bytes, headers: Mapping[str, str]) -> str:
        if not self._hooks:
            raise SignatureError("signed pushes are not enabled", fix="set CXDIAL_WEBHOOK_SECRET")
        reason = "no matching signature"
        plain = dict(headers)
        for hook in self._hooks:
            try:
                hook.verify(body, plain, json_parse=False)
            except WebhookVerificationError as exc:
                reason = str(exc)
                if "timestamp" in reason or "headers" in reason.lower():
                    break  # the same for every secret
            except ValueError:  # malformed signature list, base64 or a non-UTF-8 body
                reason = "malformed webhook-signature"
            else:
                return headers["webhook-id"]
        raise SignatureError(reason, fix="check the secret and the sender's clock")

    def _token(self, body: bytes, headers: Mapping[str, str]) -> str:
        source = headers.get(SOURCE_HEADER, "")
        expected = self._tokens.get(source)
        given = headers.get(TOKEN_HEADER, "").encode()
        if expected is None or not hmac.compare_digest(expected, given):
            raise SignatureError(
                "unknown source or wrong token", fix=f"send {SOURCE_HEADER} and its token"
            )
        given_id = headers.get("webhook-id") or headers.get("idempotency-key")
        return f"{source}:{given_id or 'sha256:' + hashlib.sha256(body).hexdigest()}"
