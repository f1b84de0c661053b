"""Domain records as the native API shows them (plain dicts, encoded once
with orjson; the DTOs in dto.py document the same shapes)."""

from __future__ import annotations

from typing import Any

from tanggap.intake.adapters.media_store import StoredMedia
from tanggap.intake.domain.catalogue import Category
from tanggap.intake.domain.views import ReportRecord
from tanggap.intake.domain.wib import wib_text
from tanggap.schemas.common import UnitRef


def report(record: ReportRecord) -> dict[str, Any]:
    """The public contract of GET /v1/reports/{id}: extend, never break."""
    routing = record.routing
    area = routing.area if routing is not None else None
    rejection = record.rejection
    located = record.lat is not None and record.lon is not None
    return {
        "id": record.report_id,
        "status": record.status.value,
        "category": record.category,
        "submitted_at": wib_text(record.submitted_at),
        "location": {"lat": record.lat, "lon": record.lon} if located else None,
        "area": None
        if area is None
        else {
            "kelurahan": {"kode": area.kelurahan.kode, "name": area.kelurahan.name},
            "kecamatan": {"kode": area.kecamatan.kode, "name": area.kecamatan.name},
        },
        "assigned_unit": _unit(record.assigned_unit),
        "handler": _unit(record.handler),
        "incident_id": routing.incident_id if routing is not None else None,
        "rejection": None
        if rejection is None
        else {"reason": rejection.reason, "detail": rejection.detail},
        "timeline": [
            {"at": wib_text(entry.at), "status": entry.status.value, "note": entry.note}
            for entry in record.full_timeline()
        ],
    }


def _unit(unit: UnitRef | None) -> dict[str, str] | None:
    return None if unit is None else {"id": unit.id, "type": unit.type.value, "name": unit.name}


def category(entry: Category) -> dict[str, Any]:
    return {
        "code": entry.code,
        "group": {
            "code": entry.group,
            "name_id": entry.group_name_id,
            "name_en": entry.group_name_en,
        },
        "name_id": entry.name_id,
        "name_en": entry.name_en,
        "description_id": entry.description_id,
        "description_en": entry.description_en,
        "emergency": entry.emergency,
        "call_numbers": list(entry.call_numbers) if entry.show_emergency_numbers else [],
        "photo_required": entry.photo_required,
        "photo_note": entry.photo_note,
        "default_privacy": entry.default_privacy,
        "questions": [
            {
                "code": q.code,
                "datatype": q.datatype.value,
                "required": q.required,
                "description": q.description,
                "order": q.order,
                "values": [{"key": v.key, "name": v.name} for v in q.values],
            }
            for q in entry.questions
        ],
    }


def media(stored: StoredMedia, base_url: str) -> dict[str, Any]:
    return {
        "id": stored.media_id,
        "content_type": stored.content_type,
        "width": stored.width,
        "height": stored.height,
        "size": stored.size,
        "url": f"{base_url}/v1/media/{stored.media_id}",
    }
