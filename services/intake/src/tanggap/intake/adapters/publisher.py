"""Producing ``report.submitted``, and telling the caller exactly how it failed.

A failure is *definite* when no byte of the record can have reached Kafka
(the producer could not start, or the record was never handed to it) and
*ambiguous* otherwise (handed over, not acknowledged in time). Either way the
producer is abandoned — its unacknowledged records failed, never delivered
later behind the client's back — and a new one is started on the next
request, at most once per backoff period so an outage costs each request a
fast 503, not a connection attempt."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import structlog

from tanggap.intake.domain.errors import BrokerUnavailable
from tanggap.schemas.cloudevents import encode
from tanggap.schemas.events import ReportSubmitted
from tanggap.streaming import EventProducer
from tanggap.streaming.health import kafka_reachable

log = structlog.get_logger(__name__)


class PublishFailed(BrokerUnavailable):
    def __init__(self, detail: str, *, maybe_sent: bool) -> None:
        super().__init__(detail)
        self.maybe_sent = maybe_sent


class ReportPublisher:
    def __init__(
        self,
        producer_factory: Callable[[], EventProducer],
        *,
        topic: str,
        source: str,
        timeout_s: float,
        retry_backoff_s: float,
    ) -> None:
        self._factory = producer_factory
        self._topic = topic
        self._source = source
        self._timeout_s = timeout_s
        self._backoff_s = retry_backoff_s
        self._producer: EventProducer | None = None
        self._starting: asyncio.Lock = asyncio.Lock()
        self._next_attempt = 0.0
        self._closing: set[asyncio.Task[None]] = set()

    @property
    def producer(self) -> EventProducer | None:
        return self._producer

    async def start(self) -> None:
        """Try once at boot; the service starts (and serves reads) without Kafka."""
        try:
            await self._ensure_started()
        except PublishFailed as exc:
            log.warning("kafka_unavailable_at_start", detail=exc.detail)

    async def stop(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()
        if self._closing:
            await asyncio.wait(self._closing, timeout=self._timeout_s)

    async def publish(self, report: ReportSubmitted, *, traceparent: str | None = None) -> None:
        """Returns once the broker acknowledged (acks=all). The CloudEvents id is
        the report id and the time its submission time, so producing the same
        report again (an idempotent retry) yields an identical record."""
        producer = await self._ensure_started()
        record = encode(
            report,
            source=self._source,
            subject=report.report_id,
            event_id=report.report_id,
            time=report.submitted_at,
            traceparent=traceparent,
        )
        try:
            # Bounded by the producer: request_timeout_ms until the record is
            # queued, then its delivery timeout (main.py sets both).
            await producer.send_record(self._topic, record)
        except Exception as exc:
            self._abandon(producer, exc)
            raise PublishFailed(
                f"Kafka tidak mengonfirmasi laporan ({type(exc).__name__})", maybe_sent=True
            ) from exc

    async def ready(self) -> bool:
        """Readiness also restarts a producer lost in an outage: an instance
        taken out of the load balancer gets no request that would."""
        try:
            producer = await self._ensure_started()
        except PublishFailed:
            return False
        return await kafka_reachable(producer.client)

    async def _ensure_started(self) -> EventProducer:
        if self._producer is not None:
            return self._producer
        async with self._starting:
            # Another request may have started one while this one waited.
            started = self._current()
            if started is not None:
                return started
            if time.monotonic() < self._next_attempt:
                raise PublishFailed("Kafka tidak tersedia", maybe_sent=False)
            producer = self._factory()
            try:
                await asyncio.wait_for(producer.start(), timeout=self._timeout_s)
            except Exception as exc:
                self._next_attempt = time.monotonic() + self._backoff_s
                self._abandon(producer, exc)
                raise PublishFailed(
                    f"Kafka tidak tersedia ({type(exc).__name__})", maybe_sent=False
                ) from exc
            self._producer = producer
            return producer

    def _current(self) -> EventProducer | None:
        return self._producer

    def _abandon(self, producer: EventProducer, reason: Exception) -> None:
        if self._producer is producer:
            self._producer = None
            self._next_attempt = time.monotonic() + self._backoff_s
        log.warning("kafka_producer_abandoned", reason=type(reason).__name__)
        # Closing may wait for in-flight requests up to their timeout; the
        # caller has its answer already.
        task = asyncio.create_task(_close_quietly(producer, reason))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)


async def _close_quietly(producer: EventProducer, reason: Exception) -> None:
    try:
        await producer.abandon(reason)
    except Exception as exc:  # the producer is dropped either way
        log.info("kafka_producer_close_failed", error=type(exc).__name__)
