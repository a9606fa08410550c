"""Tables of the outbound webhooks: subscriptions (CRM / WFM endpoints) and their deliveries.

A delivery row is one message to one subscription; its ``id`` is the ``webhook-id`` the
receiver sees, the same on every retry, so the receiver can deduplicate.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Engine, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cxdial.store.schema import create_schema
from cxdial.store.tables import Base

__all__ = ["DeliveryRow", "SubscriptionRow", "create_webhook_schema"]


class SubscriptionRow(Base):
    """An endpoint that wants some event types, with the ``whsec_`` secret that signs for it."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    disabled_reason: Mapped[str | None] = mapped_column(String(400), default=None)


class DeliveryRow(Base):
    """One message to one subscription: ``pending`` until ``delivered`` or ``dead``."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(String(64), index=True)
    event_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[float] = mapped_column(Float)
    last_status: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str | None] = mapped_column(String(400), default=None)


def create_webhook_schema(engine: Engine) -> None:
    """Bring the store to the head revision (the outbound-webhook tables among them)."""
    create_schema(engine)
