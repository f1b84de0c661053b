"""The projector against the real broker and database: events in, rows out;
the same records again change nothing; a rebuild from the topics, swapped in
while the live projector runs, equals the live read model."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from dashboard_testkit import (
    COMMAND_CENTER,
    DISHUB,
    POLSEK_CIBEBER,
    T0,
    Scenario,
    count,
    dump_read_model,
    eventually,
    load_areas,
    settings_for,
)
from prometheus_client import REGISTRY
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard import cli
from tanggap.dashboard.adapters.db import create_engine
from tanggap.dashboard.adapters.rebuild import RebuildPlan, rebuild
from tanggap.dashboard.adapters.tables import users
from tanggap.dashboard.settings import SERVICE_ROOT
from tanggap.dashboard.worker import ProjectorWorker
from tanggap.schemas.cloudevents import KafkaRecord
from tanggap.schemas.common import Actor, ActorKind, GeoPoint, Privacy, UnitRef, UnitType
from tanggap.schemas.events import (
    DeliveryState,
    DeliveryUpdated,
    FeedState,
    FeedStatusChanged,
    Reporter,
    TrafficConditionObserved,
    TrafficLevel,
    TrafficPlaceKind,
)
from tanggap.schemas.registry import EVENT_TYPES
from tanggap.streaming import EventProducer

pytestmark = pytest.mark.integration

LURAH = Actor(
    kind=ActorKind.OPERATOR, id="op-lurah-1", unit_id="kelurahan:36.72.01.1001", role="lurah"
)
BPBD = UnitRef(id="bpbd", type=UnitType.OPD, name="Badan Penanggulangan Bencana Daerah")


def city_day(scenario: Scenario) -> list[object]:
    """A small but complete day: every kind of record the dashboard reads."""
    events: list[object] = []
    garbage, emitted = scenario.report(
        "36.72.01.1001",
        reporter=Reporter(name="Siti Aminah", phone="+6281234567890"),
        at=T0,
    )
    events += emitted
    events += scenario.step(garbage, "acknowledge", by=LURAH, note="Petugas menuju lokasi")
    events += scenario.step(garbage, "start", by=LURAH)
    events += scenario.step(garbage, "resolve", by=LURAH, note="Sampah sudah diangkut")
    flood, emitted = scenario.report(
        "36.72.08.1005",
        category="banjir",
        privacy=Privacy.CONFIDENTIAL,
        owner=COMMAND_CENTER,
        handler=BPBD,
        copied=[scenario.areas["36.72.08.1005"].kelurahan_unit],
        at=T0 + timedelta(hours=1),
    )
    events += emitted
    _, emitted = scenario.report(
        "36.72.08.1005",
        category="banjir",
        privacy=Privacy.ANONYMOUS,
        reporter=Reporter(name="Tidak ditampilkan"),
        merge_into=flood,
        at=T0 + timedelta(hours=1, minutes=5),
    )
    events += emitted
    noise, emitted = scenario.report(
        "36.72.01.1002",
        category="keributan",
        handler=POLSEK_CIBEBER,
        owner=POLSEK_CIBEBER,
        at=T0 + timedelta(hours=2),
    )
    events += emitted
    lights, emitted = scenario.report(
        "36.72.01.1002", category="penerangan-jalan", handler=DISHUB, at=T0 + timedelta(hours=3)
    )
    events += emitted
    events += scenario.step(lights, "escalate")
    events += [
        DeliveryUpdated(
            incident_id=noise,
            agency_unit_id="polres:cilegon",
            state=DeliveryState.DELIVERED,
            attempt=1,
            agency_reference="LP/B/123/XI/2026",
            at=T0 + timedelta(hours=2, minutes=1),
        ),
        FeedStatusChanged(
            feed="dishub.traffic",
            state=FeedState.STALE,
            last_success_at=T0,
            expected_interval_s=300,
            at=T0 + timedelta(minutes=20),
        ),
        TrafficConditionObserved(
            segment_id="jl-sa-tirtayasa-01",
            name="Jl. Sultan Ageng Tirtayasa",
            kind=TrafficPlaceKind.SEGMENT,
            level=TrafficLevel.PADAT,
            speed_kmh=14.0,
            location=GeoPoint(lat=-6.0169, lon=106.0538),
            observed_at=T0 + timedelta(minutes=5),
        ),
    ]
    return events


def duplicates_seen() -> float:
    total = 0.0
    for ce_type in EVENT_TYPES:
        value = REGISTRY.get_sample_value(
            "tanggap_dashboard_projected_events_total", {"type": ce_type, "outcome": "duplicate"}
        )
        total += value or 0.0
    return total


@contextlib.asynccontextmanager
async def running(worker: ProjectorWorker) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(worker.run())
    try:
        yield task
    finally:
        worker.stop()
        await asyncio.wait_for(task, 30)


async def send(
    producer: EventProducer, prefix: str, records: list[tuple[str, KafkaRecord]]
) -> None:
    for topic, record in records:
        await producer.send_record(prefix + topic, record)


async def test_events_in_rows_out_replay_changes_nothing_rebuild_equals_live(
    database_url: str, kafka_bootstrap: str, schema: str, engine: AsyncEngine, prefix: str
) -> None:
    scenario = Scenario(await load_areas(engine))
    events = city_day(scenario)
    producer = EventProducer(bootstrap_servers=kafka_bootstrap, service="test-routing")
    await producer.start()
    # Encoded once: sending the very same records again is what a replay is.
    records = [(e.topic.value, producer.encode(e)) for e in events]  # type: ignore[attr-defined]
    settings = settings_for(database_url, kafka_bootstrap, schema, prefix)
    worker = ProjectorWorker(settings, engine)
    try:
        async with running(worker):
            await send(producer, prefix, records)
            await eventually(lambda: count_applied(engine, len(records)))
            await check_rows(engine, scenario)
            live = await dump_read_model(engine)
            changes = await count(engine, "SELECT count(*) FROM changes")

            before = duplicates_seen()
            await send(producer, prefix, records)
            await eventually(lambda: _at_least(duplicates_seen(), before + len(records)))
            assert await dump_read_model(engine) == live
            assert await count(engine, "SELECT count(*) FROM changes") == changes

            await seed_operator(engine)
            report = await rebuild(
                RebuildPlan(
                    database_url=database_url,
                    bootstrap_servers=kafka_bootstrap,
                    live_schema=schema,
                    topics=settings.projected_topics,
                    migrations_path=SERVICE_ROOT / "migrations",
                    data_path=SERVICE_ROOT / "data",
                    keep_old=True,
                )
            )
            assert report.old_schema is not None
            assert report.replayed >= 2 * len(records)
            rebuilt = await dump_read_model(engine)
            old = create_engine(database_url, report.old_schema, pool_size=1)
            try:
                assert await dump_read_model(old) == live
            finally:
                await old.dispose()
            assert rebuilt == live
            # Operator state moved over, unchanged; nothing left behind.
            assert await count(engine, "SELECT count(*) FROM users") == 1
            assert await count(engine, "SELECT count(*) FROM changes") == changes

            # The live projector goes on, now into the swapped-in schema.
            garbage = next(iter(scenario.incidents))
            more = [
                (e.topic.value, producer.encode(e))
                for e in scenario.step(garbage, "comment", note="Terima kasih")
            ]
            await send(producer, prefix, more)
            await eventually(
                lambda: _has(
                    engine, "SELECT count(*) FROM incident_timeline WHERE type = 'commented'"
                )
            )
            assert await count(engine, "SELECT count(*) FROM changes") > changes
    finally:
        await producer.stop()


async def count_applied(engine: AsyncEngine, expected: int) -> bool:
    return await count(engine, "SELECT count(*) FROM applied_events") >= expected


async def _at_least(value: float, wanted: float) -> bool:
    return value >= wanted


async def _has(engine: AsyncEngine, sql: str) -> bool:
    return await count(engine, sql) > 0


async def seed_operator(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            users.insert().values(
                id="u-1",
                username="lurah.cibeber",
                display_name="Lurah Cibeber",
                password_hash="x",
                role="lurah",
                unit_id="kelurahan:36.72.01.1001",
                created_at=T0,
                password_changed_at=T0,
            )
        )


async def check_rows(engine: AsyncEngine, scenario: Scenario) -> None:
    async with engine.connect() as connection:
        rows = {
            r.incident_id: r
            for r in (
                await connection.execute(
                    text(
                        "SELECT incident_id, sequence, status, owner_unit_id, report_count, "
                        "public_report_count, unit_ids, involves_police, acknowledged_at, "
                        "first_action_at, resolved_at, escalation_level, rule_id, "
                        "ST_Y(location) AS lat FROM incidents"
                    )
                )
            ).all()
        }
        reports = (
            await connection.execute(
                text("SELECT report_id, incident_id, status, privacy, reporter_name FROM reports")
            )
        ).all()
        timeline = (await connection.execute(text("SELECT type FROM incident_timeline"))).scalars()
        escalations = (
            await connection.execute(
                text("SELECT from_unit_id, to_unit_id FROM incident_escalations")
            )
        ).all()
        delivery = (
            await connection.execute(text("SELECT state, agency_reference FROM agency_deliveries"))
        ).one()
        feeds = (
            await connection.execute(
                text("SELECT feed_topic, entity_key FROM agency_feed_snapshots")
            )
        ).all()
    assert set(rows) == set(scenario.incidents)
    for incident_id, state in scenario.incidents.items():
        row = rows[incident_id]
        assert (row.sequence, row.status, row.owner_unit_id) == (
            state.sequence,
            state.status.value,
            state.owner.id,
        )
        assert row.report_count == len(state.report_ids)
        assert row.rule_id == f"{state.category}-default"
        assert row.lat == pytest.approx(state.location.lat)
    garbage, flood, noise, lights = list(scenario.incidents)
    assert rows[garbage].status == "resolved"
    assert rows[garbage].resolved_at is not None
    assert rows[garbage].acknowledged_at < rows[garbage].first_action_at < rows[garbage].resolved_at
    assert rows[flood].public_report_count == 1  # the anonymous one; the confidential one not
    assert rows[noise].involves_police
    assert not rows[garbage].involves_police
    assert rows[lights].escalation_level == 1
    assert escalations == [("kelurahan:36.72.01.1002", "kecamatan:36.72.01")]
    assert len(reports) == 5
    assert all(r.status == "routed" for r in reports)
    assert sorted(r.reporter_name or "" for r in reports).count("Siti Aminah") == 1
    assert sorted(timeline) == sorted(
        ["opened"] * 4
        + ["report_attached", "acknowledged", "status_changed", "resolved", "escalated"]
    )
    assert tuple(delivery) == ("delivered", "LP/B/123/XI/2026")
    assert feeds == [("agency.dishub.traffic", "jl-sa-tirtayasa-01")]


async def test_the_rebuild_command(
    database_url: str, kafka_bootstrap: str, schema: str, engine: AsyncEngine, prefix: str
) -> None:
    """`tanggap-dashboard rebuild`, as an operator runs it (after the test above)."""
    before = await dump_read_model(engine)
    settings = settings_for(database_url, kafka_bootstrap, schema, prefix)
    out = io.StringIO()
    await asyncio.to_thread(cli.main, ["rebuild"], settings=settings, stdout=out)
    assert f"rebuilt {schema}:" in out.getvalue()
    assert await dump_read_model(engine) == before
