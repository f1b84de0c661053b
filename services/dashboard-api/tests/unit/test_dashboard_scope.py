"""Who sees which incident, and whose personal data: the pure rules."""

from __future__ import annotations

import pytest

from tanggap.dashboard.domain.errors import InvalidRoleUnit
from tanggap.dashboard.domain.roles import (
    Principal,
    Role,
    UnitKind,
    parent_units,
    unit_kind,
    validate_role_unit,
)
from tanggap.dashboard.domain.scope import (
    IncidentFacts,
    counts_publicly,
    in_scope,
    reporter_contact_shown,
    scope_for,
    sees_personal_data,
)
from tanggap.schemas.common import Privacy

KEL = {"36.72.01.1001", "36.72.01.1002"}
KEC = {"36.72.01"}

GARBAGE_CIBEBER = IncidentFacts("36.72.01.1001", "36.72.01", "kelurahan:36.72.01.1001", "dlh")
NOISE_KEDALEMAN = IncidentFacts(
    "36.72.01.1002", "36.72.01", "polsek:cibeber", "polsek:cibeber", ("kelurahan:36.72.01.1002",)
)
FLOOD_CITANGKIL = IncidentFacts(
    "36.72.08.1005", "36.72.08", "command-center", "bpbd", ("dpupr", "kelurahan:36.72.08.1005")
)


def who(role: Role, unit: str) -> Principal:
    return Principal("u", "name", role, unit)


@pytest.mark.parametrize(
    ("principal", "sees"),
    [
        (who(Role.COMMAND_CENTER, "command-center"), {"garbage", "noise", "flood"}),
        (who(Role.CAMAT, "kecamatan:36.72.01"), {"garbage", "noise"}),
        (who(Role.LURAH, "kelurahan:36.72.01.1001"), {"garbage"}),
        (who(Role.LURAH, "kelurahan:36.72.01.1002"), {"noise"}),
        (who(Role.LURAH, "kelurahan:36.72.08.1005"), {"flood"}),
        (who(Role.POLICE, "polsek:cibeber"), {"noise"}),
        (who(Role.POLICE, "polsek:cilegon"), set()),
        (who(Role.POLICE, "polres:cilegon"), {"noise"}),
        (who(Role.AGENCY, "dlh"), {"garbage"}),
        (who(Role.AGENCY, "dpupr"), {"flood"}),
        (who(Role.VIEWER, "kelurahan:36.72.01.1001"), {"garbage"}),
    ],
)
def test_scope_follows_the_unit(principal: Principal, sees: set[str]) -> None:
    incidents = {"garbage": GARBAGE_CIBEBER, "noise": NOISE_KEDALEMAN, "flood": FLOOD_CITANGKIL}
    scope = scope_for(principal)
    assert {name for name, facts in incidents.items() if in_scope(scope, facts)} == sees


def test_personal_data_only_for_the_assigned_units_and_the_command_center() -> None:
    assert sees_personal_data(who(Role.COMMAND_CENTER, "command-center"), NOISE_KEDALEMAN)
    assert sees_personal_data(who(Role.POLICE, "polsek:cibeber"), NOISE_KEDALEMAN)
    assert sees_personal_data(who(Role.AGENCY, "bpbd"), FLOOD_CITANGKIL)
    # In scope, but not assigned: a copied kelurahan, the camat, polres, a viewer.
    assert not sees_personal_data(who(Role.LURAH, "kelurahan:36.72.01.1002"), NOISE_KEDALEMAN)
    assert not sees_personal_data(who(Role.CAMAT, "kecamatan:36.72.01"), GARBAGE_CIBEBER)
    assert not sees_personal_data(who(Role.POLICE, "polres:cilegon"), NOISE_KEDALEMAN)
    assert not sees_personal_data(who(Role.AGENCY, "dpupr"), FLOOD_CITANGKIL)
    assert not sees_personal_data(who(Role.VIEWER, "command-center"), FLOOD_CITANGKIL)


def test_reporter_contact_only_for_public_reports() -> None:
    assert reporter_contact_shown(Privacy.PUBLIC)
    assert not reporter_contact_shown(Privacy.ANONYMOUS)
    assert not reporter_contact_shown(Privacy.CONFIDENTIAL)


def test_public_figures_leave_confidential_only_incidents_out() -> None:
    assert counts_publicly(report_count=0, public_report_count=0)  # opened by the command center
    assert counts_publicly(report_count=3, public_report_count=1)
    assert not counts_publicly(report_count=2, public_report_count=0)


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        ("command-center", UnitKind.COMMAND_CENTER),
        ("kelurahan:36.72.01.1001", UnitKind.KELURAHAN),
        ("kecamatan:36.72.01", UnitKind.KECAMATAN),
        ("polsek:kskp-merak", UnitKind.POLSEK),
        ("polres:cilegon", UnitKind.POLRES),
        ("pdam:cilegon-mandiri", UnitKind.AGENCY),
        ("dishub", UnitKind.AGENCY),
    ],
)
def test_unit_kinds(unit: str, kind: UnitKind) -> None:
    assert unit_kind(unit) is kind


@pytest.mark.parametrize("unit", ["", "Kelurahan:1", "kelurahan:36.72.01", "kecamatan:x", "a b"])
def test_not_a_unit(unit: str) -> None:
    with pytest.raises(InvalidRoleUnit):
        unit_kind(unit)


def test_parents_follow_the_chain_of_command() -> None:
    assert parent_units("kelurahan:36.72.01.1001") == {"kecamatan:36.72.01"}
    assert parent_units("kecamatan:36.72.01") == {"command-center"}
    assert parent_units("polsek:cibeber") == {"polres:cilegon"}
    assert parent_units("polres:cilegon") == {"command-center"}
    assert parent_units("command-center") == set()


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (Role.LURAH, "kecamatan:36.72.01"),
        (Role.CAMAT, "kelurahan:36.72.01.1001"),
        (Role.POLICE, "dishub"),
        (Role.AGENCY, "polsek:cibeber"),
        (Role.COMMAND_CENTER, "dishub"),
        (Role.LURAH, "kelurahan:36.72.01.1099"),  # no such kelurahan
        (Role.CAMAT, "kecamatan:36.72.09"),
    ],
)
def test_a_unit_must_fit_the_role_and_exist(role: Role, unit: str) -> None:
    with pytest.raises(InvalidRoleUnit):
        validate_role_unit(role, unit, known_kelurahan=KEL, known_kecamatan=KEC)


def test_fitting_units() -> None:
    for role, unit in [
        (Role.LURAH, "kelurahan:36.72.01.1001"),
        (Role.CAMAT, "kecamatan:36.72.01"),
        (Role.POLICE, "polres:cilegon"),
        (Role.AGENCY, "asdp:merak"),
        (Role.VIEWER, "command-center"),
    ]:
        validate_role_unit(role, unit, known_kelurahan=KEL, known_kecamatan=KEC)
