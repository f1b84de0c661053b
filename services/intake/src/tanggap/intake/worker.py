"""The projection worker (`tanggap-intake project`): reads reports.submitted,
reports.routed, incidents and incidents.state into intake's tables, so that a
citizen's status follows routing and the units. A separate process from the
HTTP server (docs/adr/0011): the request path keeps its CPU, and the worker
scales by partitions in its consumer group. It serves its own /healthz (the
consumer loop's heartbeat), /readyz and /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import asyncpg
import structlog
import uvicorn
from fastapi import FastAPI

from tanggap.intake.adapters.database import create_pool
from tanggap.intake.adapters.projection import Projector
from tanggap.intake.adapters.reports_repo import ReportRepository
from tanggap.intake.gc_tuning import freeze_startup_objects
from tanggap.intake.settings import Settings
from tanggap.streaming import ConsumerRunner, DeadLetterPolicy, Heartbeat
from tanggap.streaming.health import kafka_reachable
from tanggap.streaming.http import operational_router
from tanggap.streaming.logging import configure_logging

log = structlog.get_logger(__name__)


def projection_topics(settings: Settings) -> list[str]:
    return [
        settings.topic_reports_submitted,
        settings.topic_reports_routed,
        settings.topic_incidents,
        settings.topic_incidents_state,
    ]


def build_runner(settings: Settings, pool: asyncpg.Pool, heartbeat: Heartbeat) -> ConsumerRunner:
    projector = Projector(ReportRepository(pool))
    return ConsumerRunner(
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=settings.projection_group,
        topics=projection_topics(settings),
        handler=projector.handle,
        service=f"{settings.service_name}-projection",
        dead_letters=DeadLetterPolicy(topic=settings.topic_deadletter),
        heartbeat=heartbeat,
        # Low fetch wait: a status change should reach the citizen in well
        # under a second.
        consumer_options={"fetch_max_wait_ms": 100},
    )


def operational_app(runner: ConsumerRunner, pool: asyncpg.Pool, heartbeat: Heartbeat) -> FastAPI:
    async def database_ready() -> bool:
        async with pool.acquire() as connection:
            return bool(await connection.fetchval("SELECT count(*) FROM alembic_version"))

    async def kafka_ready() -> bool:
        return await kafka_reachable(runner.consumer._client)

    app = FastAPI(title="Tanggap intake projection", openapi_url=None)
    app.include_router(
        operational_router(
            readiness={"database": database_ready, "kafka": kafka_ready},
            heartbeats=lambda: [heartbeat],
        )
    )
    return app


async def run(settings: Settings) -> None:
    """Until the consumer stops; a HandlerFailed (database down longer than
    the retries) ends the process for its supervisor to restart it."""
    pool = await create_pool(
        settings.database_url, settings.database_schema, size=settings.database_pool_size
    )
    heartbeat = Heartbeat(f"{settings.service_name}-projection")
    runner = build_runner(settings, pool, heartbeat)
    server = uvicorn.Server(
        uvicorn.Config(
            operational_app(runner, pool, heartbeat),
            host=settings.http_host,
            port=settings.worker_http_port,
            log_config=None,
        )
    )
    loop = asyncio.get_running_loop()

    def stop(signum: int, frame: object) -> None:
        # uvicorn takes SIGINT/SIGTERM while it serves and re-raises it after
        # its own shutdown, so this runs for either way the signal arrives.
        server.should_exit = True
        loop.call_soon_threadsafe(runner.stop)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    if settings.tune_gc:
        freeze_startup_objects()
    http = asyncio.create_task(server.serve())
    try:
        await runner.run()
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await http
        await pool.close()


def main(settings: Settings) -> None:
    configure_logging(f"{settings.service_name}-projection", level=settings.log_level)
    asyncio.run(run(settings))
