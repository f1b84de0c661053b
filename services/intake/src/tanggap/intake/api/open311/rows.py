"""Intake's records as Open311 rows (one dict per XML element), rendered to
XML or JSON by domain.open311."""

from __future__ import annotations

from typing import Any

from tanggap.intake.domain.catalogue import Category, Datatype, Question
from tanggap.intake.domain.status import fixmystreet_status, open311_status, status_notes
from tanggap.intake.domain.views import ReportRecord, StatusUpdate
from tanggap.intake.domain.wib import wib_text
from tanggap.intake.settings import Settings

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
INFO_ATTRIBUTE = "info_darurat"

_DATATYPE_HELP = {
    Datatype.STRING: "Teks satu baris",
    Datatype.TEXT: "Teks bebas, boleh beberapa baris",
    Datatype.NUMBER: "Angka (titik sebagai pemisah desimal)",
    Datatype.DATETIME: "Tanggal dan waktu ISO 8601 dengan zona waktu",
    Datatype.SINGLEVALUELIST: "Pilih satu",
    Datatype.MULTIVALUELIST: "Pilih satu atau lebih",
}


def discovery(settings: Settings) -> dict[str, Any]:
    return {
        "changeset": settings.open311_changeset,
        "contact": settings.open311_contact,
        "key_service": settings.open311_key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{settings.public_base_url}/open311/v2",
                "changeset": settings.open311_changeset,
                "type": settings.open311_endpoint_type,
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def emergency_notice(category: Category) -> str | None:
    if not category.show_emergency_numbers:
        return None
    return "Keadaan darurat? Segera hubungi " + " atau ".join(category.call_numbers) + "."


def service(category: Category) -> dict[str, Any]:
    description = category.description_id
    notice = emergency_notice(category)
    if notice and notice not in description:
        description = f"{description} {notice}"
    return {
        "service_code": category.code,
        "service_name": category.name_id,
        "description": description,
        "metadata": bool(category.questions) or notice is not None,
        "type": "realtime",
        "keywords": ", ".join((category.name_en, category.group)),
        "group": category.group_name_id,
    }


def service_definition(category: Category) -> dict[str, Any]:
    attributes = [_attribute(question) for question in category.questions]
    notice = emergency_notice(category)
    if notice is not None:
        # Informational (variable=false): the form shows it, nobody answers it.
        attributes.insert(
            0,
            {
                "variable": False,
                "code": INFO_ATTRIBUTE,
                "datatype": "string",
                "required": False,
                "datatype_description": "Informasi",
                "order": 1,
                "description": notice,
            },
        )
        for index, attribute in enumerate(attributes[1:], start=2):
            attribute["order"] = index
    return {"service_code": category.code, "attributes": attributes}


def _attribute(question: Question) -> dict[str, Any]:
    row: dict[str, Any] = {
        "variable": True,
        "code": question.code,
        "datatype": question.datatype.value,
        "required": question.required,
        "datatype_description": _DATATYPE_HELP[question.datatype],
        "order": question.order,
        "description": question.description,
    }
    if question.datatype.is_list:
        row["values"] = [{"key": v.key, "name": v.name} for v in question.values]
    return row


def request(record: ReportRecord, category: Category | None, base_url: str) -> dict[str, Any]:
    status = record.status
    located = record.lat is not None and record.lon is not None
    handler = record.handler
    return {
        "service_request_id": record.report_id,
        "status": open311_status(status),
        "status_notes": status_notes(status, record.rejection),
        "service_name": category.name_id if category else record.category,
        "service_code": record.category,
        "description": record.description or None,
        "agency_responsible": handler.name if handler else None,
        "service_notice": emergency_notice(category) if category else None,
        "requested_datetime": wib_text(record.submitted_at),
        "updated_datetime": wib_text(record.updated_at),
        "expected_datetime": wib_text(record.expected_at) if record.expected_at else None,
        "address": record.address_text,
        "lat": record.lat if located else None,
        "long": record.lon if located else None,
        "media_url": _media_url(record, base_url),
    }


def _media_url(record: ReportRecord, base_url: str) -> str | None:
    if record.media:
        return f"{base_url}/v1/media/{record.media[0].media_id}"
    return record.media_urls[0] if record.media_urls else None


def created(report_id: str, category: Category) -> dict[str, Any]:
    notice = emergency_notice(category) or "Laporan diterima dan diteruskan ke unit yang berwenang."
    return {"service_request_id": report_id, "service_notice": notice}


def update(item: StatusUpdate) -> dict[str, Any]:
    entry = item.entry
    return {
        "update_id": entry.event_id,
        "service_request_id": item.report_id,
        "status": fixmystreet_status(entry.status, item.rejection),
        "updated_datetime": wib_text(entry.at),
        "description": entry.note or status_notes(entry.status, item.rejection),
        "media_url": "",
    }
