"""Reading topics from the beginning to a fixed end, outside any consumer
group (a rebuild must not move the live projector's offsets)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from tanggap.streaming import Message

Offsets = dict[Any, int]


class TopicReplay:
    def __init__(self, bootstrap_servers: str, topics: Iterable[str]) -> None:
        self.topics = list(topics)
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            client_id="dashboard-rebuild",
        )
        self.partitions: list[Any] = []

    async def start(self, timeout_s: float = 15.0) -> None:
        await self._consumer.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            found = [
                TopicPartition(topic, p)
                for topic in self.topics
                for p in sorted(self._consumer.partitions_for_topic(topic) or ())
            ]
            known = {tp.topic for tp in found}
            if known == set(self.topics) or loop.time() > deadline:
                break
            await self._consumer._client.force_metadata_update()
            await asyncio.sleep(0.1)
        missing = set(self.topics) - {tp.topic for tp in found}
        if missing:
            raise RuntimeError(f"topics not found: {sorted(missing)}")
        self.partitions = found
        self._consumer.assign(found)
        await self._consumer.seek_to_beginning(*found)

    async def stop(self) -> None:
        await self._consumer.stop()

    async def beginning_offsets(self) -> Offsets:
        return dict(await self._consumer.beginning_offsets(self.partitions))

    async def end_offsets(self) -> Offsets:
        """With read_committed: the last stable offsets (open transactions excluded)."""
        return dict(await self._consumer.end_offsets(self.partitions))

    async def positions(self) -> Offsets:
        return {tp: await self._consumer.position(tp) for tp in self.partitions}

    async def read_until(self, ends: Offsets) -> AsyncIterator[list[Message]]:
        """Batches of records until every partition reached its end offset."""
        while True:
            positions = await self.positions()
            pending = [tp for tp in self.partitions if positions[tp] < ends[tp]]
            if not pending:
                return
            batches = await self._consumer.getmany(*pending, timeout_ms=500, max_records=2000)
            records = [
                Message.from_record(r)
                for tp, rs in batches.items()
                for r in rs
                if r.offset < ends[tp]
            ]
            if records:
                yield records
