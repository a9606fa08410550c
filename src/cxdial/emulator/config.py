"""The emulator's settings: seed, faults, clock speed, agents, tokens, webhooks."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["EmulatorConfig"]


class EmulatorConfig(BaseModel):
    """Everything that shapes one emulated tenant; the same config and seed replay the same."""

    model_config = ConfigDict(extra="forbid")

    seed: int = Field(default=7, description="seed of every random draw (outcomes, faults)")
    faults: str = Field(default="", description="fault spec, e.g. '429=0.1,latency=200ms'")
    speed: float = Field(default=1.0, gt=0, description="simulated seconds per real second")
    manual_clock: bool = Field(
        default=False, description="time moves only through POST /_emulator/clock/advance"
    )
    start_at: datetime | None = Field(
        default=None,
        description="the UTC instant simulated time starts at (default: now); an aware "
        "datetime, so a test can place the tenant at 20:55 in New York",
    )
    token_lifetime: int = Field(default=3600, gt=0, description="access token lifetime, seconds")
    agents: int = Field(default=10, ge=0, description="simulated agents logged in to PC skills")
    rate_limit: float | None = Field(
        default=None, gt=0, description="requests per second per access key; None = unlimited"
    )
    webhook_url: str | None = Field(default=None, description="where call events are POSTed")
    webhook_secret: str | None = Field(
        default=None, description="Standard Webhooks secret ('whsec_<base64>' or raw text)"
    )
    webhook_concurrency: int = Field(
        default=1, ge=1, le=256, description="webhook POSTs in flight at once (1: in order)"
    )
    webhook_attempts: int = Field(
        default=5, ge=1, le=1000, description="tries per webhook before it is given up"
    )
    pacing: str = Field(
        default="progressive",
        description="pacing policy of every PC skill's dialer: predictive, progressive, "
        "ratio:X or vicidial (cxdial.pacing.make_policy)",
    )
    tick_interval: float = Field(
        default=0.2, gt=0, description="real seconds between background ticks under a server"
    )

    @field_validator("start_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("start_at needs a time zone (e.g. 2026-11-24T20:55:00-05:00)")
        return value

    @field_validator("pacing")
    @classmethod
    def _known_policy(cls, value: str) -> str:
        from cxdial.errors import ValidationError
        from cxdial.pacing.factory import make_policy

        try:
            make_policy(value)
        except ValidationError as exc:
            raise ValueError(f"{exc.message}; {exc.fix}") from None
        return value
