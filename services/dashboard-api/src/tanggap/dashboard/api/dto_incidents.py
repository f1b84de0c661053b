"""HTTP shapes of incidents (never the ORM rows, never the events), and how a
row becomes one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.domain.actions import Action
from tanggap.dashboard.domain.scope import reporter_contact_shown
from tanggap.schemas.common import (
    IncidentStatus,
    LongText,
    MediaId,
    Priority,
    Privacy,
    RejectionReasonCode,
    ShortText,
    UnitId,
    Uuid,
)


class AreaRead(BaseModel):
    kode: str
    name: str


class UnitRead(BaseModel):
    id: str
    type: str
    name: str


class PointRead(BaseModel):
    lat: float
    lon: float


class SlaRead(BaseModel):
    acknowledge_by: datetime
    first_action_by: datetime
    resolve_by: datetime | None


class IncidentSummary(BaseModel):
    id: str
    sequence: int
    category: str
    status: IncidentStatus
    priority: Priority
    location: PointRead
    kelurahan: AreaRead
    kecamatan: AreaRead
    owner: UnitRead
    handler: UnitRead
    report_count: int
    opened_at: datetime
    acknowledged_at: datetime | None
    first_action_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    sla: SlaRead
    next_deadline: datetime | None
    overdue: bool
    escalation_level: int
    description_public: str | None
    updated_at: datetime


class IncidentPage(BaseModel):
    items: list[IncidentSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end"
    )


class ReporterRead(BaseModel):
    name: str | None
    phone: str | None
    email: str | None


class MediaRead(BaseModel):
    media_id: str
    content_type: str | None = None
    url: str


class ReportRead(BaseModel):
    """A citizen's report. ``content_visible`` false: the caller may not read the
    citizen's words, photos or contact, and they are absent (not just hidden)."""

    id: str
    status: str
    submitted_at: datetime | None
    category: str | None
    channel: str | None
    privacy: str | None
    merged: bool | None
    content_visible: bool
    description: str | None = None
    address_text: str | None = None
    answers: dict[str, Any] | None = None
    location: PointRead | None = None
    media: list[MediaRead] = Field(default_factory=list)
    reporter: ReporterRead | None = None


class UnroutedReport(ReportRead):
    needs_manual_location: bool | None
    rejection_reason: str | None
    rejection_detail: str | None


class ActorRead(BaseModel):
    kind: str
    id: str
    unit_id: str | None
    role: str | None


class TimelineEntry(BaseModel):
    event_id: str
    sequence: int
    type: str
    occurred_at: datetime
    actor: ActorRead
    command_id: str | None
    note: str | None
    data: dict[str, Any]


class AssignmentRead(BaseModel):
    sequence: int
    occurred_at: datetime
    owner_unit_id: str
    handler_unit_id: str
    previous_owner_unit_id: str | None
    previous_handler_unit_id: str | None
    reason: str | None


class EscalationRead(BaseModel):
    sequence: int
    occurred_at: datetime
    level: int
    from_unit_id: str
    from_unit_name: str
    to_unit_id: str
    to_unit_name: str
    clock: str
    missed_deadline: datetime | None


class DeliveryRead(BaseModel):
    agency_unit_id: str
    state: str
    attempt: int
    agency_reference: str | None
    reason: str | None
    at: datetime


class IncidentDetail(IncidentSummary):
    copied: list[UnitRead]
    handler_sla: SlaRead | None
    external_refs: dict[str, str]
    rule_id: str | None
    reports: list[ReportRead]
    proof_media: list[MediaRead]
    timeline: list[TimelineEntry]
    assignments: list[AssignmentRead]
    escalations: list[EscalationRead]
    deliveries: list[DeliveryRead]
    personal_data_visible: bool
    allowed_actions: list[Action]


# ---------------------------------------------------------------- actions (request bodies)


class AcknowledgeBody(BaseModel):
    note: LongText | None = None


class StartBody(BaseModel):
    note: LongText | None = None


class ResolveBody(BaseModel):
    note: LongText = Field(description="What was done; shown to the citizen")
    proof_media_ids: list[MediaId] = Field(default_factory=list, max_length=10)


class RejectBody(BaseModel):
    reason_code: RejectionReasonCode
    note: LongText
    suggested_unit_id: UnitId | None = None
    duplicate_of: Uuid | None = None


class ReassignBody(BaseModel):
    to_unit_id: UnitId
    reason: ShortText


class CommentBody(BaseModel):
    text: LongText


class AppliedEvent(BaseModel):
    event_id: str
    type: str
    sequence: int
    occurred_at: datetime


class ActionAnswer(BaseModel):
    """``applied``: routing carried the command out (``event``); ``pending``:
    routing did not answer within the wait — the command is on the bus and
    its outcome will show in the incident's timeline."""

    outcome: Literal["applied", "pending"]
    command_id: str
    event: AppliedEvent | None
    incident: IncidentSummary


IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=200)]


# ---------------------------------------------------------------- mapping


