"""The incident keeps the public description of an open command: the snapshot
publishes it as ``description_public``."""

from __future__ import annotations

from datetime import datetime

from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.commands import Actor, OpenIncident
from tanggap.routing.domain.decide import ReportFacts, RoutingDecision, route
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.incident import apply_all, decide
from tanggap.routing.domain.sla import WIB

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)


def test_an_opened_incident_keeps_its_title(
    catalog: Catalog, interior_points: dict[str, list[Point]]
) -> None:
    decision = route(
        ReportFacts("bencana", interior_points["36.72.02.1001"][0]),
        geography=catalog.geography,
        roads=catalog.roads,
        rulebook=catalog.rulebook,
        now=T0,
    )
    assert isinstance(decision, RoutingDecision)
    command = OpenIncident(
        command_id="c-1",
        incident_id="i-1",
        actor=Actor.system("agency-adapters"),
        decision=decision,
        dedup_key="bmkg:1",
        title="Gempa M5,1 dirasakan di Cilegon",
    )
    events = decide(None, command, now=T0, units=catalog.units, calendar=catalog.calendar)
    assert isinstance(events, list)
    incident = apply_all(None, events)
    assert incident is not None
    assert incident.title == "Gempa M5,1 dirasakan di Cilegon"
