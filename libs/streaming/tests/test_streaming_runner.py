"""The consumer runner against the real broker: dead letters, transient
failures, the poison limit, backpressure and commits."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from tanggap.streaming import (
    CommitPolicy,
    ConsumerRunner,
    DeadLetterPolicy,
    HandlerFailed,
    Message,
    PoisonMessage,
    TooManyPoisonMessages,
)
from tanggap.streaming.runner import RetryPolicy
from tanggap.streaming.testing import create_topic, read_all, unique_name

pytestmark = pytest.mark.integration


async def produce(bootstrap: str, topic: str, values: list[bytes], partition: int = 0) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for i, value in enumerate(values):
            await producer.send_and_wait(
                topic, value=value, key=str(i).encode(), partition=partition
            )
    finally:
        await producer.stop()


async def committed(bootstrap: str, group: str, topic: str, partition: int = 0) -> int | None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        result: int | None = await consumer.committed(TopicPartition(topic, partition))
        return result
    finally:
        await consumer.stop()


async def run_until(
    runner: ConsumerRunner, condition: Callable[[], bool], timeout_s: float = 30.0
) -> None:
    task = asyncio.create_task(runner.run())
    try:
        async with asyncio.timeout(timeout_s):
            while not condition():
                if task.done():
                    await task
                await asyncio.sleep(0.05)
    finally:
        runner.stop()
        await task


def make_runner(
    bootstrap: str, topic: str, handler: Callable[[Message], Awaitable[None]], **kw: object
) -> tuple[ConsumerRunner, str, str]:
    group = unique_name("group")
    dlq = f"deadletter.{topic}"
    runner = ConsumerRunner(
        bootstrap_servers=bootstrap,
        group_id=group,
        topics=[topic],
        handler=handler,
        service="test",
        dead_letters=DeadLetterPolicy(topic=dlq, max_consecutive=kw.pop("max_consecutive", 100)),  # type: ignore[arg-type]
        retry=RetryPolicy(attempts=2, base_backoff_s=0.01),
        **kw,  # type: ignore[arg-type]
    )
    return runner, group, dlq


async def test_poison_message_is_dead_lettered_and_the_consumer_goes_on(
    kafka_bootstrap: str,
) -> None:
    topic = await create_topic(kafka_bootstrap, unique_name("test.poison"))
    await create_topic(kafka_bootstrap, f"deadletter.{topic}")
    await produce(kafka_bootstrap, topic, [b"ok-1", b"poison", b"ok-2"])
    seen: list[bytes] = []

    async def handler(message: Message) -> None:
        if message.value == b"poison":
            raise PoisonMessage("not_a_report", "value is not a report")
        assert message.value is not None
        seen.append(message.value)

    runner, group, dlq = make_runner(kafka_bootstrap, topic, handler)
    await run_until(runner, lambda: len(seen) == 2)

    assert seen == [b"ok-1", b"ok-2"]
    dead = await read_all(kafka_bootstrap, dlq, expect=1)
    assert len(dead) == 1
    letter = dead[0]
    assert letter.value == b"poison"
    assert letter.key == b"1"
    assert letter.header("dlq_original_topic") == topic.encode()
    assert letter.header("dlq_original_partition") == b"0"
    assert letter.header("dlq_original_offset") == b"1"
    assert letter.header("dlq_error_code") == b"not_a_report"
    assert b"value is not a report" in (letter.header("dlq_reason") or b"")
    assert await committed(kafka_bootstrap, group, topic) == 3


async def test_transient_failure_commits_nothing_for_that_message(kafka_bootstrap: str) -> None:
    topic = await create_topic(kafka_bootstrap, unique_name("test.transient"))
    await create_topic(kafka_bootstrap, f"deadletter.{topic}")
    await produce(kafka_bootstrap, topic, [b"first", b"database-down", b"third"])
    seen: list[bytes] = []

    async def flaky(message: Message) -> None:
        if message.value == b"database-down":
            raise ConnectionError("PostgreSQL unreachable")
        assert message.value is not None
        seen.append(message.value)

    runner, group, dlq = make_runner(
        kafka_bootstrap, topic, flaky, commit_policy=CommitPolicy(max_messages=1)
    )
    with pytest.raises(HandlerFailed, match="gave up after 2 attempts"):
        await run_until(runner, lambda: False)
    assert seen == [b"first"]
    # The failed message is neither committed nor dead-lettered ...
    assert await committed(kafka_bootstrap, group, topic) == 1
    assert await read_all(kafka_bootstrap, dlq, timeout_s=2) == []

    # ... so the next run in the same group picks it up again.
    async def healthy(message: Message) -> None:
        assert message.value is not None
        seen.append(message.value)

    again = ConsumerRunner(
        bootstrap_servers=kafka_bootstrap,
        group_id=group,
        topics=[topic],
        handler=healthy,
        service="test",
        dead_letters=DeadLetterPolicy(topic=dlq),
    )
    await run_until(again, lambda: len(seen) == 3)
    assert seen == [b"first", b"database-down", b"third"]
    assert await committed(kafka_bootstrap, group, topic) == 3


async def test_too_many_poison_messages_in_a_row_stop_the_consumer(kafka_bootstrap: str) -> None:
    topic = await create_topic(kafka_bootstrap, unique_name("test.limit"))
    await create_topic(kafka_bootstrap, f"deadletter.{topic}")
    await produce(kafka_bootstrap, topic, [b"bad"] * 4)

    async def handler(message: Message) -> None:
        raise PoisonMessage("bad", "always bad")

    runner, _, dlq = make_runner(kafka_bootstrap, topic, handler, max_consecutive=2)
    with pytest.raises(TooManyPoisonMessages):
        await run_until(runner, lambda: False)
    assert len(await read_all(kafka_bootstrap, dlq, expect=3)) == 3


async def test_backpressure_pauses_a_full_partition_and_keeps_order(kafka_bootstrap: str) -> None:
    topic = await create_topic(kafka_bootstrap, unique_name("test.backpressure"))
    await create_topic(kafka_bootstrap, f"deadletter.{topic}")
    values = [str(i).encode() for i in range(300)]
    await produce(kafka_bootstrap, topic, values)
    seen: list[bytes] = []
    paused_seen: list[int] = []

    async def slow(message: Message) -> None:
        await asyncio.sleep(0.001)
        assert message.value is not None
        seen.append(message.value)

    runner, group, _ = make_runner(
        kafka_bootstrap,
        topic,
        slow,
        max_buffered_per_partition=20,
        consumer_options={"max_partition_fetch_bytes": 4096},
    )

    def done() -> bool:
        paused_seen.append(len(runner.consumer.paused()))
        return len(seen) == len(values)

    await run_until(runner, done)
    assert seen == values
    assert max(paused_seen) == 1, "the partition was never paused"
    assert await committed(kafka_bootstrap, group, topic) == len(values)
