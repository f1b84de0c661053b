"""The background side of the service: one consumer group per delivering agency
on ``incidents.state`` (so a slow agency holds back only its own deliveries),
status pollers, feed pollers and the freshness monitor — all wired here."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable

import structlog

from tanggap.agency_adapters.adapters.publisher import Publisher
from tanggap.agency_adapters.adapters.registry import Registry
from tanggap.agency_adapters.adapters.state_store import StateStore
from tanggap.agency_adapters.clock import Clock, SystemClock
from tanggap.agency_adapters.domain.circuit import CircuitBreaker
from tanggap.agency_adapters.domain.freshness import FeedHealth
from tanggap.agency_adapters.service.delivery import DeliveryService
from tanggap.agency_adapters.service.earthquakes import EarthquakeAlerts
from tanggap.agency_adapters.service.feeds import FeedService, FreshnessMonitor
from tanggap.agency_adapters.service.resilience import GuardedAgency
from tanggap.agency_adapters.service.status import StatusService
from tanggap.agency_adapters.settings import Settings
from tanggap.streaming import ConsumerRunner, DeadLetterPolicy, EventProducer, Heartbeat

log = structlog.get_logger("tanggap.agency_adapters.worker")


class Worker:
    def __init__(
        self,
        settings: Settings,
        registry: Registry,
        producer: EventProducer,
        *,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.clock = clock or SystemClock()
        self.publisher = Publisher(producer, settings.topics.mapping())
        self.state = StateStore(
            bootstrap_servers=settings.kafka_bootstrap, publisher=self.publisher
        )
        self.guards = {
            name: GuardedAgency(
                name,
                CircuitBreaker(
                    failure_threshold=settings.breaker_failure_threshold,
                    reset_after_s=settings.breaker_reset_after_s,
                ),
                self.clock,
            )
            for name in registry.names()
        }
        self.deliveries = [
            DeliveryService(
                deliverer,
                guard=self.guards[deliverer.agency],
                state=self.state,
                publisher=self.publisher,
                retry=settings.retry,
                clock=self.clock,
                service_name=settings.service_name,
            )
            for deliverer in registry.deliverers()
        ]
        self.statuses = {
            receiver.agency: StatusService(
                receiver,
                guard=self.guards[receiver.agency],
                state=self.state,
                publisher=self.publisher,
                clock=self.clock,
            )
            for receiver in registry.status_receivers()
        }
        self.alerts = (
            EarthquakeAlerts(
                rule=registry.bmkg.rule,
                state=self.state,
                publisher=self.publisher,
                clock=self.clock,
            )
            if registry.bmkg is not None
            else None
        )
        started = self.clock.now()
        bmkg_feeds = {id(f) for f in registry.bmkg.feeds} if registry.bmkg else set()
        self.feeds = [
            FeedService(
                puller,
                health=FeedHealth(
                    feed=puller.feed.name,
                    expected_interval_s=puller.feed.stale_after_s,
                    watching_since=started,
                ),
                publisher=self.publisher,
                clock=self.clock,
                on_events=self.alerts.handle if self.alerts and id(puller) in bmkg_feeds else None,
            )
            for puller in registry.feeds()
        ]
        self.monitor = FreshnessMonitor(self.feeds, publisher=self.publisher, clock=self.clock)
        self._runners: list[ConsumerRunner] = []
        self._consumers: list[asyncio.Task[None]] = []
        self._loops: list[asyncio.Task[None]] = []

    def status_service(self, agency: str) -> StatusService | None:
        return self.statuses.get(agency)

    def heartbeats(self) -> list[Heartbeat]:
        return [runner.heartbeat for runner in self._runners]

    async def start(self) -> None:
        await self.state.load()
        if self.alerts is not None and self.registry.bmkg is not None:
            self.alerts.seed(self.registry.bmkg.catalogue)
        for delivery in self.deliveries:
            self._start_consumer(delivery)
        for status in self.statuses.values():
            interval = status.receiver.poll_interval_s
            if interval is not None:
                self._every(f"status-{status.agency}", interval, status.poll_once)
        for feed in self.feeds:
            self._every(f"feed-{feed.name}", feed.puller.feed.interval_s, feed.poll_once)
        if self.feeds:
            self._every(
                "freshness", self.settings.freshness_check_interval_s, self.monitor.check_once
            )
        log.info(
            "worker started", adapters=self.registry.names(), feeds=[f.name for f in self.feeds]
        )

    def _start_consumer(self, delivery: DeliveryService) -> None:
        topics = self.settings.topics
        group = f"{self.settings.group_prefix}.deliver.{delivery.agency}"
        runner = ConsumerRunner(
            bootstrap_servers=self.settings.kafka_bootstrap,
            group_id=group,
            topics=[topics.incidents_state],
            handler=delivery.handle,
            service=self.settings.service_name,
            dead_letters=DeadLetterPolicy(topic=topics.deadletter),
            heartbeat=Heartbeat(f"{self.settings.service_name}.deliver.{delivery.agency}"),
            # Each delivery may wait through its retries; keep few in flight.
            max_buffered_per_partition=100,
        )
        self._runners.append(runner)
        self._consumers.append(asyncio.create_task(self._consume(runner), name=group))

    async def _consume(self, runner: ConsumerRunner) -> None:
        try:
            await runner.run()
        except asyncio.CancelledError:
            raise
        except Exception:
            # Its heartbeat stops, /healthz turns 503 and the supervisor restarts us.
            log.exception("delivery consumer stopped", group=runner.group_id)

    def _every(self, name: str, interval_s: float, job: Callable[[], Awaitable[object]]) -> None:
        async def loop() -> None:
            # Start polls spread out a little so four BMKG files are not fetched in one burst.
            await asyncio.sleep(random.uniform(0, min(interval_s, 1.0) / 4))
            while True:
                try:
                    await job()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("periodic job failed", job=name)
                await asyncio.sleep(interval_s)

        self._loops.append(asyncio.create_task(loop(), name=name))

    async def stop(self) -> None:
        for task in self._loops:
            task.cancel()
        for runner in self._runners:
            runner.stop()  # finishes the message in hand, commits, leaves the group
        for task in [*self._loops, *self._consumers]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._loops.clear()
        self._consumers.clear()
        self._runners.clear()
        await self.state.close()
