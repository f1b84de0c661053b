from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.commands import (
    AcknowledgeIncident,
    Actor,
    CommandRejection,
    ResolveIncident,
    StartIncident,
)
from tanggap.routing.domain.decide import ReportFacts, RoutingDecision, route
from tanggap.routing.domain.escalation import due_close, due_escalations, next_timer
from tanggap.routing.domain.events import (
    EscalationClock,
    IncidentClosed,
    IncidentEscalated,
    IncidentStatus,
)
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.incident import Incident, apply, apply_all, decide, open_incident
from tanggap.routing.domain.sla import WIB, SlaClock

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)  # Monday


def opened(
    catalog: Catalog, category: str, point: Point, answers: dict[str, str] | None = None
) -> Incident:
    decision = route(
        ReportFacts(category, point, answers or {}),
        geography=catalog.geography,
        roads=catalog.roads,
        rulebook=catalog.rulebook,
        now=T0,
    )
    assert isinstance(decision, RoutingDecision)
    return apply(None, open_incident(decision, incident_id="inc-1", now=T0, report_id="r1"))


def escalate(
    catalog: Catalog, incident: Incident, at: datetime
) -> tuple[Incident, list[IncidentEscalated]]:
    events = due_escalations(incident, at, calendar=catalog.calendar)
    assert all(isinstance(e, IncidentEscalated) for e in events)
    updated = apply_all(incident, list(events))
    assert updated is not None
    return updated, [e for e in events if isinstance(e, IncidentEscalated)]


@pytest.fixture
def street_light(catalog: Catalog, interior_points: dict[str, list[Point]]) -> Incident:
    for point in interior_points["36.72.02.1001"]:
        incident = opened(catalog, "penerangan-jalan", point, {"jenis": "padam"})
        if incident.handler == "dishub":
            return incident
    raise AssertionError("no dishub street light in Bagendung")


def test_kelurahan_chain_and_idempotency(catalog: Catalog, street_light: Incident) -> None:
    incident = street_light
    assert incident.owner == "kelurahan:36.72.02.1001"
    assert due_escalations(incident, T0 + timedelta(hours=23), calendar=catalog.calendar) == []
    at = T0 + timedelta(hours=24)
    incident, events = escalate(catalog, incident, at)
    (event,) = events
    assert (event.clock, event.from_unit, event.to_unit) == (
        EscalationClock.ACKNOWLEDGE,
        "kelurahan:36.72.02.1001",
        "kecamatan:36.72.02",
    )
    assert event.owner_changed
    assert event.missed_deadline == T0 + timedelta(hours=24)
    # the kecamatan gets the same 24 h again, from the escalation
    assert incident.acknowledge_by == at + timedelta(hours=24)
    assert incident.owner == "kecamatan:36.72.02"
    # idempotent: the same or a later call before the new deadline does nothing
    assert due_escalations(incident, at, calendar=catalog.calendar) == []
    assert due_escalations(incident, at + timedelta(hours=23), calendar=catalog.calendar) == []
    incident, events = escalate(catalog, incident, at + timedelta(hours=24))
    assert [e.to_unit for e in events] == ["command-center"]
    assert incident.escalation_chain == ()
    # at the top: recorded once, the deadline stays, never repeated
    top_at = incident.acknowledge_by
    assert top_at is not None
    incident, events = escalate(catalog, incident, top_at)
    summary = [(e.clock, e.owner_changed, e.to_unit) for e in events]
    assert (EscalationClock.ACKNOWLEDGE, False, "command-center") in summary
    assert incident.acknowledge_by == top_at
    assert due_escalations(incident, top_at + timedelta(hours=1), calendar=catalog.calendar) == []


def test_polsek_chain(catalog: Catalog, interior_points: dict[str, list[Point]]) -> None:
    incident = opened(catalog, "kriminalitas", interior_points["36.72.01.1001"][0])
    assert incident.owner == "polsek:cibeber"
    incident, events = escalate(catalog, incident, T0 + timedelta(hours=1))
    assert [e.to_unit for e in events] == ["polres:cilegon"]
    assert incident.acknowledge_by == T0 + timedelta(hours=2)
    incident, events = escalate(catalog, incident, T0 + timedelta(hours=2))
    assert [e.to_unit for e in events] == ["command-center"]


