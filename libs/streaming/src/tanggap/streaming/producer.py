"""The producer every service uses: acks=all on an idempotent producer, so an
acknowledged event is on every in-sync replica and a retry never duplicates."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner, murmur2

from tanggap.schemas.cloudevents import KafkaRecord, encode
from tanggap.schemas.common import Message as Contract
from tanggap.streaming import metrics


class DeliveryTimeout(TimeoutError):
    """The broker did not acknowledge a record within the delivery timeout."""


class DeliveryDeadlines:
    """Fails the deliveries not acknowledged in time, like Kafka's
    ``delivery.timeout.ms``, which aiokafka's idempotent producer lacks (it
    keeps a batch until the broker is back).

    One sweeper task per producer instead of a timer per record: on the
    hottest path (intake's 202) ``asyncio.timeout`` cost about half as much as
    aiokafka's own send (bench/RESULTS.md). The clock starts when the send
    starts (waiting for metadata or buffer space counts), and every record
    has the same timeout, so the queue is in deadline order but for records
    that waited unequally to be queued; a sweep looks only at its head. A
    record fails up to one sweep interval late (more only behind a record
    that waited longer to be queued)."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._interval_s = min(0.1, timeout_s / 10)
        self._pending: deque[tuple[float, asyncio.Future[Any]]] = deque()
        self._sweeper: asyncio.Task[None] | None = None

    def watch(self, delivery: asyncio.Future[Any], started: float) -> None:
        """``started``: ``time.monotonic()`` when the send began."""
        self._pending.append((started + self.timeout_s, delivery))
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep(), name="delivery-deadlines")

    def expire_due(self, now: float) -> int:
        """Fails every watched delivery whose deadline has passed; returns how many."""
        expired = 0
        pending = self._pending
        while pending:
            deadline, delivery = pending[0]
            if not delivery.done():
                if deadline > now:
                    break
                delivery.set_exception(
                    DeliveryTimeout(f"not acknowledged within {self.timeout_s:g} s")
                )
                expired += 1
            pending.popleft()
        return expired

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            self.expire_due(time.monotonic())

    async def close(self) -> None:
        sweeper, self._sweeper = self._sweeper, None
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper


class RememberingPartitioner:
    """aiokafka's default partitioner — murmur2 of the key, as the Java client
    does, so a key lands on the same partition from any client — with each
    key's hash remembered. aiokafka's murmur2 is pure Python, about 4 µs per
    record, and the keys repeat: intake keys every report by its category,
    a few dozen codes. Keys without a repeat (ids) only cost a dict insert;
    the memory is bounded by starting over when it is full."""

    def __init__(self, max_keys: int = 10_000) -> None:
        self._hashes: dict[bytes, int] = {}
        self._max_keys = max_keys
        self._unkeyed = DefaultPartitioner()

    def __call__(self, key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
        if key is None:
            return int(self._unkeyed(key, all_partitions, available))
        hashed = self._hashes.get(key)
        if hashed is None:
            if len(self._hashes) >= self._max_keys:
                self._hashes.clear()
            hashed = self._hashes[key] = murmur2(key) & 0x7FFFFFFF
        return all_partitions[hashed % len(all_partitions)]


class EventProducer:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        service: str,
        source: str | None = None,
        client_id: str | None = None,
        linger_ms: int = 5,
        request_timeout_ms: int = 10_000,
        delivery_timeout_s: float | None = None,
        **options: Any,
    ) -> None:
        """``delivery_timeout_s``: fail a send the broker has not acknowledged
        by then with ``DeliveryTimeout`` (the record may still have reached the
        log); None waits as long as aiokafka does. ``request_timeout_ms`` bounds
        the wait for metadata and buffer space before a record is queued."""
        self.service = service
        self.source = source or f"/tanggap/{service}"
        self._deadlines = (
            DeliveryDeadlines(delivery_timeout_s) if delivery_timeout_s is not None else None
        )
        self._produce_seconds: dict[str, Any] = {}
        kwargs: dict[str, Any] = {
            "bootstrap_servers": bootstrap_servers,
            "client_id": client_id or service,
            "acks": "all",
            "enable_idempotence": True,
            "linger_ms": linger_ms,
            "request_timeout_ms": request_timeout_ms,
            "partitioner": RememberingPartitioner(),
            **options,
        }
        self._producer = AIOKafkaProducer(**kwargs)

    @property
    def client(self) -> Any:
        return self._producer.client

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._close_deadlines()
        await self._producer.stop()

    async def _close_deadlines(self) -> None:
        if self._deadlines is not None:
            await self._deadlines.close()

    async def abandon(self, reason: Exception) -> None:
        """Fail every record not yet acknowledged with ``reason`` and close
        without flushing.

        aiokafka's idempotent producer never expires a batch: while the broker
        is down it keeps it and delivers it once the broker is back. A caller
        that has already told its client "not accepted" (intake's 503) must
        not have the record turn up later, so it abandons the producer and
        starts a new one. A record already written to the socket may still
        have reached the log; only that ambiguity remains."""
        sender = self._producer._sender
        if sender is not None and sender.sender_task is not None:
            # Stop the sender first: it must not drain the failed batches.
            sender.sender_task.cancel()
        accumulator = self._producer._message_accumulator
        accumulator.fail_all(reason)
        # fail_all also fails each batch's internal drain waiter, which nobody
        # awaits: retrieve it, or asyncio logs "exception never retrieved".
        batches = [b for queued in accumulator._batches.values() for b in queued]
        for batch in [*batches, *accumulator._pending_batches]:
            if batch._drain_waiter.done() and not batch._drain_waiter.cancelled():
                batch._drain_waiter.exception()
        await self._close_deadlines()
        await self._producer.stop()

    def encode(
        self,
        event: Contract,
        *,
        subject: str | None = None,
        traceparent: str | None = None,
    ) -> KafkaRecord:
        return encode(event, source=self.source, subject=subject, traceparent=traceparent)

    async def send(
        self,
        topic: str,
        event: Contract,
        *,
        key: bytes | None = None,
        subject: str | None = None,
        traceparent: str | None = None,
    ) -> Any:
        """Encode as a CloudEvent and wait for the broker's acknowledgement."""
        record = self.encode(event, subject=subject, traceparent=traceparent)
        return await self.send_record(topic, record, key=key)

    async def send_record(
        self, topic: str, record: KafkaRecord, *, key: bytes | None = None
    ) -> Any:
        return await self.send_raw(
            topic,
            key=key if key is not None else record.key,
            value=record.value,
            headers=record.headers,
        )

    async def send_raw(
        self,
        topic: str,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]] = (),
    ) -> Any:
        started = time.monotonic()
        delivery = await self._producer.send(topic, value=value, key=key, headers=list(headers))
        if self._deadlines is not None:
            self._deadlines.watch(delivery, started)
        metadata = await delivery
        histogram = self._produce_seconds.get(topic)
        if histogram is None:
            # Resolved once per topic: labels() costs a lock and a dict lookup per send.
            histogram = self._produce_seconds[topic] = metrics.PRODUCE_SECONDS.labels(
                self.service, topic
            )
        histogram.observe(time.monotonic() - started)
        return metadata
