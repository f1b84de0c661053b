"""The use cases on the real catalogue, without Kafka: what a report, a command
or a timer tick turns into, and how the batch state follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import tanggap.schemas.commands as commands
import tanggap.schemas.events as ce
from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.geo import Point
from tanggap.routing.rulesource import RuleSource
from tanggap.routing.service import Outcome, RoutingService, incident_id_for_report
from tanggap.routing.state import Batch, IncidentStore
from tanggap.schemas.common import (
    Actor,
    ActorKind,
    GeoPoint,
    Location,
    Priority,
    Privacy,
    RejectionReasonCode,
    uuid7,
)
from tanggap.schemas.keys import area_key

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 09:00 WIB
DATA = Path(__file__).resolve().parents[2] / "data"
BAGENDUNG = "36.72.02.1001"


class Keeping(RoutingService):
    """Keeps each outcome's changes in the batch, as the processor does once it
    has built the outcome's records."""

    def route_report(self, report: Any, batch: Batch, now: datetime) -> Outcome:
        return kept(super().route_report(report, batch, now), batch)

    def decide_command(self, command: Any, batch: Batch, now: datetime) -> Outcome:
        return kept(super().decide_command(command, batch, now), batch)

    def run_timers(self, category: str, batch: Batch, now: datetime) -> Outcome:
        return kept(super().run_timers(category, batch, now), batch)


def kept(outcome: Outcome, batch: Batch) -> Outcome:
    batch.keep(outcome.changed)
    return outcome


@pytest.fixture(scope="module")
def service(catalog: Catalog) -> RoutingService:
    return Keeping(
        RuleSource(catalog, rules_path=DATA / "rules.yaml", units_path=DATA / "units.yaml")
    )


@pytest.fixture
def batch() -> Batch:
    return Batch(IncidentStore())


@pytest.fixture(scope="module")
def here(interior_points: dict[str, list[Point]]) -> Point:
    return interior_points[BAGENDUNG][0]


def filed(category: str, point: Point | None, *, at: datetime = NOW, **extra: Any) -> Any:
    location = Location(lat=point.lat, lon=point.lon) if point else None
    return ce.ReportSubmitted(
        report_id=uuid7(int(at.timestamp() * 1000)),
        submitted_at=at,
        category=category,
        description="uji",
        location=location,
        needs_manual_location=point is None,
        area_key=area_key(category, point.lat, point.lon) if point else "unlocated",
        privacy=Privacy.PUBLIC,
        channel=ce.Channel.OPEN311 if point is None else ce.Channel.NATIVE,
        **extra,
    )


def shifted(point: Point, metres: float) -> Point:
    return Point(point.lon + metres / 110_500, point.lat)


def actor(unit_id: str | None = None, kind: ActorKind = ActorKind.OPERATOR) -> Actor:
    if kind is ActorKind.CITIZEN:
        return Actor(kind=kind, id=str(unit_id))
    return Actor(kind=kind, id="op-1", unit_id=unit_id)


def command(model: Any, incident_id: str, by: Actor, **fields: Any) -> Any:
    return model(command_id=uuid7(), incident_id=incident_id, actor=by, issued_at=NOW, **fields)


def types(outcome: Any) -> list[str]:
    return [type(e).__name__ for e in outcome.events]


def test_a_report_opens_an_incident_and_a_neighbour_joins_it(
    service: RoutingService, batch: Batch, here: Point
) -> None:
    first = filed("jalan-rusak", here)
    opened = service.route_report(first, batch, NOW)
    assert types(opened) == ["ReportRouted", "IncidentOpened"]
    routed, event = opened.events
    assert routed.incident_id == event.incident_id == incident_id_for_report(first.report_id)
    assert [i.id for i in opened.changed] == [routed.incident_id]

    second = filed("jalan-rusak", shifted(here, 60), at=NOW + timedelta(minutes=5))
    joined = service.route_report(second, batch, NOW + timedelta(minutes=5))
    assert types(joined) == ["ReportRouted", "IncidentReportAttached"]
    assert joined.events[0].merged is True
    assert joined.events[0].incident_id == routed.incident_id
    assert "digabung" in joined.events[0].reasons[-1]
    incident = batch.get(routed.incident_id)
    assert incident is not None
    assert incident.report_ids == (first.report_id, second.report_id)


