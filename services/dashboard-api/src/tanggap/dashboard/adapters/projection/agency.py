"""Agency topics: delivery state per incident and agency, feed freshness, and
the latest observation per feed entity (road segment, port, earthquake).

Each is keyed by its entity on its topic, so one entity's records keep their
order in one partition: the row keeps the offset it reflects and only a later
offset replaces it — last write wins, identically live and on replay.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from tanggap.dashboard.adapters.projection.common import geo_point, point
from tanggap.dashboard.adapters.projection.outcome import IncidentChange, Outcome
from tanggap.dashboard.adapters.tables import (
    agency_deliveries,
    agency_feed_snapshots,
    agency_feed_status,
    incidents,
)
from tanggap.schemas.events import (
    DeliveryUpdated,
    EarthquakeObserved,
    FeedStatusChanged,
    PortStatusObserved,
    TrafficConditionObserved,
)
from tanggap.streaming import Message

FeedObservation = TrafficConditionObserved | PortStatusObserved | EarthquakeObserved


async def delivery_updated(
    connection: AsyncConnection, event: DeliveryUpdated, origin: Message
) -> Outcome:
    values = {
        "state": event.state.value,
        "attempt": event.attempt,
        "agency_reference": event.agency_reference,
        "reason": event.reason,
        "at": event.at,
        "source_partition": origin.partition,
        "source_offset": origin.offset,
    }
    table = agency_deliveries
    written = await connection.execute(
        insert(table)
        .values(incident_id=event.incident_id, agency_unit_id=event.agency_unit_id, **values)
        .on_conflict_do_update(
            index_elements=[table.c.incident_id, table.c.agency_unit_id],
            set_=values,
            where=table.c.source_offset < origin.offset,
        )
    )
    if written.rowcount == 0:
        return Outcome()
    sequence = await connection.scalar(
        select(incidents.c.sequence).where(incidents.c.incident_id == event.incident_id)
    )
    change = IncidentChange(event.incident_id, sequence or 0, "delivery", event.at)
    return Outcome(changes=[change])


async def feed_status_changed(
    connection: AsyncConnection, event: FeedStatusChanged, origin: Message
) -> Outcome:
    values = {
        "state": event.state.value,
        "last_success_at": event.last_success_at,
        "expected_interval_s": event.expected_interval_s,
        "at": event.at,
        "source_partition": origin.partition,
        "source_offset": origin.offset,
    }
    table = agency_feed_status
    await connection.execute(
        insert(table)
        .values(feed=event.feed, **values)
        .on_conflict_do_update(
            index_elements=[table.c.feed],
            set_=values,
            where=table.c.source_offset < origin.offset,
        )
    )
    return Outcome()


def _observed(event: FeedObservation) -> tuple[Any, Any]:
    match event:
        case TrafficConditionObserved():
            return event.observed_at, geo_point(event.location)
        case PortStatusObserved():
            return event.observed_at, None
        case EarthquakeObserved():
            return event.origin_time, point(event.lat, event.lon)


async def feed_observation(
    connection: AsyncConnection, event: FeedObservation, origin: Message
) -> Outcome:
    observed_at, location = _observed(event)
    values = {
        "type": event.ce_type,
        "observed_at": observed_at,
        "location": location,
        "data": event.model_dump(mode="json"),
        "source_partition": origin.partition,
        "source_offset": origin.offset,
    }
    table = agency_feed_snapshots
    await connection.execute(
        insert(table)
        .values(feed_topic=event.topic.value, entity_key=event.partition_key(), **values)
        .on_conflict_do_update(
            index_elements=[table.c.feed_topic, table.c.entity_key],
            set_=values,
            where=table.c.source_offset < origin.offset,
        )
    )
    return Outcome()
