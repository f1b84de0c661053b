"""What an operator may ask routing to do with an incident, and the command
that asks it.

Routing is the authority (single writer): it checks each command against the
incident's state and the sender and may refuse it with a reason. The dashboard
checks first what it can know without the aggregate — the caller's role and
unit — so that a viewer or an uninvolved unit never puts a command on the bus.
``suggested_actions`` adds the status, as a hint for buttons, never as a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tanggap.dashboard.domain.roles import Principal, Role, parent_units
from tanggap.dashboard.domain.scope import IncidentFacts
from tanggap.schemas.commands import (
    AcknowledgeIncident,
    CommentIncident,
    ReassignIncident,
    RejectIncident,
    ResolveIncident,
    StartIncident,
)
from tanggap.schemas.common import Actor, ActorKind, Command, IncidentStatus, RejectionReasonCode


class Action(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    START = "start"
    RESOLVE = "resolve"
    REJECT = "reject"
    REASSIGN = "reassign"
    COMMENT = "comment"


_STATUS_HINTS: dict[Action, frozenset[IncidentStatus]] = {
    Action.ACKNOWLEDGE: frozenset({IncidentStatus.OPEN}),
    Action.START: frozenset({IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED}),
    Action.RESOLVE: frozenset({IncidentStatus.ACKNOWLEDGED, IncidentStatus.IN_PROGRESS}),
    Action.REJECT: frozenset({IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED}),
    Action.REASSIGN: frozenset(
        {IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED, IncidentStatus.IN_PROGRESS}
    ),
    Action.COMMENT: frozenset(IncidentStatus),
}


def may_act(principal: Principal, action: Action, incident: IncidentFacts) -> bool:
    """Whether the caller may send this command for an incident in its scope.

    Work on the incident is for its assigned units (owner, handler) and the
    owner's parent; re-disposing it is the owner's (or its parent's) decision;
    anyone involved may comment. The command center may do all of it.
    """
    if principal.role is Role.VIEWER:
        return False
    if principal.role is Role.COMMAND_CENTER:
        return True
    unit = principal.unit_id
    owner_parents = parent_units(incident.owner_unit_id)
    if action is Action.COMMENT:
        return True
    if action is Action.REASSIGN:
        return unit == incident.owner_unit_id or unit in owner_parents
    return unit in incident.assigned or unit in owner_parents


def suggested_actions(
    principal: Principal, incident: IncidentFacts, status: IncidentStatus
) -> list[Action]:
    return [
        action
        for action in Action
        if may_act(principal, action, incident) and status in _STATUS_HINTS[action]
    ]


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """An operator's request, already validated field by field by the API."""

    action: Action
    note: str | None = None
    proof_media_ids: tuple[str, ...] = ()
    reason_code: RejectionReasonCode | None = None
    suggested_unit_id: str | None = None
    duplicate_of: str | None = None
    to_unit_id: str | None = None
    reason: str | None = None
    text: str | None = None


def actor_of(principal: Principal) -> Actor:
    return Actor(
        kind=ActorKind.OPERATOR,
        id=principal.user_id,
        unit_id=principal.unit_id,
        role=principal.role.actor_role,
    )


_COMMANDS: dict[Action, type[Command]] = {
    Action.ACKNOWLEDGE: AcknowledgeIncident,
    Action.START: StartIncident,
    Action.RESOLVE: ResolveIncident,
    Action.REJECT: RejectIncident,
    Action.REASSIGN: ReassignIncident,
    Action.COMMENT: CommentIncident,
}

_FIELDS: dict[Action, tuple[str, ...]] = {
    Action.ACKNOWLEDGE: ("note",),
    Action.START: ("note",),
    Action.RESOLVE: ("note", "proof_media_ids"),
    Action.REJECT: ("reason_code", "suggested_unit_id", "duplicate_of", "note"),
    Action.REASSIGN: ("to_unit_id", "reason"),
    Action.COMMENT: ("text",),
}


def build_command(
    request: ActionRequest,
    *,
    principal: Principal,
    incident_id: str,
    command_id: str,
    issued_at: datetime,
) -> Command:
    """The command model for a request; pydantic raises ValidationError when a
    field the command needs is missing or does not fit (mapped to 422)."""
    fields: dict[str, object] = {
        "command_id": command_id,
        "incident_id": incident_id,
        "actor": actor_of(principal),
        "issued_at": issued_at,
    }
    for name in _FIELDS[request.action]:
        value = getattr(request, name)
        if value is not None:
            fields[name] = list(value) if isinstance(value, tuple) else value
    return _COMMANDS[request.action].model_validate(fields)
