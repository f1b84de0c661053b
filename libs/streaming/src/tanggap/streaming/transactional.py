"""Exactly-once consume-transform-produce with Kafka transactions.

Each batch fetched from the input is processed inside one transaction that
also carries the input offsets (``send_offsets_to_transaction``): the outputs
and the progress become visible to ``read_committed`` readers together, or
not at all. A process killed between produce and commit leaves an open
transaction that the broker aborts when the same ``transactional_id`` starts
again (fencing), so nothing it wrote is ever seen twice.

The processor's in-memory state must follow the transaction: it is told
``on_commit`` or ``on_abort`` so it can keep or drop what the batch changed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import structlog
from aiokafka import AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition

from tanggap.schemas.cloudevents import KafkaRecord, encode
from tanggap.schemas.common import Message as Contract
from tanggap.streaming import metrics
from tanggap.streaming.deadletter import (
    DeadLetterPolicy,
    PoisonCounter,
    dead_letter_headers,
    error_code,
)
from tanggap.streaming.health import Heartbeat
from tanggap.streaming.message import Message
from tanggap.streaming.runner import POISON_ERRORS, HandlerFailed, RetryPolicy, group_consumer

log = structlog.get_logger("tanggap.streaming")


class TransactionalOutput:
    """What a processor may write during a batch: records that join the
    batch's transaction."""

    def __init__(self, producer: Any, source: str) -> None:
        self._producer = producer
        self._source = source
        self._pending: list[Any] = []
        self.sent = 0

    def event(
        self,
        topic: str,
        event: Contract,
        *,
        key: bytes | None = None,
        subject: str | None = None,
        traceparent: str | None = None,
    ) -> None:
        record = encode(event, source=self._source, subject=subject, traceparent=traceparent)
        self.record(topic, record, key=key)

    def record(self, topic: str, record: KafkaRecord, *, key: bytes | None = None) -> None:
        self.raw(
            topic,
            key=key if key is not None else record.key,
            value=record.value,
            headers=record.headers,
        )

    def raw(
        self,
        topic: str,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]] = (),
    ) -> None:
        self._pending.append((topic, key, value, list(headers)))

    def discard(self) -> None:
        self._pending.clear()

    async def flush(self) -> None:
        futures = [
            await self._producer.send(topic, key=key, value=value, headers=headers)
            for topic, key, value, headers in self._pending
        ]
        self.sent += len(futures)
        self._pending.clear()
        if futures:
            await asyncio.gather(*futures)


class TransactionalProcessor(Protocol):
    """What a transactional runner drives. The hooks default to doing
    nothing: a stateless processor subclasses this and writes only
    ``process``."""

    async def process(self, message: Message, out: TransactionalOutput) -> None:
        """Handle one message; raise a poison error to dead-letter it (the
        dead letter joins the transaction), anything else aborts the batch."""

    def on_commit(self) -> None:
        """The batch's transaction committed: keep what it changed."""
        return None

    def on_abort(self) -> None:
        """The batch's transaction aborted: drop what it changed."""
        return None

    async def on_assigned(self, partitions: set[tuple[str, int]]) -> None:
        """Partitions were assigned (before their first message)."""
        return None

    async def on_revoked(self, partitions: set[tuple[str, int]]) -> None:
        """Partitions are being revoked (after the current batch)."""
        return None


