"""The composition root: builds the app from its settings and wires adapters
to the domain. Nothing is read from the environment at import time, and
nothing that needs an event loop (the Kafka clients) is made before the
lifespan runs in one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from tanggap.agency_adapters.adapters.registry import Registry, build_registry
from tanggap.agency_adapters.api.problems import validation_problem
from tanggap.agency_adapters.api.webhooks import webhook_router
from tanggap.agency_adapters.clock import Clock
from tanggap.agency_adapters.service.status import StatusService
from tanggap.agency_adapters.settings import Settings
from tanggap.agency_adapters.worker import Worker
from tanggap.streaming import EventProducer, Heartbeat
from tanggap.streaming.health import kafka_reachable
from tanggap.streaming.http import operational_router
from tanggap.streaming.logging import configure_logging


class Runtime:
    """What the lifespan builds, for the routes to reach once it exists."""

    def __init__(self) -> None:
        self.producer: EventProducer | None = None
        self.worker: Worker | None = None

    def status_service(self, agency: str) -> StatusService | None:
        return self.worker.status_service(agency) if self.worker else None

    def heartbeats(self) -> list[Heartbeat]:
        return self.worker.heartbeats() if self.worker else []

    async def kafka_ready(self) -> bool:
        return self.producer is not None and await kafka_reachable(self.producer.client)


def create_app(
    settings: Settings, *, registry: Registry | None = None, clock: Clock | None = None
) -> FastAPI:
    configure_logging(settings.service_name, level=settings.log_level)
    adapters = registry or build_registry(settings)
    runtime = Runtime()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        producer = EventProducer(
            bootstrap_servers=settings.kafka_bootstrap, service=settings.service_name
        )
        worker = Worker(settings, adapters, producer, clock=clock)
        runtime.producer, runtime.worker = producer, worker
        app.state.worker = worker
        await producer.start()
        try:
            if settings.run_worker:
                await worker.start()
            yield
        finally:
            await worker.stop()
            await adapters.aclose()
            await producer.stop()

    app = FastAPI(title="Tanggap agency-adapters", version="0.1.0", lifespan=lifespan)
    app.add_exception_handler(RequestValidationError, validation_problem)
    app.include_router(
        operational_router(readiness={"kafka": runtime.kafka_ready}, heartbeats=runtime.heartbeats)
    )
    app.include_router(webhook_router(runtime.status_service))
    return app
