"""Events of the incident aggregate (past tense; ``event_type`` names the CloudEvent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from tanggap.routing.domain.commands import Actor, AssignmentRole, RejectReason
from tanggap.routing.domain.decide import AreaRef
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.priority import Priority
from tanggap.routing.domain.sla import SlaClock, SlaDeadlines, SlaPolicy


class IncidentStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"


ACTIVE = frozenset({IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED, IncidentStatus.IN_PROGRESS})


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    event_type: ClassVar[str] = "incident.event"

    incident_id: str
    sequence: int
    occurred_at: datetime
    command_id: str | None = None
    actor: Actor | None = None


@dataclass(frozen=True, kw_only=True)
class IncidentOpened(DomainEvent):
    event_type: ClassVar[str] = "incident.opened"

    category: str
    point: Point | None
    area: AreaRef | None
    owner: str
    handler: str
    copied: tuple[str, ...]
    priority: Priority
    emergency: bool
    rule_id: str
    rules_version: str
    sla: SlaPolicy
    deadlines: SlaDeadlines
    escalation_chain: tuple[str, ...]
    handler_first_action_by: datetime | None
    handler_resolve_by: datetime | None
    report_id: str | None
    dedup_key: str | None
    title: str | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ReportAttached(DomainEvent):
    event_type: ClassVar[str] = "incident.report_attached"

    report_id: str
    report_count: int
    priority: Priority
    previous_priority: Priority
    distance_m: float | None = None


@dataclass(frozen=True, kw_only=True)
class IncidentAcknowledged(DomainEvent):
    event_type: ClassVar[str] = "incident.acknowledged"

    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class IncidentStatusChanged(DomainEvent):
    event_type: ClassVar[str] = "incident.status_changed"

    from_status: IncidentStatus
    to_status: IncidentStatus
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class IncidentResolved(DomainEvent):
    event_type: ClassVar[str] = "incident.resolved"

    note: str
    proof_photo_ids: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class IncidentRejected(DomainEvent):
    event_type: ClassVar[str] = "incident.rejected"

    reason: RejectReason
    note: str | None = None
    duplicate_of: str | None = None
    suggested_unit: str | None = None


@dataclass(frozen=True, kw_only=True)
class IncidentAssigned(DomainEvent):
    event_type: ClassVar[str] = "incident.assigned"

    role: AssignmentRole
    from_unit: str
    to_unit: str
    reason: str
    #: counts towards the transfer ping-pong limit
    transfer: bool
    status: IncidentStatus
    escalation_chain: tuple[str, ...]
    acknowledge_by: datetime | None
    handler_first_action_by: datetime | None
    handler_resolve_by: datetime | None


class EscalationClock(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    FIRST_ACTION = "first_action"
    RESOLVE = "resolve"
    HANDLER = "handler"
    TRANSFERS = "transfers"


@dataclass(frozen=True, kw_only=True)
class IncidentEscalated(DomainEvent):
    event_type: ClassVar[str] = "incident.escalated"

    clock: EscalationClock
    #: which SLA term was missed (for the owner clocks and the handler clock)
    missed: SlaClock | None
    missed_deadline: datetime | None
    from_unit: str
    to_unit: str
    owner_changed: bool
    #: the new owner's fresh deadline for the missed term (same duration from now)
    new_deadline: datetime | None
    escalation_chain: tuple[str, ...]
    reason: str


@dataclass(frozen=True, kw_only=True)
class CommentAdded(DomainEvent):
    event_type: ClassVar[str] = "incident.comment_added"

    text: str


@dataclass(frozen=True, kw_only=True)
class IncidentReopened(DomainEvent):
    event_type: ClassVar[str] = "incident.reopened"

    reason: str
    deadlines: SlaDeadlines
    handler_first_action_by: datetime | None
    handler_resolve_by: datetime | None


@dataclass(frozen=True, kw_only=True)
class IncidentClosed(DomainEvent):
    event_type: ClassVar[str] = "incident.closed"

    automatic: bool


@dataclass(frozen=True, kw_only=True)
class ReferenceLinked(DomainEvent):
    event_type: ClassVar[str] = "incident.reference_linked"

    unit: str
    reference: str
