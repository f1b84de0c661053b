"""Helpers for tests that talk to the real broker: unique topics, reading a
topic to the end as a read_committed consumer would."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Mapping

from aiokafka import AIOKafkaConsumer, TopicPartition

from tanggap.streaming.admin import TopicSpec, ensure_topics
from tanggap.streaming.message import Message


def unique_name(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}"


async def create_topic(
    bootstrap_servers: str,
    name: str,
    *,
    partitions: int = 1,
    config: Mapping[str, str] | None = None,
) -> str:
    await ensure_topics(
        bootstrap_servers, [TopicSpec(name=name, partitions=partitions, config=config or {})]
    )
    return name


async def read_all(
    bootstrap_servers: str,
    topic: str,
    *,
    expect: int | None = None,
    timeout_s: float = 15.0,
    isolation_level: str = "read_committed",
) -> list[Message]:
    """Every record of the topic from the beginning to its current end (or
    until ``expect`` records arrived), as a group-less consumer sees them."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level=isolation_level,
    )
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic)
        deadline = time.monotonic() + timeout_s
        while not partitions and time.monotonic() < deadline:
            # A topic created a moment ago is not in this client's metadata yet.
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic)
            if not partitions:
                await asyncio.sleep(0.1)
        if not partitions:
            raise LookupError(f"topic {topic!r} does not exist")
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        messages: list[Message] = []
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                messages.extend(Message.from_record(r) for r in records)
            if expect is not None:
                if len(messages) >= expect:
                    break
                continue
            ends = await consumer.end_offsets(tps)
            if all([await consumer.position(tp) >= ends[tp] for tp in tps]):
                break
        return sorted(messages, key=lambda m: (m.partition, m.offset))
    finally:
        await consumer.stop()
