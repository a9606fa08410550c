"""Baseline: the store's tables as cxdial made them before migrations, and the ledger triggers.

Revision ID: 0001
Revises:
Create Date: 2026-12-02

On a database a cxdial from before migrations made (tables, no version table) this
revision adopts what is there: a table that exists is kept (and must have every column
listed here, else it is refused by name), a missing index is added, a missing table is
created; the triggers are created if absent. On an empty database it creates everything.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from cxdial.errors import ConfigurationError

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS compliance_ledger_no_update BEFORE UPDATE ON "
    "compliance_ledger BEGIN SELECT RAISE(ABORT, 'the compliance ledger is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS compliance_ledger_no_delete BEFORE DELETE ON "
    "compliance_ledger BEGIN SELECT RAISE(ABORT, 'the compliance ledger is append-only'); END",
)
PG_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION cxdial_ledger_append_only() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN RAISE EXCEPTION 'the compliance ledger is append-only'; END $$",
    "CREATE OR REPLACE TRIGGER compliance_ledger_append_only BEFORE UPDATE OR DELETE ON "
    "compliance_ledger FOR EACH ROW EXECUTE FUNCTION cxdial_ledger_append_only()",
    "CREATE OR REPLACE TRIGGER compliance_ledger_no_truncate BEFORE TRUNCATE ON "
    "compliance_ledger FOR EACH STATEMENT EXECUTE FUNCTION cxdial_ledger_append_only()",
)


class _Adopt:
    """``op.create_table`` / ``op.create_index`` that keep what a pre-migration cxdial made."""

    def __init__(self) -> None:
        self.inspector = sa.inspect(op.get_bind())
        self.present = set(self.inspector.get_table_names())

    def create_table(self, name: str, *items: Any) -> None:
        if name not in self.present:
            op.create_table(name, *items)
            return
        have = {c["name"] for c in self.inspector.get_columns(name)}
        missing = [i.name for i in items if isinstance(i, sa.Column) and i.name not in have]
        if missing:
            raise ConfigurationError(
                f"the table {name} predates this version of cxdial "
                f"(no {', '.join(missing)} column)",
                field="database_url",
                fix="point CXDIAL_DATABASE_URL at a new database; keep the old one to read",
            )

    def create_index(self, name: str, table: str, columns: list[str], *, unique: bool) -> None:
        if table in self.present and name in {i["name"] for i in self.inspector.get_indexes(table)}:
            return
        op.create_index(name, table, columns, unique=unique)


def upgrade() -> None:
    """Create (or adopt) every table, then the ledger's append-only triggers."""
    adopt = _Adopt()
    adopt.create_table(
        "campaign_runs",
        sa.Column("campaign", sa.String(length=64), nullable=False),
        sa.Column("skill_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("campaign"),
    )
    adopt.create_table(
        "campaign_snapshots",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("campaign", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    adopt.create_index(
        op.f("ix_campaign_snapshots_campaign"), "campaign_snapshots", ["campaign"], unique=False
    )
    adopt.create_table(
        "campaign_versions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("campaign", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("skill_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign", "number", name="uq_campaign_version"),
    )
    adopt.create_index(
        op.f("ix_campaign_versions_campaign"), "campaign_versions", ["campaign"], unique=False
    )
    adopt.create_table(
        "call_attempts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("phone_e164", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("debt_id", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    adopt.create_index(op.f("ix_call_attempts_at"), "call_attempts", ["at"], unique=False)
    adopt.create_index(op.f("ix_call_attempts_debt_id"), "call_attempts", ["debt_id"], unique=False)
    adopt.create_index(
        "ix_call_attempts_phone_at", "call_attempts", ["phone_e164", "at"], unique=False
    )
    adopt.create_table(
        "compliance_ledger",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("ledger", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contact_id", sa.String(length=200), nullable=False),
        sa.Column("phone_e164", sa.String(length=20), nullable=True),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.String(length=400), nullable=False),
        sa.Column("next_allowed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rule_set_version", sa.String(length=64), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("zones", sa.String(length=400), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ledger", "prev_hash", name="uq_compliance_ledger_prev"),
        sa.UniqueConstraint("ledger", "seq", name="uq_compliance_ledger_seq"),
    )
    adopt.create_index(
        op.f("ix_compliance_ledger_contact_id"), "compliance_ledger", ["contact_id"], unique=False
    )
    adopt.create_index(
        op.f("ix_compliance_ledger_phone_e164"), "compliance_ledger", ["phone_e164"], unique=False
    )
    adopt.create_table(
        "event_call_state",
        sa.Column("contact_id", sa.BigInteger(), nullable=False),
        sa.Column("skill_id", sa.BigInteger(), nullable=False),
        sa.Column("phone_e164", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("disposition", sa.String(length=200), nullable=True),
        sa.Column("agent_id", sa.BigInteger(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=True),
        sa.Column("sequences", sa.JSON(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("reconciled", sa.Boolean(), nullable=False),
        sa.Column("attempt_id", sa.BigInteger(), nullable=True),
        sa.Column("extras", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("contact_id"),
    )
    adopt.create_index(
        "ix_event_call_state_skill_at", "event_call_state", ["skill_id", "started_at"], unique=False
    )
    adopt.create_table(
        "event_counters",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    adopt.create_table(
        "event_queue",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", sa.Float(), nullable=False),
        sa.Column("enqueued_at", sa.Float(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    adopt.create_index(
        "ix_event_queue_state_available", "event_queue", ["state", "available_at"], unique=False
    )
    adopt.create_table(
        "event_seen_ids",
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("seen_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    adopt.create_index(
        op.f("ix_event_seen_ids_seen_at"), "event_seen_ids", ["seen_at"], unique=False
    )
    adopt.create_table(
        "event_seen_keys",
        sa.Column("contact_id", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("seen_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("contact_id", "type"),
    )
    adopt.create_index(
        op.f("ix_event_seen_keys_seen_at"), "event_seen_keys", ["seen_at"], unique=False
    )
    adopt.create_table(
        "event_watermarks",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    adopt.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("subscription_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    adopt.create_index(
        "ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_at"], unique=False
    )
    adopt.create_index(
        op.f("ix_webhook_deliveries_subscription_id"),
        "webhook_deliveries",
        ["subscription_id"],
        unique=False,
    )
    adopt.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("disabled_reason", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )

    dialect = op.get_bind().dialect.name
    for ddl in SQLITE_TRIGGERS if dialect == "sqlite" else ():
        op.execute(ddl)
    for ddl in PG_TRIGGERS if dialect == "postgresql" else ():
        op.execute(ddl)


def downgrade() -> None:
    """Drop every table (and with the ledger its triggers): the data goes too."""
    op.drop_table("webhook_subscriptions")
    op.drop_index(op.f("ix_webhook_deliveries_subscription_id"), table_name="webhook_deliveries")
    op.drop_index("ix_webhook_deliveries_due", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_table("event_watermarks")
    op.drop_index(op.f("ix_event_seen_keys_seen_at"), table_name="event_seen_keys")
    op.drop_table("event_seen_keys")
    op.drop_index(op.f("ix_event_seen_ids_seen_at"), table_name="event_seen_ids")
    op.drop_table("event_seen_ids")
    op.drop_index("ix_event_queue_state_available", table_name="event_queue")
    op.drop_table("event_queue")
    op.drop_table("event_counters")
    op.drop_index("ix_event_call_state_skill_at", table_name="event_call_state")
    op.drop_table("event_call_state")
    op.drop_index(op.f("ix_compliance_ledger_phone_e164"), table_name="compliance_ledger")
    op.drop_index(op.f("ix_compliance_ledger_contact_id"), table_name="compliance_ledger")
    op.drop_table("compliance_ledger")
    op.drop_index("ix_call_attempts_phone_at", table_name="call_attempts")
    op.drop_index(op.f("ix_call_attempts_debt_id"), table_name="call_attempts")
    op.drop_index(op.f("ix_call_attempts_at"), table_name="call_attempts")
    op.drop_table("call_attempts")
    op.drop_index(op.f("ix_campaign_versions_campaign"), table_name="campaign_versions")
    op.drop_table("campaign_versions")
    op.drop_index(op.f("ix_campaign_snapshots_campaign"), table_name="campaign_snapshots")
    op.drop_table("campaign_snapshots")
    op.drop_table("campaign_runs")

    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS cxdial_ledger_append_only()")
