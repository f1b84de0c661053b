"""The routing rules (``rules.yaml``): schema, validation and the RuleBook.

A :class:`RuleBook` is immutable. Reloading means parsing the file again and
swapping the reference; every decision records ``RuleBook.version``.

Per category: the owner rule, the default handler and copied units, the
priority, the SLA, the dedup radius/window, the reporter questions the rules
may test, and ordered sub-rules (first match wins) that pick another handler.
A sub-rule's ``when`` is a conjunction of conditions:

- ``road_status: [nasional, ...]`` -- the nearest road within
  ``settings.road_max_distance_m`` has one of these statuses;
- ``no_road_nearby: true`` -- no road that close (or no point at all);
- ``answers: {question: [value, ...]}`` -- the reporter's answer is one of the
  values (``null`` in the list matches "not answered"; a multi-value answer
  matches when any of its values is listed);
- ``area: [merak-port, ...]`` -- the point lies in one of these special areas;
- ``time_of_day: {start: "18:00", end: "06:00"}`` -- the report's WIB time of
  day is in ``[start, end)`` (wrapping over midnight when start > end).

Modifiers are evaluated after the sub-rule: each matching one may raise the
priority and override SLA terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tanggap.routing.domain.durations import parse_duration
from tanggap.routing.domain.geo import CILEGON, Point
from tanggap.routing.domain.priority import DEFAULT_BOOSTS, Priority, PriorityBoost
from tanggap.routing.domain.roads import RoadStatus
from tanggap.routing.domain.sla import Duration, SlaPolicy, SlaTerm, WorkingCalendar
from tanggap.routing.domain.units import UnitRegistry, UnitType
from tanggap.routing.domain.yamlsource import Issue, SourceError, YamlDocument, parse_yaml

KELURAHAN_OF_POINT = "kelurahan:<point>"
KECAMATAN_OF_POINT = "kecamatan:<point>"
POLSEK_OF_POINT = "polsek:<point>"
UNIT_TEMPLATES = frozenset({KELURAHAN_OF_POINT, KECAMATAN_OF_POINT, POLSEK_OF_POINT})

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

_MODEL = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class OwnerRule(StrEnum):
    """Who is accountable (ARCHITECTURE.md, "Units and routing rules")."""

    KELURAHAN = "kelurahan"  # the kelurahan of the point
    KECAMATAN = "kecamatan"  # the kecamatan of the point
    POLICE = "police"  # the police handler itself, else the polsek of the point
    COMMAND_CENTER = "command-center"


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"expected a lower-case slug, got {value!r}")
    return value


Slug = Annotated[str, AfterValidator(_slug)]


class TimeOfDay(BaseModel):
    model_config = _MODEL

    start: str
    end: str

    @field_validator("start", "end", mode="before")
    @classmethod
    def _hhmm(cls, value: Any) -> Any:
        if not isinstance(value, str) or not _HHMM.match(value):
            raise ValueError(f"expected a quoted 'HH:MM' time, got {value!r}")
        return value

    @property
    def _bounds(self) -> tuple[time, time]:
        return time.fromisoformat(self.start), time.fromisoformat(self.end)

    def contains(self, moment: time) -> bool:
        start, end = self._bounds
        if start <= end:
            return start <= moment < end
        return moment >= start or moment < end


class Condition(BaseModel):
    model_config = _MODEL

    road_status: tuple[RoadStatus, ...] | None = None
    no_road_nearby: Literal[True] | None = None
    answers: dict[str, tuple[str | None, ...]] | None = None
    area: tuple[str, ...] | None = None
    time_of_day: TimeOfDay | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not any(
            v is not None for v in (self.road_status, self.no_road_nearby, self.answers, self.area)
        ) and (self.time_of_day is None):
            raise ValueError("a condition needs at least one test")
        if self.road_status is not None and self.no_road_nearby:
            raise ValueError("road_status and no_road_nearby exclude each other")
        return self


class SlaOverride(BaseModel):
    model_config = _MODEL

    acknowledge: SlaTerm | None = None
    first_action: SlaTerm | None = None
    resolve: SlaTerm | None = None

    def apply(self, policy: SlaPolicy) -> SlaPolicy:
        changes = {
            k: v
            for k, v in (
                ("acknowledge", self.acknowledge),
                ("first_action", self.first_action),
                ("resolve", self.resolve),
            )
            if v is not None
        }
        return policy.model_copy(update=changes) if changes else policy


class SubRule(BaseModel):
    """Picks another handler (and maybe owner, priority, SLA) when ``when`` matches."""

    model_config = _MODEL

    id: Slug
    when: Condition
    handler: str | None = None
    copied: tuple[str, ...] | None = Field(default=None, alias="copy")
    owner: OwnerRule | None = None
    priority: Priority | None = None
    sla: SlaOverride | None = None
    basis: Literal["source", "inference"]
    sources: tuple[str, ...] = ()
    note: str | None = None


class Modifier(BaseModel):
    model_config = _MODEL

    id: Slug
    when: Condition
    priority: Priority | None = None
    sla: SlaOverride | None = None
    basis: Literal["source", "inference"]
    note: str | None = None


class DedupPolicy(BaseModel):
    """Reports of the same category within ``radius_m`` and ``window`` merge."""

    model_config = _MODEL

    radius_m: float = Field(gt=0, le=5000)
    window: Duration


class CategoryRule(BaseModel):
    model_config = _MODEL

    name_id: str
    name_en: str
    group: str
    emergency: bool
    owner: OwnerRule
    handler: str
    copied: tuple[str, ...] = Field(alias="copy")
    priority: Priority
    sla: SlaPolicy
    dedup: DedupPolicy
    questions: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    rules: tuple[SubRule, ...] = ()
    modifiers: tuple[Modifier, ...] = ()
    not_automated: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


class LonLat(BaseModel):
    model_config = _MODEL

    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)


class SpecialArea(BaseModel):
    """A circle standing in for a port area (no polygon is available)."""

    model_config = _MODEL

    name: str
    center: LonLat
    radius_m: float = Field(gt=0, le=10_000)
    #: Points in the area but outside every kelurahan polygon (piers, ships at
    #: berth) are located in this kelurahan instead of being rejected.
    kelurahan_kode: str | None = None
    basis: str

    def contains(self, point: Point) -> bool:
        centre = Point(self.center.lon, self.center.lat)
        return CILEGON.distance_m(centre, point) <= self.radius_m


class RoutingSettings(BaseModel):
    model_config = _MODEL

    road_max_distance_m: float = Field(default=30.0, gt=0, le=500)
    coastal_margin_m: float = Field(default=150.0, ge=0, le=2000)
    border_ambiguity_m: float = Field(default=100.0, ge=0)
    priority_boost: tuple[PriorityBoost, ...] = DEFAULT_BOOSTS


class LifecyclePolicy(BaseModel):
    """Timers and limits of the incident lifecycle (calendar durations)."""

    model_config = _MODEL

    close_after: Duration = Field(default_factory=lambda: parse_duration("P3D"))
    reopen_window: Duration = Field(default_factory=lambda: parse_duration("P14D"))
    #: The n-th reassignment (counting from open) goes to the command center instead.
    transfer_escalation_at: int = Field(default=3, ge=2)


DEFAULT_LIFECYCLE = LifecyclePolicy()


class _RulesFile(BaseModel):
    model_config = _MODEL

    version: str = Field(min_length=1)
    settings: RoutingSettings = RoutingSettings()
    lifecycle: LifecyclePolicy = DEFAULT_LIFECYCLE
    areas: dict[str, SpecialArea] = Field(default_factory=dict)
    categories: dict[str, CategoryRule]


@dataclass(frozen=True)
class RuleBook:
    version: str
    source: str
    settings: RoutingSettings
    lifecycle: LifecyclePolicy
    areas: Mapping[str, SpecialArea]
    categories: Mapping[str, CategoryRule]
    units: UnitRegistry
    calendar: WorkingCalendar

    def category(self, code: str) -> CategoryRule | None:
        return self.categories.get(code)

    def areas_at(self, point: Point) -> tuple[str, ...]:
        return tuple(area_id for area_id, area in self.areas.items() if area.contains(point))


def parse_rulebook(
    text: str,
    *,
    units: UnitRegistry,
    calendar: WorkingCalendar,
    source: str = "rules.yaml",
) -> RuleBook:
    """Parse and validate ``rules.yaml`` text; raises :class:`SourceError`."""
    doc = parse_yaml(text, source=source)
    try:
        parsed = _RulesFile.model_validate(doc.data)
    except ValidationError as exc:
        raise SourceError(doc.validation_issues(exc)) from None
    issues = list(_check_rules(doc, parsed, units))
    if issues:
        raise SourceError(issues)
    return RuleBook(
        version=parsed.version,
        source=source,
        settings=parsed.settings,
        lifecycle=parsed.lifecycle,
        areas=MappingProxyType(dict(parsed.areas)),
        categories=MappingProxyType(dict(parsed.categories)),
        units=units,
        calendar=calendar,
    )


def _check_rules(doc: YamlDocument, parsed: _RulesFile, units: UnitRegistry) -> Iterator[Issue]:
    for area_id, area in parsed.areas.items():
        path = ("areas", area_id)
        if not _SLUG.match(area_id):
            yield doc.issue(path, "area ids are lower-case slugs")
        if area.kelurahan_kode is not None:
            unit = units.get(f"kelurahan:{area.kelurahan_kode}")
            if unit is None or unit.type is not UnitType.KELURAHAN:
                yield doc.issue(
                    (*path, "kelurahan_kode"), f"unknown kelurahan {area.kelurahan_kode}"
                )
    for code, category in parsed.categories.items():
        yield from _check_category(doc, ("categories", code), code, category, parsed, units)


def _check_category(
    doc: YamlDocument,
    path: tuple[str | int, ...],
    code: str,
    category: CategoryRule,
    parsed: _RulesFile,
    units: UnitRegistry,
) -> Iterator[Issue]:
    if not _SLUG.match(code):
        yield doc.issue(path, "category codes are lower-case slugs")
    yield from _check_unit_ref(doc, (*path, "handler"), category.handler, units)
    for j, unit_id in enumerate(category.copied):
        yield from _check_unit_ref(doc, (*path, "copy", j), unit_id, units)
    seen: set[str] = set()
    for i, rule in enumerate(category.rules):
        rule_path: tuple[str | int, ...] = (*path, "rules", i)
        if rule.id in seen or rule.id == "default":
            yield doc.issue((*rule_path, "id"), f"duplicate or reserved rule id {rule.id!r}")
        seen.add(rule.id)
        if rule.handler is not None:
            yield from _check_unit_ref(doc, (*rule_path, "handler"), rule.handler, units)
        for j, unit_id in enumerate(rule.copied or ()):
            yield from _check_unit_ref(doc, (*rule_path, "copy", j), unit_id, units)
        yield from _check_condition(doc, (*rule_path, "when"), rule.when, category, parsed)
    for i, modifier in enumerate(category.modifiers):
        mod_path: tuple[str | int, ...] = (*path, "modifiers", i)
        if modifier.id in seen:
            yield doc.issue((*mod_path, "id"), f"duplicate rule id {modifier.id!r}")
        seen.add(modifier.id)
        yield from _check_condition(doc, (*mod_path, "when"), modifier.when, category, parsed)


def _check_unit_ref(
    doc: YamlDocument, path: tuple[str | int, ...], unit_id: str, units: UnitRegistry
) -> Iterator[Issue]:
    if unit_id not in UNIT_TEMPLATES and unit_id not in units:
        yield doc.issue(path, f"unknown unit {unit_id!r} (not in the unit registry)")


def _check_condition(
    doc: YamlDocument,
    path: tuple[str | int, ...],
    condition: Condition,
    category: CategoryRule,
    parsed: _RulesFile,
) -> Iterator[Issue]:
    for question, values in (condition.answers or {}).items():
        q_path = (*path, "answers", question)
        if question not in category.questions:
            yield doc.issue(q_path, f"unknown question {question!r} for this category")
            continue
        allowed = category.questions[question]
        for j, value in enumerate(values):
            if value is not None and allowed and value not in allowed:
                yield doc.issue((*q_path, j), f"{value!r} is not an answer to {question!r}")
    for j, area_id in enumerate(condition.area or ()):
        if area_id not in parsed.areas:
            yield doc.issue((*path, "area", j), f"unknown area {area_id!r}")
