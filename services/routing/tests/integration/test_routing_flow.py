"""One routing worker against the real broker: a report in gives exactly the
expected events out; a report nearby joins the incident; poison goes to the
dead-letter topic and the stream goes on; commands are applied or refused with
their code and their command_id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from routing_testkit import (
    Sender,
    Topics,
    acknowledge,
    envelopes,
    interior_points,
    moved,
    operator,
    report,
    running_worker,
    start,
    wait_for,
)

import tanggap.schemas.commands as commands
import tanggap.schemas.events as ce
from tanggap.routing.worker import RoutingWorker
from tanggap.schemas.cloudevents import encode
from tanggap.schemas.common import Actor, ActorKind, GeoPoint, Priority, uuid7
from tanggap.streaming.testing import read_all

pytestmark = pytest.mark.integration
Points = list[tuple[float, float]]
BMKG = Actor(kind=ActorKind.SYSTEM, id="agency-adapters:bmkg")


@pytest.fixture(scope="module")
async def worker(topics: Topics, kafka_bootstrap: str) -> AsyncIterator[RoutingWorker]:
    async with running_worker(topics.settings(kafka_bootstrap)) as running:
        yield running


@pytest.fixture(scope="module")
async def sender(kafka_bootstrap: str) -> AsyncIterator[Sender]:
    async with Sender(kafka_bootstrap) as opened:
        yield opened


@pytest.fixture(scope="module")
def points() -> Points:
    return interior_points(6)


def of_incident(found: list[Any], incident_id: str) -> list[Any]:
    return [e.data for e in found if getattr(e.data, "incident_id", None) == incident_id]


async def routed(bootstrap: str, topics: Topics, report_id: str) -> ce.ReportRouted:
    found = await wait_for(
        bootstrap,
        topics.names["reports_routed"],
        lambda es: any(e.data.report_id == report_id for e in es),
    )
    [event] = [e.data for e in found if e.data.report_id == report_id]
    assert isinstance(event, ce.ReportRouted)
    return event


async def test_a_report_gives_exactly_the_expected_events_and_a_neighbour_joins(
    worker: RoutingWorker, sender: Sender, topics: Topics, kafka_bootstrap: str, points: Points
) -> None:
    first = report("jalan-rusak", points[0])
    await sender.send(topics.names["reports_submitted"], first)
    decision = await routed(kafka_bootstrap, topics, first.report_id)
    incident_id = decision.incident_id
    assert decision.merged is False
    assert decision.rules_version == worker.rules.rulebook.version
    assert decision.rule_id.startswith("jalan-rusak:")
    incidents = of_incident(
        await envelopes(kafka_bootstrap, topics.names["incidents"]), incident_id
    )
    assert [type(e) for e in incidents] == [ce.IncidentOpened]
    assert incidents[0].report_id == first.report_id
    assert incidents[0].sequence == 1
    assert incidents[0].owner == decision.owner
    states = of_incident(
        await envelopes(kafka_bootstrap, topics.names["incidents_state"]), incident_id
    )
    assert [(s.sequence, s.report_count, s.status.value) for s in states] == [(1, 1, "open")]
    changelog = await read_all(kafka_bootstrap, topics.names["changelog"])
    assert [m.key for m in changelog if m.key == incident_id.encode()] == [incident_id.encode()]

    second = report("jalan-rusak", moved(points[0], 40, 30))
    await sender.send(topics.names["reports_submitted"], second)
    joined = await routed(kafka_bootstrap, topics, second.report_id)
    assert joined.merged is True
    assert joined.incident_id == incident_id
    incidents = of_incident(
        await envelopes(kafka_bootstrap, topics.names["incidents"]), incident_id
    )
    assert [type(e) for e in incidents] == [ce.IncidentOpened, ce.IncidentReportAttached]
    assert (incidents[1].sequence, incidents[1].report_count) == (2, 2)
    states = of_incident(
        await envelopes(kafka_bootstrap, topics.names["incidents_state"]), incident_id
    )
    assert [(s.sequence, s.report_ids) for s in states][-1] == (
        2,
        [first.report_id, second.report_id],
    )


async def test_poison_is_dead_lettered_and_the_stream_goes_on(
    worker: RoutingWorker, sender: Sender, topics: Topics, kafka_bootstrap: str, points: Points
) -> None:
    submitted = topics.names["reports_submitted"]
    valid = report("sampah", points[1])
    record = encode(valid, source="/tests")
    broken = record.value.replace(b'"privacy":"public"', b'"privacy":"secret"')
    snapshot = encode(
        ce.IncidentSnapshot.model_validate_json(_example("incident.state")), source="/tests"
    )
    await sender.raw(submitted, b"sampah", b"\xff not a cloud event", [])
    await sender.raw(submitted, b"sampah", broken, record.headers)
    await sender.raw(submitted, b"sampah", snapshot.value, snapshot.headers)
    await sender.send(submitted, valid)

    assert (await routed(kafka_bootstrap, topics, valid.report_id)).merged is False
    dead = await read_all(kafka_bootstrap, topics.names["deadletter"], expect=3)
    codes = [m.header("dlq_error_code") for m in dead]
    assert codes == [b"missing_header", b"invalid_data", b"unexpected_type"]
    assert all(m.header("dlq_original_topic") == submitted.encode() for m in dead)

    # Commands are read strictly: a field routing does not know is poison too.
    ack = encode(acknowledge(str(uuid7()), "command-center"), source="/tests")
    unknown_field = ack.value.replace(b'"note":null', b'"note":null,"urgent":true')
    await sender.raw(topics.names["incident_commands"], ack.key or b"", unknown_field, ack.headers)
    dead = await read_all(kafka_bootstrap, topics.names["deadletter"], expect=4)
    [command] = [m for m in dead if m.header("dlq_original_topic") != submitted.encode()]
    assert command.header("dlq_original_topic") == topics.names["incident_commands"].encode()
    assert command.header("dlq_error_code") == b"invalid_data"


async def test_commands_are_applied_or_refused_with_their_code(
    worker: RoutingWorker, sender: Sender, topics: Topics, kafka_bootstrap: str, points: Points
) -> None:
    filed = report("jalan-rusak", points[2])
    await sender.send(topics.names["reports_submitted"], filed)
    decision = await routed(kafka_bootstrap, topics, filed.report_id)
    incident_id, owner = decision.incident_id, decision.owner.id
    inbox = topics.names["incident_commands"]

    stranger = start(incident_id, "kelurahan:36.72.01.1001")
    unknown = acknowledge(str(uuid7()), owner)
    ack = acknowledge(incident_id, owner)
    for command in (stranger, unknown, ack, ack):
        await sender.send(inbox, command)

    def answered(es: list[Any]) -> bool:
        ids = [getattr(e.data, "command_id", None) for e in es]
        return ids.count(ack.command_id) >= 2 and {stranger.command_id, unknown.command_id} <= set(
            ids
        )

    found = [e.data for e in await wait_for(kafka_bootstrap, topics.names["incidents"], answered)]
    by_command: dict[str, list[Any]] = {}
    for event in found:
        if event.command_id in (stranger.command_id, unknown.command_id, ack.command_id):
            by_command.setdefault(event.command_id, []).append(event)
    assert _codes(by_command[stranger.command_id]) == ["not_permitted"]
    assert _codes(by_command[unknown.command_id]) == ["incident_not_found"]
    applied, again = by_command[ack.command_id]
    assert isinstance(applied, ce.IncidentAcknowledged)
    assert applied.by == operator(owner)
    assert applied.sequence == 2
    assert _codes([again]) == ["duplicate_command"]
    states = of_incident(
        await envelopes(kafka_bootstrap, topics.names["incidents_state"]), incident_id
    )
    assert (states[-1].status.value, states[-1].sequence) == ("acknowledged", 2)


async def test_an_open_command_opens_once_per_dedup_key(
    worker: RoutingWorker, sender: Sender, topics: Topics, kafka_bootstrap: str, points: Points
) -> None:
    lat, lon = points[3]
    first, second = (
        commands.OpenIncident(
            command_id=uuid7(),
            incident_id=uuid7(),
            actor=BMKG,
            issued_at=datetime.now(UTC),
            category="bencana",
            location=GeoPoint(lat=lat, lon=lon),
            priority=Priority.URGENT,
            description_public="Gempa M5,6 dirasakan di Cilegon. Sumber: BMKG.",
            dedup_key="bmkg:uji-20261130",
        )
        for _ in range(2)
    )
    await sender.send(topics.names["incident_commands"], first)
    await sender.send(topics.names["incident_commands"], second)
    found = await wait_for(
        kafka_bootstrap,
        topics.names["incidents"],
        lambda es: (
            {first.command_id, second.command_id}
            <= {getattr(e.data, "command_id", None) for e in es}
        ),
    )
    [opened] = [e.data for e in found if e.data.command_id == first.command_id]
    assert isinstance(opened, ce.IncidentOpened)
    assert (opened.incident_id, opened.dedup_key) == (first.incident_id, first.dedup_key)
    assert opened.description_public == first.description_public
    assert opened.priority is Priority.URGENT
    [refused] = [e.data for e in found if e.data.command_id == second.command_id]
    assert _codes([refused]) == ["incident_already_exists"]


def _codes(events: list[Any]) -> list[str]:
    return [e.reason_code.value if isinstance(e, ce.CommandRejected) else "applied" for e in events]


def _example(ce_type: str) -> str:
    folder = Path(__file__).resolve().parents[4] / "schemas" / "examples"
    return next((folder / f"id.cilegon.tanggap.{ce_type}").glob("*.json")).read_text()
