"""The in-memory state follows the transaction: a batch sees its own changes,
the store only what was committed, and the higher sequence always wins."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.decide import ReportFacts, RoutingDecision, route
from tanggap.routing.domain.events import IncidentStatus
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.incident import Incident, apply, open_incident
from tanggap.routing.domain.sla import WIB
from tanggap.routing.state import Batch, IncidentStore


@pytest.fixture(scope="module")
def decision(catalog: Catalog, interior_points: dict[str, list[Point]]) -> RoutingDecision:
    result = route(
        ReportFacts("sampah", interior_points["36.72.02.1001"][0]),
        geography=catalog.geography,
        roads=catalog.roads,
        rulebook=catalog.rulebook,
        now=datetime(2026, 12, 1, 9, tzinfo=WIB),
    )
    assert isinstance(result, RoutingDecision)
    return result


def incident(decision: RoutingDecision, incident_id: str, report_id: str) -> Incident:
    event = open_incident(
        decision, incident_id=incident_id, now=decision.decided_at, report_id=report_id
    )
    return apply(None, event)


def test_a_batch_sees_its_changes_and_the_store_only_committed_ones(
    decision: RoutingDecision,
) -> None:
    store = IncidentStore()
    batch = Batch(store)
    opened = incident(decision, "i-1", "r-1")
    batch.put(opened)
    assert batch.get("i-1") == opened
    assert batch.incident_of_report("r-1") == "i-1"
    assert store.get("i-1") is None
    batch.abort()
    assert batch.get("i-1") is None
    batch.put(opened)
    assert batch.commit() == [opened]
    assert store.get("i-1") == opened
    assert store.incident_of_report("r-1") == "i-1"


def test_dedup_sees_incidents_opened_earlier_in_the_same_batch(decision: RoutingDecision) -> None:
    batch = Batch(IncidentStore())
    assert decision.point is not None
    assert decision.area is not None
    batch.put(incident(decision, "i-1", "r-1"))
    match = batch.attachment(
        category="sampah",
        point=decision.point,
        reported_at=decision.decided_at + timedelta(minutes=1),
        policy=decision.dedup,
    )
    assert match is not None
    assert match.incident.id == "i-1"


def test_a_batch_change_hides_the_committed_version_from_dedup(decision: RoutingDecision) -> None:
    store = IncidentStore()
    store.put(incident(decision, "i-1", "r-1"))
    batch = Batch(store)
    committed = store.get("i-1")
    assert committed is not None
    resolved = replace(committed, status=IncidentStatus.RESOLVED, sequence=2)
    batch.put(resolved)
    assert decision.point is not None
    match = batch.attachment(
        category="sampah",
        point=decision.point,
        reported_at=decision.decided_at,
        policy=decision.dedup,
    )
    assert match is None


def test_the_higher_sequence_wins_and_tombstones_forget(decision: RoutingDecision) -> None:
    store = IncidentStore()
    first = incident(decision, "i-1", "r-1")
    later = replace(first, sequence=3, status=IncidentStatus.CLOSED)
    assert store.put(later)
    assert not store.put(first)  # an older echo from the changelog
    assert store.get("i-1") == later
    assert store.active_count == 0
    assert list(store.timed()) == []
    store.remove("i-1")
    assert store.get("i-1") is None
    assert store.incident_of_report("r-1") is None
    assert list(store.ids_of_category("sampah")) == []
