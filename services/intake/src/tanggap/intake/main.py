"""The composition root: builds the HTTP app from its settings and wires the
adapters to the use cases. Nothing is read from the environment at import
time; the Kafka producer and the database pool are made in the lifespan (on
the server's event loop) and the app starts even when either is down — it
answers reads, and 503 for what needs the missing one, until it is back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from tanggap.intake.adapters.api_clients_repo import ApiClientRepository
from tanggap.intake.adapters.data_files import load_catalogue, load_gazetteer
from tanggap.intake.adapters.database import create_pool
from tanggap.intake.adapters.idempotency_repo import IdempotencyRepository
from tanggap.intake.adapters.media_store import FileMediaStore
from tanggap.intake.adapters.publisher import ReportPublisher
from tanggap.intake.adapters.reports_repo import ReportRepository
from tanggap.intake.api import catalogue, media, problems, reports
from tanggap.intake.api.deps import RateLimiter, Runtime
from tanggap.intake.api.dto import ReportCreate
from tanggap.intake.api.middleware import BodySizeLimit, DirectRoute, RequestMetrics, find_route
from tanggap.intake.api.open311 import routes as open311_routes
from tanggap.intake.api.pages import install_citizen_pages
from tanggap.intake.domain.tracking import TrackingTokens
from tanggap.intake.gc_tuning import freeze_startup_objects
from tanggap.intake.open311_service import Open311Service
from tanggap.intake.service import ReportService, utc_now
from tanggap.intake.settings import Settings
from tanggap.streaming import EventProducer
from tanggap.streaming.http import operational_router
from tanggap.streaming.logging import configure_logging

DESCRIPTION = """
Pintu masuk laporan warga Kota Cilegon.

* **API asli (`/v1`)**: kategori, unggah foto, kirim laporan, lacak status.
* **Open311 GeoReport v2 (`/open311/v2`)**: untuk agregator dan aplikasi lain
  (XML dan JSON, `api_key` untuk mengirim).

Galat dijawab sebagai dokumen masalah RFC 9457 dengan `code` yang stabil.
"""

# Multipart framing around a photo: boundaries and part headers.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


# Request bodies a route parses itself (api/reports.py): their schemas join
# the document's components, which FastAPI only fills from declared params.
SELF_PARSED_BODIES = (ReportCreate,)


def _openapi_with_bodies(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        document = FastAPI.openapi(app)
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for model in SELF_PARSED_BODIES:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
        app.openapi_schema = document
    return app.openapi_schema


def create_app(settings: Settings) -> FastAPI:
    configure_logging(settings.service_name, level=settings.log_level)
    tokens = TrackingTokens(
        settings.tracking_secret.get_secret_value().encode(),
        [s.get_secret_value().encode() for s in settings.tracking_previous_secrets],
    )
    publisher = ReportPublisher(
        lambda: EventProducer(
            bootstrap_servers=settings.kafka_bootstrap,
            service=settings.service_name,
            linger_ms=settings.producer_linger_ms,
            request_timeout_ms=int(settings.produce_timeout_s * 1000),
            delivery_timeout_s=settings.produce_timeout_s,
        ),
        topic=settings.topic_reports_submitted,
        source=f"/tanggap/{settings.service_name}",
        timeout_s=settings.produce_timeout_s,
        retry_backoff_s=settings.kafka_retry_backoff_s,
    )
    catalogue_ = load_catalogue(settings.data_dir)
    gazetteer = load_gazetteer(settings.data_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await create_pool(
            settings.database_url, settings.database_schema, size=settings.database_pool_size
        )
        fast_pool = await create_pool(
            settings.database_url, settings.database_schema, size=4, synchronous_commit=False
        )
        report_repository = ReportRepository(pool, fast_pool)
        report_service = ReportService(
            catalogue=catalogue_,
            media=FileMediaStore(settings.media_dir),
            publisher=publisher,
            reports=report_repository,
            keys=IdempotencyRepository(pool),
            tokens=tokens,
            lease_s=settings.idempotency_lease_s,
            max_image_pixels=settings.max_image_pixels,
        )
        app.state.runtime = Runtime(
            settings=settings,
            reports=report_service,
            open311=Open311Service(
                reports=report_service,
                repository=report_repository,
                clients=ApiClientRepository(pool),
                gazetteer=gazetteer,
                jurisdiction_id=settings.open311_jurisdiction_id,
                clock=utc_now,
            ),
            limiter=RateLimiter(settings),
        )
        app.state.pool = pool
        await publisher.start()
        if settings.tune_gc:
            freeze_startup_objects()
        try:
            yield
        finally:
            await report_service.drain()
            await publisher.stop()
            await fast_pool.close()
            await pool.close()

    async def database_ready() -> bool:
        # The schema must be migrated (`tanggap-intake migrate`), not just reachable.
        async with app.state.pool.acquire() as connection:
            return bool(await connection.fetchval("SELECT count(*) FROM alembic_version"))

    app = FastAPI(
        title="Tanggap intake",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.retry_after_s = settings.retry_after_s
    problems.install(app)
    # The report routes first: Starlette tries routes in order, and
    # POST /v1/reports is the one that carries the load.
    app.include_router(reports.router)
    app.include_router(catalogue.router)
    app.include_router(media.router)
    app.include_router(open311_routes.router)
    app.include_router(
        operational_router(readiness={"database": database_ready, "kafka": publisher.ready})
    )

    install_citizen_pages(
        app,
        web_dist=settings.web_dist,
        transparency_url=f"{settings.dashboard_public_url}/transparansi",
    )

    app.openapi = lambda: _openapi_with_bodies(app)  # type: ignore[method-assign]

    def body_limit(path: str) -> int:
        if path == "/v1/media":
            return settings.max_upload_bytes + UPLOAD_OVERHEAD_BYTES
        return settings.max_body_bytes

    # Innermost first: the direct lane runs after the metrics and the body limit.
    app.add_middleware(
        DirectRoute,
        route=find_route(reports.router, "POST", "/v1/reports"),
        endpoint=reports.submit_report,
        exception_handlers=lambda: app.exception_handlers,
    )
    app.add_middleware(BodySizeLimit, limit_for=body_limit)
    app.add_middleware(RequestMetrics)
    return app
