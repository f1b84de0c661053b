"""Commands on an incident, who sends them, and why one may be refused."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tanggap.routing.domain.decide import RoutingDecision


class ActorKind(StrEnum):
    UNIT = "unit"
    CITIZEN = "citizen"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sends a command: a unit's operator, a citizen (by report id) or the system."""

    kind: ActorKind
    #: unit id, the citizen's report id (from the tracking token), or a component name.
    id: str
    #: an opaque operator id inside a unit (for the audit trail only).
    operator: str | None = None

    @classmethod
    def unit(cls, unit_id: str, operator: str | None = None) -> Actor:
        return cls(ActorKind.UNIT, unit_id, operator)

    @classmethod
    def citizen(cls, report_id: str) -> Actor:
        return cls(ActorKind.CITIZEN, report_id)

    @classmethod
    def system(cls, name: str = "routing") -> Actor:
        return cls(ActorKind.SYSTEM, name)


@dataclass(frozen=True, kw_only=True)
class Command:
    command_id: str
    incident_id: str
    actor: Actor


@dataclass(frozen=True, kw_only=True)
class AcknowledgeIncident(Command):
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class StartIncident(Command):
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class ResolveIncident(Command):
    note: str
    proof_photo_ids: tuple[str, ...] = ()


class RejectReason(StrEnum):
    DUPLICATE = "duplicate"
    NOT_OUR_AUTHORITY = "not_our_authority"
    INVALID = "invalid"


@dataclass(frozen=True, kw_only=True)
class RejectIncident(Command):
    reason: RejectReason
    note: str | None = None
    duplicate_of: str | None = None
    #: For not_our_authority: who should take it (a unit id, or a body outside the registry).
    suggested_unit: str | None = None


class AssignmentRole(StrEnum):
    HANDLER = "handler"
    OWNER = "owner"


@dataclass(frozen=True, kw_only=True)
class ReassignIncident(Command):
    to_unit: str
    reason: str
    role: AssignmentRole = AssignmentRole.HANDLER


@dataclass(frozen=True, kw_only=True)
class CommentOnIncident(Command):
    text: str


@dataclass(frozen=True, kw_only=True)
class ReopenIncident(Command):
    reason: str


@dataclass(frozen=True, kw_only=True)
class CloseIncident(Command):
    """Close a resolved incident: the command center, or the system once the
    close delay after resolution has passed; nothing beyond who asked and when."""


@dataclass(frozen=True, kw_only=True)
class OpenIncident(Command):
    """Explicit open (BMKG adapter, command center); idempotent per ``dedup_key``."""

    decision: RoutingDecision
    dedup_key: str | None = None
    title: str | None = None


@dataclass(frozen=True, kw_only=True)
class LinkReference(Command):
    unit: str
    reference: str


class RejectionCode(StrEnum):
    INCIDENT_NOT_FOUND = "incident_not_found"
    INVALID_TRANSITION = "invalid_transition"
    NOT_PERMITTED = "not_permitted"
    INVALID_COMMAND = "invalid_command"
    DUPLICATE_COMMAND = "duplicate_command"
    REOPEN_WINDOW_EXPIRED = "reopen_window_expired"


@dataclass(frozen=True, slots=True)
class CommandRejection:
    command_id: str
    incident_id: str
    code: RejectionCode
    detail: str
