"""How a report's public status follows the events about it.

The citizen sees seven statuses. ``received`` until routing has decided;
``routed`` or ``rejected`` from ``reports.routed``; then the status of the
incident the report joined (``incidents`` events and ``incidents.state``
snapshots), whose ``sequence`` orders them: a replayed or older event never
moves the status back. Open311 knows only ``open`` and ``closed``; the rich
status goes to ``status_notes`` and, for FixMyStreet clients, to its
extended status list."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from tanggap.schemas.common import IncidentStatus, UnitRef
from tanggap.schemas.events import (
    IncidentAcknowledged,
    IncidentAssigned,
    IncidentClosed,
    IncidentEscalated,
    IncidentEvent,
    IncidentOpened,
    IncidentRejected,
    IncidentReopened,
    IncidentResolved,
    IncidentSnapshot,
    IncidentStatusChanged,
    ReportRejected,
    ReportRouted,
    ReportSubmitted,
)


class PublicStatus(StrEnum):
    RECEIVED = "received"
    ROUTED = "routed"
    REJECTED = "rejected"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


_FROM_INCIDENT = {
    IncidentStatus.OPEN: PublicStatus.ROUTED,
    IncidentStatus.ACKNOWLEDGED: PublicStatus.ACKNOWLEDGED,
    IncidentStatus.IN_PROGRESS: PublicStatus.IN_PROGRESS,
    IncidentStatus.RESOLVED: PublicStatus.RESOLVED,
    IncidentStatus.CLOSED: PublicStatus.CLOSED,
    IncidentStatus.REJECTED: PublicStatus.REJECTED,
}

_LABELS = {
    PublicStatus.RECEIVED: "Laporan diterima",
    PublicStatus.ROUTED: "Diteruskan ke unit yang berwenang",
    PublicStatus.REJECTED: "Laporan ditolak",
    PublicStatus.ACKNOWLEDGED: "Laporan telah dibaca oleh unit",
    PublicStatus.IN_PROGRESS: "Sedang ditindaklanjuti",
    PublicStatus.RESOLVED: "Masalah telah diselesaikan",
    PublicStatus.CLOSED: "Laporan ditutup",
}

_REJECTION_NOTES = {
    "outside_jurisdiction": "lokasi di luar wilayah Kota Cilegon",
    "unknown_category": "kategori tidak dikenal",
    "invalid_report": "laporan tidak dapat diproses",
    "duplicate": "laporan yang sama sudah ada",
    "not_our_authority": "bukan kewenangan unit ini",
    "invalid": "laporan tidak valid",
}


@dataclass(frozen=True, slots=True)
class Rejection:
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One step the citizen sees. ``event_id`` makes replays harmless."""

    event_id: str
    at: datetime
    status: PublicStatus
    note: str | None


@dataclass(frozen=True, slots=True)
class IncidentView:
    """What intake keeps of an incident: enough to answer a citizen."""

    incident_id: str
    status: IncidentStatus
    owner: UnitRef
    handler: UnitRef
    sequence: int
    updated_at: datetime
    rejection: Rejection | None = None
    expected_at: datetime | None = None

    @property
    def public_status(self) -> PublicStatus:
        return _FROM_INCIDENT[self.status]


# ---------------------------------------------------------------------------
# Report events
# ---------------------------------------------------------------------------


def submitted_entry(event: ReportSubmitted, event_id: str) -> TimelineEntry:
    return TimelineEntry(event_id, event.submitted_at, PublicStatus.RECEIVED, None)


def routed_entry(event: ReportRouted, event_id: str) -> TimelineEntry:
    note = f"Diteruskan ke {event.owner.name}"
    if event.handler.id != event.owner.id:
        note += f"; ditangani oleh {event.handler.name}"
    if event.merged:
        note += " (digabung dengan laporan lain di lokasi yang sama)"
    return TimelineEntry(event_id, event.routed_at, PublicStatus.ROUTED, note)


def rejected_entry(event: ReportRejected, event_id: str) -> TimelineEntry:
    return TimelineEntry(event_id, event.rejected_at, PublicStatus.REJECTED, event.detail)


def report_rejection(event: ReportRejected) -> Rejection:
    return Rejection(reason=event.reason.value, detail=event.detail)


# ---------------------------------------------------------------------------
# Incident events and snapshots
# ---------------------------------------------------------------------------


def apply_incident_event(
    view: IncidentView | None, event: IncidentEvent, event_id: str
) -> tuple[IncidentView | None, TimelineEntry | None]:
    """The incident after the event (unchanged when the event is not newer than
    what we hold), and the timeline step the event adds for its reports."""
    entry = _incident_entry(view, event, event_id)
    if isinstance(event, IncidentOpened):
        opened = IncidentView(
            incident_id=event.incident_id,
            status=IncidentStatus.OPEN,
            owner=event.owner,
            handler=event.handler,
            sequence=event.sequence,
            updated_at=event.occurred_at,
            expected_at=event.sla.resolve_by,
        )
        return (opened if view is None or view.sequence < event.sequence else view), entry
    if view is None or event.sequence <= view.sequence:
        # Older than what a snapshot already told us, or a replay. Without the
        # opening state we cannot build the view; the snapshot will.
        return view, entry
    return _evolve(view, event), entry


