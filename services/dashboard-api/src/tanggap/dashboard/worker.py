"""The projector as a consumer: every projected topic, group
``dashboard-projector``, each record applied in its own transaction before the
runner commits its offset (at-least-once; the projector is idempotent).

It runs inside ``serve`` by default, or alone with ``tanggap-dashboard project``
when the API and the projector scale apart.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard.adapters.projection.projector import Projector, take_projection_lock
from tanggap.dashboard.service.clock import utc_now
from tanggap.dashboard.service.live import prune_periodically
from tanggap.dashboard.settings import Settings
from tanggap.schemas.topic_names import Topic
from tanggap.streaming import ConsumerRunner, DeadLetterPolicy, Heartbeat, Message


class ProjectorWorker:
    def __init__(self, settings: Settings, engine: AsyncEngine) -> None:
        self.engine = engine
        self.schema = settings.database_schema
        self.retention = timedelta(hours=settings.change_log_retention_h)
        self.prune_every_s = settings.change_log_prune_every_s
        self.projector = Projector(notify_schema=settings.database_schema)
        self.heartbeat = Heartbeat("dashboard-projector")
        self.runner = ConsumerRunner(
            bootstrap_servers=settings.kafka_bootstrap,
            group_id=settings.consumer_group,
            topics=settings.projected_topics,
            handler=self.handle,
            service=settings.service_name,
            dead_letters=DeadLetterPolicy(topic=settings.topic(Topic.DEADLETTER_DASHBOARD_API)),
            heartbeat=self.heartbeat,
        )

    async def handle(self, message: Message) -> None:
        async with self.engine.begin() as connection:
            await take_projection_lock(connection, self.schema)
            await self.projector.apply(connection, message)

    async def run(self) -> None:
        """The projection, and the pruning of the change log it writes."""
        pruner = asyncio.create_task(
            prune_periodically(self.engine, self.retention, self.prune_every_s, utc_now),
            name="change-log-pruner",
        )
        try:
            await self.runner.run()
        finally:
            pruner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pruner

    def stop(self) -> None:
        self.runner.stop()
