"""Follows the incident changelog into the store, and waits for it to catch up.

Every routing instance reads the whole compacted changelog (read_committed, no
consumer group) from the beginning and then keeps following it: the city has
thousands of incidents, not millions, and every instance needs every incident's
category to forward its commands (docs/adr/0020).

``catch_up()`` is the barrier that makes this safe: it reads the changelog's end
offsets (for a read_committed reader, the last stable offset) and waits until
the store has everything before them. Routing waits for it at start, when it is
given partitions, and before it calls an incident unknown.
"""

from __future__ import annotations

import asyncio
import time

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition

from tanggap.routing import metrics
from tanggap.routing.adapters.incident_codec import ChangelogFormatError, decode_incident
from tanggap.routing.state import IncidentStore

log = structlog.get_logger(__name__)


class CatchUpTimeout(RuntimeError):
    """The changelog did not reach its end in time (broker trouble): transient."""


class ChangelogFollower:
    def __init__(self, *, bootstrap: str, topic: str, store: IncidentStore) -> None:
        self.topic = topic
        self.store = store
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            client_id="routing-changelog",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
        )
        self._partitions: list[TopicPartition] = []
        self._progress = asyncio.Condition()
        self._stopping = asyncio.Event()
        self.records = 0

    async def start(self) -> None:
        await self._consumer.start()
        deadline = time.monotonic() + 15
        partitions = self._consumer.partitions_for_topic(self.topic)
        while not partitions and time.monotonic() < deadline:
            await self._consumer._client.force_metadata_update()
            partitions = self._consumer.partitions_for_topic(self.topic)
            if not partitions:
                await asyncio.sleep(0.1)
        if not partitions:
            raise LookupError(f"changelog topic {self.topic!r} does not exist")
        self._partitions = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        self._consumer.assign(self._partitions)
        await self._consumer.seek_to_beginning(*self._partitions)

    async def stop(self) -> None:
        self._stopping.set()
        await self._consumer.stop()

    @property
    def client(self) -> object:
        return self._consumer._client

    async def run(self) -> None:
        while not self._stopping.is_set():
            batches = await self._consumer.getmany(timeout_ms=200, max_records=2000)
            for records in batches.values():
                for record in records:
                    self._apply(record.key, record.value)
            metrics.ACTIVE_INCIDENTS.set(self.store.active_count)
            async with self._progress:
                self._progress.notify_all()

    def _apply(self, key: bytes | None, value: bytes | None) -> None:
        self.records += 1
        if value is None:
            if key is not None:
                self.store.remove(key.decode())
            return
        try:
            incident = decode_incident(value)
        except ChangelogFormatError as exc:
            metrics.CHANGELOG_SKIPPED.inc()
            log.error("changelog record skipped", error=str(exc), key=key)
            return
        self.store.put(incident)

    async def catch_up(self, timeout_s: float) -> None:
        """Return once everything committed to the changelog before now is in the store."""
        ends = await self._consumer.end_offsets(self._partitions)
        deadline = time.monotonic() + timeout_s
        async with self._progress:
            while not await self._reached(ends):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CatchUpTimeout(f"changelog not caught up in {timeout_s:.0f}s")
                try:
                    await asyncio.wait_for(self._progress.wait(), remaining)
                except TimeoutError:
                    continue

    async def _reached(self, ends: dict[TopicPartition, int]) -> bool:
        for tp, end in ends.items():
            if await self._consumer.position(tp) < end:
                return False
        return True