def _evolve(view: IncidentView, event: IncidentEvent) -> IncidentView:
    changed = replace(view, sequence=event.sequence, updated_at=event.occurred_at)
    match event:
        case IncidentAcknowledged():
            return replace(changed, status=IncidentStatus.ACKNOWLEDGED)
        case IncidentStatusChanged():
            return replace(changed, status=event.to_status, rejection=None)
        case IncidentResolved():
            return replace(changed, status=IncidentStatus.RESOLVED)
        case IncidentClosed():
            return replace(changed, status=IncidentStatus.CLOSED)
        case IncidentReopened():
            return replace(changed, status=IncidentStatus.OPEN, rejection=None)
        case IncidentRejected():
            rejection = Rejection(event.reason_code.value, event.note)
            return replace(changed, status=IncidentStatus.REJECTED, rejection=rejection)
        case IncidentAssigned():
            return replace(changed, owner=event.owner, handler=event.handler)
        case IncidentEscalated():
            return replace(changed, owner=event.to_unit, expected_at=event.sla.resolve_by)
        case _:
            return changed


def _incident_entry(
    view: IncidentView | None, event: IncidentEvent, event_id: str
) -> TimelineEntry | None:
    current = view.public_status if view is not None else PublicStatus.ROUTED
    at = event.occurred_at
    match event:
        case IncidentAcknowledged():
            return TimelineEntry(event_id, at, PublicStatus.ACKNOWLEDGED, event.note)
        case IncidentStatusChanged():
            return TimelineEntry(event_id, at, _FROM_INCIDENT[event.to_status], event.note)
        case IncidentResolved():
            return TimelineEntry(event_id, at, PublicStatus.RESOLVED, event.note)
        case IncidentClosed():
            return TimelineEntry(event_id, at, PublicStatus.CLOSED, event.note)
        case IncidentReopened():
            return TimelineEntry(
                event_id, at, PublicStatus.ROUTED, f"Dibuka kembali: {event.reason}"
            )
        case IncidentRejected():
            return TimelineEntry(event_id, at, PublicStatus.REJECTED, event.note)
        case IncidentAssigned():
            note = f"Dialihkan ke {event.owner.name}"
            if event.handler.id != event.owner.id:
                note += f"; ditangani oleh {event.handler.name}"
            return TimelineEntry(event_id, at, current, note)
        case IncidentEscalated():
            return TimelineEntry(event_id, at, current, f"Dieskalasi ke {event.to_unit.name}")
        case _:
            # Opened (the report's own "routed" step says it), attachments,
            # internal comments and agency references are not citizen-facing.
            return None


def apply_snapshot(view: IncidentView | None, snapshot: IncidentSnapshot) -> IncidentView | None:
    if view is not None and snapshot.sequence <= view.sequence:
        return view
    rejection = view.rejection if view is not None else None
    return IncidentView(
        incident_id=snapshot.incident_id,
        status=snapshot.status,
        owner=snapshot.owner,
        handler=snapshot.handler,
        sequence=snapshot.sequence,
        updated_at=snapshot.updated_at,
        rejection=rejection if snapshot.status is IncidentStatus.REJECTED else None,
        expected_at=snapshot.sla.resolve_by,
    )


# ---------------------------------------------------------------------------
# What a reader sees
# ---------------------------------------------------------------------------


def public_status(
    *, routed: bool, rejection: Rejection | None, incident: IncidentView | None
) -> PublicStatus:
    if rejection is not None:
        return PublicStatus.REJECTED
    if incident is not None:
        return incident.public_status
    return PublicStatus.ROUTED if routed else PublicStatus.RECEIVED


def open311_status(status: PublicStatus) -> str:
    """GeoReport v2 has two statuses: reported, or resolved."""
    closed = {PublicStatus.RESOLVED, PublicStatus.CLOSED, PublicStatus.REJECTED}
    return "closed" if status in closed else "open"


def status_notes(status: PublicStatus, rejection: Rejection | None) -> str:
    label = _LABELS[status]
    if status is PublicStatus.REJECTED and rejection is not None:
        reason = _REJECTION_NOTES.get(rejection.reason, rejection.reason)
        return f"{label}: {reason}"
    return label


def fixmystreet_status(status: PublicStatus, rejection: Rejection | None) -> str:
    """FixMyStreet's extended status list (lower case, as its GET returns it)."""
    if status is PublicStatus.REJECTED:
        reason = rejection.reason if rejection is not None else ""
        if reason == "outside_jurisdiction" or reason == "not_our_authority":
            return "not_councils_responsibility"
        if reason == "duplicate":
            return "duplicate"
        return "no_further_action"
    return {
        PublicStatus.RECEIVED: "open",
        PublicStatus.ROUTED: "open",
        PublicStatus.ACKNOWLEDGED: "investigating",
        PublicStatus.IN_PROGRESS: "in_progress",
        PublicStatus.RESOLVED: "fixed",
        PublicStatus.CLOSED: "closed",
    }[status]
