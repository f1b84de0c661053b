"""The unit registry: everyone who can own or handle an incident (``units.yaml``).

Escalation follows ``parent``: kelurahan -> kecamatan -> command-center;
polsek -> polres:cilegon -> command-center. City offices, utilities and
outside bodies have no parent: a handler of that kind that misses its clock is
flagged to the incident's owner (``escalation: incident-owner``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tanggap.routing.domain.yamlsource import Issue, SourceError, YamlDocument, parse_yaml

COMMAND_CENTER = "command-center"
_KELURAHAN_KODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
_KECAMATAN_KODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")


class UnitType(StrEnum):
    KELURAHAN = "kelurahan"
    KECAMATAN = "kecamatan"
    POLSEK = "polsek"
    POLRES = "polres"
    COMMAND_CENTER = "command-center"
    OPD = "opd"
    UTILITY = "utility"
    EXTERNAL = "external"


#: Types that can be an incident's owner (the accountable chain of command).
OWNER_TYPES = frozenset(
    {
        UnitType.KELURAHAN,
        UnitType.KECAMATAN,
        UnitType.POLSEK,
        UnitType.POLRES,
        UnitType.COMMAND_CENTER,
    }
)
POLICE_TYPES = frozenset({UnitType.POLSEK, UnitType.POLRES})


class EscalationMode(StrEnum):
    PARENT = "parent"
    INCIDENT_OWNER = "incident-owner"
    NONE = "none"


_EXPECTED_ESCALATION = {
    UnitType.KELURAHAN: EscalationMode.PARENT,
    UnitType.KECAMATAN: EscalationMode.PARENT,
    UnitType.POLSEK: EscalationMode.PARENT,
    UnitType.POLRES: EscalationMode.PARENT,
    UnitType.COMMAND_CENTER: EscalationMode.NONE,
    UnitType.OPD: EscalationMode.INCIDENT_OWNER,
    UnitType.UTILITY: EscalationMode.INCIDENT_OWNER,
    UnitType.EXTERNAL: EscalationMode.INCIDENT_OWNER,
}
_EXPECTED_PARENT_TYPE = {
    UnitType.KELURAHAN: UnitType.KECAMATAN,
    UnitType.KECAMATAN: UnitType.COMMAND_CENTER,
    UnitType.POLSEK: UnitType.POLRES,
    UnitType.POLRES: UnitType.COMMAND_CENTER,
}


class Unit(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    abbreviation: str = Field(min_length=1)
    type: UnitType
    parent: str | None = None
    escalation: EscalationMode
    kode: str | None = None
    polsek: str | None = None
    polsek_confidence: str | None = None
    polsek_note: str | None = None
    aliases: tuple[str, ...] = ()
    note: str | None = None

    @property
    def is_police(self) -> bool:
        return self.type in POLICE_TYPES

    @property
    def can_own(self) -> bool:
        return self.type in OWNER_TYPES

    def ref(self) -> UnitRef:
        return UnitRef(id=self.id, name=self.name, type=self.type)


@dataclass(frozen=True, slots=True)
class UnitRef:
    """What a decision or event says about a unit."""

    id: str
    name: str
    type: UnitType


class _UnitsFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1)
    units: tuple[Unit, ...]


class UnitRegistry:
    """Immutable registry; build a new one to reload."""

    def __init__(self, version: str, units: tuple[Unit, ...]) -> None:
        self.version = version
        self._units: Mapping[str, Unit] = MappingProxyType({u.id: u for u in units})
        polsek = {u.kode: u.polsek for u in units if u.type is UnitType.KECAMATAN and u.kode}
        self._polsek_by_kecamatan: Mapping[str, str | None] = MappingProxyType(polsek)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._units

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units.values())

    def __len__(self) -> int:
        return len(self._units)

    def get(self, unit_id: str) -> Unit | None:
        return self._units.get(unit_id)

    def unit(self, unit_id: str) -> Unit:
        try:
            return self._units[unit_id]
        except KeyError:
            raise KeyError(f"unknown unit {unit_id!r}") from None

    def ref(self, unit_id: str) -> UnitRef:
        return self.unit(unit_id).ref()

    def parent_of(self, unit_id: str) -> str | None:
        return self.unit(unit_id).parent

    def chain_above(self, unit_id: str) -> tuple[str, ...]:
        """The escalation chain above a unit, nearest first (empty for command-center)."""
        chain: list[str] = []
        parent = self.parent_of(unit_id)
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = self.parent_of(parent)
        return tuple(chain)

    def kelurahan_id(self, kode: str) -> str:
        return f"kelurahan:{kode}"

    def kecamatan_id(self, kode: str) -> str:
        return f"kecamatan:{kode}"

    def polsek_for_kecamatan(self, kecamatan_kode: str) -> str:
        polsek = self._polsek_by_kecamatan.get(kecamatan_kode)
        if polsek is None:
            raise KeyError(f"no polsek for kecamatan {kecamatan_kode}")
        return polsek


def parse_units(text: str, *, source: str = "units.yaml") -> UnitRegistry:
    """Parse and validate ``units.yaml`` text; raises :class:`SourceError`."""
    doc = parse_yaml(text, source=source)
    try:
        parsed = _UnitsFile.model_validate(doc.data)
    except ValidationError as exc:
        raise SourceError(doc.validation_issues(exc)) from None
    issues = _check_units(doc, parsed.units)
    if issues:
        raise SourceError(issues)
    return UnitRegistry(parsed.version, parsed.units)


def _check_units(doc: YamlDocument, units: tuple[Unit, ...]) -> list[Issue]:
    issues: list[Issue] = []
    by_id: dict[str, Unit] = {}
    for i, unit in enumerate(units):
        if unit.id in by_id:
            issues.append(doc.issue(("units", i, "id"), f"duplicate unit id {unit.id!r}"))
        by_id.setdefault(unit.id, unit)
    for i, unit in enumerate(units):
        issues.extend(
            doc.issue(("units", i, field), msg) for field, msg in _unit_problems(unit, by_id)
        )
    if COMMAND_CENTER not in by_id:
        issues.append(doc.issue(("units",), f"the registry needs a {COMMAND_CENTER!r} unit"))
    return issues


def _unit_problems(unit: Unit, by_id: Mapping[str, Unit]) -> Iterator[tuple[str, str]]:
    yield from _id_problems(unit)
    if unit.escalation is not _EXPECTED_ESCALATION[unit.type]:
        expected = _EXPECTED_ESCALATION[unit.type]
        yield "escalation", f"a {unit.type} unit escalates by {expected.value!r}"
    expected_parent = _EXPECTED_PARENT_TYPE.get(unit.type)
    if expected_parent is None:
        if unit.parent is not None:
            yield "parent", f"a {unit.type} unit has no parent (escalation goes to the owner)"
    elif unit.parent is None or unit.parent not in by_id:
        yield "parent", f"unknown parent unit {unit.parent!r}"
    elif by_id[unit.parent].type is not expected_parent:
        yield "parent", f"the parent of a {unit.type} must be a {expected_parent}"
    elif (
        unit.type is UnitType.KELURAHAN
        and unit.kode
        and unit.parent != (f"kecamatan:{unit.kode[:8]}")
    ):
        yield "parent", f"kelurahan {unit.kode} belongs to kecamatan:{unit.kode[:8]}"
    if unit.type is UnitType.KECAMATAN:
        if unit.polsek is None:
            yield "polsek", "every kecamatan names its polsek"
        elif unit.polsek not in by_id or by_id[unit.polsek].type is not UnitType.POLSEK:
            yield "polsek", f"unknown polsek {unit.polsek!r}"
    elif unit.polsek is not None:
        yield "polsek", "only a kecamatan names a polsek"


def _id_problems(unit: Unit) -> Iterator[tuple[str, str]]:
    prefix, _, rest = unit.id.partition(":")
    if unit.type is UnitType.KELURAHAN:
        if not (unit.kode and _KELURAHAN_KODE.match(unit.kode)):
            yield "kode", f"a kelurahan needs its Kemendagri kode, got {unit.kode!r}"
        elif unit.id != f"kelurahan:{unit.kode}":
            yield "id", f"expected id 'kelurahan:{unit.kode}'"
    elif unit.type is UnitType.KECAMATAN:
        if not (unit.kode and _KECAMATAN_KODE.match(unit.kode)):
            yield "kode", f"a kecamatan needs its Kemendagri kode, got {unit.kode!r}"
        elif unit.id != f"kecamatan:{unit.kode}":
            yield "id", f"expected id 'kecamatan:{unit.kode}'"
    elif unit.type is UnitType.COMMAND_CENTER:
        if unit.id != COMMAND_CENTER:
            yield "id", f"the command center's id is {COMMAND_CENTER!r}"
    elif unit.type in POLICE_TYPES:
        if prefix != unit.type.value or not _SLUG.match(rest):
            yield "id", f"expected '{unit.type.value}:<name>'"
    elif not _SLUG.match(prefix) or (rest and not _SLUG.match(rest)):
        yield "id", "expected '<name>' or '<org>:<branch>' in lower case"
    if unit.type not in (UnitType.KELURAHAN, UnitType.KECAMATAN) and unit.kode is not None:
        yield "kode", "only a kelurahan or kecamatan has a kode"