def test_far_or_late_or_other_category_opens_another(
    service: RoutingService, batch: Batch, here: Point
) -> None:
    base = service.route_report(filed("jalan-rusak", here), batch, NOW).events[0].incident_id
    far = service.route_report(filed("jalan-rusak", shifted(here, 400)), batch, NOW)
    late_at = NOW + timedelta(hours=7)  # window PT6H since the last report
    late = service.route_report(filed("jalan-rusak", here, at=late_at), batch, late_at)
    other = service.route_report(filed("sampah", here), batch, NOW)
    ids = {o.events[0].incident_id for o in (far, late, other)} | {base}
    assert len(ids) == 4
    assert all(not o.events[0].merged for o in (far, late, other))


def test_the_same_report_twice_is_routed_once(
    service: RoutingService, batch: Batch, here: Point
) -> None:
    report = filed("jalan-rusak", here)
    assert service.route_report(report, batch, NOW).events
    assert service.route_report(report, batch, NOW).events == []


def test_reports_routing_cannot_place_are_rejected(service: RoutingService, batch: Batch) -> None:
    outside = service.route_report(filed("jalan-rusak", Point(106.3, -6.3)), batch, NOW)
    [rejected] = outside.events
    assert rejected.reason is ce.ReportRejectionReason.OUTSIDE_JURISDICTION
    assert rejected.nearest_kelurahan is not None
    assert rejected.distance_m > 150
    unlocated = service.route_report(filed("jalan-rusak", None), batch, NOW)
    assert unlocated.events[0].reason is ce.ReportRejectionReason.INVALID_REPORT
    assert outside.changed == unlocated.changed == []


def test_routing_uses_the_report_time_never_a_future_one(
    service: RoutingService, batch: Batch, here: Point
) -> None:
    earlier = NOW - timedelta(hours=2)
    late = service.route_report(filed("jalan-rusak", here, at=earlier), batch, NOW)
    assert late.events[1].occurred_at == earlier  # the SLA runs from the submission
    assert late.events[0].routed_at == NOW
    future = NOW + timedelta(hours=1)
    ahead = service.route_report(filed("sampah", here, at=future), batch, NOW)
    assert ahead.events[1].occurred_at == NOW


def opened_incident(service: RoutingService, batch: Batch, here: Point) -> ce.IncidentOpened:
    outcome = service.route_report(filed("jalan-rusak", here), batch, NOW)
    event = outcome.events[1]
    assert isinstance(event, ce.IncidentOpened)
    return event


def test_commands_carry_their_id_and_actor_onto_the_events(
    service: RoutingService, batch: Batch, here: Point
) -> None:
    incident = opened_incident(service, batch, here)
    by = actor(incident.owner.id)
    ack = command(commands.AcknowledgeIncident, incident.incident_id, by)
    outcome = service.decide_command(ack, batch, NOW)
    [event] = outcome.events
    assert isinstance(event, ce.IncidentAcknowledged)
    assert (event.command_id, event.by, event.sequence) == (ack.command_id, by, 2)
    again = service.decide_command(ack, batch, NOW)
    assert again.events[0].reason_code is ce.CommandRejectionCode.DUPLICATE_COMMAND


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (
            lambda i, o: command(
                commands.ReassignIncident, i, actor(o), to_unit_id="dinas-fiktif", reason="salah"
            ),
            "unknown_unit",
        ),
        (
            lambda i, o: command(
                commands.RejectIncident,
                i,
                actor(o),
                reason_code=RejectionReasonCode.NOT_OUR_AUTHORITY,
                suggested_unit_id="badan-fiktif",
                note="bukan wewenang",
            ),
            "unknown_unit",
        ),
        (lambda i, o: command(commands.StartIncident, i, actor("dlh")), "not_permitted"),
        (
            lambda i, o: command(commands.ReopenIncident, i, actor(o), reason="belum"),
            "invalid_transition",
        ),
        (
            lambda i, o: command(commands.CommentIncident, str(uuid7()), actor(o), text="x"),
            "incident_not_found",
        ),
    ],
)
def test_refused_commands_say_why(
    service: RoutingService, batch: Batch, here: Point, build: Any, code: str
) -> None:
    incident = opened_incident(service, batch, here)
    refused = service.decide_command(build(incident.incident_id, incident.owner.id), batch, NOW)
    [event] = refused.events
    assert isinstance(event, ce.CommandRejected)
    assert event.reason_code.value == code
    assert refused.changed == []


