"""A report's public status from the events about it, and its Open311 face."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tanggap.intake.domain.status import (
    IncidentView,
    PublicStatus,
    Rejection,
    apply_incident_event,
    apply_snapshot,
    fixmystreet_status,
    open311_status,
    public_status,
    status_notes,
)
from tanggap.schemas.common import (
    Actor,
    ActorKind,
    AreaRef,
    GeoPoint,
    IncidentStatus,
    KecamatanRef,
    KelurahanRef,
    Priority,
    SlaDeadlines,
    UnitRef,
    UnitType,
)
from tanggap.schemas.events import (
    IncidentAcknowledged,
    IncidentAssigned,
    IncidentOpened,
    IncidentResolved,
    IncidentSnapshot,
)

T0 = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
INCIDENT = "01938a2e-7c1a-7000-8000-0000000000aa"
REPORT = "01938a2e-7c1a-7000-8000-000000000001"
SYSTEM = Actor(kind=ActorKind.SYSTEM, id="routing")
KELURAHAN = UnitRef(id="kelurahan:36.72.01.1001", type=UnitType.KELURAHAN, name="Kelurahan Cibeber")
KECAMATAN = UnitRef(id="kecamatan:36.72.01", type=UnitType.KECAMATAN, name="Kecamatan Cibeber")
DLH = UnitRef(id="dlh", type=UnitType.OPD, name="Dinas Lingkungan Hidup")
AREA = AreaRef(
    kelurahan=KelurahanRef(kode="36.72.01.1001", name="Cibeber"),
    kecamatan=KecamatanRef(kode="36.72.01", name="Cibeber"),
)
SLA = SlaDeadlines(
    acknowledge_by=T0 + timedelta(hours=24),
    first_action_by=T0 + timedelta(days=3),
    resolve_by=T0 + timedelta(days=14),
)


def opened() -> IncidentOpened:
    return IncidentOpened(
        incident_id=INCIDENT,
        sequence=1,
        occurred_at=T0,
        by=SYSTEM,
        category="sampah",
        priority=Priority.NORMAL,
        location=GeoPoint(lat=-6.0337, lon=106.0698),
        area=AREA,
        owner=KELURAHAN,
        handler=DLH,
        copied=[],
        sla=SLA,
        rule_id="sampah-default",
        rules_version="1",
        report_id=REPORT,
    )


def acknowledged(sequence: int = 2) -> IncidentAcknowledged:
    return IncidentAcknowledged(
        incident_id=INCIDENT,
        sequence=sequence,
        occurred_at=T0 + timedelta(hours=1),
        by=SYSTEM,
        note="Sudah dicek",
    )


def test_an_opened_incident_is_routed_with_its_sla_as_expected_time() -> None:
    view, entry = apply_incident_event(None, opened(), "e1")
    assert view is not None
    assert entry is None
    assert view.public_status is PublicStatus.ROUTED
    assert (view.owner, view.handler, view.expected_at) == (KELURAHAN, DLH, SLA.resolve_by)


def test_events_move_the_status_forward_and_add_timeline_steps() -> None:
    view, _ = apply_incident_event(None, opened(), "e1")
    view, entry = apply_incident_event(view, acknowledged(), "e2")
    assert view is not None
    assert view.status is IncidentStatus.ACKNOWLEDGED
    assert entry is not None
    assert (entry.status, entry.note) == (
        PublicStatus.ACKNOWLEDGED,
        "Sudah dicek",
    )
    resolved = IncidentResolved(
        incident_id=INCIDENT,
        sequence=3,
        occurred_at=T0 + timedelta(days=1),
        by=SYSTEM,
        note="Sudah diangkut",
    )
    view, entry = apply_incident_event(view, resolved, "e3")
    assert view is not None
    assert view.public_status is PublicStatus.RESOLVED
    assert entry is not None
    assert entry.status is PublicStatus.RESOLVED


def test_a_replayed_or_older_event_never_moves_the_status_back() -> None:
    view, _ = apply_incident_event(None, opened(), "e1")
    view, _ = apply_incident_event(view, acknowledged(), "e2")
    again, entry = apply_incident_event(view, acknowledged(), "e2")
    assert again is view
    assert entry is not None  # the timeline insert is idempotent by event id


def test_an_assignment_changes_owner_and_keeps_the_status() -> None:
    view, _ = apply_incident_event(None, opened(), "e1")
    assigned = IncidentAssigned(
        incident_id=INCIDENT,
        sequence=2,
        occurred_at=T0,
        by=SYSTEM,
        owner=KECAMATAN,
        handler=DLH,
        reason="wilayah perbatasan",
    )
    view, entry = apply_incident_event(view, assigned, "e2")
    assert view is not None
    assert view.owner == KECAMATAN
    assert entry is not None
    assert entry.status is PublicStatus.ROUTED
    assert entry.note == "Dialihkan ke Kecamatan Cibeber; ditangani oleh Dinas Lingkungan Hidup"


def test_a_newer_snapshot_wins_and_an_older_one_is_ignored() -> None:
    snapshot = IncidentSnapshot(
        incident_id=INCIDENT,
        category="sampah",
        status=IncidentStatus.IN_PROGRESS,
        priority=Priority.NORMAL,
        location=GeoPoint(lat=-6.0337, lon=106.0698),
        area=AREA,
        owner=KELURAHAN,
        handler=DLH,
        copied=[],
        report_count=1,
        report_ids=[REPORT],
        opened_at=T0,
        sla=SLA,
        escalation_level=0,
        reassign_count=0,
        external_refs={},
        sequence=5,
        updated_at=T0 + timedelta(hours=5),
    )
    view = apply_snapshot(None, snapshot)
    assert view is not None
    assert view.public_status is PublicStatus.IN_PROGRESS
    later, _ = apply_incident_event(view, acknowledged(sequence=2), "e2")
    assert later is view
    assert apply_snapshot(view, snapshot.model_copy(update={"sequence": 4})) is view


def test_public_status_before_and_after_routing() -> None:
    assert public_status(routed=False, rejection=None, incident=None) is PublicStatus.RECEIVED
    assert public_status(routed=True, rejection=None, incident=None) is PublicStatus.ROUTED
    outside = Rejection("outside_jurisdiction", "Titik di luar Kota Cilegon")
    assert public_status(routed=False, rejection=outside, incident=None) is PublicStatus.REJECTED
    view = IncidentView(INCIDENT, IncidentStatus.CLOSED, KELURAHAN, DLH, 9, T0)
    assert public_status(routed=True, rejection=None, incident=view) is PublicStatus.CLOSED


def test_open311_knows_only_open_and_closed() -> None:
    closed = {PublicStatus.RESOLVED, PublicStatus.CLOSED, PublicStatus.REJECTED}
    for status in PublicStatus:
        assert open311_status(status) == ("closed" if status in closed else "open")


def test_status_notes_and_fixmystreet_statuses() -> None:
    outside = Rejection("outside_jurisdiction", "x")
    assert status_notes(PublicStatus.REJECTED, outside) == (
        "Laporan ditolak: lokasi di luar wilayah Kota Cilegon"
    )
    assert fixmystreet_status(PublicStatus.REJECTED, outside) == "not_councils_responsibility"
    assert fixmystreet_status(PublicStatus.REJECTED, Rejection("duplicate", "x")) == "duplicate"
    assert fixmystreet_status(PublicStatus.RESOLVED, None) == "fixed"
    assert fixmystreet_status(PublicStatus.ACKNOWLEDGED, None) == "investigating"
