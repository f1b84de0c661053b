"""The composition root: builds the app from its settings and wires adapters
to the use cases. Nothing is read from the environment at import time."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import structlog
from fastapi import FastAPI

from tanggap.dashboard.adapters.commands import CommandBus
from tanggap.dashboard.adapters.db import create_engine, database_answers
from tanggap.dashboard.adapters.migrate import migrate
from tanggap.dashboard.adapters.notifications import NotificationHub
from tanggap.dashboard.adapters.passwords import PasswordHashing
from tanggap.dashboard.adapters.tokens import AccessTokens
from tanggap.dashboard.adapters.units import load_units
from tanggap.dashboard.api import actions, auth, feeds, incidents, live, public, stats, units
from tanggap.dashboard.api import errors as api_errors
from tanggap.dashboard.api.deps import UseCases
from tanggap.dashboard.api.pages import install_command_center_pages
from tanggap.dashboard.service.actions import ActionService
from tanggap.dashboard.service.auth import AuthService
from tanggap.dashboard.service.clock import Clock, utc_now
from tanggap.dashboard.service.feeds import AgencyFeeds
from tanggap.dashboard.service.incidents import IncidentQueries
from tanggap.dashboard.service.live import LiveFeed
from tanggap.dashboard.service.stats import StatsService
from tanggap.dashboard.settings import Settings
from tanggap.dashboard.worker import ProjectorWorker
from tanggap.schemas.topic_names import Topic
from tanggap.streaming import EventProducer
from tanggap.streaming.health import kafka_reachable
from tanggap.streaming.http import operational_router
from tanggap.streaming.logging import configure_logging

log = structlog.get_logger("tanggap.dashboard")

DESCRIPTION = """The command center's read model of Kota Cilegon's incidents, the operators
who work them (by role and unit), their actions (sent to routing as commands), live
updates (server-sent events), statistics and the public transparency figures."""


def password_hashing(settings: Settings) -> PasswordHashing:
    return PasswordHashing(memory_kib=settings.argon2_memory_kib)


def access_tokens(settings: Settings) -> AccessTokens:
    return AccessTokens(
        secret=settings.jwt_secret.get_secret_value(),
        issuer=settings.jwt_issuer,
        ttl=timedelta(minutes=settings.access_token_minutes),
    )


def create_app(settings: Settings, *, clock: Clock = utc_now) -> FastAPI:
    configure_logging(settings.service_name, level=settings.log_level)
    engine = create_engine(
        settings.database_url, settings.database_schema, pool_size=settings.database_pool_size
    )
    producer = EventProducer(
        bootstrap_servers=settings.kafka_bootstrap, service=settings.service_name
    )
    hub = NotificationHub(settings.database_url, settings.database_schema)
    tokens = access_tokens(settings)
    incident_queries = IncidentQueries(engine, clock=clock)
    use_cases = UseCases(
        auth=AuthService(
            engine,
            hashing=password_hashing(settings),
            access_tokens=tokens,
            refresh_ttl=timedelta(days=settings.refresh_token_days),
            clock=clock,
        ),
        incidents=incident_queries,
        actions=ActionService(
            engine,
            incidents=incident_queries,
            bus=CommandBus(producer, settings.topic(Topic.INCIDENT_COMMANDS)),
            hub=hub,
            wait_s=settings.command_wait_s,
            clock=clock,
        ),
        stats=StatsService(engine, public_cache_s=settings.public_stats_cache_s, clock=clock),
        live=LiveFeed(engine, hub),
        feeds=AgencyFeeds(engine),
        access_tokens=tokens,
        clock=clock,
        media_base_url=settings.intake_public_url,
        units=load_units(settings.data_path / "units.yaml"),
    )
    worker = ProjectorWorker(settings, engine) if settings.run_projector else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            await migrate(
                settings.database_url,
                settings.database_schema,
                migrations_path=settings.migrations_path,
                data_path=settings.data_path,
            )
        await producer.start()
        await hub.start()
        task = _start_worker(worker, settings) if worker else None
        try:
            yield
        finally:
            if worker and task:
                worker.stop()
                with contextlib.suppress(Exception):
                    await task
            await hub.stop()
            await producer.stop()
            await engine.dispose()

    async def kafka_ready() -> bool:
        return await kafka_reachable(producer.client)

    async def database_ready() -> bool:
        return await database_answers(engine)

    app = FastAPI(
        title="Tanggap dashboard-api", version="0.1.0", description=DESCRIPTION, lifespan=lifespan
    )
    app.state.use_cases = use_cases
    api_errors.install(app)
    for module in (auth, incidents, actions, stats, live, feeds, public, units):
        app.include_router(module.router)
    app.include_router(
        operational_router(
            readiness={"database": database_ready, "kafka": kafka_ready},
            heartbeats=lambda: [worker.heartbeat] if worker else [],
        )
    )
    install_command_center_pages(
        app,
        web_dist=settings.web_dist,
        photo_url=settings.intake_public_url,
        tile_url=settings.map_tile_url,
        tile_attribution=settings.map_tile_attribution,
    )
    _document_problems(app)
    return app


def _document_problems(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = api_errors.problem_content(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _start_worker(worker: ProjectorWorker, settings: Settings) -> asyncio.Task[None]:
    task = asyncio.create_task(worker.run(), name="projector")

    def finished(done: asyncio.Task[None]) -> None:
        if done.cancelled() or done.exception() is None:
            return
        log.error("projector stopped", error=repr(done.exception()))
        if settings.exit_on_projector_failure:
            # The runner left the failed record uncommitted: a restart retries it.
            os.kill(os.getpid(), signal.SIGTERM)

    task.add_done_callback(finished)
    return task
