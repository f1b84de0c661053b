"""The composition root: builds the app (and, for `serve`, the worker) from its
settings and wires adapters to the domain. Nothing is read from the environment
at import time.

`tanggap-routing serve` runs the HTTP API and the worker in one process: the dry
run and the rule reload then act on the very rule book the worker routes with.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI

from tanggap.routing.api import errors
from tanggap.routing.api.routes import router
from tanggap.routing.processor import Clock
from tanggap.routing.rulesource import RuleSource, RulesRefused
from tanggap.routing.service import RoutingService
from tanggap.routing.settings import Settings
from tanggap.routing.worker import RoutingWorker, settings_clock
from tanggap.streaming.health import Heartbeat, kafka_reachable
from tanggap.streaming.http import operational_router
from tanggap.streaming.logging import configure_logging

log = structlog.get_logger(__name__)


def create_app(
    settings: Settings,
    *,
    rules: RuleSource | None = None,
    clock: Clock | None = None,
    run_worker: bool = True,
    process_signals: bool = False,
) -> FastAPI:
    """``run_worker=False`` serves only the dry run and the rule endpoints (tests,
    a rules sandbox). ``process_signals`` (the CLI): SIGHUP reloads the rules and
    a failed worker stops the process, for its supervisor to restart it."""
    configure_logging(settings.service_name, level=settings.log_level)
    rules = rules or RuleSource.from_settings(settings)
    clock = clock or settings_clock(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if process_signals:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, _reload, rules)
        if not run_worker:
            yield
            return
        # aiokafka clients belong to the running loop: the worker is built here.
        worker = app.state.worker = RoutingWorker(settings, rules, clock=clock)
        task = asyncio.create_task(_run_worker(app, worker, process_signals))
        try:
            yield
        finally:
            worker.stop()
            with contextlib.suppress(BaseException):
                await task

    app = FastAPI(title="Tanggap routing", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.rules = rules
    app.state.service = RoutingService(rules)
    app.state.clock = clock
    app.state.worker = None
    app.state.worker_error = None
    errors.install(app)
    app.include_router(router)

    def worker() -> RoutingWorker | None:
        running: RoutingWorker | None = app.state.worker
        return running

    async def kafka_ready() -> bool:
        running = worker()
        return running is not None and running.started and await kafka_reachable(running.client)

    async def worker_ready() -> bool:
        running = worker()
        return running is not None and running.ready

    def heartbeats() -> list[Heartbeat]:
        running = worker()
        return [running.heartbeat] if running is not None else []

    readiness = {"kafka": kafka_ready, "worker": worker_ready} if run_worker else {}
    app.include_router(operational_router(readiness=readiness, heartbeats=heartbeats))
    return app


async def _run_worker(app: FastAPI, worker: RoutingWorker, stop_process: bool) -> None:
    try:
        await worker.run()
    except Exception as exc:
        app.state.worker_error = exc
        log.exception("routing worker stopped", error=repr(exc))
        if stop_process:
            os.kill(os.getpid(), signal.SIGTERM)


def _reload(rules: RuleSource) -> None:
    with contextlib.suppress(RulesRefused):  # logged by reload(); the old rules stay
        rules.reload()
