"""Polres Cilegon against the police simulator and the real broker."""

from __future__ import annotations

import io
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
    worker_of,
)
from simulators.polres import PolresSimulator
from simulators.server import Fault

from tanggap.agency_adapters.adapters.polres.config import PolresSettings
from tanggap.agency_adapters.cli import deadletters
from tanggap.agency_adapters.settings import Settings, TopicNames
from tanggap.schemas.commands import LinkExternalReference, ResolveIncident, StartIncident
from tanggap.schemas.common import ActorKind
from tanggap.schemas.events.agency import DeliveryState, DeliveryUpdated
from tanggap.streaming.testing import read_all

pytestmark = pytest.mark.integration


@pytest.fixture
async def topics(kafka_bootstrap: str) -> AsyncIterator[TopicNames]:
    names = await make_topics(kafka_bootstrap)
    yield names
    await drop_topics(kafka_bootstrap, names)


@pytest.fixture
async def police() -> AsyncIterator[PolresSimulator]:
    sim = PolresSimulator()
    await sim.server.start()
    yield sim
    await sim.server.stop()


def polres_settings(
    bootstrap: str, topics: TopicNames, sim: PolresSimulator, **overrides: Any
) -> Settings:
    polres = PolresSettings(
        enabled=True,
        base_url=sim.url,
        api_token=sim.token,
        total_timeout_s=1.0,
        connect_timeout_s=0.5,
        max_response_bytes=65_536,
        poll_interval_s=0.2,
    )
    return fast_settings(bootstrap, topics, polres=polres, **overrides)


async def commands(bootstrap: str, topics: TopicNames) -> list[Any]:
    return await valid_messages(bootstrap, topics.incident_commands)


async def test_a_case_is_opened_exactly_once_through_timeouts_500s_and_slow_answers(
    kafka_bootstrap: str, topics: TopicNames, police: PolresSimulator
) -> None:
    police.faults.add(Fault.TIMEOUT, Fault.ERROR_500, Fault.SLOW)
    incident = snapshot(owner="polsek:cibeber")
    async with (
        running(polres_settings(kafka_bootstrap, topics, police)),
        producer(kafka_bootstrap) as routing,
    ):
        await routing.send(topics.incidents_state, incident)

        async def linked() -> list[LinkExternalReference]:
            return of_type(await commands(kafka_bootstrap, topics), LinkExternalReference)

        link = (await eventually(linked))[0]
        [case] = police.cases_for(incident.incident_id)
        assert link.reference == case.number
        assert case.number.startswith("LP/B/")
        assert "POLSEK CIBEBER" in case.number
        assert link.actor.kind is ActorKind.AGENCY
        assert link.actor.unit_id == link.agency_unit_id == "polsek:cibeber"

        # The same snapshot again, and one that changes nothing the police see.
        await routing.send(topics.incidents_state, incident)
        await routing.send(
            topics.incidents_state, incident.model_copy(update={"sequence": 2, "report_count": 0})
        )
        police.set_status(case.number, "penyelidikan")

        async def started() -> list[StartIncident]:
            return of_type(await commands(kafka_bootstrap, topics), StartIncident)

        start = (await eventually(started))[0]
        assert start.incident_id == incident.incident_id
        assert start.actor.unit_id == "polsek:cibeber"
        police.set_status(case.number, "selesai", "Pelaku diamankan, barang bukti disita")

        async def resolved() -> list[ResolveIncident]:
            return of_type(await commands(kafka_bootstrap, topics), ResolveIncident)

        resolve = (await eventually(resolved))[0]
        assert "Pelaku diamankan" in resolve.note
    assert len(police.cases) == 1
    assert police.faults.pending() == 0
    assert police.cases[case.number].updates == []
    sent = await commands(kafka_bootstrap, topics)
    assert [type(c).__name__ for c in sent] == [
        "LinkExternalReference",
        "StartIncident",
        "ResolveIncident",
    ]
    states = [
        u.state
        for u in of_type(await valid_messages(kafka_bootstrap, topics.deliveries), DeliveryUpdated)
    ]
    assert states == [
        DeliveryState.PENDING,
        DeliveryState.FAILED,
        DeliveryState.FAILED,
        DeliveryState.DELIVERED,
    ]


