"""Intake's tables: the citizen-facing projection, idempotency keys, API clients.

Revision ID: 0001
Revises:
Create Date: 2026-11-30

Unqualified names: env.py runs this with the search_path set to the target
schema (``intake`` live, a unique schema per test run).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

STATEMENTS = [
    # One row per report.submitted: written by the POST that produced it (so
    # the report is readable at once) and again, idempotently, by the
    # projection worker reading the topic (so a crash between the broker's
    # acknowledgement and this insert heals, and the table can be rebuilt).
    """
CREATE TABLE reports (
    report_id UUID NOT NULL,
    submitted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    accuracy_m DOUBLE PRECISION,
    address_text TEXT,
    needs_manual_location BOOLEAN NOT NULL,
    media JSONB NOT NULL,
    media_urls JSONB NOT NULL,
    privacy TEXT NOT NULL,
    channel TEXT NOT NULL,
    client_id TEXT,
    CONSTRAINT pk_reports PRIMARY KEY (report_id),
    CONSTRAINT ck_reports_privacy CHECK (privacy IN ('public', 'anonymous', 'confidential')),
    CONSTRAINT ck_reports_located CHECK ((lat IS NULL) = (lon IS NULL))
)
    """,
    "CREATE INDEX ix_reports_submitted_at ON reports (submitted_at)",
    # Routing's decision about a report (reports.routed). Its own table: the
    # two topics are not ordered against each other, so the decision may
    # arrive before the report row.
    """
CREATE TABLE report_routing (
    report_id UUID NOT NULL,
    decided_at TIMESTAMP WITH TIME ZONE NOT NULL,
    incident_id UUID,
    area JSONB,
    owner JSONB,
    handler JSONB,
    rejection JSONB,
    CONSTRAINT pk_report_routing PRIMARY KEY (report_id),
    CONSTRAINT ck_report_routing_outcome CHECK ((incident_id IS NULL) <> (rejection IS NULL))
)
    """,
    "CREATE INDEX ix_report_routing_incident_id ON report_routing (incident_id)",
    # The incidents reports joined, as far as a citizen needs them; `sequence`
    # keeps a replayed or late event from moving the status back.
    """
CREATE TABLE incidents (
    incident_id UUID NOT NULL,
    status TEXT NOT NULL,
    owner JSONB NOT NULL,
    handler JSONB NOT NULL,
    rejection JSONB,
    expected_at TIMESTAMP WITH TIME ZONE,
    sequence INTEGER NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_incidents PRIMARY KEY (incident_id)
)
    """,
    # Citizen-visible steps, keyed by the CloudEvents id of the event that
    # made them (replays insert nothing). A step belongs to a report (routed,
    # rejected) or to an incident (acknowledged, resolved...), shown to every
    # report attached to it from the moment it joined.
    """
CREATE TABLE timeline (
    event_id TEXT NOT NULL,
    report_id UUID,
    incident_id UUID,
    at TIMESTAMP WITH TIME ZONE NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    CONSTRAINT pk_timeline PRIMARY KEY (event_id),
    CONSTRAINT ck_timeline_owner CHECK ((report_id IS NULL) <> (incident_id IS NULL))
)
    """,
    "CREATE INDEX ix_timeline_report_id ON timeline (report_id, at)",
    "CREATE INDEX ix_timeline_incident_id ON timeline (incident_id, at)",
    "CREATE INDEX ix_timeline_at ON timeline (at)",
    # Idempotency-Key reservations (docs/adr/0010). `scope` separates the
    # native API from each Open311 client.
    """
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    report_id UUID NOT NULL,
    submitted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    state TEXT NOT NULL,
    lease_until TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_idempotency_keys PRIMARY KEY (scope, key),
    CONSTRAINT ck_idempotency_keys_state CHECK (state IN ('in_flight', 'completed'))
)
    """,
    "CREATE INDEX ix_idempotency_keys_created_at ON idempotency_keys (created_at)",
    # Open311 clients. Only a SHA-256 of each key is kept: keys are 256-bit
    # random strings, so a fast hash is enough and a leak of this table
    # gives nobody a usable key.
    """
CREATE TABLE api_clients (
    client_id TEXT NOT NULL,
    name TEXT NOT NULL,
    key_sha256 TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_api_clients PRIMARY KEY (client_id),
    CONSTRAINT uq_api_clients_key_sha256 UNIQUE (key_sha256)
)
    """,
]

TABLES = ["api_clients", "idempotency_keys", "timeline", "incidents", "report_routing", "reports"]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TABLE {table}")
