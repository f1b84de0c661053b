"""Applying one record to the read model, exactly once per CloudEvents id.

The caller owns the transaction: the live worker commits each record on its
own (the consumer runner commits the offset only after), a rebuild commits
batches. Inside it, the event id goes into ``applied_events`` first; a record
seen before changes nothing. What changed goes into the change log (for the
live stream) and is announced with NOTIFY, which PostgreSQL delivers only if
the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from tanggap.dashboard import metrics
from tanggap.dashboard.adapters.projection import agency, incidents, reports
from tanggap.dashboard.adapters.projection.outcome import Outcome
from tanggap.dashboard.adapters.tables import applied_events
from tanggap.schemas.cloudevents import Envelope, decode
from tanggap.schemas.common import Message as Model
from tanggap.schemas.events import (
    CommandRejected,
    DeliveryUpdated,
    EarthquakeObserved,
    FeedStatusChanged,
    IncidentEvent,
    IncidentSnapshot,
    PortStatusObserved,
    ReportRejected,
    ReportRouted,
    ReportSubmitted,
    TrafficConditionObserved,
)
from tanggap.streaming import Message, PoisonMessage


def changes_channel(schema: str) -> str:
    return f"{schema}_changes"


def commands_channel(schema: str) -> str:
    return f"{schema}_commands"


@dataclass(frozen=True, slots=True)
class Projector:
    """``notify_schema`` names the live schema whose listeners hear about
    changes (a rebuild projects into another schema under the live name).
    ``record_changes`` is off while a rebuild replays history: the live change
    log is moved over whole instead (adapters.rebuild)."""

    notify_schema: str
    record_changes: bool = True

    async def apply(self, connection: AsyncConnection, message: Message) -> bool:
        """Apply one record; False when its event was applied before."""
        envelope = decode(message.value, message.headers)
        first_time = await connection.scalar(
            _RECORD_EVENT,
            {
                "event_id": envelope.id,
                "type": envelope.type,
                "source_topic": message.topic,
                "source_partition": message.partition,
                "source_offset": message.offset,
            },
        )
        if first_time is None:
            metrics.PROJECTED.labels(envelope.type, "duplicate").inc()
            return False
        outcome = await _dispatch(connection, envelope, message)
        await self._announce(connection, outcome, record=self.record_changes)
        metrics.PROJECTED.labels(envelope.type, "applied").inc()
        return True

    async def _announce(
        self, connection: AsyncConnection, outcome: Outcome, *, record: bool
    ) -> None:
        if record:
            for change in outcome.changes:
                await connection.execute(
                    _RECORD_CHANGE,
                    {
                        "incident_id": change.incident_id,
                        "sequence": change.sequence,
                        "kind": change.kind,
                        "occurred_at": change.occurred_at,
                        "channel": changes_channel(self.notify_schema),
                    },
                )
        for command_id in outcome.answered_commands:
            await connection.execute(
                _NOTIFY, {"channel": commands_channel(self.notify_schema), "payload": command_id}
            )


_RECORD_EVENT = insert(applied_events).on_conflict_do_nothing().returning(applied_events.c.event_id)
"""Built once: the values come as parameters (every record passes here)."""

_RECORD_CHANGE = text(
    "WITH recorded AS (INSERT INTO changes (incident_id, sequence, kind, occurred_at) "
    "VALUES (:incident_id, :sequence, :kind, :occurred_at) RETURNING id) "
    "SELECT pg_notify(:channel, 'changed') FROM recorded"
)
"""A change and its wake-up call in one round trip."""

_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


async def take_projection_lock(connection: AsyncConnection, live_schema: str) -> None:
    """Shared per record: a rebuild's swap takes it exclusively, so that no
    record is half-applied to the schema being swapped out (adapters.rebuild)."""
    await connection.execute(
        text("SELECT pg_advisory_xact_lock_shared(hashtext(:key))"),
        {"key": projection_lock_key(live_schema)},
    )


def projection_lock_key(live_schema: str) -> str:
    return f"tanggap-dashboard-projection:{live_schema}"


async def _dispatch(
    connection: AsyncConnection, envelope: Envelope[Model], message: Message
) -> Outcome:
    data = envelope.data
    match data:
        case ReportSubmitted():
            return await reports.report_submitted(connection, data)
        case ReportRouted():
            return await reports.report_routed(connection, data)
        case ReportRejected():
            return await reports.report_rejected(connection, data)
        case IncidentEvent():
            return await incidents.incident_event(connection, envelope.id, data)
        case IncidentSnapshot():
            return await incidents.incident_snapshot(connection, data)
        case CommandRejected():
            return await incidents.command_rejected(connection, envelope.id, data)
        case DeliveryUpdated():
            return await agency.delivery_updated(connection, data, message)
        case FeedStatusChanged():
            return await agency.feed_status_changed(connection, data, message)
        case TrafficConditionObserved() | PortStatusObserved() | EarthquakeObserved():
            return await agency.feed_observation(connection, data, message)
        case _:
            raise PoisonMessage(
                "unexpected_type", f"{envelope.type} does not belong on {message.topic}"
            )