async def test_police_down_past_the_retry_budget_ends_in_dead_letters_and_replay_delivers(
    kafka_bootstrap: str, topics: TopicNames, police: PolresSimulator
) -> None:
    settings = polres_settings(kafka_bootstrap, topics, police)
    incident = snapshot(owner="polres:cilegon", category="ancaman")
    await police.server.stop()
    async with running(settings) as app, producer(kafka_bootstrap) as routing:
        await routing.send(topics.incidents_state, incident)
        [letter] = await read_all(kafka_bootstrap, topics.deadletter, expect=1, timeout_s=20)
        assert letter.header("dlq_agency") == b"polres"
        assert letter.header("dlq_error_code") == b"unreachable"
        assert letter.header("dlq_attempts") == b"4"
        assert letter.header("dlq_idempotency_key") == f"{incident.incident_id}:1".encode()
        assert letter.header("dlq_original_topic") == topics.incidents_state.encode()
        assert letter.key == incident.incident_id.encode()
        assert not any(t.done() for t in worker_of(app)._consumers)  # the consumer goes on

    await police.server.start()  # back, on the same port
    out = io.StringIO()
    assert await deadletters(settings, "replay", "polres", out) == 0
    assert "delivered" in out.getvalue()
    [case] = police.cases_for(incident.incident_id)
    assert "POLSEK" not in case.number  # a polres case
    links = of_type(await commands(kafka_bootstrap, topics), LinkExternalReference)
    assert [link.reference for link in links] == [case.number]

    again = io.StringIO()
    assert await deadletters(settings, "replay", None, again) == 0
    assert again.getvalue().strip().endswith("0 replayed, 0 failed")
    listing = io.StringIO()
    await deadletters(settings, "list", "polres", listing)
    assert "\treplayed\t" in listing.getvalue()
    assert len(police.cases) == 1
    states = [
        u.state
        for u in of_type(await valid_messages(kafka_bootstrap, topics.deliveries), DeliveryUpdated)
    ]
    assert states[-1] is DeliveryState.DELIVERED
    assert DeliveryState.DEAD_LETTERED in states


@pytest.mark.parametrize(
    "faults",
    [
        [Fault.BAD_JSON, Fault.WRONG_TYPES, Fault.HUGE_BODY, Fault.SLOW_DRIP],
    ],
    ids=["bad-json-wrong-types-huge-body-slow-drip"],
)
async def test_hostile_answers_never_crash_the_adapter_nor_produce_an_invalid_event(
    kafka_bootstrap: str, topics: TopicNames, police: PolresSimulator, faults: list[Fault]
) -> None:
    police.faults.add(*faults)
    incident = snapshot(owner="polsek:cibeber")
    settings = polres_settings(kafka_bootstrap, topics, police, retry_max_attempts=6)
    async with running(settings) as app, producer(kafka_bootstrap) as routing:
        await routing.send(topics.incidents_state, incident)

        async def linked() -> list[LinkExternalReference]:
            return of_type(await commands(kafka_bootstrap, topics), LinkExternalReference)

        await eventually(linked)
        [case] = police.cases_for(incident.incident_id)
        # The status polls meet the same hostility, then a real answer.
        police.faults.add(*faults)
        police.set_status(case.number, "penyelidikan")

        async def started() -> list[StartIncident]:
            return of_type(await commands(kafka_bootstrap, topics), StartIncident)

        await eventually(started)
        assert not any(t.done() for t in worker_of(app)._consumers)
    assert police.faults.pending() == 0
    assert len(police.cases) == 1
    for topic in (topics.deliveries, topics.incident_commands, topics.adapter_state):
        await valid_messages(kafka_bootstrap, topic)  # every record fits codec and schema
    assert await read_all(kafka_bootstrap, topics.deadletter) == []
