"""Settings, resolved once and in one direction.

Precedence, highest first: explicit arguments, ``CXDIAL_*`` environment variables, the
profile file (``~/.config/cxdial/profiles.toml``, section named by ``profile``), defaults.
Secrets are :class:`pydantic.SecretStr`: masked in ``repr``, logs and ``model_dump``.

Every tunable number of the HTTP policy lives here, not scattered through the code.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from cxdial.errors import ConfigurationError
from cxdial.store.paths import default_database_url
from cxdial.validation_errors import validation_error

__all__ = [
    "DEFAULT_DIAL_SCRIPT",
    "DEFAULT_PROFILE_PATH",
    "ENV_PREFIX",
    "Settings",
    "load_settings",
]

ENV_PREFIX = "CXDIAL_"
DEFAULT_PROFILE_PATH = Path("~/.config/cxdial/profiles.toml")
DEFAULT_DIAL_SCRIPT = "Personal\\cxdial\\AdhocDial"
"""The Studio script ``/scripts/start`` spawns for an ad-hoc call (cxdial's own contract)."""


class Settings(BaseModel):
    """Everything cxdial needs to reach a CXone tenant (or the emulator) and behave."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- where and who -------------------------------------------------------------
    issuer: str = Field(
        default="https://cxone.niceincontact.com",
        description="OIDC issuer; discovery documents are read from it",
    )
    access_key_id: str | None = Field(default=None, description="CXone user access key id")
    access_key_secret: SecretStr | None = Field(default=None, description="access key secret")
    client_id: str | None = Field(default=None, description="registered application client id")
    client_secret: SecretStr | None = Field(default=None, description="application secret")
    client_auth: Literal["basic", "post"] = Field(
        default="basic",
        description="client_secret_basic (Authorization header) or client_secret_post (form body)",
    )
    api_endpoint: str | None = Field(
        default=None, description="override the tenant API host found through discovery"
    )
    token_cache_path: Path | None = Field(
        default=None, description="optional on-disk token cache (written with mode 0600)"
    )

    # --- HTTP policy ---------------------------------------------------------------
    timeout: float = Field(default=30.0, gt=0, description="per-request timeout, seconds")
    connect_timeout: float = Field(default=10.0, gt=0)
    max_retries: int = Field(default=4, ge=0, le=20)
    max_retry_time: float = Field(default=60.0, gt=0, description="total time cap for retries")
    backoff_initial: float = Field(default=0.5, gt=0)
    backoff_max: float = Field(default=8.0, gt=0)
    retry_after_cap: float = Field(default=60.0, gt=0, description="longest Retry-After obeyed")
    rate_limit: float = Field(
        default=10.0,
        gt=0,
        description="client-side requests per second; CXone publishes no limit, so be gentle",
    )
    rate_burst: int = Field(default=20, ge=1)
    verify_settle: float = Field(
        default=2.0,
        ge=0,
        description="after an ambiguous write found nothing, wait this long and look again "
        "before re-sending (a write CXone applied can take a moment to show in reports)",
    )
    token_refresh_margin: float = Field(
        default=600.0, ge=0, description="refresh this many seconds before the token expires"
    )

    # --- dialing -------------------------------------------------------------------
    skill_id: int | None = Field(default=None, description="default skill for ad-hoc calls")
    caller_id: str | None = Field(default=None, description="default caller id (E.164)")
    dial_script_path: str = Field(
        default=DEFAULT_DIAL_SCRIPT,
        description="Studio script spawned by /scripts/start to place an ad-hoc call",
    )

    # --- storage -------------------------------------------------------------------
    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL of the store (default: a file under the user data dir)",
    )

    def __repr_args__(self) -> Any:
        return [(k, v) for k, v in super().__repr_args__() if v is not None]

    def require(self, *names: str) -> None:
        """Raise :class:`ConfigurationError` naming each missing setting and its env var."""
        missing = [n for n in names if getattr(self, n) is None]
        if missing:
            envs = ", ".join(ENV_PREFIX + n.upper() for n in missing)
            raise ConfigurationError(
                f"missing setting(s): {', '.join(missing)}",
                field=missing[0],
                fix=f"pass them, export {envs}, or add them to a profile in {DEFAULT_PROFILE_PATH}",
            )


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    fields = Settings.model_fields
    out: dict[str, Any] = {}
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX):
            name = key[len(ENV_PREFIX) :].lower()
            if name in fields:
                out[name] = value
    return out


def _from_profile(path: Path, profile: str | None) -> dict[str, Any]:
    path = path.expanduser()
    if not path.exists():
        if profile is not None:
            raise ConfigurationError(
                f"profile {profile!r} requested but {path} does not exist",
                field="profile",
                fix=f"create {path} with a [{profile}] section",
            )
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(
            f"cannot parse profile file {path}: {exc}", field="profile", fix="fix the TOML syntax"
        ) from exc
    name = profile or "default"
    section = data.get(name)
    if section is None:
        if profile is not None:
            raise ConfigurationError(
                f"profile {profile!r} not found in {path}",
                field="profile",
                fix=f"one of: {', '.join(sorted(data)) or '(none)'}",
            )
        return {}
    if not isinstance(section, dict):
        raise ConfigurationError(
            f"profile {name!r} in {path} is not a table", field="profile", fix=f"use [{name}]"
        )
    return dict(section)


def load_settings(
    *,
    profile: str | None = None,
    profile_path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **explicit: Any,
) -> Settings:
    """Resolve settings: explicit arguments > ``CXDIAL_*`` env > profile file > defaults.

    ``profile`` defaults to ``CXDIAL_PROFILE``; explicit ``None`` values are ignored so a
    CLI can pass every option through unchanged.
    """
    env = os.environ if environ is None else environ
    profile = profile or env.get(ENV_PREFIX + "PROFILE")
    path = profile_path or Path(env.get(ENV_PREFIX + "PROFILE_FILE", str(DEFAULT_PROFILE_PATH)))
    merged: dict[str, Any] = {}
    merged.update(_from_profile(path, profile))
    merged.update(_from_env(env))
    merged.update({k: v for k, v in explicit.items() if v is not None})
    unknown = sorted(set(merged) - set(Settings.model_fields))
    if unknown:
        raise ConfigurationError(
            f"unknown setting(s): {', '.join(unknown)}",
            field=unknown[0],
            fix=f"valid settings: {', '.join(sorted(Settings.model_fields))}",
        )
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        raise validation_error(
            exc,
            subject="settings",
            error=ConfigurationError,
            fix=lambda p: (
                f"set {ENV_PREFIX}{p.field.upper()} (or the profile key {p.field!r}) "
                "to a valid value"
            ),
        ) from exc
