"""Commands on ``incident.commands``: requests to routing, the incident's single writer.

Sent by dashboard-api (operators, citizens following their report) and by the
agency adapters. Routing answers each with the resulting incident event or with
``command.rejected``. ``command_id`` is the idempotency key: a command routing
has already applied is not applied twice.

What the models check is the shape of one command. Whether it is allowed (the
status transition, the actor's unit and role, the citizen's reopen window) needs
the incident's state and is routing's decision.
"""

from datetime import timedelta
from typing import Annotated, ClassVar, Self

from pydantic import Field, StringConstraints, model_validator

from tanggap.schemas.common import (
    CE_TYPE_PREFIX,
    CategoryCode,
    Command,
    GeoPoint,
    IncidentId,
    LongText,
    MediaId,
    Priority,
    RejectionReasonCode,
    ShortText,
    UnitId,
    check_rejection_details,
)

_COMMAND = CE_TYPE_PREFIX + "command."

CITIZEN_REOPEN_WINDOW = timedelta(days=14)
"""A citizen may reopen their incident until this long after it was resolved."""


class AcknowledgeIncident(Command):
    ce_type: ClassVar[str] = _COMMAND + "acknowledge"

    note: LongText | None = None


class StartIncident(Command):
    """Work (or the field check) has started: the SLA's first action."""

    ce_type: ClassVar[str] = _COMMAND + "start"

    note: LongText | None = None


class ResolveIncident(Command):
    ce_type: ClassVar[str] = _COMMAND + "resolve"

    note: LongText = Field(description="What was done, shown to the citizen")
    proof_media_ids: list[MediaId] = Field(default_factory=list)


class RejectIncident(Command):
    ce_type: ClassVar[str] = _COMMAND + "reject"

    reason_code: RejectionReasonCode
    suggested_unit_id: UnitId | None = None
    duplicate_of: IncidentId | None = None
    note: LongText

    @model_validator(mode="after")
    def _details_fit_reason(self) -> Self:
        check_rejection_details(
            self.reason_code, self.duplicate_of, self.suggested_unit_id is not None
        )
        if self.duplicate_of == self.incident_id:
            raise ValueError("an incident cannot duplicate itself")
        return self


class ReassignIncident(Command):
    """Re-dispose the incident to another handler (the owner's decision)."""

    ce_type: ClassVar[str] = _COMMAND + "reassign"

    to_unit_id: UnitId
    reason: ShortText


class CommentIncident(Command):
    ce_type: ClassVar[str] = _COMMAND + "comment"

    text: LongText


class ReopenIncident(Command):
    """The problem is back or was not fixed. A citizen may do this within
    ``CITIZEN_REOPEN_WINDOW`` of the resolution (``reopen_window_expired``)."""

    ce_type: ClassVar[str] = _COMMAND + "reopen"

    reason: LongText


class LinkExternalReference(Command):
    """Record an agency's own reference, e.g. a police report number."""

    ce_type: ClassVar[str] = _COMMAND + "link_external_reference"

    reference: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    agency_unit_id: UnitId


class OpenIncident(Command):
    """Open an incident without a citizen report (command center, BMKG adapter).

    The sender chooses ``incident_id``; routing deduplicates on ``dedup_key`` (e.g.
    ``bmkg:<event_key>``), so an adapter that sees the same earthquake in two
    feeds opens one incident.
    """

    ce_type: ClassVar[str] = _COMMAND + "open"

    category: CategoryCode
    location: GeoPoint
    priority: Priority
    description_public: LongText
    dedup_key: Annotated[str, StringConstraints(min_length=1, max_length=200)]
