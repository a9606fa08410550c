"""Tables of the second slice: consent records, reconcile checks, list screenings, monitor.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 16:44:42.461602
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the consent, reconcile, list-screening and monitor tables."""
    op.create_table(
        "campaign_list_records",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("campaign", sa.String(length=64), nullable=False),
        sa.Column("list_name", sa.String(length=100), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("phone_e164", sa.String(length=20), nullable=True),
        sa.Column("contact", sa.JSON(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_reasons", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("campaign_list_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_campaign_list_records_list", ["campaign", "list_name", "external_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_campaign_list_records_phone_e164"), ["phone_e164"], unique=False
        )

    op.create_table(
        "campaign_list_screens",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("campaign", sa.String(length=64), nullable=False),
        sa.Column("list_name", sa.String(length=100), nullable=False),
        sa.Column("list_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("skill_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rule_set_version", sa.String(length=64), nullable=False),
        sa.Column("screened_for", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("campaign_list_screens", schema=None) as batch_op:
        batch_op.create_index(
            "ix_campaign_list_screens_list", ["campaign", "list_name"], unique=False
        )

    op.create_table(
        "campaign_monitor",
        sa.Column("campaign", sa.String(length=64), nullable=False),
        sa.Column("degraded", sa.Boolean(), nullable=False),
        sa.Column("backup", sa.String(length=64), nullable=True),
        sa.Column("failed_over_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("campaign"),
    )
    op.create_table(
        "consent_records",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=10), nullable=False),
        sa.Column("seller", sa.String(length=200), nullable=True),
        sa.Column("purposes", sa.String(length=200), nullable=False),
        sa.Column("channels", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.Column("evidence_id", sa.String(length=200), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocation_channel", sa.String(length=200), nullable=True),
        sa.Column("matter", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_records_evidence_id"), ["evidence_id"], unique=False
        )
        batch_op.create_index("ix_consent_records_phone", ["phone"], unique=False)

    op.create_table(
        "event_reconcile_checks",
        sa.Column("contact_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("checks", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.Column("last_error", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("contact_id"),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("event_reconcile_checks")
    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_records_phone")
        batch_op.drop_index(batch_op.f("ix_consent_records_evidence_id"))

    op.drop_table("consent_records")
    op.drop_table("campaign_monitor")
    with op.batch_alter_table("campaign_list_screens", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_list_screens_list")

    op.drop_table("campaign_list_screens")
    with op.batch_alter_table("campaign_list_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_list_records_phone_e164"))
        batch_op.drop_index("ix_campaign_list_records_list")

    op.drop_table("campaign_list_records")