def open_command(point: Point, dedup_key: str, incident_id: str | None = None) -> Any:
    return command(
        commands.OpenIncident,
        incident_id or str(uuid7()),
        Actor(kind=ActorKind.SYSTEM, id="agency-adapters:bmkg"),
        category="bencana",
        location=GeoPoint(lat=point.lat, lon=point.lon),
        priority=Priority.HIGH,
        description_public="Gempa dirasakan",
        dedup_key=dedup_key,
    )


def test_an_open_command_is_idempotent_per_dedup_key(
    service: RoutingService, batch: Batch, here: Point
) -> None:
    first = open_command(here, "bmkg:1")
    [opened] = service.decide_command(first, batch, NOW).events
    assert isinstance(opened, ce.IncidentOpened)
    assert (opened.priority, opened.dedup_key) == (Priority.HIGH, "bmkg:1")
    assert service.inbox_key(first, batch) == "bencana"
    other_id = service.decide_command(open_command(here, "bmkg:1"), batch, NOW).events[0]
    same_id = service.decide_command(
        open_command(here, "bmkg:1", first.incident_id), batch, NOW
    ).events[0]
    taken_id = service.decide_command(
        open_command(here, "bmkg:2", first.incident_id), batch, NOW
    ).events[0]
    codes = {e.reason_code for e in (other_id, same_id, taken_id)}
    assert codes == {ce.CommandRejectionCode.INCIDENT_ALREADY_EXISTS}
    outside = service.decide_command(open_command(Point(106.3, -6.3), "bmkg:3"), batch, NOW)
    assert outside.events[0].reason_code is ce.CommandRejectionCode.INVALID_COMMAND


def test_linking_the_same_reference_twice_answers_the_second_sender(
    service: RoutingService, batch: Batch, here: Point
) -> None:
    incident = opened_incident(service, batch, here)
    link = lambda: command(  # noqa: E731
        commands.LinkExternalReference,
        incident.incident_id,
        actor(incident.owner.id, ActorKind.AGENCY),
        reference="LP/B/1/XII/2026",
        agency_unit_id="polres:cilegon",
    )
    assert types(service.decide_command(link(), batch, NOW)) == ["IncidentReferenceLinked"]
    [again] = service.decide_command(link(), batch, NOW).events
    assert again.reason_code is ce.CommandRejectionCode.DUPLICATE_COMMAND


def test_timers_escalate_once_and_close_after_resolve(
    service: RoutingService, batch: Batch, here: Point
) -> None:
    incident = opened_incident(service, batch, here)
    late = NOW + timedelta(hours=25)  # jalan-rusak: acknowledge within PT24H
    first = service.run_timers("jalan-rusak", batch, late)
    assert types(first) == ["IncidentEscalated"]
    assert service.run_timers("jalan-rusak", batch, late + timedelta(minutes=1)).events == []
    owner = batch.get(incident.incident_id).owner  # type: ignore[union-attr]
    resolve = command(commands.ResolveIncident, incident.incident_id, actor(owner), note="ditambal")
    assert types(service.decide_command(resolve, batch, late)) == ["IncidentResolved"]
    closed = service.run_timers("jalan-rusak", batch, late + timedelta(days=3, minutes=1))
    assert types(closed) == ["IncidentClosed"]
    assert closed.events[0].reason is ce.CloseReason.AUTO_AFTER_RESOLVE


def test_incident_ids_follow_their_report() -> None:
    report_id = uuid7(1_764_470_045_000)
    incident_id = incident_id_for_report(report_id)
    assert incident_id == incident_id_for_report(report_id)
    assert incident_id != report_id
    assert incident_id[:13] == report_id[:13]  # same millisecond timestamp
    assert incident_id[14] == "7"
    assert incident_id[19] in "89ab"
