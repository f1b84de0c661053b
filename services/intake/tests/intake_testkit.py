"""Shared by intake's tests: a migrated schema and topics of their own, the app
in-process behind an httpx client, Open311 XML read back as data, and
schema-valid routing events to drive the projection."""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI
from PIL import Image

from tanggap.intake.adapters.migrate import migrate
from tanggap.intake.main import create_app
from tanggap.intake.settings import Settings
from tanggap.schemas.common import (
    Actor,
    ActorKind,
    AreaRef,
    GeoPoint,
    KecamatanRef,
    KelurahanRef,
    Priority,
    SlaDeadlines,
    UnitRef,
    UnitType,
)
from tanggap.schemas.events import (
    IncidentAcknowledged,
    IncidentOpened,
    IncidentResolved,
    ReportRejected,
    ReportRejectionReason,
    ReportRouted,
)
from tanggap.streaming.admin import delete_topics
from tanggap.streaming.testing import create_topic, unique_name

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


# ---------------------------------------------------------------------------
# Infrastructure of one test module: schema, topics, settings, app
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Topics:
    submitted: str
    routed: str
    incidents: str
    state: str
    deadletter: str

    def all(self) -> list[str]:
        return [self.submitted, self.routed, self.incidents, self.state, self.deadletter]


async def new_schema(database_url: str) -> str:
    schema = f"intake_t_{uuid.uuid4().hex[:10]}"
    await migrate(database_url, schema)
    return schema


async def drop_schema(database_url: str, schema: str) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await connection.close()


async def new_topics(bootstrap: str) -> Topics:
    topics = Topics(
        submitted=unique_name("intake-test.reports.submitted"),
        routed=unique_name("intake-test.reports.routed"),
        incidents=unique_name("intake-test.incidents"),
        state=unique_name("intake-test.incidents.state"),
        deadletter=unique_name("intake-test.deadletter"),
    )
    for name in topics.all():
        await create_topic(bootstrap, name, partitions=2 if name == topics.submitted else 1)
    return topics


async def remove_topics(bootstrap: str, topics: Topics) -> None:
    await delete_topics(bootstrap, topics.all())


def settings_for(
    *,
    database_url: str,
    schema: str,
    kafka_bootstrap: str,
    topics: Topics,
    media_dir: Path,
    **overrides: Any,
) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "database_schema": schema,
        "kafka_bootstrap": kafka_bootstrap,
        "topic_reports_submitted": topics.submitted,
        "topic_reports_routed": topics.routed,
        "topic_incidents": topics.incidents,
        "topic_incidents_state": topics.state,
        "topic_deadletter": topics.deadletter,
        "projection_group": unique_name("intake-test-projection"),
        "media_dir": media_dir,
        "public_base_url": "http://intake.test",
        "rate_limit_per_s": 10_000.0,
        "rate_limit_burst": 10_000,
        "read_rate_limit_per_s": 10_000.0,
        "read_rate_limit_burst": 10_000,
        "produce_timeout_s": 5.0,
        "log_level": "WARNING",
        # Freezing the heap is for a server process, not a shared test run.
        "tune_gc": False,
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app with its lifespan run, and a client that talks to it in-process."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://intake.test") as client:
            yield app, client


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------


def report_body(**changes: Any) -> dict[str, Any]:
    """A valid native report (a leaking pipe: no photo needed)."""
    body: dict[str, Any] = {
        "category": "air-bersih",
        "description": "Pipa air bocor di pinggir jalan, air terbuang sejak pagi.",
        "location": {"lat": -6.0337, "lon": 106.0698, "accuracy_m": 12},
        "address_text": "Jl. Akses Pasar Kranggot",
        "answers": {"jenis": "bocor"},
        "reporter": {"name": "Siti Rahmawati", "phone": "0812-3456-7890"},
    }
    body.update(changes)
    return body


def jpeg_bytes(size: tuple[int, int] = (32, 24)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


# ---------------------------------------------------------------------------
# Open311 XML as data
# ---------------------------------------------------------------------------


def xml_to_data(element: ET.Element) -> Any:
    """The Spark convention backwards: repeated children become lists."""
    children = list(element)
    if not children:
        return element.text or ""
    names = [child.tag for child in children]
    if len(set(names)) == 1 and (len(names) > 1 or element.tag.endswith("s")):
        return [xml_to_data(child) for child in children]
    return {child.tag: xml_to_data(child) for child in children}


def as_text(value: Any) -> Any:
    """JSON data as XML text would write it."""
    if isinstance(value, dict):
        return {k: as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_text(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


# ---------------------------------------------------------------------------
# Routing's events, as routing will produce them
# ---------------------------------------------------------------------------

ROUTING = Actor(kind=ActorKind.SYSTEM, id="routing")
CIBEBER = AreaRef(
    kelurahan=KelurahanRef(kode="36.72.01.1001", name="Cibeber"),
    kecamatan=KecamatanRef(kode="36.72.01", name="Cibeber"),
)
KELURAHAN_CIBEBER = UnitRef(
    id="kelurahan:36.72.01.1001", type=UnitType.KELURAHAN, name="Kelurahan Cibeber"
)
PDAM = UnitRef(
    id="pdam:cilegon-mandiri", type=UnitType.UTILITY, name="Perumda Air Minum Cilegon Mandiri"
)


def routed(report_id: str, incident_id: str, at: datetime) -> ReportRouted:
    return ReportRouted(
        report_id=report_id,
        incident_id=incident_id,
        area=CIBEBER,
        owner=KELURAHAN_CIBEBER,
        handler=PDAM,
        copied=[],
        rule_id="air-bersih-default",
        rules_version="2026-11-30",
        reasons=["Kategori air-bersih ditangani Perumda Air Minum"],
        merged=False,
        routed_at=at,
    )


def rejected(report_id: str, at: datetime) -> ReportRejected:
    return ReportRejected(
        report_id=report_id,
        reason=ReportRejectionReason.OUTSIDE_JURISDICTION,
        detail="Titik berada di luar wilayah Kota Cilegon",
        rejected_at=at,
    )


def opened(report_id: str, incident_id: str, at: datetime) -> IncidentOpened:
    return IncidentOpened(
        incident_id=incident_id,
        sequence=1,
        occurred_at=at,
        by=ROUTING,
        category="air-bersih",
        priority=Priority.NORMAL,
        location=GeoPoint(lat=-6.0337, lon=106.0698),
        area=CIBEBER,
        owner=KELURAHAN_CIBEBER,
        handler=PDAM,
        copied=[],
        sla=SlaDeadlines(
            acknowledge_by=at + timedelta(hours=24),
            first_action_by=at + timedelta(days=3),
            resolve_by=at + timedelta(days=14),
        ),
        rule_id="air-bersih-default",
        rules_version="2026-11-30",
        report_id=report_id,
    )


def acknowledged(incident_id: str, at: datetime) -> IncidentAcknowledged:
    return IncidentAcknowledged(
        incident_id=incident_id,
        sequence=2,
        occurred_at=at,
        by=ROUTING,
        note="Petugas menuju lokasi",
    )


def resolved(incident_id: str, at: datetime) -> IncidentResolved:
    return IncidentResolved(
        incident_id=incident_id, sequence=3, occurred_at=at, by=ROUTING, note="Pipa sudah diganti"
    )


def new_incident_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> datetime:
    return datetime.now(UTC)


Clock = Callable[[], datetime]
