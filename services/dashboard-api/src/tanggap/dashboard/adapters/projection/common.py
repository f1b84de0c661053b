"""Small SQL helpers the projection modules share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, text
from sqlalchemy.ext.asyncio import AsyncConnection

from tanggap.schemas.common import GeoPoint, UnitRef


def point(lat: float, lon: float) -> Any:
    return func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)


def geo_point(value: GeoPoint) -> Any:
    return point(value.lat, value.lon)


def unit_json(unit: UnitRef) -> dict[str, str]:
    return {"id": unit.id, "type": unit.type.value, "name": unit.name}


_REFRESH_REPORT_FACTS = text(
    """
    UPDATE incidents SET
        public_report_count = facts.public_reports,
        report_doc = facts.doc
    FROM (
        SELECT
            count(*) FILTER (WHERE privacy IN ('public', 'anonymous')) AS public_reports,
            to_tsvector('simple'::regconfig, coalesce(string_agg(
                coalesce(description, '') || ' ' || coalesce(address_text, ''), ' '
                ORDER BY report_id), '')) AS doc
        FROM reports WHERE incident_id = :incident_id
    ) AS facts
    WHERE incidents.incident_id = :incident_id
    """
)


async def refresh_report_facts(connection: AsyncConnection, incident_id: str) -> None:
    """Recompute what an incident row derives from its reports.

    Reports and incidents arrive on different topics in no fixed order, so the
    derived columns are recomputed from both tables as they stand, never
    incremented: the result is the same whatever the order (and on replay).
    A report whose privacy is not known yet (routed before its submission was
    projected) does not count as public until it is.
    """
    await connection.execute(_REFRESH_REPORT_FACTS, {"incident_id": incident_id})
