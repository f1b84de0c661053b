"""The consumer runner: at-least-once processing with arroyo's semantics.

One worker task per assigned partition keeps per-partition order while
partitions progress independently. The fetch loop hands records to the
workers and pauses a partition whose queue is full (backpressure without
sleeping); offsets are committed as ``offset + 1`` of the last processed
message under a throttled policy, and forcibly on revoke and shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from pydantic import ValidationError

from tanggap.schemas.cloudevents import CodecError
from tanggap.streaming import metrics
from tanggap.streaming.commit import CommitPolicy, OffsetTracker
from tanggap.streaming.deadletter import (
    DeadLetterPolicy,
    PoisonCounter,
    PoisonMessage,
    dead_letter_headers,
    error_code,
)
from tanggap.streaming.health import Heartbeat
from tanggap.streaming.message import Message

Handler = Callable[[Message], Awaitable[None]]
POISON_ERRORS: tuple[type[BaseException], ...] = (PoisonMessage, CodecError, ValidationError)
log = structlog.get_logger("tanggap.streaming")


def group_consumer(
    bootstrap_servers: str, group_id: str, service: str, options: dict[str, Any] | None
) -> Any:
    """A group member that commits by hand and reads only committed
    transactions, from the earliest offset when the group is new."""
    return AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        client_id=f"{service}-consumer",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        **(options or {}),
    )


class HandlerFailed(RuntimeError):
    """A transient failure outlived its retries: the runner stops and the
    message stays uncommitted, to be processed again after a restart."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    base_backoff_s: float = 0.2
    max_backoff_s: float = 5.0

    def backoff(self, attempt: int) -> float:
        ceiling = min(self.max_backoff_s, self.base_backoff_s * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)


