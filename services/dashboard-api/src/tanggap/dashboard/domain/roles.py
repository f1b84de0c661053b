"""Operators: a role, and the unit they work for.

The role decides what an operator may *do* and whether they may see reporters'
personal data; the unit decides which incidents they *see* (domain.scope).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from tanggap.dashboard.domain.errors import InvalidRoleUnit


class Role(StrEnum):
    COMMAND_CENTER = "command-center"
    CAMAT = "camat"
    LURAH = "lurah"
    POLICE = "police"
    AGENCY = "agency"
    VIEWER = "viewer"

    @property
    def actor_role(self) -> str:
        """The role as the contract's ``Actor.role`` spells it (no hyphen)."""
        return self.value.replace("-", "_")


class UnitKind(StrEnum):
    COMMAND_CENTER = "command-center"
    KECAMATAN = "kecamatan"
    KELURAHAN = "kelurahan"
    POLRES = "polres"
    POLSEK = "polsek"
    AGENCY = "agency"


COMMAND_CENTER_UNIT = "command-center"

_KELURAHAN = re.compile(r"kelurahan:(\d{2}\.\d{2}\.\d{2}\.\d{4})")
_KECAMATAN = re.compile(r"kecamatan:(\d{2}\.\d{2}\.\d{2})")
_POLICE = re.compile(r"(polsek|polres):[a-z0-9][a-z0-9-]*")
_AGENCY = re.compile(r"[a-z][a-z0-9-]*(:[a-z0-9][a-z0-9.-]*)?")

ROLE_UNIT_KINDS: dict[Role, frozenset[UnitKind]] = {
    Role.COMMAND_CENTER: frozenset({UnitKind.COMMAND_CENTER}),
    Role.CAMAT: frozenset({UnitKind.KECAMATAN}),
    Role.LURAH: frozenset({UnitKind.KELURAHAN}),
    Role.POLICE: frozenset({UnitKind.POLSEK, UnitKind.POLRES}),
    Role.AGENCY: frozenset({UnitKind.AGENCY}),
    Role.VIEWER: frozenset(UnitKind),
}


def unit_kind(unit_id: str) -> UnitKind:
    """The kind of a unit id, or InvalidRoleUnit for a string that is no unit id."""
    if unit_id == COMMAND_CENTER_UNIT:
        return UnitKind.COMMAND_CENTER
    if _KELURAHAN.fullmatch(unit_id):
        return UnitKind.KELURAHAN
    if _KECAMATAN.fullmatch(unit_id):
        return UnitKind.KECAMATAN
    if match := _POLICE.fullmatch(unit_id):
        return UnitKind.POLSEK if match.group(1) == "polsek" else UnitKind.POLRES
    if _AGENCY.fullmatch(unit_id) and not unit_id.startswith(("kelurahan:", "kecamatan:")):
        return UnitKind.AGENCY
    raise InvalidRoleUnit(f"{unit_id!r} is not a unit id")


def kelurahan_of(unit_id: str) -> str | None:
    match = _KELURAHAN.fullmatch(unit_id)
    return match.group(1) if match else None


def kecamatan_of(unit_id: str) -> str | None:
    match = _KECAMATAN.fullmatch(unit_id)
    return match.group(1) if match else None


def is_police(unit_id: str) -> bool:
    return _POLICE.fullmatch(unit_id) is not None


def parent_units(unit_id: str) -> frozenset[str]:
    """The units one level up the chain of command (escalation follows it):
    kelurahan -> its kecamatan -> command center; polsek -> polres -> command center."""
    if kelurahan := kelurahan_of(unit_id):
        return frozenset({f"kecamatan:{kelurahan.rsplit('.', 1)[0]}"})
    if unit_id.startswith("polsek:"):
        return frozenset({"polres:cilegon"})
    if unit_id == COMMAND_CENTER_UNIT:
        return frozenset()
    return frozenset({COMMAND_CENTER_UNIT})


def validate_role_unit(
    role: Role,
    unit_id: str,
    *,
    known_kelurahan: Collection[str],
    known_kecamatan: Collection[str],
) -> None:
    """Refuse a unit that does not fit the role, or an area code that does not exist."""
    kind = unit_kind(unit_id)
    if kind not in ROLE_UNIT_KINDS[role]:
        allowed = ", ".join(sorted(k.value for k in ROLE_UNIT_KINDS[role]))
        raise InvalidRoleUnit(f"a {role.value} works for a unit of kind {allowed}, not {unit_id!r}")
    if (kode := kelurahan_of(unit_id)) and kode not in known_kelurahan:
        raise InvalidRoleUnit(f"no kelurahan with kode {kode} in Kota Cilegon")
    if (kode := kecamatan_of(unit_id)) and kode not in known_kecamatan:
        raise InvalidRoleUnit(f"no kecamatan with kode {kode} in Kota Cilegon")


@dataclass(frozen=True, slots=True)
class Principal:
    """The operator behind a request, as the access token says."""

    user_id: str
    username: str
    role: Role
    unit_id: str

    @property
    def unit_kind(self) -> UnitKind:
        return unit_kind(self.unit_id)

    @property
    def read_only(self) -> bool:
        return self.role is Role.VIEWER
