"""The tables of the dashboard schema, as SQLAlchemy Core sees them (ORM rows:
never returned by the API as such, never published as events).

Two kinds of table live here:

* the **read model**, projected from the topics and rebuilt from them at will
  (``tanggap-dashboard rebuild``);
* **operator state** the dashboard owns and no topic holds: users, refresh
  tokens, the audit log and the change log behind the live stream. A rebuild
  moves these into the new schema unchanged (OPERATOR_TABLES).

The DDL itself is in migrations/ (Alembic); a test checks the two agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Computed,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.types import UserDefinedType

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


class Geometry(UserDefinedType[Any]):
    """A PostGIS geometry column; values go in and out through ST_* functions."""

    cache_ok = True

    def __init__(self, kind: str = "Point", srid: int = 4326) -> None:
        self.kind = kind
        self.srid = srid

    def get_col_spec(self, **_: Any) -> str:
        return f"geometry({self.kind},{self.srid})"


def _ts(name: str, nullable: bool = True) -> Column[Any]:
    return Column(name, DateTime(timezone=True), nullable=nullable)


# --------------------------------------------------------------------------- areas

kecamatan = Table(
    "kecamatan",
    metadata,
    Column("kode", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("population", Integer),
    Column("area_km2", Float, nullable=False),
    Column("geom", Geometry("MultiPolygon"), nullable=False),
)

kelurahan = Table(
    "kelurahan",
    metadata,
    Column("kode", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kecamatan_kode", Text, ForeignKey("kecamatan.kode"), nullable=False),
    Column("population", Integer),
    Column("area_km2", Float, nullable=False),
    Column("geom", Geometry("MultiPolygon"), nullable=False),
)

# --------------------------------------------------------------------------- read model

applied_events = Table(
    "applied_events",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("type", Text, nullable=False),
    Column("source_topic", Text, nullable=False),
    Column("source_partition", Integer, nullable=False),
    Column("source_offset", BigInteger, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

reports = Table(
    "reports",
    metadata,
    Column("report_id", Text, primary_key=True),
    Column("incident_id", Text, index=True),
    Column("status", Text, nullable=False),
    _ts("submitted_at"),
    Column("category", Text),
    Column("description", Text),
    Column("address_text", Text),
    Column("location", Geometry("Point")),
    Column("accuracy_m", Float),
    Column("needs_manual_location", Boolean),
    Column("media", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("answers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("reporter_name", Text),
    Column("reporter_phone", Text),
    Column("reporter_email", Text),
    Column("privacy", Text),
    Column("channel", Text),
    Column("client_id", Text),
    Column("kelurahan_kode", Text, index=True),
    Column("kecamatan_kode", Text),
    Column("owner_unit_id", Text),
    Column("handler_unit_id", Text),
    Column("rule_id", Text),
    Column("rules_version", Text),
    Column("merged", Boolean),
    Column("routing_reasons", JSONB),
    Column("rejection_reason", Text),
    Column("rejection_detail", Text),
    _ts("routed_at"),
)

NEXT_DEADLINE_SQL = (
    "CASE WHEN status IN ('open', 'acknowledged', 'in_progress') THEN "
    "CASE WHEN acknowledged_at IS NULL THEN sla_acknowledge_by "
    "WHEN first_action_at IS NULL THEN sla_first_action_by "
    "ELSE sla_resolve_by END END"
)
"""domain.stats.next_deadline, as a stored generated column (indexed for 'overdue')."""

SEARCH_DOC_SQL = (
    "to_tsvector('simple'::regconfig, category || ' ' || kelurahan_name || ' ' || "
    "kecamatan_name || ' ' || owner_name || ' ' || handler_name || ' ' || "
    "coalesce(description_public, ''))"
)
"""The words anyone who sees the incident may search: never a citizen's own words,
which are in ``report_doc`` and searched only for callers who may read them. Not
the incident id either: one unique word per row makes the index several times
slower to build, and an id is looked up, not searched."""

incidents = Table(
    "incidents",
    metadata,
    Column("incident_id", Text, primary_key=True),
    Column("sequence", Integer, nullable=False),
    Column("category", Text, nullable=False, index=True),
    Column("status", Text, nullable=False),
    Column("priority", Text, nullable=False),
    Column("priority_rank", SmallInteger, nullable=False),
    Column("location", Geometry("Point"), nullable=False),
    Column("kelurahan_kode", Text, nullable=False, index=True),
    Column("kelurahan_name", Text, nullable=False),
    Column("kecamatan_kode", Text, nullable=False, index=True),
    Column("kecamatan_name", Text, nullable=False),
    Column("owner_unit_id", Text, nullable=False, index=True),
    Column("owner_type", Text, nullable=False),
    Column("owner_name", Text, nullable=False),
    Column("handler_unit_id", Text, nullable=False, index=True),
    Column("handler_type", Text, nullable=False),
    Column("handler_name", Text, nullable=False),
    Column("copied", JSONB, nullable=False),
    Column("unit_ids", ARRAY(Text), nullable=False),
    Column("involves_police", Boolean, nullable=False),
    Column("report_count", Integer, nullable=False),
    Column("public_report_count", Integer, nullable=False, server_default=text("0")),
    _ts("opened_at", nullable=False),
    _ts("acknowledged_at"),
    _ts("first_action_at"),
    _ts("resolved_at"),
    _ts("closed_at"),
    _ts("sla_acknowledge_by", nullable=False),
    _ts("sla_first_action_by", nullable=False),
    _ts("sla_resolve_by"),
    Column("handler_sla", JSONB),
    Column("escalation_level", Integer, nullable=False),
    Column("reassign_count", Integer, nullable=False),
    Column("external_refs", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("description_public", Text),
    Column("rule_id", Text),
    Column("rules_version", Text),
    Column("dedup_key", Text),
    Column("next_deadline", DateTime(timezone=True), Computed(NEXT_DEADLINE_SQL, persisted=True)),
    Column("search_doc", TSVECTOR, Computed(SEARCH_DOC_SQL, persisted=True)),
    Column("report_doc", TSVECTOR),
    _ts("updated_at", nullable=False),
)

incident_timeline = Table(
    "incident_timeline",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("incident_id", Text, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("type", Text, nullable=False),
    _ts("occurred_at", nullable=False),
    Column("actor_kind", Text, nullable=False),
    Column("actor_id", Text, nullable=False),
    Column("actor_unit_id", Text),
    Column("actor_role", Text),
    Column("command_id", Text, index=True),
    Column("note", Text),
    Column("data", JSONB, nullable=False),
)

incident_assignments = Table(
    "incident_assignments",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("incident_id", Text, nullable=False, index=True),
    Column("sequence", Integer, nullable=False),
    _ts("occurred_at", nullable=False),
    Column("owner_unit_id", Text, nullable=False),
    Column("handler_unit_id", Text, nullable=False),
    Column("previous_owner_unit_id", Text),
    Column("previous_handler_unit_id", Text),
    Column("reason", Text),
)

incident_escalations = Table(
    "incident_escalations",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("incident_id", Text, nullable=False, index=True),
    Column("sequence", Integer, nullable=False),
    _ts("occurred_at", nullable=False),
    Column("level", Integer, nullable=False),
    Column("from_unit_id", Text, nullable=False, index=True),
    Column("from_unit_name", Text, nullable=False),
    Column("to_unit_id", Text, nullable=False),
    Column("to_unit_name", Text, nullable=False),
    Column("clock", Text, nullable=False),
    _ts("missed_deadline"),
)

command_rejections = Table(
    "command_rejections",
    metadata,
    Column("command_id", Text, primary_key=True),
    Column("event_id", Text, nullable=False, unique=True),
    Column("incident_id", Text, nullable=False),
    Column("command_type", Text, nullable=False),
    Column("reason_code", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("actor_id", Text, nullable=False),
    Column("actor_unit_id", Text),
    _ts("rejected_at", nullable=False),
)

agency_deliveries = Table(
    "agency_deliveries",
    metadata,
    Column("incident_id", Text, primary_key=True),
    Column("agency_unit_id", Text, primary_key=True),
    Column("state", Text, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("agency_reference", Text),
    Column("reason", Text),
    _ts("at", nullable=False),
    Column("source_partition", Integer, nullable=False),
    Column("source_offset", BigInteger, nullable=False),
)

agency_feed_status = Table(
    "agency_feed_status",
    metadata,
    Column("feed", Text, primary_key=True),
    Column("state", Text, nullable=False),
    _ts("last_success_at"),
    Column("expected_interval_s", Integer, nullable=False),
    _ts("at", nullable=False),
    Column("source_partition", Integer, nullable=False),
    Column("source_offset", BigInteger, nullable=False),
)

agency_feed_snapshots = Table(
    "agency_feed_snapshots",
    metadata,
    Column("feed_topic", Text, primary_key=True),
    Column("entity_key", Text, primary_key=True),
    Column("type", Text, nullable=False),
    _ts("observed_at", nullable=False),
    Column("location", Geometry("Point")),
    Column("data", JSONB, nullable=False),
    Column("source_partition", Integer, nullable=False),
    Column("source_offset", BigInteger, nullable=False),
)

Index("ix_reports_submitted_at", reports.c.submitted_at)
Index("ix_reports_location", reports.c.location, postgresql_using="gist")
Index("ix_incidents_location", incidents.c.location, postgresql_using="gist")
Index("ix_incidents_status_opened_at", incidents.c.status, incidents.c.opened_at)
Index("ix_incidents_opened_at", incidents.c.opened_at)
Index("ix_incidents_updated_at", incidents.c.updated_at)
Index("ix_incidents_resolved_at", incidents.c.resolved_at)
Index(  # when an incident stopped being open: the daily summary's backlog at midnight
    "ix_incidents_terminal_at", func.coalesce(incidents.c.resolved_at, incidents.c.closed_at)
)
Index("ix_incidents_next_deadline", incidents.c.next_deadline)
Index("ix_incidents_unit_ids", incidents.c.unit_ids, postgresql_using="gin")
Index("ix_incidents_search_doc", incidents.c.search_doc, postgresql_using="gin")
Index("ix_incidents_report_doc", incidents.c.report_doc, postgresql_using="gin")
Index(
    "ix_incident_timeline_incident_id_sequence",
    incident_timeline.c.incident_id,
    incident_timeline.c.sequence,
)

# --------------------------------------------------------------------------- operator state

users = Table(
    "users",
    metadata,
    Column("id", Text, primary_key=True),
    Column("username", Text, nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("unit_id", Text, nullable=False),
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    _ts("created_at", nullable=False),
    _ts("password_changed_at", nullable=False),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", Text, primary_key=True),
    Column("user_id", Text, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("family_id", Text, nullable=False, index=True),
    Column("token_hash", Text, nullable=False, unique=True),
    _ts("issued_at", nullable=False),
    _ts("expires_at", nullable=False),
    _ts("revoked_at"),
    Column("replaced_by", Text),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    _ts("at", nullable=False),
    Column("user_id", Text),
    Column("username", Text),
    Column("role", Text),
    Column("unit_id", Text),
    Column("action", Text, nullable=False),
    Column("incident_id", Text, index=True),
    Column("command_id", Text),
    Column("outcome", Text, nullable=False),
    Column("detail", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("client_ip", Text),
)

changes = Table(
    "changes",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("incident_id", Text, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    _ts("occurred_at", nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

Index("ix_audit_log_at", audit_log.c.at)

OPERATOR_TABLES: tuple[str, ...] = ("users", "refresh_tokens", "audit_log", "changes")
"""Owned by the dashboard, not projected: a rebuild moves them, never replays them.
In dependency order (refresh_tokens references users)."""

READ_MODEL_TABLES: tuple[str, ...] = (
    "reports",
    "incidents",
    "incident_timeline",
    "incident_assignments",
    "incident_escalations",
    "command_rejections",
    "agency_deliveries",
    "agency_feed_status",
    "agency_feed_snapshots",
)
"""Projected from the topics: a rebuild must reproduce each of them exactly."""
