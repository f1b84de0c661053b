"""BMKG: real-format samples through the simulator onto agency.bmkg.earthquakes,
and exactly one incident per qualifying earthquake across restarts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from agency_testkit import (
    drop_topics,
    eventually,
    fast_settings,
    make_topics,
    of_type,
    running,
    valid_messages,
)
from simulators.bmkg import BmkgSimulator, fixture
from simulators.server import Fault

from tanggap.agency_adapters.adapters.bmkg.config import BmkgSettings
from tanggap.agency_adapters.domain.bmkg.alert import incident_id_for
from tanggap.agency_adapters.settings import Settings, TopicNames
from tanggap.schemas.commands import OpenIncident
from tanggap.schemas.common import ActorKind, Priority
from tanggap.schemas.events.agency import EarthquakeObserved, TsunamiWarningLevel
from tanggap.streaming.testing import unique_name

pytestmark = pytest.mark.integration
NEAR_KEY = "bmkg-20261202234127"  # the M 5.3 quake 48 km from Cilegon
TSUNAMI_KEY = "bmkg-20270214140147"  # the M 7.4 quake with a Banten tsunami warning


@pytest.fixture
async def topics(kafka_bootstrap: str) -> AsyncIterator[TopicNames]:
    names = await make_topics(kafka_bootstrap)
    yield names
    await drop_topics(kafka_bootstrap, names)


@pytest.fixture
async def bmkg() -> AsyncIterator[BmkgSimulator]:
    sim = BmkgSimulator()
    sim.files = {
        "autogempa.json": fixture("autogempa_m5_near.json"),
        "gempaterkini.json": fixture("gempaterkini.json"),
        "gempadirasakan.json": fixture("gempadirasakan.json"),
        "datagempa.json": fixture("datagempa_tsunami.json"),
    }
    await sim.server.start()
    yield sim
    await sim.server.stop()


def bmkg_settings(bootstrap: str, topics: TopicNames, sim: BmkgSimulator) -> Settings:
    bmkg = BmkgSettings(
        enabled=True,
        open_data_url=sim.open_data_url,
        inatews_url=sim.url,
        autogempa_interval_s=0.2,
        lists_interval_s=0.2,
        inatews_interval_s=0.2,
        total_timeout_s=1.0,
    )
    return fast_settings(bootstrap, topics, bmkg=bmkg)


async def polled_all(sim: BmkgSimulator, rounds: int) -> None:
    start = dict(sim.hits)

    async def done() -> bool:
        return all(sim.hits.get(name, 0) >= start.get(name, 0) + rounds for name in sim.files)

    await eventually(done)


def revise_near_quake(document: bytes) -> bytes:
    """BMKG revises the near quake in every file: M 5.4, one second later."""
    data = json.loads(document)
    entries = data["Infogempa"]["gempa"]
    for entry in entries if isinstance(entries, list) else [entries]:
        if entry.get("DateTime") == "2026-12-02T23:41:27+00:00":
            entry |= {"Magnitude": "5.4", "DateTime": "2026-12-02T23:41:28+00:00"}
    return json.dumps(data).encode()


async def test_samples_become_earthquakes_and_qualifying_ones_open_one_incident_across_restarts(
    kafka_bootstrap: str, topics: TopicNames, bmkg: BmkgSimulator
) -> None:
    settings = bmkg_settings(kafka_bootstrap, topics, bmkg)
    # The first answers are hostile; they cost those polls, nothing else.
    bmkg.faults.add(Fault.BAD_JSON, Fault.WRONG_TYPES, Fault.HUGE_BODY, Fault.SLOW_DRIP)
    async with running(settings):
        await polled_all(bmkg, rounds=3)

        async def opened() -> list[OpenIncident]:
            found = of_type(
                await valid_messages(kafka_bootstrap, topics.incident_commands), OpenIncident
            )
            return found if len(found) >= 2 else []

        commands = await eventually(opened)
    assert bmkg.faults.pending() == 0
    assert sorted(c.dedup_key for c in commands) == [f"bmkg:{NEAR_KEY}", f"bmkg:{TSUNAMI_KEY}"]
    for command in commands:
        assert command.category == "bencana"
        assert command.priority is Priority.URGENT
        assert command.actor.kind is ActorKind.SYSTEM
        assert command.incident_id == incident_id_for(command.dedup_key.removeprefix("bmkg:"))
    tsunami = next(c for c in commands if c.dedup_key.endswith(TSUNAMI_KEY))
    assert "WASPADA" in tsunami.description_public or "SIAGA" in tsunami.description_public

    quakes = of_type(
        await valid_messages(kafka_bootstrap, topics.bmkg_earthquakes), EarthquakeObserved
    )
    keys = {q.event_key for q in quakes}
    # 12 distinct quakes in gempaterkini (one listed 3 times plus a revision), 2
    # more in gempadirasakan (one record unreadable), the InaTEWS one; the near
    # quake is in three files and counted once.
    assert len(keys) == 15
    donggala = [q for q in quakes if q.region.endswith("DONGGALA-SULTENG")]
    assert {q.event_key for q in donggala} == {"bmkg-20261106213303"}  # the last issued
    assert donggala[-1].magnitude == 5.9
    near = [q for q in quakes if q.event_key == NEAR_KEY]
    assert {q.source_feed.value for q in near} <= {"autogempa", "gempaterkini", "gempadirasakan"}
    assert near[-1].felt is not None
    assert near[-1].distance_km < 60
    warning = next(q for q in quakes if q.event_key == TSUNAMI_KEY).tsunami_warning
    assert warning is not None
    assert warning.level is TsunamiWarningLevel.SIAGA
    assert warning.districts.count("KOTA-CILEGON") == 1
    assert "BANTEN" in warning.provinces

    # Restart: the same files, a revision of the near quake, the end of the
    # tsunami warning, then an exercise with a Banten zone.
    for name in ("autogempa.json", "gempaterkini.json", "gempadirasakan.json"):
        bmkg.files[name] = revise_near_quake(bmkg.files[name])
    bmkg.files["datagempa.json"] = fixture("datagempa_ended.json")
    async with running(settings.model_copy(update={"group_prefix": unique_name("g-restart")})):
        await polled_all(bmkg, rounds=2)
        bmkg.files["datagempa.json"] = fixture("datagempa_tes.json")

        async def exercise_seen() -> list[EarthquakeObserved]:
            found = of_type(
                await valid_messages(kafka_bootstrap, topics.bmkg_earthquakes), EarthquakeObserved
            )
            return [q for q in found if q.exercise]

        [drill] = await eventually(exercise_seen)
        assert drill.magnitude == 7.8
        assert drill.distance_km < 150
        await polled_all(bmkg, rounds=2)
    after = of_type(await valid_messages(kafka_bootstrap, topics.incident_commands), OpenIncident)
    assert sorted(c.command_id for c in after) == sorted(c.command_id for c in commands)
    quakes = of_type(
        await valid_messages(kafka_bootstrap, topics.bmkg_earthquakes), EarthquakeObserved
    )
    assert [q.magnitude for q in quakes if q.event_key == NEAR_KEY][-1] == 5.4
    assert next(q for q in reversed(quakes) if q.event_key == TSUNAMI_KEY).tsunami_warning is None
