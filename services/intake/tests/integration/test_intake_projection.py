"""The projection worker against the real broker: routing's events (produced
here with the codec, routing is not built yet) move a citizen's status; a
report.submitted with no row (a crash after the broker's acknowledgement)
gets its row; a malformed record is dead-lettered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import httpx
import pytest
from intake_testkit import (
    Topics,
    acknowledged,
    new_incident_id,
    opened,
    report_body,
    resolved,
    routed,
    running,
    utc_now,
)

from tanggap.intake.adapters.database import create_pool
from tanggap.intake.domain.tracking import TrackingTokens
from tanggap.intake.settings import Settings
from tanggap.intake.worker import build_runner
from tanggap.schemas.common import Location, Message, Privacy
from tanggap.schemas.events import Channel, ReportSubmitted
from tanggap.streaming import EventProducer, Heartbeat
from tanggap.streaming.testing import read_all

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(settings) as (_, client):
        yield client


@pytest.fixture(scope="module")
async def worker(settings: Settings) -> AsyncIterator[Heartbeat]:
    pool = await create_pool(settings.database_url, settings.database_schema, size=2)
    heartbeat = Heartbeat("intake-projection-test")
    runner = build_runner(settings, pool, heartbeat)
    task = asyncio.create_task(runner.run())
    try:
        yield heartbeat
    finally:
        runner.stop()
        await asyncio.wait_for(task, 30)
        await pool.close()


@pytest.fixture(scope="module")
async def routing(kafka_bootstrap: str) -> AsyncIterator[EventProducer]:
    producer = EventProducer(bootstrap_servers=kafka_bootstrap, service="routing")
    await producer.start()
    yield producer
    await producer.stop()


async def eventually(check: Callable[[], Awaitable[bool]], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        assert time.monotonic() < deadline, "the projection did not catch up"
        await asyncio.sleep(0.05)


async def send(producer: EventProducer, topic: str, event: Message) -> None:
    await producer.send(topic, event)


async def test_routing_events_move_the_citizens_status(
    client: httpx.AsyncClient, worker: Heartbeat, routing: EventProducer, topics: Topics
) -> None:
    accepted = (await client.post("/v1/reports", json=report_body())).json()
    report_id, token = accepted["id"], accepted["tracking_token"]
    incident_id = new_incident_id()
    now = utc_now()

    async def status() -> dict[str, object]:
        response = await client.get(f"/v1/track/{token}")
        assert response.status_code == 200
        body: dict[str, object] = response.json()
        return body

    await send(routing, topics.routed, routed(report_id, incident_id, now))
    await send(routing, topics.incidents, opened(report_id, incident_id, now))

    async def is_routed() -> bool:
        return (await status())["status"] == "routed"

    await eventually(is_routed)
    report = await status()
    assert report["incident_id"] == incident_id
    assert report["area"] == {
        "kelurahan": {"kode": "36.72.01.1001", "name": "Cibeber"},
        "kecamatan": {"kode": "36.72.01", "name": "Cibeber"},
    }
    assert report["assigned_unit"] == {
        "id": "kelurahan:36.72.01.1001",
        "type": "kelurahan",
        "name": "Kelurahan Cibeber",
    }
    assert report["handler"] == {
        "id": "pdam:cilegon-mandiri",
        "type": "utility",
        "name": "Perumda Air Minum Cilegon Mandiri",
    }

    await send(routing, topics.incidents, acknowledged(incident_id, now + timedelta(seconds=1)))
    await send(routing, topics.incidents, resolved(incident_id, now + timedelta(seconds=2)))

    async def is_resolved() -> bool:
        return (await status())["status"] == "resolved"

    await eventually(is_resolved)
    timeline = (await status())["timeline"]
    assert isinstance(timeline, list)
    assert [step["status"] for step in timeline] == [
        "received",
        "routed",
        "acknowledged",
        "resolved",
    ]
    assert timeline[1]["note"] == (
        "Diteruskan ke Kelurahan Cibeber; ditangani oleh Perumda Air Minum Cilegon Mandiri"
    )
    assert all(str(step["at"]).endswith("+07:00") for step in timeline)
    assert worker.alive()


async def test_a_submitted_report_without_a_row_gets_one(
    client: httpx.AsyncClient,
    worker: Heartbeat,
    routing: EventProducer,
    topics: Topics,
    settings: Settings,
) -> None:
    """A crash between the broker's acknowledgement and the row: the worker
    writes the row from the topic, and the token (derived from the id) opens it."""
    report_id = "01938a2e-7c1a-7000-8000-0000000000c1"
    event = ReportSubmitted(
        report_id=report_id,
        submitted_at=utc_now(),
        category="sampah",
        description="Sampah menumpuk",
        location=Location(lat=-6.0337, lon=106.0698),
        area_key="sampah",
        privacy=Privacy.PUBLIC,
        channel=Channel.NATIVE,
    )
    await send(routing, topics.submitted, event)
    token = TrackingTokens(settings.tracking_secret.get_secret_value().encode()).issue(report_id)

    async def readable() -> bool:
        return (await client.get(f"/v1/track/{token}")).status_code == 200

    await eventually(readable)


async def test_a_malformed_record_is_dead_lettered(
    worker: Heartbeat, routing: EventProducer, topics: Topics, kafka_bootstrap: str
) -> None:
    await routing.send_raw(
        topics.routed, key=b"x", value=b"{bukan json", headers=[("ce_type", b"salah")]
    )

    async def dead_lettered() -> bool:
        return bool(await read_all(kafka_bootstrap, topics.deadletter, timeout_s=1))

    await eventually(dead_lettered)
    assert worker.alive()
