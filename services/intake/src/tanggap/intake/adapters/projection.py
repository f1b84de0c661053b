"""The projection worker's handler: events from Kafka into intake's tables.

Each topic is keyed so that one report's or one incident's events stay in
order; across topics nothing is ordered, which the tables allow for (routing
decisions in their own table, incident sequence numbers). Every write is
idempotent, because the runner delivers at least once."""

from __future__ import annotations

import structlog

from tanggap.intake.adapters.reports_repo import Completion, ReportRepository
from tanggap.intake.domain.status import (
    apply_incident_event,
    apply_snapshot,
    rejected_entry,
    report_rejection,
    routed_entry,
)
from tanggap.intake.domain.views import Routing
from tanggap.schemas.cloudevents import decode
from tanggap.schemas.events import (
    IncidentEvent,
    IncidentSnapshot,
    ReportRejected,
    ReportRouted,
    ReportSubmitted,
)
from tanggap.streaming import Message

log = structlog.get_logger(__name__)


class Projector:
    def __init__(self, repository: ReportRepository) -> None:
        self._repository = repository

    async def handle(self, message: Message) -> None:
        # A malformed record raises CodecError: the runner dead-letters it.
        envelope = decode(message.value, message.headers)
        event = envelope.data
        if isinstance(event, ReportSubmitted):
            await self._repository.record([Completion(report=event)])
        elif isinstance(event, ReportRouted):
            await self._routed(event, envelope.id)
        elif isinstance(event, ReportRejected):
            await self._rejected(event, envelope.id)
        elif isinstance(event, IncidentSnapshot):
            await self._snapshot(event)
        elif isinstance(event, IncidentEvent):
            await self._incident_event(event, envelope.id)
        # Anything else on these topics (command.rejected) is not the citizen's.

    async def _routed(self, event: ReportRouted, event_id: str) -> None:
        routing = Routing(
            decided_at=event.routed_at,
            incident_id=event.incident_id,
            area=event.area,
            owner=event.owner,
            handler=event.handler,
            rejection=None,
        )
        await self._repository.record_routing(
            event.report_id, routing, routed_entry(event, event_id)
        )

    async def _rejected(self, event: ReportRejected, event_id: str) -> None:
        routing = Routing(
            decided_at=event.rejected_at,
            incident_id=None,
            area=None,
            owner=None,
            handler=None,
            rejection=report_rejection(event),
        )
        await self._repository.record_routing(
            event.report_id, routing, rejected_entry(event, event_id)
        )

    async def _snapshot(self, snapshot: IncidentSnapshot) -> None:
        async with self._repository.acquire() as connection, connection.transaction():
            view = await self._repository.load_incident_for_update(connection, snapshot.incident_id)
            updated = apply_snapshot(view, snapshot)
            if updated is not None and updated is not view:
                await self._repository.save_incident(connection, updated, None)

    async def _incident_event(self, event: IncidentEvent, event_id: str) -> None:
        async with self._repository.acquire() as connection, connection.transaction():
            view = await self._repository.load_incident_for_update(connection, event.incident_id)
            updated, entry = apply_incident_event(view, event, event_id)
            if updated is not None and updated is not view:
                await self._repository.save_incident(connection, updated, entry)
            elif entry is not None:
                await self._repository.add_incident_entry(connection, event.incident_id, entry)
