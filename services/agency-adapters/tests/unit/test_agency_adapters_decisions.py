"""Which snapshots go to which agency and when, what an agency's status turns
into, and when a quake opens an incident — plain function calls."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from agency_testkit import snapshot

from tanggap.agency_adapters.domain.bmkg.alert import (
    AlertReason,
    AlertRule,
    alert_reason,
    incident_id_for,
    observed_event,
    open_incident,
)
from tanggap.agency_adapters.domain.bmkg.catalogue import Quake
from tanggap.agency_adapters.domain.bmkg.reading import QuakeReading, WarningZone
from tanggap.agency_adapters.domain.delivery import (
    Absorb,
    AgencyRoute,
    AgencyStatus,
    DeliveryKind,
    DeliveryPlan,
    DeliveryRecord,
    fingerprint,
    plan_delivery,
    replay_plan,
)
from tanggap.agency_adapters.domain.geo import Point
from tanggap.agency_adapters.domain.status import StatusReport, status_command
from tanggap.schemas.commands import AcknowledgeIncident, ResolveIncident, StartIncident
from tanggap.schemas.common import IncidentStatus, Priority
from tanggap.schemas.events.agency import BmkgFeed, TsunamiPotential, TsunamiWarningLevel

POLICE = AgencyRoute(agency="polres", units=("polsek:*", "polres:cilegon"))
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def record_after(plan: DeliveryPlan, **changes: object) -> DeliveryRecord:
    record = DeliveryRecord(
        agency=plan.agency,
        incident_id=plan.incident_id,
        unit_id=plan.unit_id,
        sequence=plan.sequence,
        fingerprint=plan.fingerprint,
        incident_status=IncidentStatus.OPEN,
        revision=1,
        updated_at=NOW,
        delivered_sequence=plan.sequence,
        reference="LP/B/400/XII/2026/SPKT/POLSEK CIBEBER/POLRES CILEGON/POLDA BANTEN",
    )
    return record.next(NOW, **changes) if changes else record


def first_plan(**fields: object) -> DeliveryPlan:
    plan = plan_delivery(snapshot(**fields), POLICE, None)  # type: ignore[arg-type]
    assert isinstance(plan, DeliveryPlan)
    return plan


def test_a_polsek_incident_is_new_to_the_police_with_an_incident_and_sequence_key() -> None:
    incident = snapshot(owner="polsek:cibeber")
    plan = plan_delivery(incident, POLICE, None)
    assert isinstance(plan, DeliveryPlan)
    assert (plan.kind, plan.unit_id) == (DeliveryKind.NEW, "polsek:cibeber")
    assert plan.idempotency_key == f"{incident.incident_id}:1"


@pytest.mark.parametrize(
    ("owner", "handler", "unit"),
    [
        ("kelurahan:36.72.07.1001", "dishub", None),
        ("polres:cilegon", "polres:cilegon", "polres:cilegon"),
        ("kelurahan:36.72.07.1001", "polsek:cibeber", "polsek:cibeber"),
    ],
)
def test_the_handler_then_the_owner_decides_who_acts(
    owner: str, handler: str, unit: str | None
) -> None:
    assert POLICE.involved_unit(snapshot(owner=owner, handler=handler, place="ramanuju")) == unit


def test_a_category_scoped_adapter_takes_only_its_categories() -> None:
    port = AgencyRoute(
        agency="asdp", units=("asdp:merak",), categories=frozenset({"antrean-pelabuhan"})
    )
    queue = snapshot(
        category="antrean-pelabuhan",
        owner="kelurahan:36.72.03.1001",
        handler="asdp:merak",
        place="tamansari",
    )
    assert port.involved_unit(queue) == "asdp:merak"
    assert port.involved_unit(queue.model_copy(update={"category": "sampah"})) is None


def test_a_finished_incident_never_delivered_is_not_sent() -> None:
    assert plan_delivery(snapshot(status=IncidentStatus.CLOSED), POLICE, None) is None


def test_a_snapshot_seen_before_is_not_sent_again() -> None:
    plan = first_plan()
    incident = snapshot(incident_id=plan.incident_id)
    assert plan_delivery(incident, POLICE, record_after(plan)) is None


def test_a_change_the_agency_does_not_see_is_absorbed() -> None:
    plan = first_plan()
    later = snapshot(incident_id=plan.incident_id, sequence=2)  # e.g. a report attached
    assert plan_delivery(later, POLICE, record_after(plan)) == Absorb(
        "polsek:cibeber", 2, plan.fingerprint, IncidentStatus.OPEN
    )


def test_a_relevant_change_is_an_update_with_a_new_key_and_the_reference() -> None:
    plan = first_plan()
    later = snapshot(incident_id=plan.incident_id, sequence=3, priority=Priority.URGENT)
    update = plan_delivery(later, POLICE, record_after(plan))
    assert isinstance(update, DeliveryPlan)
    assert update.kind is DeliveryKind.UPDATE
    assert update.reference == record_after(plan).reference
    assert update.idempotency_key.endswith(":3")


def test_the_echo_of_the_agencys_own_status_is_absorbed_but_other_changes_are_not() -> None:
    plan = first_plan()
    record = record_after(plan, agency_status=AgencyStatus.IN_PROGRESS)
    echo = snapshot(incident_id=plan.incident_id, sequence=2, status=IncidentStatus.IN_PROGRESS)
    assert isinstance(plan_delivery(echo, POLICE, record), Absorb)
    closed = snapshot(incident_id=plan.incident_id, sequence=2, status=IncidentStatus.CLOSED)
    assert isinstance(plan_delivery(closed, POLICE, record), DeliveryPlan)


def test_the_fingerprint_ignores_what_agencies_need_not_see() -> None:
    incident = snapshot()
    assert fingerprint(incident) == fingerprint(incident.model_copy(update={"sequence": 9}))
    assert fingerprint(incident) != fingerprint(
        incident.model_copy(update={"description_public": "x"})
    )


def test_a_replayed_dead_letter_keeps_its_key_unless_superseded() -> None:
    plan = first_plan()
    dead = snapshot(incident_id=plan.incident_id)
    never_delivered = record_after(plan, delivered_sequence=None, reference=None)
    again = replay_plan(dead, agency="polres", unit_id="polsek:cibeber", prior=never_delivered)
    assert again is not None
    assert again.idempotency_key == plan.idempotency_key
    assert again.kind is DeliveryKind.NEW
    later = record_after(plan, delivered_sequence=4)
    assert replay_plan(dead, agency="polres", unit_id="polsek:cibeber", prior=later) is None


def test_agency_statuses_become_commands_in_order_once_each() -> None:
    record = record_after(first_plan())
    report = StatusReport(
        agency="polres", reference=record.reference or "", status=AgencyStatus.RECEIVED
    )
    ack = status_command(report, record, agency_name="polres", now=NOW)
    assert isinstance(ack, AcknowledgeIncident)
    assert ack.actor.unit_id == "polsek:cibeber"
    working = record.next(NOW, agency_status=AgencyStatus.IN_PROGRESS)
    assert status_command(report, working, agency_name="polres", now=NOW) is None  # behind
    started = StatusReport(agency="polres", reference="x", status=AgencyStatus.IN_PROGRESS)
    assert status_command(started, working, agency_name="polres", now=NOW) is None  # same
    assert isinstance(status_command(started, record, agency_name="polres", now=NOW), StartIncident)
    done = StatusReport(
        agency="polres", reference="x", status=AgencyStatus.RESOLVED, note="  Selesai \n diproses "
    )
    resolve = status_command(done, working, agency_name="polres", now=NOW)
    assert isinstance(resolve, ResolveIncident)
    assert resolve.note == "Selesai diproses"
    repeat = status_command(done, working, agency_name="polres", now=NOW)
    assert repeat is not None
    assert repeat.command_id == resolve.command_id


RULE = AlertRule(reference=Point(-6.00, 106.05), incident_location=Point(-6.009612, 106.040122))


def quake(lat: float, lon: float, magnitude: float, **fields: object) -> Quake:
    reading = QuakeReading(
        feed=BmkgFeed.GEMPATERKINI,
        origin_time=datetime(2026, 12, 2, 23, 41, 27, tzinfo=UTC),
        lat=lat,
        lon=lon,
        magnitude=magnitude,
        depth_km=30.0,
        region="41 km BaratDaya KAB-SERANG-BANTEN",
        potential=TsunamiPotential.NONE,
        **fields,  # type: ignore[arg-type]
    )
    return Quake(key="bmkg-20261202234127", reading=reading)


@pytest.mark.parametrize(
    ("lat", "lon", "magnitude", "reason"),
    [
        (-6.35, 105.80, 5.3, AlertReason.STRONG_AND_NEAR),  # 48 km
        (-6.35, 105.80, 5.0, AlertReason.STRONG_AND_NEAR),  # exactly 5
        (-6.35, 105.80, 4.9, None),
        (-7.20, 105.20, 5.1, None),  # 163 km
        (-1.30, 106.05, 6.5, None),  # far north: 523 km
    ],
)
def test_strong_and_near(
    lat: float, lon: float, magnitude: float, reason: AlertReason | None
) -> None:
    q = quake(lat, lon, magnitude)
    assert alert_reason(observed_event(q, RULE), RULE) is reason


def test_a_banten_tsunami_warning_opens_however_far_the_quake_but_not_an_exercise_or_an_end() -> (
    None
):
    zones = (WarningZone("BANTEN", "KOTA-CILEGON", TsunamiWarningLevel.WASPADA),)
    far = quake(-7.82, 104.18, 7.4, warning_zones=zones)
    event = observed_event(far, RULE)
    assert event.distance_km > 250
    assert alert_reason(event, RULE) is AlertReason.TSUNAMI_WARNING
    elsewhere = quake(
        -7.82,
        104.18,
        7.4,
        warning_zones=(WarningZone("LAMPUNG", "KAB-PESISIRBARAT", TsunamiWarningLevel.WASPADA),),
    )
    assert alert_reason(observed_event(elsewhere, RULE), RULE) is None
    drill = quake(-6.71, 105.62, 7.8, warning_zones=zones, exercise=True)
    assert alert_reason(observed_event(drill, RULE), RULE) is None
    ended = quake(-7.82, 104.18, 7.4, warning_zones=zones, warning_ended=True)
    assert alert_reason(observed_event(ended, RULE), RULE) is None


def test_the_open_command_is_derived_from_the_quake() -> None:
    event = observed_event(quake(-6.35, 105.80, 5.3), RULE)
    first = open_incident(event, AlertReason.STRONG_AND_NEAR, RULE, now=NOW)
    again = open_incident(event, AlertReason.STRONG_AND_NEAR, RULE, now=NOW)
    assert first == again
    assert first.incident_id == incident_id_for("bmkg-20261202234127")
    assert first.dedup_key == "bmkg:bmkg-20261202234127"
    assert "M 5.3" in first.description_public
    assert "06:41:27 WIB" in first.description_public
