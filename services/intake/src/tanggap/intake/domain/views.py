"""What intake reads back about a report: plain data assembled by the
repository from its tables, shaped for the citizen or an Open311 client by
the API layer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tanggap.intake.domain.status import (
    IncidentView,
    PublicStatus,
    Rejection,
    TimelineEntry,
    public_status,
)
from tanggap.schemas.common import AreaRef, UnitRef


@dataclass(frozen=True, slots=True)
class StoredMediaRef:
    media_id: str
    content_type: str


@dataclass(frozen=True, slots=True)
class Routing:
    decided_at: datetime
    incident_id: str | None
    area: AreaRef | None
    owner: UnitRef | None
    handler: UnitRef | None
    rejection: Rejection | None


@dataclass(frozen=True, slots=True)
class ReportRecord:
    report_id: str
    submitted_at: datetime
    category: str
    description: str
    lat: float | None
    lon: float | None
    accuracy_m: float | None
    address_text: str | None
    needs_manual_location: bool
    media: Sequence[StoredMediaRef]
    media_urls: Sequence[str]
    privacy: str
    channel: str
    client_id: str | None
    routing: Routing | None = None
    incident: IncidentView | None = None
    timeline: Sequence[TimelineEntry] = field(default_factory=tuple)

    @property
    def rejection(self) -> Rejection | None:
        if self.routing is not None and self.routing.rejection is not None:
            return self.routing.rejection
        if self.incident is not None:
            return self.incident.rejection
        return None

    @property
    def status(self) -> PublicStatus:
        return public_status(
            routed=self.routing is not None and self.routing.incident_id is not None,
            rejection=self.rejection,
            incident=self.incident,
        )

    @property
    def assigned_unit(self) -> UnitRef | None:
        """The incident's owner: the live one once the incident is known."""
        if self.incident is not None:
            return self.incident.owner
        return self.routing.owner if self.routing is not None else None

    @property
    def handler(self) -> UnitRef | None:
        if self.incident is not None:
            return self.incident.handler
        return self.routing.handler if self.routing is not None else None

    @property
    def expected_at(self) -> datetime | None:
        return self.incident.expected_at if self.incident is not None else None

    @property
    def updated_at(self) -> datetime:
        moments = [self.submitted_at]
        if self.routing is not None:
            moments.append(self.routing.decided_at)
        if self.incident is not None:
            moments.append(self.incident.updated_at)
        return max(moments)

    @property
    def is_public(self) -> bool:
        """Confidential reports stay off public listings (Open311 GET)."""
        return self.privacy != "confidential"

    def full_timeline(self) -> list[TimelineEntry]:
        """``received`` (implied by the report itself) and every later step."""
        received = TimelineEntry(
            f"received:{self.report_id}", self.submitted_at, PublicStatus.RECEIVED, None
        )
        return [received, *sorted(self.timeline, key=lambda entry: entry.at)]


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """One step of a public report, for FixMyStreet's servicerequestupdates."""

    entry: TimelineEntry
    report_id: str
    rejection: Rejection | None
