"""The read model and the operator tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-30

The DDL is frozen here as SQL (generated once from adapters/tables.py); later
changes are new revisions, and a test checks tables.py against the migrated
schema.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

STATEMENTS = [
    """
CREATE TABLE agency_deliveries (
    incident_id TEXT NOT NULL,
    agency_unit_id TEXT NOT NULL,
    state TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    agency_reference TEXT,
    reason TEXT,
    at TIMESTAMP WITH TIME ZONE NOT NULL,
    source_partition INTEGER NOT NULL,
    source_offset BIGINT NOT NULL,
    CONSTRAINT pk_agency_deliveries PRIMARY KEY (incident_id, agency_unit_id)
)
    """,
    """
CREATE TABLE agency_feed_snapshots (
    feed_topic TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    type TEXT NOT NULL,
    observed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    location geometry(Point,4326),
    data JSONB NOT NULL,
    source_partition INTEGER NOT NULL,
    source_offset BIGINT NOT NULL,
    CONSTRAINT pk_agency_feed_snapshots PRIMARY KEY (feed_topic, entity_key)
)
    """,
    """
CREATE TABLE agency_feed_status (
    feed TEXT NOT NULL,
    state TEXT NOT NULL,
    last_success_at TIMESTAMP WITH TIME ZONE,
    expected_interval_s INTEGER NOT NULL,
    at TIMESTAMP WITH TIME ZONE NOT NULL,
    source_partition INTEGER NOT NULL,
    source_offset BIGINT NOT NULL,
    CONSTRAINT pk_agency_feed_status PRIMARY KEY (feed)
)
    """,
    """
CREATE TABLE applied_events (
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    source_topic TEXT NOT NULL,
    source_partition INTEGER NOT NULL,
    source_offset BIGINT NOT NULL,
    applied_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_applied_events PRIMARY KEY (event_id)
)
    """,
    """
CREATE TABLE audit_log (
    id BIGSERIAL NOT NULL,
    at TIMESTAMP WITH TIME ZONE NOT NULL,
    user_id TEXT,
    username TEXT,
    role TEXT,
    unit_id TEXT,
    action TEXT NOT NULL,
    incident_id TEXT,
    command_id TEXT,
    outcome TEXT NOT NULL,
    detail JSONB DEFAULT '{}'::jsonb NOT NULL,
    client_ip TEXT,
    CONSTRAINT pk_audit_log PRIMARY KEY (id)
)
    """,
    "CREATE INDEX ix_audit_log_at ON audit_log (at)",
    "CREATE INDEX ix_audit_log_incident_id ON audit_log (incident_id)",
    """
CREATE TABLE changes (
    id BIGSERIAL NOT NULL,
    incident_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    kind TEXT NOT NULL,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    recorded_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_changes PRIMARY KEY (id)
)
    """,
    """
CREATE TABLE command_rejections (
    command_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    command_type TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    detail TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_unit_id TEXT,
    rejected_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_command_rejections PRIMARY KEY (command_id),
    CONSTRAINT uq_command_rejections_event_id UNIQUE (event_id)
)
    """,
    """
CREATE TABLE incident_assignments (
    event_id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    owner_unit_id TEXT NOT NULL,
    handler_unit_id TEXT NOT NULL,
    previous_owner_unit_id TEXT,
    previous_handler_unit_id TEXT,
    reason TEXT,
    CONSTRAINT pk_incident_assignments PRIMARY KEY (event_id)
)
    """,
    """
CREATE INDEX ix_incident_assignments_incident_id ON incident_assignments
        (incident_id)
    """,
    """
CREATE TABLE incident_escalations (
    event_id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    level INTEGER NOT NULL,
    from_unit_id TEXT NOT NULL,
    from_unit_name TEXT NOT NULL,
    to_unit_id TEXT NOT NULL,
    to_unit_name TEXT NOT NULL,
    clock TEXT NOT NULL,
    missed_deadline TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_incident_escalations PRIMARY KEY (event_id)
)
    """,
    """
CREATE INDEX ix_incident_escalations_from_unit_id ON incident_escalations
        (from_unit_id)
    """,
    """
