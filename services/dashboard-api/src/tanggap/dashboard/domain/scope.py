"""Which incidents an operator sees, and whose personal data they may read.

Scope follows the operator's unit: the command center sees the whole city; a
kecamatan its area and every incident it is involved in; a kelurahan its area
and its own incidents; polres every incident a police unit is involved in; a
polsek, an agency or a utility the incidents assigned, disposed or copied to
it. A viewer sees what its unit sees, read-only and without personal data.

Personal data (reporter contact, the citizen's own words and photos) is shown
only to the command center and to the incident's assigned units (owner and
handler), and reporter contact never for an anonymous or confidential report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tanggap.dashboard.domain.roles import (
    Principal,
    Role,
    UnitKind,
    is_police,
    kecamatan_of,
    kelurahan_of,
)
from tanggap.schemas.common import Privacy


@dataclass(frozen=True, slots=True)
class Scope:
    """A filter on incidents: city-wide, or any of (area, involved unit, police)."""

    city_wide: bool = False
    kecamatan_kode: str | None = None
    kelurahan_kode: str | None = None
    involved_unit: str | None = None
    any_police: bool = False


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """What scope and permission decisions need to know about one incident."""

    kelurahan_kode: str | None
    kecamatan_kode: str | None
    owner_unit_id: str
    handler_unit_id: str
    copied_unit_ids: Sequence[str] = ()

    @property
    def involved(self) -> tuple[str, ...]:
        return (self.owner_unit_id, self.handler_unit_id, *self.copied_unit_ids)

    @property
    def assigned(self) -> tuple[str, str]:
        return (self.owner_unit_id, self.handler_unit_id)


def scope_for(principal: Principal) -> Scope:
    unit = principal.unit_id
    match principal.unit_kind:
        case UnitKind.COMMAND_CENTER:
            return Scope(city_wide=True)
        case UnitKind.KECAMATAN:
            return Scope(kecamatan_kode=kecamatan_of(unit), involved_unit=unit)
        case UnitKind.KELURAHAN:
            return Scope(kelurahan_kode=kelurahan_of(unit), involved_unit=unit)
        case UnitKind.POLRES:
            return Scope(any_police=True, involved_unit=unit)
        case UnitKind.POLSEK | UnitKind.AGENCY:
            return Scope(involved_unit=unit)


def in_scope(scope: Scope, incident: IncidentFacts) -> bool:
    if scope.city_wide:
        return True
    if scope.kecamatan_kode is not None and incident.kecamatan_kode == scope.kecamatan_kode:
        return True
    if scope.kelurahan_kode is not None and incident.kelurahan_kode == scope.kelurahan_kode:
        return True
    if scope.involved_unit is not None and scope.involved_unit in incident.involved:
        return True
    return scope.any_police and any(is_police(unit) for unit in incident.involved)


def sees_personal_data(principal: Principal, incident: IncidentFacts) -> bool:
    """The command center and the assigned units; never a viewer."""
    if principal.role is Role.VIEWER:
        return False
    if principal.role is Role.COMMAND_CENTER:
        return True
    return principal.unit_id in incident.assigned


def reporter_contact_shown(privacy: Privacy) -> bool:
    """Anonymous hides the reporter from every unit; confidential does too."""
    return privacy is Privacy.PUBLIC


def counts_publicly(report_count: int, public_report_count: int) -> bool:
    """An incident appears in public statistics when a non-confidential report
    made it, or the command center opened it (no report, public text)."""
    return report_count == 0 or public_report_count > 0
