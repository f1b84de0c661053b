"""Events of the incident aggregate, written only by routing on ``incidents``.

Each carries the incident's ``sequence`` after the event (1 for ``opened``, then
+1 per event), so a projector can drop replays and detect gaps; ``by``: who
caused it (``system`` for timers and automatic decisions); and ``command_id``
when it carries out a command, so the command's sender can match the outcome.

No event here carries personal data: agencies' systems see incidents.
"""

from enum import StrEnum
from typing import Annotated, ClassVar, Self

from pydantic import Field, StringConstraints, model_validator

from tanggap.schemas.common import (
    CE_TYPE_PREFIX,
    Actor,
    AreaRef,
    CategoryCode,
    CommandId,
    Event,
    GeoPoint,
    IncidentId,
    IncidentStatus,
    LongText,
    MediaId,
    Priority,
    RejectionReasonCode,
    ReportId,
    ShortText,
    SlaDeadlines,
    Slug,
    Timestamp,
    UnitId,
    UnitRef,
    check_rejection_details,
)
from tanggap.schemas.topic_names import Topic

_INCIDENT = CE_TYPE_PREFIX + "incident."


class IncidentEvent(Event):
    """Fields every incident event has."""

    topic: ClassVar[Topic] = Topic.INCIDENTS

    incident_id: IncidentId
    sequence: int = Field(ge=1, description="The incident's version after this event")
    occurred_at: Timestamp
    by: Actor
    command_id: CommandId | None = Field(
        default=None,
        description="The command on incident.commands this event carries out, if any: "
        "the sender waits for the event (or command.rejected) with its own command_id",
    )

    def partition_key(self) -> str:
        return self.incident_id


class IncidentOpened(IncidentEvent):
    """A new incident, from a citizen report (``report_id``) or from an
    ``open`` command of the command center or an adapter (``dedup_key``)."""

    ce_type: ClassVar[str] = _INCIDENT + "opened"

    category: CategoryCode
    priority: Priority
    location: GeoPoint
    area: AreaRef
    owner: UnitRef
    handler: UnitRef
    copied: list[UnitRef]
    sla: SlaDeadlines
    handler_sla: SlaDeadlines | None = None
    rule_id: Slug
    rules_version: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    report_id: ReportId | None = None
    dedup_key: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    description_public: LongText | None = Field(
        default=None, description="Written for the public by the command center or an adapter"
    )

    @model_validator(mode="after")
    def _first_and_from_one_origin(self) -> Self:
        if self.sequence != 1:
            raise ValueError("incident.opened is the incident's first event: sequence must be 1")
        if (self.report_id is None) == (self.dedup_key is None):
            raise ValueError("set exactly one of report_id (from a report) or dedup_key")
        return self


class IncidentReportAttached(IncidentEvent):
    """Another report of the same problem nearby joined the incident."""

    ce_type: ClassVar[str] = _INCIDENT + "report_attached"

    report_id: ReportId
    report_count: int = Field(ge=1)
    priority: Priority = Field(description="The priority after attaching (may rise)")


class IncidentAssigned(IncidentEvent):
    """The owner and/or handler changed (re-disposition, transfer)."""

    ce_type: ClassVar[str] = _INCIDENT + "assigned"

    owner: UnitRef
    handler: UnitRef
    previous_owner: UnitRef | None = None
    previous_handler: UnitRef | None = None
    handler_sla: SlaDeadlines | None = Field(
        default=None, description="The new handler's own clock"
    )
    reason: ShortText


class IncidentAcknowledged(IncidentEvent):
    """The owner (or the handler for the owner) confirmed it has seen the incident."""

    ce_type: ClassVar[str] = _INCIDENT + "acknowledged"

    note: LongText | None = None


class IncidentStatusChanged(IncidentEvent):
    """A status change no more specific event describes (e.g. work started)."""

    ce_type: ClassVar[str] = _INCIDENT + "status_changed"

    from_status: IncidentStatus
    to_status: IncidentStatus
    note: LongText | None = None

    @model_validator(mode="after")
    def _changes(self) -> Self:
        if self.from_status is self.to_status:
            raise ValueError(f"status does not change: {self.to_status.value}")
        return self


