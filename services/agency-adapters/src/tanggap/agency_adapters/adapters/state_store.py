"""The adapters' memory on the compacted ``agency.adapter_state`` (ADR 0041).

At start the whole topic is read to its end; afterwards it is tailed, so
writes by another process (the ``deadletters replay`` CLI, a second instance)
become visible here too. Every write is applied locally at once as well; a
record read back never replaces a newer one (delivery records carry a
revision that grows by one per write)."""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition

from tanggap.agency_adapters.adapters.kafka_meta import partitions_of
from tanggap.agency_adapters.adapters.publisher import Publisher
from tanggap.agency_adapters.domain.delivery import DeliveryRecord
from tanggap.schemas.cloudevents import CodecError, decode
from tanggap.schemas.events.adapter_state import (
    DeadLetterReplayed,
    DeliveryStateRecorded,
    EarthquakeIncidentRecorded,
)
from tanggap.schemas.topic_names import Topic
from tanggap.streaming import Message

log = structlog.get_logger("tanggap.agency_adapters.state")


def to_event(record: DeliveryRecord) -> DeliveryStateRecorded:
    return DeliveryStateRecorded(
        adapter=record.agency,
        incident_id=record.incident_id,
        unit_id=record.unit_id,
        sequence=record.sequence,
        fingerprint=record.fingerprint,
        incident_status=record.incident_status,
        delivered_sequence=record.delivered_sequence,
        agency_reference=record.reference,
        agency_status=record.agency_status,
        revision=record.revision,
        at=record.updated_at,
    )


def from_event(event: DeliveryStateRecorded) -> DeliveryRecord:
    return DeliveryRecord(
        agency=event.adapter,
        incident_id=event.incident_id,
        unit_id=event.unit_id,
        sequence=event.sequence,
        fingerprint=event.fingerprint,
        incident_status=event.incident_status,
        revision=event.revision,
        updated_at=event.at,
        delivered_sequence=event.delivered_sequence,
        reference=event.agency_reference,
        agency_status=event.agency_status,
    )


class StateStore:
    def __init__(self, *, bootstrap_servers: str, publisher: Publisher) -> None:
        self._publisher = publisher
        self._topic = publisher.topic(Topic.AGENCY_ADAPTER_STATE)
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            enable_auto_commit=False,
            isolation_level="read_committed",
            client_id="agency-adapters-state",
        )
        self._deliveries: dict[tuple[str, str], DeliveryRecord] = {}
        self._by_reference: dict[tuple[str, str], tuple[str, str]] = {}
        self._earthquakes: dict[str, EarthquakeIncidentRecorded] = {}
        self._replays: dict[tuple[int, int], DeadLetterReplayed] = {}
        self._tail: asyncio.Task[None] | None = None
        self._locks: dict[str, asyncio.Lock] = {}

    # -- lifecycle ---------------------------------------------------------

    async def load(self, timeout_s: float = 60.0) -> None:
        """Read the topic to its current end, then keep tailing it."""
        await self._consumer.start()
        partitions = await partitions_of(self._consumer, self._topic)
        tps = [TopicPartition(self._topic, p) for p in sorted(partitions)]
        self._consumer.assign(tps)
        await self._consumer.seek_to_beginning(*tps)
        ends = await self._consumer.end_offsets(tps)
        async with asyncio.timeout(timeout_s):
            while any([await self._consumer.position(tp) < ends[tp] for tp in tps]):
                await self._fetch()
        log.info(
            "adapter state loaded",
            deliveries=len(self._deliveries),
            earthquakes=len(self._earthquakes),
            replays=len(self._replays),
        )
        self._tail = asyncio.create_task(self._follow(), name="adapter-state-tail")

    async def close(self) -> None:
        if self._tail is not None:
            self._tail.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tail
        await self._consumer.stop()

    async def _follow(self) -> None:
        while True:
            try:
                await self._fetch()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the view goes stale, the service goes on
                log.warning("adapter state tail failed", error=repr(exc))
                await asyncio.sleep(1.0)

    async def _fetch(self) -> None:
        batches = await self._consumer.getmany(timeout_ms=200, max_records=1000)
        for records in batches.values():
            for record in records:
                self._apply(Message.from_record(record))

    def _apply(self, message: Message) -> None:
        try:
            data = decode(message.value, message.headers).data
        except CodecError as exc:
            log.warning("unreadable adapter state record", origin=message.origin, code=exc.code)
            return
        if isinstance(data, DeliveryStateRecorded):
            self._remember_delivery(from_event(data))
        elif isinstance(data, EarthquakeIncidentRecorded):
            self._earthquakes.setdefault(data.event_key, data)
        elif isinstance(data, DeadLetterReplayed):
            self._replays.setdefault((data.partition, data.offset), data)

    def _remember_delivery(self, record: DeliveryRecord) -> None:
        key = (record.agency, record.incident_id)
        known = self._deliveries.get(key)
        if known is not None and known.revision >= record.revision:
            return
        self._deliveries[key] = record
        if record.reference is not None:
            self._by_reference[(record.agency, record.reference)] = key

    def lock(self, agency: str) -> asyncio.Lock:
        """Held around each read-modify-write of an agency's delivery records, so
        a status callback and a delivery finishing together do not lose a field."""
        return self._locks.setdefault(agency, asyncio.Lock())

    # -- reads -------------------------------------------------------------

    def delivery(self, agency: str, incident_id: str) -> DeliveryRecord | None:
        return self._deliveries.get((agency, incident_id))

    def by_reference(self, agency: str, reference: str) -> DeliveryRecord | None:
        key = self._by_reference.get((agency, reference))
        return self._deliveries.get(key) if key else None

    def tracked(self, agency: str) -> list[DeliveryRecord]:
        return [r for (a, _), r in self._deliveries.items() if a == agency and r.tracking]

    def earthquake(self, event_key: str) -> EarthquakeIncidentRecorded | None:
        return self._earthquakes.get(event_key)

    def earthquakes(self) -> list[EarthquakeIncidentRecorded]:
        return list(self._earthquakes.values())

    def replay(self, partition: int, offset: int) -> DeadLetterReplayed | None:
        return self._replays.get((partition, offset))

    # -- writes ------------------------------------------------------------

    async def save_delivery(self, record: DeliveryRecord) -> None:
        await self._publisher.publish(to_event(record))
        self._remember_delivery(record)

    async def save_earthquake(self, event: EarthquakeIncidentRecorded) -> None:
        await self._publisher.publish(event)
        self._earthquakes.setdefault(event.event_key, event)

    async def save_replay(self, event: DeadLetterReplayed) -> None:
        await self._publisher.publish(event)
        self._replays.setdefault((event.partition, event.offset), event)
