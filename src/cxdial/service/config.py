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
from pathlib import Path

from cxdial.errors import ConfigurationError, ValidationError
from cxdial.events.dispositions import DispositionRules
from cxdial.events.outbound import RETRY_SCHEDULE, OutboundSettings

__all__ = [
    "OUTBOUND_ENV",
    "RECONCILE_ENV",
    "RESCREEN_ENV",
    "ServiceConfig",
    "outbound_from_env",
    "schedule_of",
]

_SECRET_ENV = "CXDIAL_WEBHOOK_SECRET"  # noqa: S105 - an env var name, not a secret
_TOKENS_ENV = "CXDIAL_WEBHOOK_TOKENS"

OUTBOUND_ENV = {
    "allowed_networks": "CXDIAL_OUTBOUND_ALLOW_NETWORKS",
    "max_attempts": "CXDIAL_OUTBOUND_MAX_ATTEMPTS",
    "disable_after": "CXDIAL_OUTBOUND_DISABLE_AFTER",
    "timeout_s": "CXDIAL_OUTBOUND_TIMEOUT",
    "interval": "CXDIAL_OUTBOUND_INTERVAL",
}
"""The variables of outbound delivery (``cxdial serve --role deliverer``)."""

RECONCILE_ENV = {
    "grace": "CXDIAL_RECONCILE_GRACE",
    "interval": "CXDIAL_RECONCILE_INTERVAL",
}
"""The variables of the reconciliation pass (``cxdial serve --role poller``)."""

RESCREEN_ENV = {
    "specs": "CXDIAL_CAMPAIGN_SPECS",
    "interval": "CXDIAL_RESCREEN_INTERVAL",
    "debounce": "CXDIAL_RESCREEN_DEBOUNCE",
    "dnc": "CXDIAL_RESCREEN_DNC",
    "rules_dir": "CXDIAL_RULES_DIR",
    "monitor_interval": "CXDIAL_MONITOR_INTERVAL",
}
"""The variables of the re-screen job (``cxdial serve --role rescreener``)."""


def _paths(env: Mapping[str, str], name: str) -> tuple[Path, ...]:
    """A comma-separated list of files; each must exist."""
    paths = tuple(Path(p.strip()) for p in env.get(name, "").split(",") if p.strip())
    for path in paths:
        if not path.is_file():
            raise ConfigurationError(
                f"{name} names {str(path)!r}, which is not a file",
                field=name,
                fix="comma-separated paths of existing files",
            )
    return paths


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


def _number(env: Mapping[str, str], name: str, default: float, *, integer: bool = False) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        value = -1
    if value <= 0:
        kind = "a whole number" if integer else "a number of seconds"
        raise ConfigurationError(
            f"{name} must be {kind} above 0, not {text!r}", field=name, fix=f"e.g. {default:g}"
        )
    return value


def schedule_of(max_attempts: int) -> tuple[float, ...]:
    """Svix's retry schedule cut to ``max_attempts``, or extended by its last wait."""
    extra = max(0, max_attempts - len(RETRY_SCHEDULE))
    return (RETRY_SCHEDULE + (RETRY_SCHEDULE[-1],) * extra)[:max_attempts]


def outbound_from_env(env: Mapping[str, str]) -> OutboundSettings:
    """``CXDIAL_OUTBOUND_*`` as :class:`OutboundSettings` (defaults: Svix's 8 attempts,
    disabled after 8 failures in a row, 10 s timeout, no private network allowed)."""
    names = OUTBOUND_ENV
    networks = tuple(
        n.strip() for n in env.get(names["allowed_networks"], "").split(",") if n.strip()
    )
    attempts = int(_number(env, names["max_attempts"], len(RETRY_SCHEDULE), integer=True))
    try:
        return OutboundSettings(
            schedule=schedule_of(attempts),
            disable_after=int(_number(env, names["disable_after"], attempts, integer=True)),
            allowed_networks=networks,
            timeout_s=_number(env, names["timeout_s"], 10.0),
        )
    except ValidationError as exc:
        raise ConfigurationError(
            exc.message, field=names["allowed_networks"], fix="comma-separated CIDRs"
        ) from None


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
    outbound: OutboundSettings = field(default_factory=OutboundSettings)
    """Delivery of outbound webhooks (SSRF allowances, attempts, timeout)."""
    outbound_interval: float = 1.0
    """Seconds between delivery passes when nothing was due."""
    reconcile_grace: float = 900.0
    """Seconds a call may lack a terminal event or have a gap before it is looked up."""
    reconcile_interval: float = 300.0
    """Seconds between reconciliation passes of the poller role."""
    dispositions: DispositionRules = field(default_factory=DispositionRules)
    """Dispositions the worker records as consent revocations or do-not-call requests."""
    campaign_specs: tuple[Path, ...] = ()
    """Campaign spec files whose lists the rescreener role keeps screened (none: idle)."""
    rescreen_interval: float = 3600.0
    """Seconds between whole-list re-screens of the rescreener role."""
    rescreen_debounce: float = 2.0
    """Seconds the rescreener waits between passes over the numbers events handed over."""
    rescreen_dnc: tuple[Path, ...] = ()
    """DNC files (``--dnc`` format) the re-screen gate loads besides the store's internal list."""
    rules_dir: Path | None = None
    """Reviewed rules files for the re-screen gate (``CXDIAL_RULES_DIR``)."""
    monitor_interval: float = 60.0
    """Seconds between the monitor role's evaluations of the configured campaigns."""

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
            "outbound": outbound_from_env(env),
            "outbound_interval": _number(env, OUTBOUND_ENV["interval"], 1.0),
            "reconcile_grace": _number(env, RECONCILE_ENV["grace"], 900.0),
            "reconcile_interval": _number(env, RECONCILE_ENV["interval"], 300.0),
            "dispositions": DispositionRules.from_env(env),
            "campaign_specs": _paths(env, RESCREEN_ENV["specs"]),
            "rescreen_interval": _number(env, RESCREEN_ENV["interval"], 3600.0),
            "rescreen_debounce": _number(env, RESCREEN_ENV["debounce"], 2.0),
            "rescreen_dnc": _paths(env, RESCREEN_ENV["dnc"]),
            "monitor_interval": _number(env, RESCREEN_ENV["monitor_interval"], 60.0),
            "rules_dir": Path(d) if (d := env.get(RESCREEN_ENV["rules_dir"], "").strip()) else None,
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
