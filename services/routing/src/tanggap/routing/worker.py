"""The routing worker: the transactional consumer, the changelog follower, the
SLA timer loop, run together until stopped.

Start: create routing's own topics, read the changelog to its end (the state),
then join the ``routing`` group with transactional id ``routing-<instance_id>``.
The range assignor gives partition *p* of ``reports.submitted`` and of the
command inbox to the same instance (docs/adr/0020).

Timers: the deadlines are in the state, so they survive restarts. Every
``timer_poll_s`` the loop looks for incidents of the categories this instance
owns whose next timer is due, and puts a *tick* for that category on the
command inbox; the tick is processed like any command, inside a transaction,
so an escalation is emitted exactly once. A tick not processed within
``tick_resend_s`` is sent again (ticks are idempotent: a deadline escalates once).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.coordinator.assignors.range import RangePartitionAssignor

from tanggap.routing import metrics
from tanggap.routing.adapters.changelog import ChangelogFollower
from tanggap.routing.adapters.topics import Layout, ensure_routing_topics, partition_for
from tanggap.routing.domain.escalation import next_timer
from tanggap.routing.processor import INBOX_HEADER, TICK, Clock, RoutingProcessor, tick_record
from tanggap.routing.rulesource import RuleSource
from tanggap.routing.service import RoutingService, incident_key
from tanggap.routing.settings import Settings
from tanggap.routing.state import IncidentStore
from tanggap.streaming import DeadLetterPolicy, Heartbeat, TransactionalRunner

log = structlog.get_logger(__name__)


def settings_clock(settings: Settings) -> Clock:
    offset = timedelta(seconds=settings.clock_offset_s)
    return lambda: datetime.now(UTC) + offset


class RoutingWorker:
    def __init__(
        self, settings: Settings, rules: RuleSource, *, clock: Clock | None = None
    ) -> None:
        self.settings = settings
        self.rules = rules
        self.clock = clock or settings_clock(settings)
        self.store = IncidentStore()
        self.service = RoutingService(rules)
        self.heartbeat = Heartbeat(settings.service_name)
        self.follower = ChangelogFollower(
            bootstrap=settings.kafka_bootstrap, topic=settings.topic_changelog, store=self.store
        )
        self.processor = RoutingProcessor(
            settings=settings,
            service=self.service,
            store=self.store,
            follower=self.follower,
            clock=self.clock,
        )
        self.processor.on_ticks_done = self._ticks_done
        self.runner: TransactionalRunner | None = None
        #: the changelog follower is connected (its client answers readiness)
        self.started = False
        #: state rebuilt and the consumer running
        self.ready = False
        self._layout: Layout | None = None
        self._ticks_pending: dict[str, float] = {}
        self._stopping = asyncio.Event()
        self._tick_producer = AIOKafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap,
            client_id="routing-timers",
            acks="all",
            enable_idempotence=True,
        )

    @property
    def client(self) -> object:
        return self.follower.client

    def stop(self) -> None:
        self._stopping.set()
        if self.runner is not None:
            self.runner.stop()

    async def run(self) -> None:
        """Run until ``stop()``; raises when processing cannot go on (the process
        should exit and be restarted)."""
        self._layout = await ensure_routing_topics(self.settings)
        tasks: list[asyncio.Task[None]] = []
        runner_task: list[asyncio.Task[None]] = []
        try:
            await self.follower.start()
            self.started = True
            await self._tick_producer.start()
            tasks.append(_task(self.follower.run(), "changelog"))
            await self.follower.catch_up(self.settings.catch_up_timeout_s)
            log.info("state rebuilt from the changelog", incidents=len(self.store))
            self.runner = self._runner()
            if self._stopping.is_set():
                return
            runner_task.append(_task(self.runner.run(), "runner"))
            tasks += [
                *runner_task,
                _task(self._timers(), "timers"),
            ]
            self.ready = True
            await self._until_stopped_or_failed(tasks)
        finally:
            self.ready = self.started = False
            if self.runner is not None:
                self.runner.stop()
            await _finish(tasks, first=runner_task)
            await self.follower.stop()
            await self._tick_producer.stop()

    async def _until_stopped_or_failed(self, tasks: list[asyncio.Task[None]]) -> None:
        stopping = _task(self._stopping.wait(), "stop")
        try:
            done, _ = await asyncio.wait([*tasks, stopping], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        for task in done - {stopping}:
            error = task.exception()
            if error is not None:
                raise error
            if not self._stopping.is_set():
                raise RuntimeError(f"{task.get_name()} ended unexpectedly")

    def _runner(self) -> TransactionalRunner:
        s = self.settings
        return TransactionalRunner(
            bootstrap_servers=s.kafka_bootstrap,
            group_id=s.group_id,
            topics=[s.topic_reports_submitted, s.topic_incident_commands, s.topic_command_inbox],
            transactional_id=s.transactional_id,
            processor=self.processor,
            service=s.service_name,
            dead_letters=DeadLetterPolicy(topic=s.topic_deadletter),
            max_batch=s.max_batch,
            heartbeat=self.heartbeat,
            consumer_options={
                "partition_assignment_strategy": (RangePartitionAssignor,),
                "session_timeout_ms": s.session_timeout_ms,
                "heartbeat_interval_ms": s.heartbeat_interval_ms,
            },
        )

    # -- SLA timers ------------------------------------------------------------------------

    async def _timers(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.settings.timer_poll_s)
            if self._stopping.is_set():
                return
            for key in self.due_categories(self.clock()):
                await self._send_tick(key)

    def due_categories(self, now: datetime) -> set[str]:
        """Area keys (categories) owned here with an incident whose timer is due."""
        assert self._layout is not None
        lifecycle = self.rules.rulebook.lifecycle
        owned = self.processor.owned
        due: set[str] = set()
        for incident in self.store.timed():
            key = incident_key(incident)
            if key in due or partition_for(key, self._layout.partitions) not in owned:
                continue
            when = next_timer(incident, policy=lifecycle)
            if when is not None and when <= now:
                due.add(key)
        return due

    async def _send_tick(self, key: str) -> None:
        sent = self._ticks_pending.get(key)
        if sent is not None and time.monotonic() - sent < self.settings.tick_resend_s:
            return
        await self._tick_producer.send_and_wait(
            self.settings.topic_command_inbox,
            key=key.encode(),
            value=tick_record(key),
            headers=[(INBOX_HEADER, TICK)],
        )
        self._ticks_pending[key] = time.monotonic()
        metrics.TICKS_SENT.inc()

    def _ticks_done(self, keys: set[str]) -> None:
        for key in keys:
            self._ticks_pending.pop(key, None)


def _task(coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[None]:
    return asyncio.create_task(coroutine, name=name)


async def _finish(tasks: list[asyncio.Task[None]], *, first: list[asyncio.Task[None]]) -> None:
    """Let the runner finish its batch (it stops by itself), then cancel the rest."""
    for task in first:
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(asyncio.shield(task), 30)
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(BaseException):
            await task
