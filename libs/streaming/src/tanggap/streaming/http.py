"""The three operational endpoints every service exposes, the same way:
``/healthz`` (alive: the process and its consumer loops turn),
``/readyz`` (Kafka and the service's database answer) and ``/metrics``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

from tanggap.streaming.health import Heartbeat

ReadinessCheck = Callable[[], Awaitable[bool]]


def operational_router(
    *,
    readiness: Mapping[str, ReadinessCheck],
    heartbeats: Callable[[], list[Heartbeat]] = list,
    registry: CollectorRegistry = REGISTRY,
    check_timeout_s: float = 3.0,
) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness")
    async def healthz() -> JSONResponse:
        stale = [hb.service for hb in heartbeats() if not hb.alive()]
        status = 503 if stale else 200
        return JSONResponse({"status": "ok" if not stale else "stuck", "stale": stale}, status)

    @router.get("/readyz", summary="Readiness: Kafka and the database answer")
    async def readyz() -> JSONResponse:
        async def run(check: ReadinessCheck) -> bool:
            try:
                return await asyncio.wait_for(check(), check_timeout_s)
            except Exception:
                return False

        names = list(readiness)
        results = await asyncio.gather(*(run(readiness[n]) for n in names))
        checks = dict(zip(names, results, strict=True))
        ready = all(results)
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": checks}, 200 if ready else 503
        )

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
