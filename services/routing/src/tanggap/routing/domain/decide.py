"""Route one report: where it is, which rule applies, who owns and who handles it.

``route()`` is pure: the clock is an argument, the geography, road layer and
rule book are immutable objects built once by the service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.geography import Geography, Location, OutsideJurisdiction
from tanggap.routing.domain.priority import Priority, highest
from tanggap.routing.domain.roads import NearestRoad, RoadNetwork
from tanggap.routing.domain.rules import (
    KECAMATAN_OF_POINT,
    KELURAHAN_OF_POINT,
    POLSEK_OF_POINT,
    CategoryRule,
    Condition,
    DedupPolicy,
    OwnerRule,
    RuleBook,
    SubRule,
)
from tanggap.routing.domain.sla import (
    WIB,
    SlaDeadlines,
    SlaPolicy,
    compute_deadlines,
    require_aware,
)
from tanggap.routing.domain.units import COMMAND_CENTER, UnitRef, UnitRegistry

#: Answers as they come from the report form (Open311 attributes).
Answer = str | int | float | bool | Sequence[str] | None

POLRES = "polres:cilegon"


@dataclass(frozen=True)
class ReportFacts:
    """What routing needs from a submitted report (no personal data)."""

    category: str
    point: Point | None
    answers: Mapping[str, Answer] = field(default_factory=dict)
    #: When the citizen submitted it; time-of-day rules use this, else ``now``.
    reported_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AreaRef:
    kelurahan_kode: str
    kelurahan_name: str
    kecamatan_kode: str
    kecamatan_name: str

    @classmethod
    def of(cls, location: Location) -> AreaRef:
        return cls(
            kelurahan_kode=location.kelurahan.kode,
            kelurahan_name=location.kelurahan.name,
            kecamatan_kode=location.kecamatan.kode,
            kecamatan_name=location.kecamatan.name,
        )


@dataclass(frozen=True)
class RoutingDecision:
    category: str
    point: Point | None
    area: AreaRef | None
    owner: UnitRef
    handler: UnitRef
    copied: tuple[UnitRef, ...]
    priority: Priority
    emergency: bool
    rule_id: str
    modifier_ids: tuple[str, ...]
    rules_version: str
    units_version: str
    reasons: tuple[str, ...]
    #: Metres the point was moved onto land (coastal margin or port area); None if inside.
    coastal_snap_m: float | None
    #: Metres to the nearest border shared with another kelurahan.
    border_distance_m: float | None
    border_ambiguous: bool
    road: NearestRoad | None
    special_areas: tuple[str, ...]
    #: The owner's escalation chain, nearest first.
    escalation_chain: tuple[str, ...]
    sla: SlaPolicy
    deadlines: SlaDeadlines
    dedup: DedupPolicy
    decided_at: datetime


class RejectionReason(StrEnum):
    UNKNOWN_CATEGORY = "unknown_category"
    OUTSIDE_JURISDICTION = "outside_jurisdiction"


@dataclass(frozen=True)
class Rejection:
    reason: RejectionReason
    category: str
    detail: str
    rules_version: str
    nearest: AreaRef | None = None
    distance_m: float | None = None


@dataclass(frozen=True)
class _Facts:
    road: NearestRoad | None
    answers: Mapping[str, frozenset[str]]
    areas: frozenset[str]
    local_time: datetime


def route(
    report: ReportFacts,
    *,
    geography: Geography,
    roads: RoadNetwork | None,
    rulebook: RuleBook,
    now: datetime,
) -> RoutingDecision | Rejection:
    require_aware(now, "now")
    if report.reported_at is not None:
        require_aware(report.reported_at, "reported_at")
    category = rulebook.category(report.category)
    if category is None:
        return Rejection(
            reason=RejectionReason.UNKNOWN_CATEGORY,
            category=report.category,
            detail=f"kategori {report.category!r} tidak dikenal (aturan {rulebook.version})",
            rules_version=rulebook.version,
        )
    reasons: list[str] = []
    settings = rulebook.settings
    point = report.point
    areas = rulebook.areas_at(point) if point is not None else ()
    located = _locate(report.category, point, areas, geography, rulebook, reasons)
    if isinstance(located, Rejection):
        return located
    road = None
    if point is not None and roads is not None:
        road = roads.nearest(point, max_distance_m=settings.road_max_distance_m)
        reasons.append(_road_reason(road, settings.road_max_distance_m))
    facts = _Facts(
        road=road,
        answers=_normalise_answers(report.answers),
        areas=frozenset(areas),
        local_time=(report.reported_at or now).astimezone(WIB),
    )
    return _decide(report, category, located, facts, rulebook, now, reasons, areas)


def _decide(
    report: ReportFacts,
    category: CategoryRule,
    location: Location | None,
    facts: _Facts,
    rulebook: RuleBook,
    now: datetime,
    reasons: list[str],
    areas: tuple[str, ...],
) -> RoutingDecision:
    units = rulebook.units
    rule = next((r for r in category.rules if _matches(r.when, facts)), None)
    rule_id = f"{report.category}/{rule.id if rule else 'default'}"
    reasons.append(f"aturan {rule_id} (versi {rulebook.version})" + _condition_note(rule, facts))
    handler_template = _pick(rule, "handler", category.handler)
    handler_id = _resolve(handler_template, location, units)
    if handler_id is None:
        handler_id = POLRES if handler_template == POLSEK_OF_POINT else COMMAND_CENTER
        reasons.append(f"tanpa titik lokasi: penanggung jawab berbasis lokasi diganti {handler_id}")
    owner_rule = rule.owner if rule is not None and rule.owner is not None else category.owner
    owner_id = _owner(owner_rule, handler_id, location, units)
    copied_ids = _copied(_pick_copy(rule, category), location, units, {owner_id, handler_id})
    priority = rule.priority if rule is not None and rule.priority else category.priority
    sla = rule.sla.apply(category.sla) if rule is not None and rule.sla else category.sla
    modifier_ids = []
    for modifier in category.modifiers:
        if _matches(modifier.when, facts):
            modifier_ids.append(f"{report.category}/{modifier.id}")
            if modifier.priority is not None:
                priority = highest((priority, modifier.priority))
            if modifier.sla is not None:
                sla = modifier.sla.apply(sla)
            reasons.append(f"modifikasi {report.category}/{modifier.id}")
    handler, owner = units.ref(handler_id), units.ref(owner_id)
    reasons.append(f"penanggung jawab: {handler.name} ({handler.id})")
    reasons.append(f"pemilik ({owner_rule.value}): {owner.name} ({owner.id})")
    deadlines = compute_deadlines(sla, now, rulebook.calendar)
    if not deadlines.calendar_covered:
        reasons.append("kalender libur tidak mencakup tenggat: hanya akhir pekan yang dilewati")
    border = location.border_distance_m if location else None
    return RoutingDecision(
        category=report.category,
        point=report.point,
        area=AreaRef.of(location) if location else None,
        owner=owner,
        handler=handler,
        copied=tuple(units.ref(u) for u in copied_ids),
        priority=priority,
        emergency=category.emergency,
        rule_id=rule_id,
        modifier_ids=tuple(modifier_ids),
        rules_version=rulebook.version,
        units_version=units.version,
        reasons=tuple(reasons),
        coastal_snap_m=location.snap_distance_m if location and location.snapped else None,
        border_distance_m=border,
        border_ambiguous=border is not None and border < rulebook.settings.border_ambiguity_m,
        road=facts.road,
        special_areas=areas,
        escalation_chain=units.chain_above(owner_id),
        sla=sla,
        deadlines=deadlines,
        dedup=category.dedup,
        decided_at=now,
    )


# -- location ---------------------------------------------------------------------


def _locate(
    category: str,
    point: Point | None,
    areas: tuple[str, ...],
    geography: Geography,
    rulebook: RuleBook,
    reasons: list[str],
) -> Location | Rejection | None:
    if point is None:
        reasons.append("laporan tanpa titik lokasi")
        return None
    settings = rulebook.settings
    located = geography.locate(point, coastal_margin_m=settings.coastal_margin_m)
    if isinstance(located, OutsideJurisdiction):
        port = next((a for a in areas if rulebook.areas[a].kelurahan_kode is not None), None)
        if port is None:
            return _outside(category, located, geography, rulebook)
        area = rulebook.areas[port]
        assert area.kelurahan_kode is not None
        location = geography.assign(point, area.kelurahan_kode)
        reasons.append(
            f"titik di area {area.name}, {location.snap_distance_m:.0f} m di luar garis pantai: "
            f"dimasukkan ke {location.kelurahan.display_name}"
        )
    else:
        location = located
        if location.snapped:
            reasons.append(
                f"titik {location.snap_distance_m:.0f} m di luar poligon (batas pesisir "
                f"{settings.coastal_margin_m:.0f} m): dimasukkan ke kelurahan terdekat"
            )
    reasons.append(_where(location))
    border = location.border_distance_m
    if border is not None and border < settings.border_ambiguity_m:
        reasons.append(
            f"titik {border:.0f} m dari batas kelurahan (< {settings.border_ambiguity_m:.0f} m): "
            "wilayah bisa ambigu"
        )
    for area_id in areas:
        reasons.append(f"titik di area khusus {rulebook.areas[area_id].name} ({area_id})")
    return location


def _outside(
    category: str, located: OutsideJurisdiction, geography: Geography, rulebook: RuleBook
) -> Rejection:
    nearest = located.nearest
    return Rejection(
        reason=RejectionReason.OUTSIDE_JURISDICTION,
        category=category,
        detail=(
            f"titik di luar Kota Cilegon: {located.distance_m:.0f} m dari "
            f"{nearest.display_name} (batas pesisir {rulebook.settings.coastal_margin_m:.0f} m)"
        ),
        rules_version=rulebook.version,
        nearest=AreaRef(
            kelurahan_kode=nearest.kode,
            kelurahan_name=nearest.name,
            kecamatan_kode=nearest.kecamatan_kode,
            kecamatan_name=geography.kecamatan(nearest.kecamatan_kode).name,
        ),
        distance_m=located.distance_m,
    )


def _where(location: Location) -> str:
    text = f"titik di {location.kelurahan.display_name}, {location.kecamatan.display_name}"
    if location.border_distance_m is not None and location.border_neighbour is not None:
        text += (
            f" (jarak ke batas {location.border_neighbour.display_name} "
            f"{location.border_distance_m:.0f} m)"
        )
    return text


def _road_reason(road: NearestRoad | None, limit_m: float) -> str:
    if road is None:
        return f"tidak ada jalan dalam {limit_m:.0f} m"
    name = f" '{road.road.name}'" if road.road.name else ""
    return f"jalan terdekat: {road.status.value}{name}, {road.distance_m:.0f} m → {road.owner}"


# -- rules ------------------------------------------------------------------------


def _normalise_answers(answers: Mapping[str, Answer]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for question, value in answers.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, str):
            out[question] = frozenset({value})
        elif isinstance(value, bool | int | float):
            out[question] = frozenset({str(value).lower()})
        else:
            out[question] = frozenset(str(v) for v in value)
    return out


def _matches(condition: Condition, facts: _Facts) -> bool:
    if condition.road_status is not None and (
        facts.road is None or facts.road.status not in condition.road_status
    ):
        return False
    if condition.no_road_nearby and facts.road is not None:
        return False
    for question, accepted in (condition.answers or {}).items():
        given = facts.answers.get(question)
        if given is None:
            if None not in accepted:
                return False
        elif not given & {v for v in accepted if v is not None}:
            return False
    if condition.area is not None and not facts.areas.intersection(condition.area):
        return False
    return condition.time_of_day is None or condition.time_of_day.contains(facts.local_time.time())


def _condition_note(rule: SubRule | None, facts: _Facts) -> str:
    if rule is None:
        return ""
    notes = []
    for question in rule.when.answers or {}:
        given = facts.answers.get(question)
        notes.append(f"jawaban {question} = {', '.join(sorted(given)) if given else '-'}")
    if rule.when.time_of_day is not None:
        notes.append(f"jam lapor {facts.local_time:%H:%M} WIB")
    return f": {'; '.join(notes)}" if notes else ""


def _pick(rule: SubRule | None, name: str, default: str) -> str:
    value = getattr(rule, name, None) if rule is not None else None
    return value if isinstance(value, str) else default


def _pick_copy(rule: SubRule | None, category: CategoryRule) -> tuple[str, ...]:
    if rule is not None and rule.copied is not None:
        return rule.copied
    return category.copied


def _resolve(template: str, location: Location | None, units: UnitRegistry) -> str | None:
    if template == KELURAHAN_OF_POINT:
        return units.kelurahan_id(location.kelurahan.kode) if location else None
    if template == KECAMATAN_OF_POINT:
        return units.kecamatan_id(location.kecamatan.kode) if location else None
    if template == POLSEK_OF_POINT:
        return units.polsek_for_kecamatan(location.kecamatan.kode) if location else None
    return template


def _owner(rule: OwnerRule, handler_id: str, location: Location | None, units: UnitRegistry) -> str:
    if rule is OwnerRule.POLICE:
        if units.unit(handler_id).is_police:
            return handler_id
        return units.polsek_for_kecamatan(location.kecamatan.kode) if location else POLRES
    if location is None or rule is OwnerRule.COMMAND_CENTER:
        return COMMAND_CENTER
    if rule is OwnerRule.KECAMATAN:
        return units.kecamatan_id(location.kecamatan.kode)
    return units.kelurahan_id(location.kelurahan.kode)


def _copied(
    templates: Sequence[str], location: Location | None, units: UnitRegistry, exclude: set[str]
) -> list[str]:
    out: list[str] = []
    for template in templates:
        unit_id = _resolve(template, location, units)
        if unit_id is not None and unit_id not in exclude and unit_id not in out:
            out.append(unit_id)
    return out
