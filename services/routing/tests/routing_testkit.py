"""What routing's integration tests share: unique topics per module, reports and
commands built from the contract, a worker running in-process, and reading a
topic back as a read_committed consumer would."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

import tanggap.schemas.commands as commands
from tanggap.routing.processor import Clock
from tanggap.routing.rulesource import RuleSource
from tanggap.routing.settings import Settings
from tanggap.routing.worker import RoutingWorker
from tanggap.schemas.cloudevents import Envelope, decode
from tanggap.schemas.common import Actor, ActorKind, Location, Message, Privacy, uuid7
from tanggap.schemas.events import Channel, ReportSubmitted
from tanggap.schemas.keys import area_key
from tanggap.streaming import EventProducer
from tanggap.streaming.admin import delete_topics
from tanggap.streaming.testing import create_topic, read_all, unique_name

DATA = Path(__file__).resolve().parents[1] / "data"
EXTERNAL = (
    "reports_submitted",
    "incident_commands",
    "reports_routed",
    "incidents",
    "incidents_state",
    "deadletter",
)
INTERNAL = ("command_inbox", "changelog")
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Topics:
    names: dict[str, str]

    def settings(self, bootstrap: str, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "kafka_bootstrap": bootstrap,
            "environment": "test",
            "instance_id": "test-1",
            "group_id": self.names["group"],
            "session_timeout_ms": 6000,
            "heartbeat_interval_ms": 1000,
            "timer_poll_s": 0.2,
            **{f"topic_{k}": v for k, v in self.names.items() if k != "group"},
        }
        values.update(overrides)
        return Settings(**values)


async def new_topics(bootstrap: str, *, partitions: int = 3) -> Topics:
    prefix = unique_name("test.routing")
    names = {kind: f"{prefix}.{kind}" for kind in (*EXTERNAL, *INTERNAL)}
    for kind in EXTERNAL:
        await create_topic(bootstrap, names[kind], partitions=partitions)
    return Topics({**names, "group": f"{prefix}.group"})


async def remove_topics(bootstrap: str, topics: Topics) -> None:
    await delete_topics(bootstrap, [v for k, v in topics.names.items() if k != "group"])


def interior_points(count: int, *, apart_m: float = 1500.0) -> list[tuple[float, float]]:
    """(lat, lon) points well inside distinct kelurahan, pairwise ``apart_m`` apart."""
    features = json.loads((DATA / "kelurahan.geojson").read_text())["features"]
    chosen: list[tuple[float, float]] = []
    for feature in sorted(features, key=lambda f: f["properties"]["kode"]):
        inset = shape(feature["geometry"]).buffer(-0.002)
        if inset.is_empty:
            continue
        point = shapely.get_coordinates(inset.representative_point())[0]
        lat, lon = float(point[1]), float(point[0])
        if all(distance_m((lat, lon), other) >= apart_m for other in chosen):
            chosen.append((lat, lon))
        if len(chosen) == count:
            return chosen
    raise AssertionError(f"only {len(chosen)} points {apart_m} m apart")


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * METRES_PER_DEGREE
    dx = (a[1] - b[1]) * METRES_PER_DEGREE * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


def moved(point: tuple[float, float], east_m: float, north_m: float) -> tuple[float, float]:
    lat, lon = point
    return (
        lat + north_m / METRES_PER_DEGREE,
        lon + east_m / (METRES_PER_DEGREE * math.cos(math.radians(lat))),
    )


def report(
    category: str,
    point: tuple[float, float],
    *,
    answers: dict[str, str] | None = None,
    at: datetime | None = None,
) -> ReportSubmitted:
    lat, lon = point
    return ReportSubmitted(
        report_id=uuid7(),
        submitted_at=at or datetime.now(UTC),
        category=category,
        description="Laporan uji routing",
        location=Location(lat=round(lat, 7), lon=round(lon, 7)),
        area_key=area_key(category, lat, lon),
        answers=answers or {},
        privacy=Privacy.PUBLIC,
        channel=Channel.DEMO,
    )


def operator(unit_id: str) -> Actor:
    return Actor(kind=ActorKind.OPERATOR, id="op-uji-01", unit_id=unit_id)


def acknowledge(incident_id: str, unit_id: str) -> commands.AcknowledgeIncident:
    return commands.AcknowledgeIncident(
        command_id=uuid7(),
        incident_id=incident_id,
        actor=operator(unit_id),
        issued_at=datetime.now(UTC),
    )


def start(incident_id: str, unit_id: str) -> commands.StartIncident:
    return commands.StartIncident(
        command_id=uuid7(),
        incident_id=incident_id,
        actor=operator(unit_id),
        issued_at=datetime.now(UTC),
    )


class Sender:
    """Produces contract messages (acks=all) to the test's topics."""

    def __init__(self, bootstrap: str) -> None:
        self.producer = EventProducer(bootstrap_servers=bootstrap, service="routing-tests")

    async def __aenter__(self) -> Sender:
        await self.producer.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.producer.stop()

    async def send(self, topic: str, message: Message) -> None:
        await self.producer.send(topic, message)

    async def raw(self, topic: str, key: bytes, value: bytes, headers: list[Any]) -> None:
        await self.producer.send_raw(topic, key=key, value=value, headers=headers)


async def envelopes(
    bootstrap: str, topic: str, *, expect: int | None = None, timeout_s: float = 30.0
) -> list[Envelope[Message]]:
    messages = await read_all(bootstrap, topic, expect=expect, timeout_s=timeout_s)
    return [decode(m.value, m.headers) for m in messages]


async def wait_for(
    bootstrap: str, topic: str, predicate: Any, *, timeout_s: float = 30.0
) -> list[Envelope[Message]]:
    """Read ``topic`` until ``predicate(envelopes)`` holds; the envelopes then."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        found = await envelopes(bootstrap, topic, timeout_s=5)
        if predicate(found):
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{topic}: condition not met; {len(found)} records")
        await asyncio.sleep(0.3)


@asynccontextmanager
async def running_worker(
    settings: Settings, *, clock: Clock | None = None
) -> AsyncIterator[RoutingWorker]:
    worker = RoutingWorker(settings, RuleSource.from_settings(settings), clock=clock)
    task = asyncio.create_task(worker.run())
    try:
        while not (worker.ready and worker.processor.owned):
            if task.done():
                task.result()
                raise AssertionError("worker stopped before it was ready")
            await asyncio.sleep(0.05)
        yield worker
    finally:
        worker.stop()
        await asyncio.wait_for(task, 60)