@dataclass
class _PartitionWorker:
    tp: tuple[str, int]
    queue: deque[Message] = field(default_factory=deque)
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    idle: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class ConsumerRunner:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        group_id: str,
        topics: Iterable[str],
        handler: Handler,
        service: str,
        dead_letters: DeadLetterPolicy,
        commit_policy: CommitPolicy | None = None,
        retry: RetryPolicy | None = None,
        max_buffered_per_partition: int = 1000,
        heartbeat: Heartbeat | None = None,
        poison_errors: tuple[type[BaseException], ...] = POISON_ERRORS,
        consumer_options: dict[str, Any] | None = None,
    ) -> None:
        self.service = service
        self.group_id = group_id
        self.topics = list(topics)
        self.handler = handler
        self.dead_letters = dead_letters
        self.retry = retry or RetryPolicy()
        self.max_buffered = max_buffered_per_partition
        self.heartbeat = heartbeat or Heartbeat(service)
        self.poison_errors = poison_errors
        self._tracker = OffsetTracker(commit_policy or CommitPolicy())
        self._poison = PoisonCounter(dead_letters.max_consecutive)
        self._workers: dict[tuple[str, int], _PartitionWorker] = {}
        self._paused: set[tuple[str, int]] = set()
        self._stopping = asyncio.Event()
        self._fatal: BaseException | None = None
        self._consumer = group_consumer(bootstrap_servers, group_id, service, consumer_options)
        self._dlq_producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers,
            client_id=f"{service}-deadletter",
            acks="all",
            enable_idempotence=True,
        )

    @property
    def consumer(self) -> Any:
        return self._consumer

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        """Consume until ``stop()``; raises HandlerFailed or
        TooManyPoisonMessages when processing cannot go on."""
        await self._dlq_producer.start()
        await self._consumer.start()
        self._consumer.subscribe(self.topics, listener=_Listener(self))
        try:
            await self._loop()
        finally:
            await self._shutdown()

    async def _loop(self) -> None:
        while not self._stopping.is_set() and self._fatal is None:
            self.heartbeat.beat()
            batches = await self._consumer.getmany(timeout_ms=200, max_records=2000)
            for tp, records in batches.items():
                worker = self._worker((tp.topic, tp.partition))
                worker.queue.extend(Message.from_record(r) for r in records)
                worker.idle.clear()
                worker.wakeup.set()
            self._apply_backpressure()
            if self._tracker.due():
                await self._commit(trigger="policy")
            self._update_lag()
        if self._fatal is not None:
            raise self._fatal

    def _worker(self, tp: tuple[str, int]) -> _PartitionWorker:
        worker = self._workers.get(tp)
        if worker is None:
            worker = _PartitionWorker(tp)
            worker.idle.set()
            worker.task = asyncio.create_task(self._work(worker), name=f"partition-{tp}")
            self._workers[tp] = worker
        return worker

    async def _work(self, worker: _PartitionWorker) -> None:
        while True:
            if not worker.queue:
                worker.idle.set()
                worker.wakeup.clear()
                await worker.wakeup.wait()
                continue
            message = worker.queue[0]
            try:
                await self._process(message)
            except BaseException as exc:
                worker.queue.clear()
                worker.idle.set()
                if self._fatal is None and not isinstance(exc, asyncio.CancelledError):
                    self._fatal = exc
                    self._stopping.set()
                raise
            if worker.queue and worker.queue[0] is message:
                worker.queue.popleft()

    async def _process(self, message: Message) -> None:
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                await self.handler(message)
            except self.poison_errors as exc:
                await self._dead_letter(message, exc)
                return
            except Exception as exc:
                metrics.TRANSIENT_FAILURES.labels(self.service, message.topic).inc()
                if attempt >= self.retry.attempts:
                    raise HandlerFailed(
                        f"{message.origin}: gave up after {attempt} attempts: {exc!r}"
                    ) from exc
                log.warning(
                    "handler failed, retrying",
                    origin=message.origin,
                    attempt=attempt,
                    error=repr(exc),
                )
                await asyncio.sleep(self.retry.backoff(attempt))
                continue
            finally:
                metrics.HANDLER_SECONDS.labels(self.service, message.topic).observe(
                    time.perf_counter() - started
                )
            self._poison.healthy()
            metrics.CONSUMED.labels(self.service, message.topic, "processed").inc()
            self._tracker.mark(message.topic, message.partition, message.offset)
            return

    async def _dead_letter(self, message: Message, exc: BaseException) -> None:
        code = error_code(exc)
        log.warning(
            "dead-lettering poison message", origin=message.origin, code=code, reason=str(exc)[:500]
        )
        await self._dlq_producer.send_and_wait(
            self.dead_letters.topic,
            key=message.key,
            value=message.value,
            headers=dead_letter_headers(message, exc, service=self.service),
        )
        metrics.DEAD_LETTERED.labels(self.service, message.topic, code).inc()
        metrics.CONSUMED.labels(self.service, message.topic, "dead_lettered").inc()
        self._tracker.mark(message.topic, message.partition, message.offset)
        self._poison.poison()

    def _apply_backpressure(self) -> None:
        low_watermark = self.max_buffered // 2
        for tp, worker in self._workers.items():
            topic_partition = TopicPartition(*tp)
            if tp not in self._paused and len(worker.queue) >= self.max_buffered:
                self._consumer.pause(topic_partition)
                self._paused.add(tp)
            elif tp in self._paused and len(worker.queue) <= low_watermark:
                self._consumer.resume(topic_partition)
                self._paused.discard(tp)
        metrics.PAUSED.labels(self.service).set(len(self._paused))

    def _update_lag(self) -> None:
        for tp in self._workers:
            highwater = self._consumer.highwater(TopicPartition(*tp))
            position = self._tracker.next_offset(*tp)
            if highwater is not None and position is not None:
                metrics.LAG.labels(self.service, tp[0], str(tp[1])).set(highwater - position)

    async def _commit(self, trigger: str, only: set[tuple[str, int]] | None = None) -> None:
        offsets = self._tracker.pending(only)
        if not offsets:
            return
        await self._consumer.commit({TopicPartition(*tp): off for tp, off in offsets.items()})
        self._tracker.committed(offsets)
        metrics.COMMITS.labels(self.service, trigger).inc()

    async def _drain(self, tps: set[tuple[str, int]]) -> None:
        """Stop the workers of these partitions after their current message:
        queued messages are dropped (the next owner fetches them again)."""
        workers = [self._workers.pop(tp) for tp in tps if tp in self._workers]
        for worker in workers:
            worker.queue = deque(list(worker.queue)[:1]) if not worker.idle.is_set() else deque()
        for worker in workers:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(worker.idle.wait(), timeout=30)
            if worker.task is not None:
                worker.task.cancel()
                with contextlib.suppress(BaseException):
                    await worker.task
        self._paused -= tps

    async def on_revoked(self, tps: set[tuple[str, int]]) -> None:
        await self._drain(tps)
        await self._commit(trigger="revoke", only=tps)
        self._tracker.forget(tps)

    async def _shutdown(self) -> None:
        await self._drain(set(self._workers))
        try:
            await self._commit(trigger="shutdown")
        except Exception as exc:
            log.warning("final commit failed", error=repr(exc))
        finally:
            await self._consumer.stop()
            await self._dlq_producer.stop()


class _Listener(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: ConsumerRunner) -> None:
        self.runner = runner

    async def on_partitions_revoked(self, revoked: Iterable[Any]) -> None:
        await self.runner.on_revoked({(tp.topic, tp.partition) for tp in revoked})

    async def on_partitions_assigned(self, assigned: Iterable[Any]) -> None:
        log.info(
            "partitions assigned", partitions=sorted((tp.topic, tp.partition) for tp in assigned)
        )
