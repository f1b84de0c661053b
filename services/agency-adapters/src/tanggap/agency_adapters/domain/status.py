"""An agency's status change becomes a command on ``incident.commands``, signed
as the agency: ``Actor(kind=agency, id=<unit>, unit_id=<unit>)``, the unit the
incident was delivered for. Statuses only move forward; a status the agency
already reported (or one behind it) yields nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tanggap.agency_adapters.domain.delivery import STATUS_RANK, AgencyStatus, DeliveryRecord
from tanggap.agency_adapters.domain.ids import stable_uuid
from tanggap.schemas.commands import (
    AcknowledgeIncident,
    LinkExternalReference,
    ResolveIncident,
    StartIncident,
)
from tanggap.schemas.common import Actor, ActorKind, Command

_DEFAULT_RESOLUTION = "Diselesaikan oleh {agency} (status dari sistem instansi)."
_MAX_NOTE = 2000


@dataclass(frozen=True, slots=True)
class StatusReport:
    """One status an agency reported for one of its cases."""

    agency: str
    reference: str
    status: AgencyStatus
    note: str | None = None
    incident_id: str | None = None  # when the agency echoes our id (webhooks do)


def agency_actor(unit_id: str) -> Actor:
    return Actor(kind=ActorKind.AGENCY, id=unit_id, unit_id=unit_id)


def status_command(
    report: StatusReport, record: DeliveryRecord, *, agency_name: str, now: datetime
) -> Command | None:
    if record.agency_status is not None and (
        STATUS_RANK[report.status] <= STATUS_RANK[record.agency_status]
    ):
        return None
    note = _note(report.note)
    common = {
        "command_id": stable_uuid(record.agency, record.incident_id, "status", report.status),
        "incident_id": record.incident_id,
        "actor": agency_actor(record.unit_id),
        "issued_at": now,
    }
    if report.status is AgencyStatus.RECEIVED:
        return AcknowledgeIncident(**common, note=note)
    if report.status is AgencyStatus.IN_PROGRESS:
        return StartIncident(**common, note=note)
    return ResolveIncident(**common, note=note or _DEFAULT_RESOLUTION.format(agency=agency_name))


def link_reference(
    *, agency: str, incident_id: str, unit_id: str, reference: str, now: datetime
) -> LinkExternalReference:
    return LinkExternalReference(
        command_id=stable_uuid(agency, incident_id, "reference", reference),
        incident_id=incident_id,
        actor=agency_actor(unit_id),
        issued_at=now,
        reference=reference,
        agency_unit_id=unit_id,
    )


def _note(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = " ".join(text.split())
    return cleaned[:_MAX_NOTE] or None
