"""Dishub and ASDP Merak: incidents delivered, feeds onto their topics, and
feed freshness, against the simulators and the real broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from agency_testkit import (
    drop_topics,
    eventually,
    fast_settings,
    make_topics,
    of_type,
    producer,
    running,
    snapshot,
    valid_messages,
)
from simulators.asdp import AsdpSimulator
from simulators.dishub import POINTS, DishubSimulator
from simulators.server import Fault

from tanggap.agency_adapters.adapters.asdp.config import AsdpSettings
from tanggap.agency_adapters.adapters.dishub.config import DishubSettings
from tanggap.agency_adapters.settings import TopicNames
from tanggap.schemas.commands import LinkExternalReference
from tanggap.schemas.common import Priority
from tanggap.schemas.events.agency import (
    FeedState,
    FeedStatusChanged,
    PortStatusObserved,
    TrafficConditionObserved,
    TrafficLevel,
    TrafficPlaceKind,
)

pytestmark = pytest.mark.integration
LIMITS: dict[str, Any] = {
    "total_timeout_s": 1.0,
    "connect_timeout_s": 0.5,
    "max_response_bytes": 65_536,
}


@pytest.fixture
async def topics(kafka_bootstrap: str) -> AsyncIterator[TopicNames]:
    names = await make_topics(kafka_bootstrap)
    yield names
    await drop_topics(kafka_bootstrap, names)


async def test_dishub_gets_its_traffic_incidents_and_its_congestion_feed_reaches_the_bus(
    kafka_bootstrap: str, topics: TopicNames
) -> None:
    dishub = DishubSimulator()
    await dishub.server.start()
    dishub.set_level("simpang-tiga", "macet", 6.5)
    dishub.set_level("ruas-jl-lingkar-selatan", "Ramai Lancar", 31.0)
    # One broken point among good ones costs only itself.
    dishub.extra_points.append({"kode": "BAD CODE", "nama": 7, "jenis": "tol"})
    settings = fast_settings(
        kafka_bootstrap,
        topics,
        dishub=DishubSettings(
            enabled=True,
            base_url=dishub.url,
            api_token=dishub.token,
            traffic_interval_s=0.2,
            traffic_stale_after_s=30,
            **LIMITS,
        ),
    )
    jam = snapshot(
        category="kemacetan", owner="kelurahan:36.72.07.1001", handler="dishub", place="ramanuju"
    )
    not_ours = snapshot(
        category="jalan-rusak", owner="kelurahan:36.72.07.1001", handler="dpupr", place="ramanuju"
    )
    try:
        async with running(settings), producer(kafka_bootstrap) as routing:
            await routing.send(topics.incidents_state, not_ours)
            await routing.send(topics.incidents_state, jam)

            async def traffic() -> list[TrafficConditionObserved]:
                found = await valid_messages(kafka_bootstrap, topics.dishub_traffic)
                return found if len(found) >= len(POINTS) else []

            observed = {t.segment_id: t for t in await eventually(traffic)}
            assert len(observed) == len(POINTS)  # the broken point was dropped
            assert observed["simpang-tiga"].level is TrafficLevel.MACET
            assert observed["simpang-tiga"].kind is TrafficPlaceKind.INTERSECTION
            assert observed["ruas-jl-lingkar-selatan"].level is TrafficLevel.RAMAI_LANCAR

            async def linked() -> list[LinkExternalReference]:
                return of_type(
                    await valid_messages(kafka_bootstrap, topics.incident_commands),
                    LinkExternalReference,
                )

            [link] = await eventually(linked)
            assert link.incident_id == jam.incident_id
            assert link.agency_unit_id == "dishub"
            assert [body["id_tanggap"] for body in dishub.reports[link.reference]] == [
                jam.incident_id
            ]

            # A relevant change (the priority went up) is delivered once more, to the same ticket.
            await routing.send(
                topics.incidents_state,
                jam.model_copy(update={"sequence": 2, "priority": Priority.URGENT}),
            )

            async def updated() -> bool:
                return len(dishub.reports[link.reference]) == 2

            await eventually(updated)
            # Unchanged points are not published again on later polls.
            dishub.set_level("simpang-tiga", "padat", 14.0)

            async def eased() -> list[TrafficConditionObserved]:
                found = await valid_messages(kafka_bootstrap, topics.dishub_traffic)
                return found if len(found) == len(POINTS) + 1 else []

            assert (await eventually(eased))[-1].level is TrafficLevel.PADAT
        assert len(dishub.tickets) == 1
    finally:
        await dishub.server.stop()


async def test_asdp_port_feed_and_queue_reports_and_a_silent_feed_turns_stale_then_fresh(
    kafka_bootstrap: str, topics: TopicNames
) -> None:
    asdp = AsdpSimulator()
    await asdp.server.start()
    settings = fast_settings(
        kafka_bootstrap,
        topics,
        asdp=AsdpSettings(
            enabled=True,
            base_url=asdp.url,
            api_token=asdp.token,
            port_interval_s=0.2,
            port_stale_after_s=1,
            **LIMITS,
        ),
    )
    queue = snapshot(
        category="antrean-pelabuhan",
        owner="kelurahan:36.72.03.1001",
        handler="asdp:merak",
        place="tamansari",
        description="Antrean kendaraan golongan IV mengular sampai gerbang tol Merak",
    )
    try:
        async with running(settings), producer(kafka_bootstrap) as routing:
            await routing.send(topics.incidents_state, queue)

            async def port() -> list[PortStatusObserved]:
                return await valid_messages(kafka_bootstrap, topics.asdp_port_status)

            [status] = await eventually(port)
            assert status.port == "merak"
            assert status.ferries_operating == 28
            assert {q.vehicle_class: q.vehicles_waiting for q in status.queues}[
                "golongan IV"
            ] == 340

            async def reported() -> bool:
                return len(asdp.reports) == 1

            await eventually(reported)
            [body] = asdp.reports.values()
            assert body["referensi"] == queue.incident_id
            assert body["uraian"].startswith("Antrean kendaraan")

            # The port desk goes silent: hostile answers, then nothing at all.
            asdp.faults.add(Fault.BAD_JSON, Fault.WRONG_TYPES, Fault.HUGE_BODY)
            await asdp.server.stop()

            async def feed_states() -> list[FeedState]:
                changes = of_type(
                    await valid_messages(kafka_bootstrap, topics.feed_status), FeedStatusChanged
                )
                return [c.state for c in changes if c.feed == "asdp.port_status"]

            async def went_stale() -> bool:
                return (await feed_states())[-1:] == [FeedState.STALE]

            await eventually(went_stale)
            await asdp.server.start()

            async def fresh_again() -> bool:
                return (await feed_states())[-1:] == [FeedState.FRESH]

            await eventually(fresh_again)
            assert await feed_states() == [FeedState.FRESH, FeedState.STALE, FeedState.FRESH]
        assert len(asdp.numbers) == 1
    finally:
        await asdp.server.stop()
