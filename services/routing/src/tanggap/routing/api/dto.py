"""HTTP DTOs: what ``/v1/route/explain`` and ``/v1/rules`` take and answer.

These are neither events nor domain objects; ``from_*`` functions build them
from the domain's answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from tanggap.routing.domain.decide import AreaRef, Rejection, RoutingDecision
from tanggap.routing.domain.units import UnitRef
from tanggap.routing.rulesource import Reloaded

_IN = ConfigDict(extra="forbid", frozen=True)

CategoryCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
AnswerCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class ExplainRequest(BaseModel):
    """A hypothetical report: nothing is emitted or stored."""

    model_config = _IN

    category: CategoryCode = Field(max_length=64, examples=["jalan-rusak"])
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False, examples=[-6.0175])
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False, examples=[106.0521])
    answers: dict[AnswerCode, str | list[str] | float] = Field(
        default_factory=dict, max_length=50, examples=[{"status_jalan": "kota"}]
    )
    reported_at: AwareDatetime | None = Field(
        None, description="Time-of-day rules use it; default now"
    )


class UnitRead(BaseModel):
    id: str
    type: str
    name: str

    @classmethod
    def of(cls, unit: UnitRef) -> UnitRead:
        return cls(id=unit.id, type=unit.type.value, name=unit.name)


class AreaRead(BaseModel):
    kelurahan_kode: str
    kelurahan_name: str
    kecamatan_kode: str
    kecamatan_name: str

    @classmethod
    def of(cls, area: AreaRef) -> AreaRead:
        return cls(
            kelurahan_kode=area.kelurahan_kode,
            kelurahan_name=area.kelurahan_name,
            kecamatan_kode=area.kecamatan_kode,
            kecamatan_name=area.kecamatan_name,
        )


class RoadRead(BaseModel):
    status: str
    owner: str
    name: str | None
    distance_m: float


class DeadlinesRead(BaseModel):
    acknowledge_by: datetime | None
    first_action_by: datetime | None
    resolve_by: datetime | None
    calendar_covered: bool


class DedupRead(BaseModel):
    radius_m: float
    window: str


class DecisionRead(BaseModel):
    area: AreaRead | None
    owner: UnitRead
    handler: UnitRead
    copied: list[UnitRead]
    priority: str
    emergency: bool
    rule_id: str
    modifier_ids: list[str]
    rules_version: str
    units_version: str
    reasons: list[str]
    coastal_snap_m: float | None
    border_distance_m: float | None
    border_ambiguous: bool
    road: RoadRead | None
    special_areas: list[str]
    escalation_chain: list[str]
    deadlines: DeadlinesRead
    dedup: DedupRead

    @classmethod
    def of(cls, d: RoutingDecision) -> DecisionRead:
        road = d.road
        return cls(
            area=AreaRead.of(d.area) if d.area else None,
            owner=UnitRead.of(d.owner),
            handler=UnitRead.of(d.handler),
            copied=[UnitRead.of(u) for u in d.copied],
            priority=d.priority.value,
            emergency=d.emergency,
            rule_id=d.rule_id,
            modifier_ids=list(d.modifier_ids),
            rules_version=d.rules_version,
            units_version=d.units_version,
            reasons=list(d.reasons),
            coastal_snap_m=d.coastal_snap_m,
            border_distance_m=d.border_distance_m,
            border_ambiguous=d.border_ambiguous,
            road=(
                RoadRead(
                    status=road.status.value,
                    owner=road.owner,
                    name=road.road.name,
                    distance_m=road.distance_m,
                )
                if road
                else None
            ),
            special_areas=list(d.special_areas),
            escalation_chain=list(d.escalation_chain),
            deadlines=DeadlinesRead(
                acknowledge_by=d.deadlines.acknowledge_by,
                first_action_by=d.deadlines.first_action_by,
                resolve_by=d.deadlines.resolve_by,
                calendar_covered=d.deadlines.calendar_covered,
            ),
            dedup=DedupRead(radius_m=d.dedup.radius_m, window=str(d.dedup.window)),
        )


class RejectionRead(BaseModel):
    reason: str
    detail: str
    nearest: AreaRead | None
    distance_m: float | None

    @classmethod
    def of(cls, r: Rejection) -> RejectionRead:
        return cls(
            reason=r.reason.value,
            detail=r.detail,
            nearest=AreaRead.of(r.nearest) if r.nearest else None,
            distance_m=r.distance_m,
        )


class ExplainResponse(BaseModel):
    outcome: Literal["routed", "rejected"]
    rules_version: str
    decision: DecisionRead | None = None
    rejection: RejectionRead | None = None

    @classmethod
    def of(cls, result: RoutingDecision | Rejection) -> ExplainResponse:
        if isinstance(result, Rejection):
            return cls(
                outcome="rejected",
                rules_version=result.rules_version,
                rejection=RejectionRead.of(result),
            )
        return cls(
            outcome="routed", rules_version=result.rules_version, decision=DecisionRead.of(result)
        )


class RulesRead(BaseModel):
    version: str
    units_version: str
    categories: list[str]


class RulesReloaded(BaseModel):
    version: str
    previous_version: str
    units_version: str
    categories: int

    @classmethod
    def of(cls, r: Reloaded) -> RulesReloaded:
        return cls(
            version=r.version,
            previous_version=r.previous_version,
            units_version=r.units_version,
            categories=r.categories,
        )
