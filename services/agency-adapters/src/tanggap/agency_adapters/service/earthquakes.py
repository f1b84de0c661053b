"""A qualifying earthquake opens one ``bencana`` incident for the command
center, once per event across restarts: what was opened is recorded on
``agency.adapter_state`` and read back at start, and the command's ids derive
from the event, so even a crash between sending and recording repeats the
same command (which routing ignores: same ``command_id`` and ``dedup_key``)."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from tanggap.agency_adapters.adapters.publisher import Publisher
from tanggap.agency_adapters.adapters.state_store import StateStore
from tanggap.agency_adapters.clock import Clock
from tanggap.agency_adapters.domain.bmkg.alert import AlertRule, alert_reason, open_incident
from tanggap.agency_adapters.domain.bmkg.catalogue import EarthquakeCatalogue
from tanggap.agency_adapters.metrics import COMMANDS, INCIDENTS_OPENED
from tanggap.schemas.common import Event
from tanggap.schemas.events.adapter_state import EarthquakeIncidentRecorded
from tanggap.schemas.events.agency import EarthquakeObserved

log = structlog.get_logger("tanggap.agency_adapters.earthquakes")


class EarthquakeAlerts:
    def __init__(
        self, *, rule: AlertRule, state: StateStore, publisher: Publisher, clock: Clock
    ) -> None:
        self._rule = rule
        self._state = state
        self._publisher = publisher
        self._clock = clock

    def seed(self, catalogue: EarthquakeCatalogue) -> None:
        """Give quakes that already have an incident their old key back."""
        for opened in self._state.earthquakes():
            catalogue.seed(opened.event_key, opened.origin_time, opened.lat, opened.lon)

    async def handle(self, events: Sequence[Event]) -> None:
        for event in events:
            if isinstance(event, EarthquakeObserved):
                await self._consider(event)

    async def _consider(self, event: EarthquakeObserved) -> None:
        reason = alert_reason(event, self._rule)
        if reason is None or self._state.earthquake(event.event_key) is not None:
            return
        now = self._clock.now()
        command = open_incident(event, reason, self._rule, now=now)
        await self._publisher.command(command)
        await self._state.save_earthquake(
            EarthquakeIncidentRecorded(
                event_key=event.event_key,
                incident_id=command.incident_id,
                origin_time=event.origin_time,
                lat=event.lat,
                lon=event.lon,
                magnitude=event.magnitude,
                reason=reason.value,
                at=now,
            )
        )
        INCIDENTS_OPENED.labels("bmkg", reason.value).inc()
        COMMANDS.labels("bmkg", "open").inc()
        log.warning(
            "earthquake incident opened",
            event_key=event.event_key,
            magnitude=event.magnitude,
            distance_km=event.distance_km,
            reason=reason.value,
        )
