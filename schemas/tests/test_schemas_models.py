"""Validation rules of the models that are not visible in the JSON Schema."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from tanggap.schemas.commands import CommentIncident, OpenIncident, RejectIncident
from tanggap.schemas.common import (
    Actor,
    ActorKind,
    AreaRef,
    GeoPoint,
    IncidentStatus,
    KecamatanRef,
    KelurahanRef,
    Priority,
    Privacy,
    RejectionReasonCode,
    UnitRef,
    UnitType,
    uuid7,
)
from tanggap.schemas.events import (
    Channel,
    IncidentOpened,
    IncidentStatusChanged,
    Reporter,
    ReportSubmitted,
)
from tanggap.schemas.registry import EVENT_TYPES, MODELS, MODELS_BY_TOPIC, TYPE_OF_MODEL
from tanggap.schemas.topic_names import Topic

WIB = timezone(timedelta(hours=7))
SYSTEM = Actor(kind=ActorKind.SYSTEM, id="routing")


def _report(**changes: object) -> ReportSubmitted:
    fields: dict[str, object] = {
        "report_id": uuid7(),
        "submitted_at": datetime(2026, 11, 30, 9, 14, tzinfo=WIB),
        "category": "sampah",
        "description": "Sampah menumpuk",
        "location": {"lat": -6.020035, "lon": 106.042713},
        "area_key": "sampah",
        "privacy": "public",
        "channel": "native",
    }
    fields.update(changes)
    return ReportSubmitted.model_validate(fields)


def test_registry_is_complete_and_consistent() -> None:
    assert len(MODELS) == len(EVENT_TYPES) == len(TYPE_OF_MODEL) == 34
    for ce_type, model in EVENT_TYPES.items():
        assert ce_type.startswith("id.cilegon.tanggap.")
        assert TYPE_OF_MODEL[model] == ce_type
    assert sum(len(models) for models in MODELS_BY_TOPIC.values()) == len(MODELS)
    assert MODELS_BY_TOPIC[Topic.DEADLETTER_ROUTING] == ()


def test_naive_datetimes_and_epoch_numbers_are_refused() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        _report(submitted_at=datetime(2026, 11, 30, 9, 14))
    with pytest.raises(ValidationError, match="RFC 3339"):
        _report(submitted_at=1796004845)
    assert _report(submitted_at="2026-11-30T09:14:05+07:00").submitted_at.utcoffset() == timedelta(
        hours=7
    )


@pytest.mark.parametrize(("lat", "lon"), [(-91, 106), (91, 106), (-6, 181), (-6, -181)])
def test_geopoints_stay_on_earth(lat: float, lon: float) -> None:
    with pytest.raises(ValidationError):
        GeoPoint(lat=lat, lon=lon)


def test_geopoint_refuses_nan() -> None:
    with pytest.raises(ValidationError):
        GeoPoint.model_validate_json(b'{"lat": NaN, "lon": 106.0}')


@pytest.mark.parametrize(
    ("unit_id", "unit_type"),
    [
        ("kelurahan:36.72.01.1001", UnitType.KELURAHAN),
        ("kecamatan:36.72.01", UnitType.KECAMATAN),
        ("polsek:cibeber", UnitType.POLSEK),
        ("polres:cilegon", UnitType.POLRES),
        ("command-center", UnitType.COMMAND_CENTER),
        ("dpupr", UnitType.OPD),
        ("pdam:cilegon-mandiri", UnitType.UTILITY),
        ("bpjn:banten", UnitType.EXTERNAL),
        ("asdp:merak", UnitType.EXTERNAL),
    ],
)
def test_unit_ids_fit_their_type(unit_id: str, unit_type: UnitType) -> None:
    assert UnitRef(id=unit_id, type=unit_type, name="x").id == unit_id


@pytest.mark.parametrize(
    ("unit_id", "unit_type"),
    [
        ("kelurahan:36.72.01", UnitType.KELURAHAN),
        ("dpupr", UnitType.KELURAHAN),
        ("command-center", UnitType.OPD),
        ("polsek:cibeber", UnitType.EXTERNAL),
        ("asdp:merak", UnitType.OPD),
        ("Kelurahan:36.72.01.1001", UnitType.KELURAHAN),
    ],
)
def test_unit_ids_that_do_not_fit_are_refused(unit_id: str, unit_type: UnitType) -> None:
    with pytest.raises(ValidationError):
        UnitRef(id=unit_id, type=unit_type, name="x")


def test_area_kelurahan_must_be_in_its_kecamatan() -> None:
    with pytest.raises(ValidationError, match="not in kecamatan"):
        AreaRef(
            kelurahan=KelurahanRef(kode="36.72.01.1001", name="Cibeber"),
            kecamatan=KecamatanRef(kode="36.72.02", name="Cilegon"),
        )


def test_actor_rules() -> None:
    with pytest.raises(ValidationError, match="unit_id"):
        Actor(kind=ActorKind.OPERATOR, id="op-1")
    with pytest.raises(ValidationError, match="citizen"):
        Actor(kind=ActorKind.CITIZEN, id=uuid7(), unit_id="dpupr")
    with pytest.raises(ValidationError):
        Actor(kind=ActorKind.OPERATOR, id="siti@example.com", unit_id="dpupr")  # no e-mails


def test_report_without_location_only_from_open311_and_flagged() -> None:
    flagged = _report(
        location=None, needs_manual_location=True, channel="open311", area_key="unlocated"
    )
    assert flagged.location is None
    with pytest.raises(ValidationError, match="needs_manual_location"):
        _report(location=None, channel="open311")
    with pytest.raises(ValidationError, match="Open311"):
        _report(location=None, needs_manual_location=True, channel=Channel.NATIVE)
    with pytest.raises(ValidationError, match="only for a report without location"):
        _report(needs_manual_location=True)


def test_reporter_phone_is_e164() -> None:
    assert Reporter(phone="+6281298765432").phone == "+6281298765432"
    for bad in ("081298765432", "+62 812 9876 5432", "+0812"):
        with pytest.raises(ValidationError):
            Reporter(phone=bad)


def test_report_id_is_a_uuid7() -> None:
    with pytest.raises(ValidationError, match="report_id"):
        _report(report_id="4f1c2a9e-8d3b-4e7a-9c61-2b7d5e0f3a18")  # a UUIDv4


def test_uuid7_is_time_ordered_and_well_formed() -> None:
    first, second = uuid7(1_796_004_845_000), uuid7(1_796_004_845_001)
    assert first < second
    assert first[14] == "7"
    assert first[19] in "89ab"
    assert _report(report_id=uuid7()).report_id


def test_incident_opened_is_sequence_one_with_one_origin() -> None:
    report = _report()
    unit = UnitRef(
        id="kelurahan:36.72.08.1004", type=UnitType.KELURAHAN, name="Kelurahan Taman Baru"
    )
    area = AreaRef(
        kelurahan=KelurahanRef(kode="36.72.08.1004", name="Taman Baru"),
        kecamatan=KecamatanRef(kode="36.72.08", name="Citangkil"),
    )
    now = datetime.now(UTC)
    fields: dict[str, object] = {
        "incident_id": uuid7(),
        "sequence": 1,
        "occurred_at": now,
        "by": SYSTEM,
        "category": "sampah",
        "priority": Priority.NORMAL,
        "location": GeoPoint(lat=-6.020035, lon=106.042713),
        "area": area,
        "owner": unit,
        "handler": unit,
        "copied": [],
        "sla": {"acknowledge_by": now, "first_action_by": now},
        "rule_id": "sampah.default",
        "rules_version": "1",
        "report_id": report.report_id,
    }
    assert IncidentOpened.model_validate(fields).sequence == 1
    with pytest.raises(ValidationError, match="sequence must be 1"):
        IncidentOpened.model_validate({**fields, "sequence": 2})
    with pytest.raises(ValidationError, match="exactly one"):
        IncidentOpened.model_validate({**fields, "dedup_key": "x"})


def test_status_change_must_change() -> None:
    with pytest.raises(ValidationError, match="does not change"):
        IncidentStatusChanged(
            incident_id=uuid7(),
            sequence=2,
            occurred_at=datetime.now(UTC),
            by=SYSTEM,
            from_status=IncidentStatus.OPEN,
            to_status=IncidentStatus.OPEN,
        )


def test_reject_details_fit_the_reason() -> None:
    base: dict[str, object] = {
        "command_id": uuid7(),
        "incident_id": uuid7(),
        "actor": Actor(kind=ActorKind.OPERATOR, id="op-1", unit_id="dlh"),
        "issued_at": datetime.now(UTC),
        "note": "x",
    }
    RejectIncident.model_validate({**base, "reason_code": "duplicate", "duplicate_of": uuid7()})
    RejectIncident.model_validate(
        {**base, "reason_code": "not_our_authority", "suggested_unit_id": "dpupr"}
    )
    with pytest.raises(ValidationError, match="duplicate_of"):
        RejectIncident.model_validate({**base, "reason_code": RejectionReasonCode.DUPLICATE})
    with pytest.raises(ValidationError, match="suggested unit"):
        RejectIncident.model_validate(
            {**base, "reason_code": "invalid", "suggested_unit_id": "dpupr"}
        )
    with pytest.raises(ValidationError, match="itself"):
        RejectIncident.model_validate(
            {**base, "reason_code": "duplicate", "duplicate_of": base["incident_id"]}
        )


def test_commands_refuse_unknown_fields_and_long_text() -> None:
    fields: dict[str, object] = {
        "command_id": uuid7(),
        "incident_id": uuid7(),
        "actor": {"kind": "operator", "id": "op-1", "unit_id": "dpupr"},
        "issued_at": "2026-12-01T04:10:00Z",
        "text": "ok",
    }
    assert CommentIncident.model_validate(fields).text == "ok"
    with pytest.raises(ValidationError, match="Extra inputs"):
        CommentIncident.model_validate({**fields, "urgent": True})
    with pytest.raises(ValidationError, match="2000"):
        CommentIncident.model_validate({**fields, "text": "x" * 2001})


def test_models_are_frozen() -> None:
    command = OpenIncident(
        command_id=uuid7(),
        incident_id=uuid7(),
        actor=SYSTEM,
        issued_at=datetime.now(UTC),
        category="bencana",
        location=GeoPoint(lat=-6.009612, lon=106.040122),
        priority=Priority.URGENT,
        description_public="x",
        dedup_key="bmkg:1",
    )
    with pytest.raises(ValidationError):
        command.priority = Priority.LOW  # type: ignore[misc]
    assert _report(privacy=Privacy.CONFIDENTIAL).privacy is Privacy.CONFIDENTIAL
