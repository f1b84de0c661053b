"""The composition root: builds the app from its settings and wires adapters
to the domain. Nothing is read from the environment at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from tanggap.routing.settings import Settings
from tanggap.streaming import EventProducer
from tanggap.streaming.health import kafka_reachable
from tanggap.streaming.http import operational_router
from tanggap.streaming.logging import configure_logging


def create_app(settings: Settings) -> FastAPI:
    configure_logging(settings.service_name, level=settings.log_level)
    producer = EventProducer(
        bootstrap_servers=settings.kafka_bootstrap, service=settings.service_name
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await producer.start()
        try:
            yield
        finally:
            await producer.stop()

    async def kafka_ready() -> bool:
        return await kafka_reachable(producer.client)

    app = FastAPI(title="Tanggap routing", version="0.1.0", lifespan=lifespan)
    app.include_router(operational_router(readiness={"kafka": kafka_ready}))
    return app
