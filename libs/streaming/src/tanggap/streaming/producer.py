"""The producer every service uses: acks=all on an idempotent producer, so an
acknowledged event is on every in-sync replica and a retry never duplicates."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer

from tanggap.schemas.cloudevents import KafkaRecord, encode
from tanggap.schemas.common import Message as Contract
from tanggap.streaming import metrics


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
        **options: Any,
    ) -> None:
        self.service = service
        self.source = source or f"/tanggap/{service}"
        kwargs: dict[str, Any] = {
            "bootstrap_servers": bootstrap_servers,
            "client_id": client_id or service,
            "acks": "all",
            "enable_idempotence": True,
            "linger_ms": linger_ms,
            "request_timeout_ms": request_timeout_ms,
            **options,
        }
        self._producer = AIOKafkaProducer(**kwargs)

    @property
    def client(self) -> Any:
        return self._producer.client

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

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
        started = time.perf_counter()
        metadata = await self._producer.send_and_wait(
            topic, value=value, key=key, headers=list(headers)
        )
        metrics.PRODUCE_SECONDS.labels(self.service, topic).observe(time.perf_counter() - started)
        return metadata