CREATE INDEX ix_incident_escalations_incident_id ON incident_escalations
        (incident_id)
    """,
    """
CREATE TABLE incident_timeline (
    event_id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    type TEXT NOT NULL,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_unit_id TEXT,
    actor_role TEXT,
    command_id TEXT,
    note TEXT,
    data JSONB NOT NULL,
    CONSTRAINT pk_incident_timeline PRIMARY KEY (event_id)
)
    """,
    "CREATE INDEX ix_incident_timeline_command_id ON incident_timeline (command_id)",
    """
CREATE INDEX ix_incident_timeline_incident_id_sequence ON incident_timeline
        (incident_id, sequence)
    """,
    """
CREATE TABLE incidents (
    incident_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    priority_rank SMALLINT NOT NULL,
    location geometry(Point,4326) NOT NULL,
    kelurahan_kode TEXT NOT NULL,
    kelurahan_name TEXT NOT NULL,
    kecamatan_kode TEXT NOT NULL,
    kecamatan_name TEXT NOT NULL,
    owner_unit_id TEXT NOT NULL,
    owner_type TEXT NOT NULL,
    owner_name TEXT NOT NULL,
    handler_unit_id TEXT NOT NULL,
    handler_type TEXT NOT NULL,
    handler_name TEXT NOT NULL,
    copied JSONB NOT NULL,
    unit_ids TEXT[] NOT NULL,
    involves_police BOOLEAN NOT NULL,
    report_count INTEGER NOT NULL,
    public_report_count INTEGER DEFAULT 0 NOT NULL,
    opened_at TIMESTAMP WITH TIME ZONE NOT NULL,
    acknowledged_at TIMESTAMP WITH TIME ZONE,
    first_action_at TIMESTAMP WITH TIME ZONE,
    resolved_at TIMESTAMP WITH TIME ZONE,
    closed_at TIMESTAMP WITH TIME ZONE,
    sla_acknowledge_by TIMESTAMP WITH TIME ZONE NOT NULL,
    sla_first_action_by TIMESTAMP WITH TIME ZONE NOT NULL,
    sla_resolve_by TIMESTAMP WITH TIME ZONE,
    handler_sla JSONB,
    escalation_level INTEGER NOT NULL,
    reassign_count INTEGER NOT NULL,
    external_refs JSONB DEFAULT '{}'::jsonb NOT NULL,
    description_public TEXT,
    rule_id TEXT,
    rules_version TEXT,
    dedup_key TEXT,
    next_deadline TIMESTAMP WITH TIME ZONE GENERATED ALWAYS AS (CASE WHEN status IN ('open',
        'acknowledged', 'in_progress') THEN CASE WHEN acknowledged_at IS NULL THEN
        sla_acknowledge_by WHEN first_action_at IS NULL THEN sla_first_action_by ELSE
        sla_resolve_by END END) STORED,
    search_doc TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, category ||
        ' ' || kelurahan_name || ' ' || kecamatan_name || ' ' || owner_name || ' ' ||
        handler_name || ' ' || coalesce(description_public, ''))) STORED,
    report_doc TSVECTOR,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_incidents PRIMARY KEY (incident_id)
)
    """,
    "CREATE INDEX ix_incidents_category ON incidents (category)",
    "CREATE INDEX ix_incidents_handler_unit_id ON incidents (handler_unit_id)",
    "CREATE INDEX ix_incidents_kecamatan_kode ON incidents (kecamatan_kode)",
    "CREATE INDEX ix_incidents_kelurahan_kode ON incidents (kelurahan_kode)",
    "CREATE INDEX ix_incidents_location ON incidents USING gist (location)",
    "CREATE INDEX ix_incidents_next_deadline ON incidents (next_deadline)",
    "CREATE INDEX ix_incidents_opened_at ON incidents (opened_at)",
    "CREATE INDEX ix_incidents_owner_unit_id ON incidents (owner_unit_id)",
    "CREATE INDEX ix_incidents_report_doc ON incidents USING gin (report_doc)",
    "CREATE INDEX ix_incidents_resolved_at ON incidents (resolved_at)",
    "CREATE INDEX ix_incidents_search_doc ON incidents USING gin (search_doc)",
    "CREATE INDEX ix_incidents_status_opened_at ON incidents (status, opened_at)",
    """
