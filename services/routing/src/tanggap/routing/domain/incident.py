"""The incident aggregate, event-sourced: ``decide`` a command, ``apply`` events.

Lifecycle (statuses)::

    open --acknowledge--> acknowledged --start--> in_progress --resolve--> resolved
      \\______start (counts as acknowledge)______/                           |  \\
       \\_________________resolve / reject (from any active status)_______/  |  close (N days)
                                                                   reopen  <--+   v
                                                   (reporter, 14 days)        closed

``reject`` ends an incident without work (duplicate | not_our_authority |
invalid). ``reassign`` re-disposes the handler (or, with ``role=owner``, moves
accountability to another owner-type unit); the n-th reassignment (default 3rd)
is not carried out: the incident goes to the command center, which triages.

Who may act (``PERMISSIONS``): the owner, the owner's parent (kecamatan for a
kelurahan, polres for a polsek), the command center and the system may do
everything their command needs; the handler may start, resolve, comment and
link references; a citizen may comment on and reopen only an incident that
holds their own report.

Clocks: the owner's acknowledge / first_action / resolve deadlines come from
the routing decision. The handler, when it is not the owner, has its own
first_action and resolve deadlines, started at each (re)assignment and at a
reopen. Escalation lives in ``escalation.py``.

Every event carries ``sequence`` = previous sequence + 1; ``apply`` refuses
anything else. Commands are in ``commands.py``, events in ``events.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from tanggap.routing.domain.commands import (
    AcknowledgeIncident,
    Actor,
    ActorKind,
    AssignmentRole,
    CloseIncident,
    Command,
    CommandRejection,
    CommentOnIncident,
    LinkReference,
    OpenIncident,
    ReassignIncident,
    RejectIncident,
    RejectionCode,
    RejectReason,
    ReopenIncident,
    ResolveIncident,
    StartIncident,
)
from tanggap.routing.domain.decide import AreaRef, RoutingDecision
from tanggap.routing.domain.dedup import OpenIncidentRef
from tanggap.routing.domain.events import (
    ACTIVE,
    CommentAdded,
    DomainEvent,
    EscalationClock,
    IncidentAcknowledged,
    IncidentAssigned,
    IncidentClosed,
    IncidentEscalated,
    IncidentOpened,
    IncidentRejected,
    IncidentReopened,
    IncidentResolved,
    IncidentStatus,
    IncidentStatusChanged,
    ReferenceLinked,
    ReportAttached,
)
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.priority import Priority, PriorityBoost, boosted, highest
from tanggap.routing.domain.rules import DEFAULT_LIFECYCLE, LifecyclePolicy
from tanggap.routing.domain.sla import (
    SlaClock,
    SlaPolicy,
    WorkingCalendar,
    compute_deadlines,
    deadline,
    require_aware,
)
from tanggap.routing.domain.units import COMMAND_CENTER, UnitRegistry

MAX_TEXT = 4000


# -- the aggregate ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EscalationRecord:
    clock: EscalationClock
    missed: SlaClock | None
    deadline: datetime | None
    from_unit: str
    to_unit: str
    at: datetime


@dataclass(frozen=True)
class Incident:
    id: str
    category: str
    status: IncidentStatus
    point: Point | None
    area: AreaRef | None
    owner: str
    escalation_chain: tuple[str, ...]
    handler: str
    copied: tuple[str, ...]
    priority: Priority
    base_priority: Priority
    emergency: bool
    rule_id: str
    rules_version: str
    sla: SlaPolicy
    acknowledge_by: datetime | None
    first_action_by: datetime | None
    resolve_by: datetime | None
    handler_first_action_by: datetime | None
    handler_resolve_by: datetime | None
    opened_at: datetime
    last_report_at: datetime
    report_ids: tuple[str, ...]
    dedup_key: str | None
    sequence: int
    #: The public description an open command gave (command center, BMKG adapter).
    title: str | None = None
    acknowledged_at: datetime | None = None
    started_at: datetime | None = None
    handler_started_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    rejected_at: datetime | None = None
    transfer_count: int = 0
    escalations: tuple[EscalationRecord, ...] = ()
    references: tuple[tuple[str, str], ...] = ()
    resolution_note: str | None = None
    proof_photo_ids: tuple[str, ...] = ()
    rejection_reason: RejectReason | None = None
    duplicate_of: str | None = None
    suggested_unit: str | None = None
    comment_count: int = 0
    reopen_count: int = 0
    seen_command_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def report_count(self) -> int:
        return len(self.report_ids)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    def deadline_for(self, clock: SlaClock) -> datetime | None:
        value: datetime | None = getattr(self, f"{clock.value}_by")
        return value

    def met(self, clock: SlaClock) -> bool:
        if clock is SlaClock.ACKNOWLEDGE:
            return self.acknowledged_at is not None or self.resolved_at is not None
        if clock is SlaClock.FIRST_ACTION:
            return self.started_at is not None or self.resolved_at is not None
        return self.resolved_at is not None

    def handler_deadline_for(self, clock: SlaClock) -> datetime | None:
        if clock is SlaClock.FIRST_ACTION:
            return self.handler_first_action_by
        if clock is SlaClock.RESOLVE:
            return self.handler_resolve_by
        return None

    def handler_met(self, clock: SlaClock) -> bool:
        if clock is SlaClock.FIRST_ACTION:
            return self.handler_started_at is not None or self.resolved_at is not None
        return self.resolved_at is not None

    def escalated(self, clock: EscalationClock, missed: SlaClock | None, when: datetime) -> bool:
        return any(
            r.clock is clock and r.missed is missed and r.deadline == when for r in self.escalations
        )

    def to_open_ref(self) -> OpenIncidentRef | None:
        """The dedup view of this incident (None without a point)."""
        if self.point is None:
            return None
        return OpenIncidentRef(
            id=self.id,
            category=self.category,
            point=self.point,
            opened_at=self.opened_at,
            last_report_at=self.last_report_at,
            status=self.status.value,
            report_count=self.report_count,
        )


# -- opening and attaching (not commands: routing itself does these) ---------------------


def open_incident(
    decision: RoutingDecision,
    *,
    incident_id: str,
    now: datetime,
    report_id: str | None = None,
    dedup_key: str | None = None,
    title: str | None = None,
    command_id: str | None = None,
    actor: Actor | None = None,
) -> IncidentOpened:
    """The first event of an incident, from a routing decision."""
    require_aware(now, "now")
    separate_handler = decision.handler.id != decision.owner.id
    return IncidentOpened(
        incident_id=incident_id,
        sequence=1,
        occurred_at=now,
        command_id=command_id,
        actor=actor,
        category=decision.category,
        point=decision.point,
        area=decision.area,
        owner=decision.owner.id,
        handler=decision.handler.id,
        copied=tuple(u.id for u in decision.copied),
        priority=decision.priority,
        emergency=decision.emergency,
        rule_id=decision.rule_id,
        rules_version=decision.rules_version,
        sla=decision.sla,
        deadlines=decision.deadlines,
        escalation_chain=decision.escalation_chain,
        handler_first_action_by=decision.deadlines.first_action_by if separate_handler else None,
        handler_resolve_by=decision.deadlines.resolve_by if separate_handler else None,
        report_id=report_id,
        dedup_key=dedup_key,
        title=title,
        reasons=decision.reasons,
    )


def attach_report(
    incident: Incident,
    *,
    report_id: str,
    now: datetime,
    boosts: tuple[PriorityBoost, ...],
    distance_m: float | None = None,
) -> list[DomainEvent]:
    """A report joins the incident; priority rises with the report count."""
    require_aware(now, "now")
    if report_id in incident.report_ids or not incident.is_active:
        return []
    count = incident.report_count + 1
    priority = highest((incident.priority, boosted(incident.base_priority, count, boosts)))
    return [
        ReportAttached(
            incident_id=incident.id,
            sequence=incident.sequence + 1,
            occurred_at=now,
            report_id=report_id,
            report_count=count,
            priority=priority,
            previous_priority=incident.priority,
            distance_m=distance_m,
        )
    ]


# -- decide -------------------------------------------------------------------------


class Role(StrEnum):
    OWNER_SIDE = "owner_side"  # the owner, its parent, the command center
    HANDLER = "handler"
    REPORTER = "reporter"  # a citizen whose report is in the incident
    COMMAND_CENTER = "command_center"
    SYSTEM = "system"


_OWNER_SIDE = frozenset({Role.OWNER_SIDE, Role.SYSTEM})
_WORKERS = _OWNER_SIDE | {Role.HANDLER}
PERMISSIONS: dict[type[Command], frozenset[Role]] = {
    AcknowledgeIncident: _OWNER_SIDE,
    StartIncident: _WORKERS,
    ResolveIncident: _WORKERS,
    CommentOnIncident: _WORKERS | {Role.REPORTER},
    LinkReference: _WORKERS,
    RejectIncident: _OWNER_SIDE,
    ReassignIncident: _OWNER_SIDE,
    ReopenIncident: _OWNER_SIDE | {Role.REPORTER},
    CloseIncident: frozenset({Role.COMMAND_CENTER, Role.SYSTEM}),
    OpenIncident: frozenset({Role.COMMAND_CENTER, Role.SYSTEM}),
}


def roles_of(actor: Actor, incident: Incident | None, units: UnitRegistry) -> frozenset[Role]:
    roles: set[Role] = set()
    if actor.kind is ActorKind.SYSTEM:
        roles.add(Role.SYSTEM)
    elif actor.kind is ActorKind.CITIZEN:
        if incident is not None and actor.id in incident.report_ids:
            roles.add(Role.REPORTER)
    elif actor.kind is ActorKind.UNIT:
        if actor.id == COMMAND_CENTER:
            roles |= {Role.COMMAND_CENTER, Role.OWNER_SIDE}
        if incident is not None:
            if actor.id in (incident.owner, _parent(incident, units)):
                roles.add(Role.OWNER_SIDE)
            if actor.id == incident.handler:
                roles.add(Role.HANDLER)
    return frozenset(roles)


def _parent(incident: Incident, units: UnitRegistry) -> str | None:
    unit = units.get(incident.owner)
    if unit is not None:
        return unit.parent
    return incident.escalation_chain[0] if incident.escalation_chain else None


@dataclass(frozen=True)
class _Ctx:
    now: datetime
    units: UnitRegistry
    calendar: WorkingCalendar
    policy: LifecyclePolicy

    def base(self, incident: Incident, command: Command, offset: int = 1) -> dict[str, Any]:
        return {
            "incident_id": incident.id,
            "sequence": incident.sequence + offset,
            "occurred_at": self.now,
            "command_id": command.command_id,
            "actor": command.actor,
        }


Decision = list[DomainEvent] | CommandRejection
C = TypeVar("C", bound=Command)


def decide(
    incident: Incident | None,
    command: Command,
    *,
    now: datetime,
    units: UnitRegistry,
    calendar: WorkingCalendar,
    policy: LifecyclePolicy = DEFAULT_LIFECYCLE,
) -> Decision:
    """Validate ``command`` against ``incident``; the events to emit, or why not."""
    require_aware(now, "now")
    ctx = _Ctx(now, units, calendar, policy)
    if incident is not None and command.command_id in incident.seen_command_ids:
        return _no(command, RejectionCode.DUPLICATE_COMMAND, "command already processed")
    if isinstance(command, OpenIncident):
        return _open(incident, command, ctx)
    if incident is None:
        return _no(command, RejectionCode.INCIDENT_NOT_FOUND, "no such incident")
    if command.incident_id != incident.id:
        return _no(command, RejectionCode.INVALID_COMMAND, "command for another incident")
    handler = _HANDLERS.get(type(command))
    if handler is None:
        return _no(command, RejectionCode.INVALID_COMMAND, f"unknown command {type(command)}")
    problem = _validate(command, ctx)
    if problem is not None:
        return _no(command, RejectionCode.INVALID_COMMAND, problem)
    if not roles_of(command.actor, incident, units) & PERMISSIONS[type(command)]:
        return _no(command, RejectionCode.NOT_PERMITTED, f"{command.actor.kind} {command.actor.id}")
    return handler(incident, command, ctx)


def _no(command: Command, code: RejectionCode, detail: str) -> CommandRejection:
    return CommandRejection(command.command_id, command.incident_id, code, detail)


def _transition(command: Command, incident: Incident) -> Decision:
    return _no(
        command,
        RejectionCode.INVALID_TRANSITION,
        f"{type(command).__name__} not allowed in status {incident.status}",
    )


def _validate(command: Command, ctx: _Ctx) -> str | None:
    texts: dict[str, str | None] = {}
    if isinstance(command, ResolveIncident):
        texts["note"] = command.note
    elif isinstance(command, CommentOnIncident):
        texts["text"] = command.text
    elif isinstance(command, ReopenIncident):
        texts["reason"] = command.reason
    elif isinstance(command, ReassignIncident):
        texts["reason"] = command.reason
        unit = ctx.units.get(command.to_unit)
        if unit is None:
            return f"unknown unit {command.to_unit!r}"
        if command.role is AssignmentRole.OWNER and not unit.can_own:
            return f"{command.to_unit} cannot own an incident"
    elif isinstance(command, RejectIncident):
        if command.reason is RejectReason.DUPLICATE and (
            not command.duplicate_of or command.duplicate_of == command.incident_id
        ):
            return "a duplicate names the incident it duplicates"
        if command.reason is RejectReason.NOT_OUR_AUTHORITY:
            texts["suggested_unit"] = command.suggested_unit
    elif isinstance(command, LinkReference):
        texts["reference"] = command.reference
        if command.unit not in ctx.units:
            return f"unknown unit {command.unit!r}"
    for name, value in texts.items():
        if not value or not value.strip():
            return f"{name} is required"
        if len(value) > MAX_TEXT:
            return f"{name} longer than {MAX_TEXT} characters"
    return None


def _open(incident: Incident | None, command: OpenIncident, ctx: _Ctx) -> Decision:
    if not roles_of(command.actor, incident, ctx.units) & PERMISSIONS[OpenIncident]:
        return _no(command, RejectionCode.NOT_PERMITTED, f"{command.actor.kind} {command.actor.id}")
    if incident is not None:
        if command.dedup_key is not None and incident.dedup_key == command.dedup_key:
            return []  # already open for this key: idempotent
        return _no(command, RejectionCode.INVALID_COMMAND, "incident already exists")
    return [
        open_incident(
            command.decision,
            incident_id=command.incident_id,
            now=ctx.now,
            dedup_key=command.dedup_key,
            title=command.title,
            command_id=command.command_id,
            actor=command.actor,
        )
    ]


def _acknowledge(incident: Incident, command: AcknowledgeIncident, ctx: _Ctx) -> Decision:
    if incident.status is not IncidentStatus.OPEN:
        return _transition(command, incident)
    return [IncidentAcknowledged(**ctx.base(incident, command), note=command.note)]


def _start(incident: Incident, command: StartIncident, ctx: _Ctx) -> Decision:
    if incident.status not in (IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED):
        return _transition(command, incident)
    return [
        IncidentStatusChanged(
            **ctx.base(incident, command),
            from_status=incident.status,
            to_status=IncidentStatus.IN_PROGRESS,
            note=command.note,
        )
    ]


def _resolve(incident: Incident, command: ResolveIncident, ctx: _Ctx) -> Decision:
    if not incident.is_active:
        return _transition(command, incident)
    return [
        IncidentResolved(
            **ctx.base(incident, command),
            note=command.note,
            proof_photo_ids=tuple(command.proof_photo_ids),
        )
    ]


def _reject(incident: Incident, command: RejectIncident, ctx: _Ctx) -> Decision:
    if not incident.is_active:
        return _transition(command, incident)
    return [
        IncidentRejected(
            **ctx.base(incident, command),
            reason=command.reason,
            note=command.note,
            duplicate_of=command.duplicate_of,
            suggested_unit=command.suggested_unit,
        )
    ]


def _reassign(incident: Incident, command: ReassignIncident, ctx: _Ctx) -> Decision:
    if not incident.is_active:
        return _transition(command, incident)
    current = incident.owner if command.role is AssignmentRole.OWNER else incident.handler
    if command.to_unit == current:
        return _no(command, RejectionCode.INVALID_COMMAND, f"already assigned to {current}")
    transfers = incident.transfer_count + 1
    if incident.owner != COMMAND_CENTER and transfers >= ctx.policy.transfer_escalation_at:
        return _transfer_escalation(incident, command, ctx, transfers)
    if command.role is AssignmentRole.OWNER:
        return [_owner_assignment(incident, command, ctx, command.to_unit, transfer=True)]
    return [_handler_assignment(incident, command, ctx, command.to_unit, transfer=True)]


def _handler_assignment(
    incident: Incident,
    command: Command,
    ctx: _Ctx,
    to_unit: str,
    *,
    transfer: bool,
    offset: int = 1,
    owner: str | None = None,
    reason: str | None = None,
) -> IncidentAssigned:
    owner = owner or incident.owner
    first, resolve = _handler_clocks(incident.sla, ctx, separate=to_unit != owner)
    status = incident.status
    if status is IncidentStatus.IN_PROGRESS:
        status = IncidentStatus.ACKNOWLEDGED  # the new handler has not started yet
    return IncidentAssigned(
        **ctx.base(incident, command, offset),
        role=AssignmentRole.HANDLER,
        from_unit=incident.handler,
        to_unit=to_unit,
        reason=reason or _reason(command),
        transfer=transfer,
        status=status,
        escalation_chain=incident.escalation_chain,
        acknowledge_by=incident.acknowledge_by,
        handler_first_action_by=first,
        handler_resolve_by=resolve,
    )


def _owner_assignment(
    incident: Incident, command: Command, ctx: _Ctx, to_unit: str, *, transfer: bool
) -> IncidentAssigned:
    acknowledge_by = incident.acknowledge_by
    if incident.status is IncidentStatus.OPEN:
        acknowledge_by, _ = deadline(ctx.now, incident.sla.acknowledge, ctx.calendar)
    if to_unit == incident.handler:
        first: datetime | None = None
        resolve: datetime | None = None
    elif incident.handler_first_action_by or incident.handler_resolve_by:
        first, resolve = incident.handler_first_action_by, incident.handler_resolve_by
    else:
        first, resolve = _handler_clocks(incident.sla, ctx, separate=True)
    return IncidentAssigned(
        **ctx.base(incident, command),
        role=AssignmentRole.OWNER,
        from_unit=incident.owner,
        to_unit=to_unit,
        reason=_reason(command),
        transfer=transfer,
        status=incident.status,
        escalation_chain=ctx.units.chain_above(to_unit),
        acknowledge_by=acknowledge_by,
        handler_first_action_by=first,
        handler_resolve_by=resolve,
    )


def _reason(command: Command) -> str:
    return command.reason if isinstance(command, ReassignIncident) else ""


def _handler_clocks(
    sla: SlaPolicy, ctx: _Ctx, *, separate: bool
) -> tuple[datetime | None, datetime | None]:
    if not separate:
        return None, None
    first, _ = deadline(ctx.now, sla.first_action, ctx.calendar)
    resolve, _ = deadline(ctx.now, sla.resolve, ctx.calendar)
    return first, resolve


def _transfer_escalation(
    incident: Incident, command: ReassignIncident, ctx: _Ctx, transfers: int
) -> Decision:
    reason = (
        f"pengalihan ke-{transfers} (diminta ke {command.to_unit}: {command.reason}): "
        "incident dibawa ke command center untuk triase"
    )
    escalated = IncidentEscalated(
        **ctx.base(incident, command),
        clock=EscalationClock.TRANSFERS,
        missed=None,
        missed_deadline=None,
        from_unit=incident.owner,
        to_unit=COMMAND_CENTER,
        owner_changed=True,
        new_deadline=None,
        escalation_chain=ctx.units.chain_above(COMMAND_CENTER),
        reason=reason,
    )
    events: list[DomainEvent] = [escalated]
    if incident.handler != COMMAND_CENTER:
        events.append(
            _handler_assignment(
                incident,
                command,
                ctx,
                COMMAND_CENTER,
                transfer=False,
                offset=2,
                owner=COMMAND_CENTER,
                reason=reason,
            )
        )
    return events


def _comment(incident: Incident, command: CommentOnIncident, ctx: _Ctx) -> Decision:
    return [CommentAdded(**ctx.base(incident, command), text=command.text)]


def _link(incident: Incident, command: LinkReference, ctx: _Ctx) -> Decision:
    if (command.unit, command.reference) in incident.references:
        return []
    return [
        ReferenceLinked(
            **ctx.base(incident, command), unit=command.unit, reference=command.reference
        )
    ]


def _reopen(incident: Incident, command: ReopenIncident, ctx: _Ctx) -> Decision:
    reopenable = (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)
    if incident.status not in reopenable or incident.resolved_at is None:
        return _transition(command, incident)
    if ctx.now - incident.resolved_at > ctx.policy.reopen_window.timedelta:
        return _no(
            command,
            RejectionCode.REOPEN_WINDOW_EXPIRED,
            f"resolved {incident.resolved_at.isoformat()}, window {ctx.policy.reopen_window}",
        )
    first, resolve = _handler_clocks(incident.sla, ctx, separate=incident.handler != incident.owner)
    return [
        IncidentReopened(
            **ctx.base(incident, command),
            reason=command.reason,
            deadlines=compute_deadlines(incident.sla, ctx.now, ctx.calendar),
            handler_first_action_by=first,
            handler_resolve_by=resolve,
        )
    ]


def _close(incident: Incident, command: CloseIncident, ctx: _Ctx) -> Decision:
    if incident.status is not IncidentStatus.RESOLVED or incident.resolved_at is None:
        return _transition(command, incident)
    due = incident.resolved_at + ctx.policy.close_after.timedelta
    if ctx.now < due:
        return _no(command, RejectionCode.INVALID_TRANSITION, f"close not due before {due}")
    automatic = command.actor.kind is ActorKind.SYSTEM
    return [IncidentClosed(**ctx.base(incident, command), automatic=automatic)]


def _handler(
    fn: Callable[[Incident, C, _Ctx], Decision],
) -> Callable[[Incident, Any, _Ctx], Decision]:
    return fn


_HANDLERS: dict[type[Command], Callable[[Incident, Any, _Ctx], Decision]] = {
    AcknowledgeIncident: _handler(_acknowledge),
    StartIncident: _handler(_start),
    ResolveIncident: _handler(_resolve),
    RejectIncident: _handler(_reject),
    ReassignIncident: _handler(_reassign),
    CommentOnIncident: _handler(_comment),
    LinkReference: _handler(_link),
    ReopenIncident: _handler(_reopen),
    CloseIncident: _handler(_close),
}


# -- apply --------------------------------------------------------------------------


def apply(incident: Incident | None, event: DomainEvent) -> Incident:
    """The incident after ``event``. Raises ValueError on an out-of-order event."""
    if isinstance(event, IncidentOpened):
        if incident is not None or event.sequence != 1:
            raise ValueError("incident.opened must be the first event")
        return _opened(event)
    if incident is None:
        raise ValueError(f"{event.event_type} before incident.opened")
    if event.sequence != incident.sequence + 1 or event.incident_id != incident.id:
        raise ValueError(
            f"event {event.sequence} of {event.incident_id} does not follow "
            f"{incident.sequence} of {incident.id}"
        )
    seen = incident.seen_command_ids
    if event.command_id is not None:
        seen = seen | {event.command_id}
    updated = _APPLY[type(event)](incident, event)
    return replace(updated, sequence=event.sequence, seen_command_ids=seen)


def apply_all(incident: Incident | None, events: list[DomainEvent]) -> Incident | None:
    for event in events:
        incident = apply(incident, event)
    return incident


def _opened(e: IncidentOpened) -> Incident:
    return Incident(
        id=e.incident_id,
        category=e.category,
        status=IncidentStatus.OPEN,
        point=e.point,
        area=e.area,
        owner=e.owner,
        escalation_chain=e.escalation_chain,
        handler=e.handler,
        copied=e.copied,
        priority=e.priority,
        base_priority=e.priority,
        emergency=e.emergency,
        rule_id=e.rule_id,
        rules_version=e.rules_version,
        sla=e.sla,
        acknowledge_by=e.deadlines.acknowledge_by,
        first_action_by=e.deadlines.first_action_by,
        resolve_by=e.deadlines.resolve_by,
        handler_first_action_by=e.handler_first_action_by,
        handler_resolve_by=e.handler_resolve_by,
        opened_at=e.occurred_at,
        last_report_at=e.occurred_at,
        report_ids=(e.report_id,) if e.report_id else (),
        dedup_key=e.dedup_key,
        sequence=1,
        title=e.title,
        seen_command_ids=frozenset({e.command_id}) if e.command_id else frozenset(),
    )


def _report_attached(i: Incident, e: ReportAttached) -> Incident:
    return replace(
        i,
        report_ids=(*i.report_ids, e.report_id),
        priority=e.priority,
        last_report_at=max(i.last_report_at, e.occurred_at),
    )


def _acknowledged(i: Incident, e: IncidentAcknowledged) -> Incident:
    return replace(i, status=IncidentStatus.ACKNOWLEDGED, acknowledged_at=e.occurred_at)


def _status_changed(i: Incident, e: IncidentStatusChanged) -> Incident:
    if e.to_status is not IncidentStatus.IN_PROGRESS:
        return replace(i, status=e.to_status)
    return replace(
        i,
        status=IncidentStatus.IN_PROGRESS,
        acknowledged_at=i.acknowledged_at or e.occurred_at,  # starting answers the reporter too
        started_at=i.started_at or e.occurred_at,
        handler_started_at=e.occurred_at,
    )


def _resolved(i: Incident, e: IncidentResolved) -> Incident:
    return replace(
        i,
        status=IncidentStatus.RESOLVED,
        resolved_at=e.occurred_at,
        resolution_note=e.note,
        proof_photo_ids=e.proof_photo_ids,
    )


def _rejected(i: Incident, e: IncidentRejected) -> Incident:
    return replace(
        i,
        status=IncidentStatus.REJECTED,
        rejected_at=e.occurred_at,
        rejection_reason=e.reason,
        duplicate_of=e.duplicate_of,
        suggested_unit=e.suggested_unit,
    )


def _assigned(i: Incident, e: IncidentAssigned) -> Incident:
    changes: dict[str, Any] = {
        "status": e.status,
        "acknowledge_by": e.acknowledge_by,
        "handler_first_action_by": e.handler_first_action_by,
        "handler_resolve_by": e.handler_resolve_by,
        "transfer_count": i.transfer_count + (1 if e.transfer else 0),
    }
    if e.role is AssignmentRole.OWNER:
        changes |= {"owner": e.to_unit, "escalation_chain": e.escalation_chain}
    else:
        changes |= {"handler": e.to_unit, "handler_started_at": None}
    return replace(i, **changes)


def _escalated(i: Incident, e: IncidentEscalated) -> Incident:
    record = EscalationRecord(
        clock=e.clock,
        missed=e.missed,
        deadline=e.missed_deadline,
        from_unit=e.from_unit,
        to_unit=e.to_unit,
        at=e.occurred_at,
    )
    changes: dict[str, Any] = {"escalations": (*i.escalations, record)}
    if e.owner_changed:
        changes |= {"owner": e.to_unit, "escalation_chain": e.escalation_chain}
    if e.clock is EscalationClock.TRANSFERS:
        changes["transfer_count"] = 0
    elif e.owner_changed and e.missed is not None:
        changes[f"{e.missed.value}_by"] = e.new_deadline
    return replace(i, **changes)


def _comment_added(i: Incident, e: CommentAdded) -> Incident:
    return replace(i, comment_count=i.comment_count + 1)


def _reopened(i: Incident, e: IncidentReopened) -> Incident:
    return replace(
        i,
        status=IncidentStatus.OPEN,
        acknowledge_by=e.deadlines.acknowledge_by,
        first_action_by=e.deadlines.first_action_by,
        resolve_by=e.deadlines.resolve_by,
        handler_first_action_by=e.handler_first_action_by,
        handler_resolve_by=e.handler_resolve_by,
        acknowledged_at=None,
        started_at=None,
        handler_started_at=None,
        resolved_at=None,
        closed_at=None,
        resolution_note=None,
        proof_photo_ids=(),
        reopen_count=i.reopen_count + 1,
    )


def _closed(i: Incident, e: IncidentClosed) -> Incident:
    return replace(i, status=IncidentStatus.CLOSED, closed_at=e.occurred_at)


def _reference_linked(i: Incident, e: ReferenceLinked) -> Incident:
    return replace(i, references=(*i.references, (e.unit, e.reference)))


_APPLY: dict[type[DomainEvent], Callable[[Incident, Any], Incident]] = {
    ReportAttached: _report_attached,
    IncidentAcknowledged: _acknowledged,
    IncidentStatusChanged: _status_changed,
    IncidentResolved: _resolved,
    IncidentRejected: _rejected,
    IncidentAssigned: _assigned,
    IncidentEscalated: _escalated,
    CommentAdded: _comment_added,
    IncidentReopened: _reopened,
    IncidentClosed: _closed,
    ReferenceLinked: _reference_linked,
}
