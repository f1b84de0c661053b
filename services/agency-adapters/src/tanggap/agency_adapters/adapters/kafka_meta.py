"""Finding a topic's partitions from a group-less consumer."""

from __future__ import annotations

import asyncio
import time
from typing import Any


async def partitions_of(consumer: Any, topic: str, timeout_s: float = 10.0) -> set[int]:
    """The topic's partitions; a topic created a moment ago may be missing from
    the client's metadata, and aiokafka refreshes it only through its (private)
    client — the same way tanggap.streaming.testing does."""
    deadline = time.monotonic() + timeout_s
    while True:
        partitions = consumer.partitions_for_topic(topic)
        if partitions:
            return set(partitions)
        if time.monotonic() > deadline:
            raise RuntimeError(f"topic {topic} does not exist")
        consumer._client.add_topic(topic)
        await consumer._client.force_metadata_update()
        await asyncio.sleep(0.05)