class TransactionalRunner:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        group_id: str,
        topics: Iterable[str],
        transactional_id: str,
        processor: TransactionalProcessor,
        service: str,
        dead_letters: DeadLetterPolicy,
        max_batch: int = 500,
        retry: RetryPolicy | None = None,
        heartbeat: Heartbeat | None = None,
        poison_errors: tuple[type[BaseException], ...] = POISON_ERRORS,
        source: str | None = None,
        consumer_options: dict[str, Any] | None = None,
        producer_options: dict[str, Any] | None = None,
    ) -> None:
        self.service = service
        self.group_id = group_id
        self.topics = list(topics)
        self.processor = processor
        self.dead_letters = dead_letters
        self.max_batch = max_batch
        self.retry = retry or RetryPolicy()
        self.heartbeat = heartbeat or Heartbeat(service)
        self.poison_errors = poison_errors
        self._poison = PoisonCounter(dead_letters.max_consecutive)
        self._stopping = asyncio.Event()
        self._lock = asyncio.Lock()
        self._consumer = group_consumer(bootstrap_servers, group_id, service, consumer_options)
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers,
            client_id=f"{service}-producer",
            transactional_id=transactional_id,
            enable_idempotence=True,
            acks="all",
            linger_ms=2,
            **(producer_options or {}),
        )
        self._output = TransactionalOutput(self._producer, source or f"/tanggap/{service}")

    @property
    def producer(self) -> Any:
        return self._producer

    @property
    def consumer(self) -> Any:
        return self._consumer

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        await self._producer.start()
        await self._consumer.start()
        self._consumer.subscribe(self.topics, listener=_Listener(self))
        try:
            while not self._stopping.is_set():
                self.heartbeat.beat()
                batches = await self._consumer.getmany(timeout_ms=200, max_records=self.max_batch)
                if batches:
                    async with self._lock:
                        await self._process_with_retries(batches)
        finally:
            await self._consumer.stop()
            await self._producer.stop()

    async def _process_with_retries(self, batches: dict[Any, list[Any]]) -> None:
        messages = [Message.from_record(r) for records in batches.values() for r in records]
        attempt = 0
        while True:
            attempt += 1
            try:
                await self._transaction(messages)
                return
            except self.poison_errors:
                raise
            except Exception as exc:
                metrics.TRANSIENT_FAILURES.labels(self.service, messages[0].topic).inc()
                if attempt >= self.retry.attempts:
                    raise HandlerFailed(f"batch of {len(messages)} gave up: {exc!r}") from exc
                log.warning("transaction failed, retrying", attempt=attempt, error=repr(exc))
                await asyncio.sleep(self.retry.backoff(attempt))

    async def _transaction(self, messages: list[Message]) -> None:
        started = time.perf_counter()
        offsets: dict[Any, int] = {}
        await self._producer.begin_transaction()
        try:
            for message in messages:
                await self._process_one(message)
                offsets[TopicPartition(message.topic, message.partition)] = message.offset + 1
            await self._output.flush()
            await self._producer.send_offsets_to_transaction(offsets, self.group_id)
            await self._producer.commit_transaction()
        except BaseException:
            self._output.discard()
            await self._abort()
            raise
        self.processor.on_commit()
        for tp, offset in offsets.items():
            highwater = self._consumer.highwater(tp)
            if highwater is not None:
                metrics.LAG.labels(self.service, tp.topic, str(tp.partition)).set(
                    max(0, highwater - offset)
                )
        metrics.TRANSACTIONS.labels(self.service, "committed").inc()
        metrics.COMMITS.labels(self.service, "transaction").inc()
        metrics.HANDLER_SECONDS.labels(self.service, messages[0].topic).observe(
            time.perf_counter() - started
        )
        for message in messages:
            metrics.CONSUMED.labels(self.service, message.topic, "processed").inc()

    async def _process_one(self, message: Message) -> None:
        try:
            await self.processor.process(message, self._output)
        except self.poison_errors as exc:
            code = error_code(exc)
            log.warning(
                "dead-lettering poison message",
                origin=message.origin,
                code=code,
                reason=str(exc)[:500],
            )
            self._output.raw(
                self.dead_letters.topic,
                key=message.key,
                value=message.value,
                headers=dead_letter_headers(message, exc, service=self.service),
            )
            metrics.DEAD_LETTERED.labels(self.service, message.topic, code).inc()
            self._poison.poison()
            return
        self._poison.healthy()

    async def _abort(self) -> None:
        """Abort the transaction, drop the batch's state, and rewind the
        input to the last committed offsets so the batch is read again."""
        try:
            await self._producer.abort_transaction()
        finally:
            metrics.TRANSACTIONS.labels(self.service, "aborted").inc()
            self.processor.on_abort()
            assigned = self._consumer.assignment()
            if assigned:
                await self._consumer.seek_to_committed(*assigned)

    async def on_revoked(self, tps: set[tuple[str, int]]) -> None:
        # The lock keeps a rebalance from landing in the middle of a batch's
        # transaction: the batch finishes (or aborts) first.
        async with self._lock:
            await self.processor.on_revoked(tps)

    async def on_assigned(self, tps: set[tuple[str, int]]) -> None:
        await self.processor.on_assigned(tps)


class _Listener(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: TransactionalRunner) -> None:
        self.runner = runner

    async def on_partitions_revoked(self, revoked: Iterable[Any]) -> None:
        await self.runner.on_revoked({(tp.topic, tp.partition) for tp in revoked})

    async def on_partitions_assigned(self, assigned: Iterable[Any]) -> None:
        await self.runner.on_assigned({(tp.topic, tp.partition) for tp in assigned})
