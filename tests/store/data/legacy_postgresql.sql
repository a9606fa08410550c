-- The schema a cxdial from before migrations made on postgresql, frozen: the DDL that
-- create_schema and CampaignStore of commit 0dc37dc ran with every store module imported
-- (tables, indexes, the ledger's append-only triggers). Statements are separated by a
-- blank line. Never regenerate: this is what databases in the field hold.

CREATE TABLE call_attempts (
    id BIGSERIAL NOT NULL,
    phone_e164 VARCHAR(20) NOT NULL,
    at TIMESTAMP WITH TIME ZONE NOT NULL,
    subject VARCHAR(200),
    debt_id VARCHAR(200),
    outcome VARCHAR(32) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_call_attempts_at ON call_attempts (at);

CREATE INDEX ix_call_attempts_debt_id ON call_attempts (debt_id);

CREATE INDEX ix_call_attempts_phone_at ON call_attempts (phone_e164, at);

CREATE TABLE compliance_ledger (
    id BIGSERIAL NOT NULL,
    ledger VARCHAR(64) NOT NULL,
    seq BIGINT NOT NULL,
    recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_for TIMESTAMP WITH TIME ZONE,
    contact_id VARCHAR(200) NOT NULL,
    phone_e164 VARCHAR(20),
    purpose VARCHAR(32) NOT NULL,
    allowed BOOLEAN NOT NULL,
    reasons VARCHAR(400) NOT NULL,
    next_allowed_at TIMESTAMP WITH TIME ZONE,
    rule_set_version VARCHAR(64) NOT NULL,
    override_reason TEXT,
    zones VARCHAR(400) NOT NULL,
    details JSON NOT NULL,
    inputs JSON NOT NULL,
    prev_hash VARCHAR(64) NOT NULL,
    entry_hash VARCHAR(64) NOT NULL,
    key_id VARCHAR(16) NOT NULL,
    mac VARCHAR(64) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uq_compliance_ledger_seq UNIQUE (ledger, seq),
    CONSTRAINT uq_compliance_ledger_prev UNIQUE (ledger, prev_hash)
);

CREATE INDEX ix_compliance_ledger_contact_id ON compliance_ledger (contact_id);

CREATE INDEX ix_compliance_ledger_phone_e164 ON compliance_ledger (phone_e164);

CREATE TABLE event_call_state (
    contact_id BIGSERIAL NOT NULL,
    skill_id BIGINT NOT NULL,
    phone_e164 VARCHAR(20) NOT NULL,
    state VARCHAR(32) NOT NULL,
    outcome VARCHAR(16),
    disposition VARCHAR(200),
    agent_id BIGINT,
    duration_s FLOAT,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_sequence INTEGER,
    sequences JSON NOT NULL,
    answered BOOLEAN NOT NULL,
    reconciled BOOLEAN NOT NULL,
    attempt_id BIGINT,
    extras JSON NOT NULL,
    PRIMARY KEY (contact_id)
);

CREATE INDEX ix_event_call_state_skill_at ON event_call_state (skill_id, started_at);

CREATE TABLE event_counters (
    name VARCHAR(32) NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (name)
);

CREATE TABLE event_queue (
    id BIGSERIAL NOT NULL,
    body TEXT NOT NULL,
    state VARCHAR(8) NOT NULL,
    attempts INTEGER NOT NULL,
    available_at FLOAT NOT NULL,
    enqueued_at FLOAT NOT NULL,
    last_error TEXT,
    PRIMARY KEY (id)
);

CREATE INDEX ix_event_queue_state_available ON event_queue (state, available_at);

CREATE TABLE event_seen_ids (
    event_id VARCHAR(200) NOT NULL,
    seen_at FLOAT NOT NULL,
    PRIMARY KEY (event_id)
);

CREATE INDEX ix_event_seen_ids_seen_at ON event_seen_ids (seen_at);

CREATE TABLE event_seen_keys (
    contact_id BIGINT NOT NULL,
    type VARCHAR(32) NOT NULL,
    seen_at FLOAT NOT NULL,
    PRIMARY KEY (contact_id, type)
);

CREATE INDEX ix_event_seen_keys_seen_at ON event_seen_keys (seen_at);

CREATE TABLE event_watermarks (
    name VARCHAR(100) NOT NULL,
    value VARCHAR(64) NOT NULL,
    PRIMARY KEY (name)
);

CREATE TABLE webhook_deliveries (
    id VARCHAR(64) NOT NULL,
    subscription_id VARCHAR(64) NOT NULL,
    event_type VARCHAR(64) NOT NULL,
    body TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    attempts INTEGER NOT NULL,
    next_at FLOAT NOT NULL,
    last_status INTEGER,
    last_error VARCHAR(400),
    PRIMARY KEY (id)
);

CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_at);

CREATE INDEX ix_webhook_deliveries_subscription_id ON webhook_deliveries (subscription_id);

CREATE TABLE webhook_subscriptions (
    id VARCHAR(64) NOT NULL,
    url VARCHAR(2000) NOT NULL,
    event_types JSON NOT NULL,
    secret VARCHAR(200) NOT NULL,
    enabled BOOLEAN NOT NULL,
    consecutive_failures INTEGER NOT NULL,
    disabled_reason VARCHAR(400),
    PRIMARY KEY (id)
);

CREATE TABLE campaign_runs (
    campaign VARCHAR(64) NOT NULL,
    skill_id BIGINT NOT NULL,
    state VARCHAR(16) NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (campaign)
);

CREATE TABLE campaign_snapshots (
    id BIGSERIAL NOT NULL,
    campaign VARCHAR(64) NOT NULL,
    version INTEGER NOT NULL,
    kind VARCHAR(8) NOT NULL,
    config JSON NOT NULL,
    taken_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_campaign_snapshots_campaign ON campaign_snapshots (campaign);

CREATE TABLE campaign_versions (
    id BIGSERIAL NOT NULL,
    campaign VARCHAR(64) NOT NULL,
    number INTEGER NOT NULL,
    content_hash VARCHAR(64) NOT NULL,
    spec JSON NOT NULL,
    config JSON NOT NULL,
    skill_id BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL,
    actor VARCHAR(200) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uq_campaign_version UNIQUE (campaign, number)
);

CREATE INDEX ix_campaign_versions_campaign ON campaign_versions (campaign);

CREATE OR REPLACE FUNCTION cxdial_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the compliance ledger is append-only'; END $$;

CREATE OR REPLACE TRIGGER compliance_ledger_append_only BEFORE UPDATE OR DELETE ON compliance_ledger FOR EACH ROW EXECUTE FUNCTION cxdial_ledger_append_only();

CREATE OR REPLACE TRIGGER compliance_ledger_no_truncate BEFORE TRUNCATE ON compliance_ledger FOR EACH STATEMENT EXECUTE FUNCTION cxdial_ledger_append_only();