def test_handler_misses_are_flagged_to_the_owner(catalog: Catalog, street_light: Incident) -> None:
    ack = AcknowledgeIncident(
        command_id="a1", incident_id="inc-1", actor=Actor.unit("kelurahan:36.72.02.1001")
    )
    events = decide(
        street_light,
        ack,
        now=T0 + timedelta(hours=1),
        units=catalog.units,
        calendar=catalog.calendar,
    )
    assert not isinstance(events, CommandRejection)
    incident = apply_all(street_light, events)
    assert incident is not None
    at = T0 + timedelta(days=3)  # first action (P3D calendar) missed by owner and handler
    incident, escalations = escalate(catalog, incident, at)
    owner_event, handler_event = escalations
    assert owner_event.clock is EscalationClock.FIRST_ACTION
    assert owner_event.to_unit == "kecamatan:36.72.02"
    assert handler_event.clock is EscalationClock.HANDLER
    assert handler_event.missed is SlaClock.FIRST_ACTION
    assert (handler_event.from_unit, handler_event.to_unit) == ("dishub", "kecamatan:36.72.02")
    assert not handler_event.owner_changed
    assert incident.owner == "kecamatan:36.72.02"
    assert incident.first_action_by == at + timedelta(days=3)
    assert due_escalations(incident, at + timedelta(hours=1), calendar=catalog.calendar) == []


def test_working_day_clock_is_renewed_in_working_days(
    catalog: Catalog, street_light: Incident
) -> None:
    # catch up after downtime: every clock missed at once, escalated in order
    at = datetime(2026, 12, 11, 15, 0, tzinfo=WIB)  # Friday
    incident, events = escalate(catalog, street_light, at)
    assert [(e.clock, e.to_unit) for e in events] == [
        (EscalationClock.ACKNOWLEDGE, "kecamatan:36.72.02"),
        (EscalationClock.FIRST_ACTION, "command-center"),
        (EscalationClock.RESOLVE, "command-center"),
        (EscalationClock.HANDLER, "command-center"),
        (EscalationClock.HANDLER, "command-center"),
    ]
    assert [e.sequence for e in events] == [2, 3, 4, 5, 6]
    resolve = events[2]
    assert resolve.missed_deadline == datetime(2026, 12, 8, 0, 0, tzinfo=WIB)  # P5D kerja
    assert resolve.owner_changed is False  # the command center is already the owner
    assert due_escalations(incident, at, calendar=catalog.calendar) == []
    # a missed resolve restarts on working days for the next level
    ack = AcknowledgeIncident(
        command_id="a1", incident_id="inc-1", actor=Actor.unit("kelurahan:36.72.02.1001")
    )
    start = StartIncident(command_id="s1", incident_id="inc-1", actor=Actor.unit("dishub"))
    worked = street_light
    for command in (ack, start):
        events_ = decide(worked, command, now=T0, units=catalog.units, calendar=catalog.calendar)
        assert not isinstance(events_, CommandRejection)
        applied = apply_all(worked, events_)
        assert applied is not None
        worked = applied
    missed = datetime(2026, 12, 8, 0, 0, tzinfo=WIB)
    worked, events = escalate(catalog, worked, missed)
    renewed = events[0]
    assert (renewed.clock, renewed.to_unit) == (EscalationClock.RESOLVE, "kecamatan:36.72.02")
    # 9, 10, 11, 14, 15 Dec are the five working days after Tuesday 8 Dec
    assert renewed.new_deadline == datetime(2026, 12, 16, 0, 0, tzinfo=WIB)
    assert worked.resolve_by == renewed.new_deadline


def test_next_timer_and_close(catalog: Catalog, street_light: Incident) -> None:
    assert next_timer(street_light) == street_light.acknowledge_by
    resolve = ResolveIncident(
        command_id="r1", incident_id="inc-1", actor=Actor.unit("dishub"), note="lampu diganti"
    )
    resolved_at = T0 + timedelta(hours=5)
    events = decide(
        street_light, resolve, now=resolved_at, units=catalog.units, calendar=catalog.calendar
    )
    assert not isinstance(events, CommandRejection)
    incident = apply_all(street_light, events)
    assert incident is not None
    assert incident.status is IncidentStatus.RESOLVED
    close_at = resolved_at + timedelta(days=3)
    assert next_timer(incident) == close_at
    assert due_escalations(incident, close_at, calendar=catalog.calendar) == []
    assert due_close(incident, close_at - timedelta(seconds=1)) == []
    (closed,) = due_close(incident, close_at)
    assert isinstance(closed, IncidentClosed)
    assert closed.automatic
    incident = apply(incident, closed)
    assert incident.status is IncidentStatus.CLOSED
    assert next_timer(incident) is None


def test_next_timer_skips_met_and_escalated_clocks(
    catalog: Catalog, street_light: Incident
) -> None:
    ack = AcknowledgeIncident(
        command_id="a1", incident_id="inc-1", actor=Actor.unit("kecamatan:36.72.02")
    )
    events = decide(street_light, ack, now=T0, units=catalog.units, calendar=catalog.calendar)
    assert not isinstance(events, CommandRejection)
    incident = apply_all(street_light, events)
    assert incident is not None
    assert next_timer(incident) == incident.first_action_by == T0 + timedelta(days=3)
    # keep following the timer: each level gets its clock, then the top records it once
    steps = 0
    while (timer := next_timer(incident)) is not None:
        incident, escalations = escalate(catalog, incident, timer)
        assert escalations
        steps += 1
        assert steps < 10
    assert incident.owner == "command-center"
