"""Events about one citizen report: submitted by intake, routed or rejected by routing."""

from enum import StrEnum
from typing import Annotated, ClassVar, Self

from pydantic import Field, StringConstraints, model_validator

from tanggap.schemas.common import (
    CE_TYPE_PREFIX,
    AreaRef,
    CategoryCode,
    Event,
    IncidentId,
    KelurahanRef,
    Location,
    MediaId,
    Privacy,
    ReportId,
    ShortText,
    Slug,
    Timestamp,
    UnitRef,
    Value,
)
from tanggap.schemas.topic_names import Topic


class Channel(StrEnum):
    NATIVE = "native"
    OPEN311 = "open311"
    DEMO = "demo"


class MediaRef(Value):
    """A photo intake stored; the bytes stay with intake, addressed by ``media_id``."""

    media_id: MediaId
    content_type: Annotated[str, StringConstraints(pattern=r"^image/[a-z0-9.+-]+$")]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    width: int = Field(gt=0)
    height: int = Field(gt=0)


class Reporter(Value):
    """Contact details the citizen chose to give. Personal data."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+[1-9]\d{6,14}$")] | None = Field(
        default=None, description="E.164, e.g. +6281234567890"
    )
    email: (
        Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
        | None
    ) = None


AnswerCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
ExternalMediaUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2000)]
Answer = str | list[str] | float


class ReportSubmitted(Event):
    """A citizen's report, accepted by intake. The source of truth of every report
    and the only event that carries personal data (``reporter``, and free text in
    ``description`` / ``address_text``): only intake, routing and dashboard-api
    may read ``reports.submitted``."""

    ce_type: ClassVar[str] = CE_TYPE_PREFIX + "report.submitted"
    topic: ClassVar[Topic] = Topic.REPORTS_SUBMITTED

    report_id: ReportId
    submitted_at: Timestamp
    category: CategoryCode
    description: Annotated[str, StringConstraints(max_length=4000)]
    location: Location | None = Field(
        description="None only for an Open311 request intake could not place"
    )
    needs_manual_location: bool = False
    address_text: ShortText | None = None
    area_key: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        description="Kafka key, computed at intake by tanggap.schemas.keys.area_key; "
        "recorded, never recomputed by readers"
    )
    media: list[MediaRef] = Field(default_factory=list)
    media_urls: list[ExternalMediaUrl] = Field(
        default_factory=list,
        max_length=5,
        description="Photos an Open311 client hosts itself (its media_url); intake does "
        "not fetch them",
    )
    answers: dict[AnswerCode, Answer] = Field(default_factory=dict)
    reporter: Reporter | None = None
    privacy: Privacy
    channel: Channel
    client_id: Slug | None = None

    @model_validator(mode="after")
    def _located_or_flagged(self) -> Self:
        if self.location is None:
            if not self.needs_manual_location:
                raise ValueError("a report without location must set needs_manual_location")
            if self.channel is not Channel.OPEN311:
                raise ValueError("only an Open311 request may arrive without a location")
        elif self.needs_manual_location:
            raise ValueError("needs_manual_location is only for a report without location")
        return self

    def partition_key(self) -> str:
        return self.area_key


class ReportRouted(Event):
    """Routing placed a report in an area, chose the units and attached it to an
    incident (a new one, or an existing one nearby when ``merged``)."""

    ce_type: ClassVar[str] = CE_TYPE_PREFIX + "report.routed"
    topic: ClassVar[Topic] = Topic.REPORTS_ROUTED

    report_id: ReportId
    incident_id: IncidentId
    area: AreaRef
    owner: UnitRef = Field(description="Accountable for follow-up and the SLA")
    handler: UnitRef = Field(description="Does the work")
    copied: list[UnitRef]
    rule_id: Slug
    rules_version: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    reasons: list[ShortText] = Field(min_length=1, description="Why, for people")
    merged: bool = Field(description="True: attached to an incident that was already open")
    coastal_snap_m: float | None = Field(
        default=None, ge=0, description="Distance moved onto land when the point was at sea"
    )
    border_distance_m: float | None = Field(
        default=None, ge=0, description="Distance to the nearest kelurahan border"
    )
    routed_at: Timestamp

    def partition_key(self) -> str:
        return self.report_id


class ReportRejectionReason(StrEnum):
    OUTSIDE_JURISDICTION = "outside_jurisdiction"
    UNKNOWN_CATEGORY = "unknown_category"
    INVALID_REPORT = "invalid_report"


class ReportRejected(Event):
    """Routing will not open an incident for this report."""

    ce_type: ClassVar[str] = CE_TYPE_PREFIX + "report.rejected"
    topic: ClassVar[Topic] = Topic.REPORTS_ROUTED

    report_id: ReportId
    reason: ReportRejectionReason
    detail: ShortText
    nearest_kelurahan: KelurahanRef | None = None
    distance_m: float | None = Field(default=None, ge=0)
    rejected_at: Timestamp

    def partition_key(self) -> str:
        return self.report_id