def _unit(row: AnyRow, prefix: str) -> UnitRead:
    m = row._mapping
    return UnitRead(id=m[f"{prefix}_unit_id"], type=m[f"{prefix}_type"], name=m[f"{prefix}_name"])


def summary_of(row: AnyRow, now: datetime) -> IncidentSummary:
    deadline = row.next_deadline
    return IncidentSummary(
        id=row.incident_id,
        sequence=row.sequence,
        category=row.category,
        status=row.status,
        priority=row.priority,
        location=PointRead(lat=row.lat, lon=row.lon),
        kelurahan=AreaRead(kode=row.kelurahan_kode, name=row.kelurahan_name),
        kecamatan=AreaRead(kode=row.kecamatan_kode, name=row.kecamatan_name),
        owner=_unit(row, "owner"),
        handler=_unit(row, "handler"),
        report_count=row.report_count,
        opened_at=row.opened_at,
        acknowledged_at=row.acknowledged_at,
        first_action_at=row.first_action_at,
        resolved_at=row.resolved_at,
        closed_at=row.closed_at,
        sla=SlaRead(
            acknowledge_by=row.sla_acknowledge_by,
            first_action_by=row.sla_first_action_by,
            resolve_by=row.sla_resolve_by,
        ),
        next_deadline=deadline,
        overdue=deadline is not None and now > deadline,
        escalation_level=row.escalation_level,
        description_public=row.description_public,
        updated_at=row.updated_at,
    )


def media_url(base_url: str, media_id: str) -> str:
    """Photos stay with intake, which serves them; the dashboard only links."""
    return f"{base_url.rstrip('/')}/v1/media/{media_id}"


def report_of(row: AnyRow, *, content: bool, media_base_url: str) -> ReportRead:
    base = ReportRead(
        id=row.report_id,
        status=row.status,
        submitted_at=row.submitted_at,
        category=row.category,
        channel=row.channel,
        privacy=row.privacy,
        merged=row.merged,
        content_visible=content,
    )
    if not content:
        return base
    show_contact = row.privacy is not None and reporter_contact_shown(Privacy(row.privacy))
    has_contact = any((row.reporter_name, row.reporter_phone, row.reporter_email))
    return base.model_copy(
        update={
            "description": row.description,
            "address_text": row.address_text,
            "answers": row.answers,
            "location": PointRead(lat=row.lat, lon=row.lon) if row.lat is not None else None,
            "media": [
                MediaRead(
                    media_id=m["media_id"],
                    content_type=m.get("content_type"),
                    url=media_url(media_base_url, m["media_id"]),
                )
                for m in row.media
            ],
            "reporter": ReporterRead(
                name=row.reporter_name, phone=row.reporter_phone, email=row.reporter_email
            )
            if show_contact and has_contact
            else None,
        }
    )


def _timeline_entry(row: AnyRow) -> TimelineEntry:
    return TimelineEntry(
        event_id=row.event_id,
        sequence=row.sequence,
        type=row.type,
        occurred_at=row.occurred_at,
        actor=ActorRead(
            kind=row.actor_kind, id=row.actor_id, unit_id=row.actor_unit_id, role=row.actor_role
        ),
        command_id=row.command_id,
        note=row.note,
        data=row.data,
    )


def detail_of(detail: Any, now: datetime, media_base_url: str) -> IncidentDetail:
    """``detail`` is the service's IncidentDetail (rows and decisions)."""
    row = detail.row
    history = detail.history
    timeline = [_timeline_entry(r) for r in history["timeline"]]
    proof = [
        MediaRead(media_id=media_id, url=media_url(media_base_url, media_id))
        for entry in timeline
        if entry.type == "resolved"
        for media_id in entry.data.get("proof_media_ids", [])
    ]
    handler_sla = row.handler_sla
    return IncidentDetail(
        **summary_of(row, now).model_dump(),
        copied=[UnitRead(**unit) for unit in row.copied],
        handler_sla=SlaRead(**handler_sla) if handler_sla else None,
        external_refs=row.external_refs,
        rule_id=row.rule_id,
        reports=[
            report_of(r, content=detail.personal_data_visible, media_base_url=media_base_url)
            for r in detail.reports
        ],
        proof_media=proof,
        timeline=timeline,
        assignments=[
            AssignmentRead.model_validate(r, from_attributes=True) for r in history["assignments"]
        ],
        escalations=[
            EscalationRead.model_validate(r, from_attributes=True) for r in history["escalations"]
        ],
        deliveries=[
            DeliveryRead.model_validate(r, from_attributes=True) for r in history["deliveries"]
        ],
        personal_data_visible=detail.personal_data_visible,
        allowed_actions=detail.allowed_actions,
    )


def unrouted_of(row: AnyRow, media_base_url: str) -> UnroutedReport:
    report = report_of(row, content=True, media_base_url=media_base_url)
    return UnroutedReport(
        **report.model_dump(),
        needs_manual_location=row.needs_manual_location,
        rejection_reason=row.rejection_reason,
        rejection_detail=row.rejection_detail,
    )