CREATE INDEX ix_incidents_terminal_at ON incidents (coalesce(resolved_at,
        closed_at))
    """,
    "CREATE INDEX ix_incidents_unit_ids ON incidents USING gin (unit_ids)",
    "CREATE INDEX ix_incidents_updated_at ON incidents (updated_at)",
    """
CREATE TABLE kecamatan (
    kode TEXT NOT NULL,
    name TEXT NOT NULL,
    population INTEGER,
    area_km2 FLOAT NOT NULL,
    geom geometry(MultiPolygon,4326) NOT NULL,
    CONSTRAINT pk_kecamatan PRIMARY KEY (kode)
)
    """,
    """
CREATE TABLE reports (
    report_id TEXT NOT NULL,
    incident_id TEXT,
    status TEXT NOT NULL,
    submitted_at TIMESTAMP WITH TIME ZONE,
    category TEXT,
    description TEXT,
    address_text TEXT,
    location geometry(Point,4326),
    accuracy_m FLOAT,
    needs_manual_location BOOLEAN,
    media JSONB DEFAULT '[]'::jsonb NOT NULL,
    answers JSONB DEFAULT '{}'::jsonb NOT NULL,
    reporter_name TEXT,
    reporter_phone TEXT,
    reporter_email TEXT,
    privacy TEXT,
    channel TEXT,
    client_id TEXT,
    kelurahan_kode TEXT,
    kecamatan_kode TEXT,
    owner_unit_id TEXT,
    handler_unit_id TEXT,
    rule_id TEXT,
    rules_version TEXT,
    merged BOOLEAN,
    routing_reasons JSONB,
    rejection_reason TEXT,
    rejection_detail TEXT,
    routed_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_reports PRIMARY KEY (report_id)
)
    """,
    "CREATE INDEX ix_reports_incident_id ON reports (incident_id)",
    "CREATE INDEX ix_reports_kelurahan_kode ON reports (kelurahan_kode)",
    "CREATE INDEX ix_reports_location ON reports USING gist (location)",
    "CREATE INDEX ix_reports_submitted_at ON reports (submitted_at)",
    """
CREATE TABLE users (
    id TEXT NOT NULL,
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    disabled BOOLEAN DEFAULT false NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    password_changed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_users PRIMARY KEY (id),
    CONSTRAINT uq_users_username UNIQUE (username)
)
    """,
    """
CREATE TABLE kelurahan (
    kode TEXT NOT NULL,
    name TEXT NOT NULL,
    kecamatan_kode TEXT NOT NULL,
    population INTEGER,
    area_km2 FLOAT NOT NULL,
    geom geometry(MultiPolygon,4326) NOT NULL,
    CONSTRAINT pk_kelurahan PRIMARY KEY (kode),
    CONSTRAINT fk_kelurahan_kecamatan_kode_kecamatan FOREIGN KEY(kecamatan_kode) REFERENCES
        kecamatan (kode)
)
    """,
    """
CREATE TABLE refresh_tokens (
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    family_id TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    issued_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at TIMESTAMP WITH TIME ZONE,
    replaced_by TEXT,
    CONSTRAINT pk_refresh_tokens PRIMARY KEY (id),
    CONSTRAINT fk_refresh_tokens_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON
        DELETE CASCADE,
    CONSTRAINT uq_refresh_tokens_token_hash UNIQUE (token_hash)
)
    """,
    "CREATE INDEX ix_refresh_tokens_family_id ON refresh_tokens (family_id)",
]

TABLES = [
    "refresh_tokens",
    "kelurahan",
    "users",
    "reports",
    "kecamatan",
    "incidents",
    "incident_timeline",
    "incident_escalations",
    "incident_assignments",
    "command_rejections",
    "changes",
    "audit_log",
    "applied_events",
    "agency_feed_status",
    "agency_feed_snapshots",
    "agency_deliveries",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TABLE {table}")
