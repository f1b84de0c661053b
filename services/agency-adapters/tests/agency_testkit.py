"""Shared helpers of the agency-adapters tests: incident snapshots in real
Cilegon places, unique topics, fast settings, a running service, and checks
that every record a test reads fits the codec and the committed JSON Schema."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from tanggap.agency_adapters.main import create_app
from tanggap.agency_adapters.settings import Settings, TopicNames
from tanggap.agency_adapters.worker import Worker
from tanggap.schemas.cloudevents import decode
from tanggap.schemas.common import (
    AreaRef,
    GeoPoint,
    IncidentStatus,
    KecamatanRef,
    KelurahanRef,
    Message,
    Priority,
    SlaDeadlines,
    UnitRef,
    UnitType,
)
from tanggap.schemas.events.snapshot import IncidentSnapshot
from tanggap.streaming import EventProducer
from tanggap.streaming.admin import delete_topics
from tanggap.streaming.testing import create_topic, read_all, unique_name

REPO = Path(__file__).resolve().parents[3]
JSONSCHEMA = REPO / "schemas" / "jsonschema"

# Real places (shared/data/cilegon/places.json) in their real kelurahan.
PLACES = {
    # Jl. Kubang Laban (fire-hydrant address), Kel. Kedaleman, Kec. Cibeber
    "kedaleman": (
        GeoPoint(lat=-6.003175, lon=106.087852),
        AreaRef(
            kelurahan=KelurahanRef(kode="36.72.01.1002", name="Kedaleman"),
            kecamatan=KecamatanRef(kode="36.72.01", name="Cibeber"),
        ),
    ),
    # Simpang Tiga, Kel. Ramanuju, Kec. Purwakarta
    "ramanuju": (
        GeoPoint(lat=-6.011351, lon=106.043185),
        AreaRef(
            kelurahan=KelurahanRef(kode="36.72.07.1001", name="Ramanuju"),
            kecamatan=KecamatanRef(kode="36.72.07", name="Purwakarta"),
        ),
    ),
    # Pelabuhan Merak, Kel. Tamansari, Kec. Pulomerak
    "tamansari": (
        GeoPoint(lat=-5.931033, lon=105.996999),
        AreaRef(
            kelurahan=KelurahanRef(kode="36.72.03.1001", name="Tamansari"),
            kecamatan=KecamatanRef(kode="36.72.03", name="Pulomerak"),
        ),
    ),
}
UNITS = {
    "polsek:cibeber": UnitRef(id="polsek:cibeber", type=UnitType.POLSEK, name="Polsek Cibeber"),
    "polres:cilegon": UnitRef(id="polres:cilegon", type=UnitType.POLRES, name="Polres Cilegon"),
    "dishub": UnitRef(id="dishub", type=UnitType.OPD, name="Dinas Perhubungan Kota Cilegon"),
    "asdp:merak": UnitRef(
        id="asdp:merak", type=UnitType.EXTERNAL, name="PT ASDP Indonesia Ferry Cabang Merak"
    ),
    "bpbd": UnitRef(id="bpbd", type=UnitType.OPD, name="BPBD Kota Cilegon"),
    "dpupr": UnitRef(id="dpupr", type=UnitType.OPD, name="DPUPR Kota Cilegon"),
    "kelurahan:36.72.07.1001": UnitRef(
        id="kelurahan:36.72.07.1001", type=UnitType.KELURAHAN, name="Kelurahan Ramanuju"
    ),
    "kelurahan:36.72.03.1001": UnitRef(
        id="kelurahan:36.72.03.1001", type=UnitType.KELURAHAN, name="Kelurahan Tamansari"
    ),
}


def snapshot(
    *,
    incident_id: str | None = None,
    category: str = "kriminalitas",
    owner: str = "polsek:cibeber",
    handler: str | None = None,
    place: str = "kedaleman",
    status: IncidentStatus = IncidentStatus.OPEN,
    priority: Priority = Priority.HIGH,
    sequence: int = 1,
    description: str | None = None,
) -> IncidentSnapshot:
    opened = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    location, area = PLACES[place]
    return IncidentSnapshot(
        incident_id=incident_id or str(uuid.uuid4()),
        category=category,
        status=status,
        priority=priority,
        location=location,
        area=area,
        owner=UNITS[owner],
        handler=UNITS[handler or owner],
        copied=[],
        report_count=0,
        report_ids=[],
        opened_at=opened,
        sla=SlaDeadlines(
            acknowledge_by=opened + timedelta(hours=1), first_action_by=opened + timedelta(days=1)
        ),
        escalation_level=0,
        reassign_count=0,
        external_refs={},
        description_public=description,
        sequence=sequence,
        updated_at=opened + timedelta(minutes=sequence),
    )


async def make_topics(bootstrap: str) -> TopicNames:
    names = {field: unique_name(f"t-adapters-{field}") for field in TopicNames.model_fields}
    for field, name in names.items():
        config = {"cleanup.policy": "compact"} if field == "adapter_state" else None
        await create_topic(bootstrap, name, partitions=1, config=config)
    return TopicNames(**names)


async def drop_topics(bootstrap: str, topics: TopicNames) -> None:
    await delete_topics(bootstrap, list(topics.model_dump().values()))


def fast_settings(bootstrap: str, topics: TopicNames, **overrides: Any) -> Settings:
    """Small backoffs so a whole retry budget passes in well under a second."""
    values: dict[str, Any] = {
        "kafka_bootstrap": bootstrap,
        "topics": topics,
        "group_prefix": unique_name("g-adapters"),
        "retry_max_attempts": 4,
        "retry_base_delay_s": 0.05,
        "retry_max_delay_s": 0.2,
        "breaker_failure_threshold": 3,
        "breaker_reset_after_s": 0.3,
        "freshness_check_interval_s": 0.2,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[FastAPI]:
    """The whole service (HTTP app, worker) started as in production."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


def worker_of(app: FastAPI) -> Worker:
    worker = app.state.worker
    assert isinstance(worker, Worker)
    return worker


@asynccontextmanager
async def producer(bootstrap: str) -> AsyncIterator[EventProducer]:
    events = EventProducer(bootstrap_servers=bootstrap, service="routing-test-double")
    await events.start()
    try:
        yield events
    finally:
        await events.stop()


@cache
def _validator(ce_type: str) -> Draft202012Validator:
    schema = json.loads((JSONSCHEMA / f"{ce_type}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


async def valid_messages(bootstrap: str, topic: str, expect: int | None = None) -> list[Message]:
    """Every record of the topic, each decoded by the codec and checked against
    its committed JSON Schema (a record that fits neither fails the test)."""
    decoded = []
    for record in await read_all(bootstrap, topic, expect=expect, timeout_s=20):
        envelope = decode(record.value, record.headers)
        errors = list(_validator(envelope.type).iter_errors(json.loads(record.value or b"")))
        assert not errors, f"{envelope.type} does not fit its JSON Schema: {errors[0].message}"
        decoded.append(envelope.data)
    return decoded


def of_type(messages: Sequence[Message], kind: type[Message]) -> list[Any]:
    return [m for m in messages if isinstance(m, kind)]


async def eventually(check: Any, timeout_s: float = 20.0, every_s: float = 0.1) -> Any:
    """Wait until ``await check()`` returns something truthy, and return it."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s (last: {result!r})")
        await asyncio.sleep(every_s)