class EscalationClock(StrEnum):
    """Which clock ran out: the owner's three SLA steps, the handler's own clock,
    or a transfer bounced between units too often."""

    ACKNOWLEDGE = "acknowledge"
    FIRST_ACTION = "first_action"
    RESOLVE = "resolve"
    HANDLER = "handler"
    TRANSFER_PING_PONG = "transfer_ping_pong"


class IncidentEscalated(IncidentEvent):
    """The incident went up the chain: kelurahan -> kecamatan -> command center,
    polsek -> polres -> command center."""

    ce_type: ClassVar[str] = _INCIDENT + "escalated"

    level: int = Field(ge=1, description="Escalation level after this event")
    from_unit: UnitRef
    to_unit: UnitRef
    clock: EscalationClock
    missed_deadline: Timestamp | None = None
    sla: SlaDeadlines = Field(description="The new deadlines")


class IncidentResolved(IncidentEvent):
    ce_type: ClassVar[str] = _INCIDENT + "resolved"

    note: LongText
    proof_media_ids: list[MediaId] = Field(default_factory=list)


class CloseReason(StrEnum):
    AUTO_AFTER_RESOLVE = "auto_after_resolve"
    CONFIRMED_BY_CITIZEN = "confirmed_by_citizen"
    REJECTED = "rejected"
    OPERATOR = "operator"


class IncidentClosed(IncidentEvent):
    ce_type: ClassVar[str] = _INCIDENT + "closed"

    reason: CloseReason
    note: LongText | None = None


class IncidentReopened(IncidentEvent):
    ce_type: ClassVar[str] = _INCIDENT + "reopened"

    reason: LongText


class IncidentCommented(IncidentEvent):
    ce_type: ClassVar[str] = _INCIDENT + "commented"

    text: LongText


class IncidentRejected(IncidentEvent):
    """The unit holding the incident refused it."""

    ce_type: ClassVar[str] = _INCIDENT + "rejected"

    reason_code: RejectionReasonCode
    suggested_unit: UnitRef | None = None
    duplicate_of: IncidentId | None = None
    note: LongText

    @model_validator(mode="after")
    def _details_fit_reason(self) -> Self:
        has_suggestion = self.suggested_unit is not None
        check_rejection_details(self.reason_code, self.duplicate_of, has_suggestion)
        if self.duplicate_of == self.incident_id:
            raise ValueError("an incident cannot duplicate itself")
        return self


class IncidentReferenceLinked(IncidentEvent):
    """An agency's own reference for the incident (e.g. a police report number)."""

    ce_type: ClassVar[str] = _INCIDENT + "reference_linked"

    agency_unit_id: UnitId
    reference: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class CommandRejectionCode(StrEnum):
    """Stable codes: clients map them to messages; never rename one."""

    INCIDENT_NOT_FOUND = "incident_not_found"
    INCIDENT_ALREADY_EXISTS = "incident_already_exists"
    INVALID_TRANSITION = "invalid_transition"
    NOT_PERMITTED = "not_permitted"
    INVALID_COMMAND = "invalid_command"
    UNKNOWN_UNIT = "unknown_unit"
    DUPLICATE_COMMAND = "duplicate_command"
    REOPEN_WINDOW_EXPIRED = "reopen_window_expired"


class CommandRejected(Event):
    """Routing refused a command; the incident (if any) did not change."""

    ce_type: ClassVar[str] = CE_TYPE_PREFIX + "command.rejected"
    topic: ClassVar[Topic] = Topic.INCIDENTS

    command_id: CommandId
    command_type: Annotated[str, StringConstraints(pattern=r"^id\.cilegon\.tanggap\.[a-z0-9_.]+$")]
    incident_id: IncidentId
    reason_code: CommandRejectionCode
    detail: ShortText
    actor: Actor
    rejected_at: Timestamp

    def partition_key(self) -> str:
        return self.incident_id
