"""The producer's delivery timeout: deliveries the broker has not acknowledged
in time fail with DeliveryTimeout; acknowledged ones are left alone."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiokafka.partitioner import DefaultPartitioner

from tanggap.streaming import DeliveryTimeout, EventProducer
from tanggap.streaming.producer import DeliveryDeadlines, RememberingPartitioner
from tanggap.streaming.testing import create_topic, read_all, unique_name


def test_the_remembering_partitioner_places_every_key_as_the_default_one() -> None:
    remembering = RememberingPartitioner(max_keys=50)
    default = DefaultPartitioner()
    keys = [f"key-{i}".encode() for i in range(200)] + [b"sampah", b"", b"\xff" * 40]
    for partitions in ([0], [0, 1, 2], list(range(12))):
        for key in keys * 2:  # the second round answers from memory (or after a reset)
            assert remembering(key, partitions, partitions) == default(key, partitions, partitions)
    assert remembering(None, [0, 1, 2], [2]) == 2  # unkeyed: an available partition


async def test_only_deliveries_past_their_deadline_fail() -> None:
    loop = asyncio.get_running_loop()
    deadlines = DeliveryDeadlines(timeout_s=1.0)
    acknowledged: asyncio.Future[Any] = loop.create_future()
    overdue: asyncio.Future[Any] = loop.create_future()
    in_time: asyncio.Future[Any] = loop.create_future()
    deadlines.watch(acknowledged, started=100.0)
    deadlines.watch(overdue, started=100.5)
    deadlines.watch(in_time, started=101.0)
    acknowledged.set_result("metadata")

    assert deadlines.expire_due(now=101.6) == 1

    assert acknowledged.result() == "metadata"
    with pytest.raises(DeliveryTimeout):
        overdue.result()
    assert not in_time.done()
    assert deadlines.expire_due(now=102.0) == 1
    assert isinstance(in_time.exception(), DeliveryTimeout)
    await deadlines.close()


async def test_a_delivery_nobody_acknowledges_fails_within_about_its_timeout() -> None:
    deadlines = DeliveryDeadlines(timeout_s=0.2)
    never: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    started = time.monotonic()
    deadlines.watch(never, started=started)
    with pytest.raises(DeliveryTimeout):
        async with asyncio.timeout(5):
            await never
    # One sweep interval (timeout / 10) late at most, plus scheduling.
    assert time.monotonic() - started < 2
    await deadlines.close()


@pytest.mark.integration
async def test_acknowledged_records_arrive_once_with_a_delivery_timeout(
    kafka_bootstrap: str,
) -> None:
    topic = unique_name("streaming-producer")
    await create_topic(kafka_bootstrap, topic, partitions=1)
    producer = EventProducer(
        bootstrap_servers=kafka_bootstrap, service="producer-test", delivery_timeout_s=5.0
    )
    await producer.start()
    try:
        sent = await asyncio.gather(
            *(producer.send_raw(topic, key=b"k", value=str(i).encode()) for i in range(50))
        )
    finally:
        await producer.stop()
    assert sorted(metadata.offset for metadata in sent) == list(range(50))
    records = await read_all(kafka_bootstrap, topic, timeout_s=10)
    assert sorted(int(record.value) for record in records) == list(range(50))
