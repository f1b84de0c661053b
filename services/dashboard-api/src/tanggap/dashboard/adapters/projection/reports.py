"""reports.submitted and reports.routed into ``reports``.

A report's submission and its routing come on two topics in no fixed order:
each event upserts only the columns it knows, so either order gives one row.
"""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from tanggap.dashboard.adapters.projection.common import point, refresh_report_facts
from tanggap.dashboard.adapters.projection.outcome import Outcome
from tanggap.dashboard.adapters.tables import reports
from tanggap.schemas.events import ReportRejected, ReportRouted, ReportSubmitted


async def report_submitted(connection: AsyncConnection, event: ReportSubmitted) -> Outcome:
    location = event.location
    reporter = event.reporter
    values = {
        "submitted_at": event.submitted_at,
        "category": event.category,
        "description": event.description,
        "address_text": event.address_text,
        "location": point(location.lat, location.lon) if location else None,
        "accuracy_m": location.accuracy_m if location else None,
        "needs_manual_location": event.needs_manual_location,
        "media": [m.model_dump(mode="json") for m in event.media],
        "answers": event.answers,
        "reporter_name": reporter.name if reporter else None,
        "reporter_phone": reporter.phone if reporter else None,
        "reporter_email": reporter.email if reporter else None,
        "privacy": event.privacy.value,
        "channel": event.channel.value,
        "client_id": event.client_id,
    }
    statement = (
        insert(reports)
        .values(report_id=event.report_id, status="received", **values)
        .on_conflict_do_update(index_elements=[reports.c.report_id], set_=values)
        .returning(reports.c.incident_id)
    )
    incident_id = (await connection.execute(statement)).scalar_one()
    if incident_id is not None:
        await refresh_report_facts(connection, incident_id)
    return Outcome()


async def report_routed(connection: AsyncConnection, event: ReportRouted) -> Outcome:
    values = {
        "status": "routed",
        "incident_id": event.incident_id,
        "kelurahan_kode": event.area.kelurahan.kode,
        "kecamatan_kode": event.area.kecamatan.kode,
        "owner_unit_id": event.owner.id,
        "handler_unit_id": event.handler.id,
        "rule_id": event.rule_id,
        "rules_version": event.rules_version,
        "merged": event.merged,
        "routing_reasons": list(event.reasons),
        "routed_at": event.routed_at,
        "rejection_reason": None,
        "rejection_detail": None,
    }
    await connection.execute(
        insert(reports)
        .values(report_id=event.report_id, **values)
        .on_conflict_do_update(index_elements=[reports.c.report_id], set_=values)
    )
    await refresh_report_facts(connection, event.incident_id)
    return Outcome()


async def report_rejected(connection: AsyncConnection, event: ReportRejected) -> Outcome:
    values = {
        "status": "rejected",
        "rejection_reason": event.reason.value,
        "rejection_detail": event.detail,
        "routed_at": event.rejected_at,
    }
    await connection.execute(
        insert(reports)
        .values(report_id=event.report_id, **values)
        .on_conflict_do_update(index_elements=[reports.c.report_id], set_=values)
    )
    return Outcome()
