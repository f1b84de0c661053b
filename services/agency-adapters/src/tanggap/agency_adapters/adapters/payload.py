"""The incident as adapters send it out: only what ``incidents.state`` carries
(no reporter, no citizen-written text), in a neutral JSON shape that agency
packages rename into their own protocol."""

from __future__ import annotations

from typing import Any

from tanggap.agency_adapters.adapters.base import Delivery


def incident_fields(delivery: Delivery) -> dict[str, Any]:
    incident = delivery.incident
    return {
        "incident_id": incident.incident_id,
        "category": incident.category,
        "status": incident.status.value,
        "priority": incident.priority.value,
        "location": {"lat": incident.location.lat, "lon": incident.location.lon},
        "kelurahan": incident.area.kelurahan.name,
        "kelurahan_kode": incident.area.kelurahan.kode,
        "kecamatan": incident.area.kecamatan.name,
        "kecamatan_kode": incident.area.kecamatan.kode,
        "unit_id": delivery.plan.unit_id,
        "owner": incident.owner.id,
        "handler": incident.handler.id,
        "report_count": incident.report_count,
        "opened_at": incident.opened_at.isoformat(),
        "acknowledge_by": incident.sla.acknowledge_by.isoformat(),
        "description_public": incident.description_public,
        "sequence": incident.sequence,
    }
