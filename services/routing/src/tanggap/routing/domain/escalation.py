"""SLA escalation and timers, as pure functions of an incident and the time.

Owner clocks (acknowledge, first_action, resolve): when one passes unmet, the
owner escalates one level up its chain (kelurahan -> kecamatan ->
command-center; polsek -> polres -> command-center). The new owner gets a
fresh clock for **the missed term only**: the same SLA duration again, counted
from the escalation time on the term's own clock (calendar or working days).
Other terms keep their deadlines. At the command center there is no level
left: the miss is recorded once (an escalation event from the command center
to itself, ``owner_changed=False``) and the deadline stays.

Handler clock: a handler other than the owner that misses its own
first_action or resolve deadline is flagged to the owner (``clock=handler``,
the owner does not change), once per deadline.

Idempotency: every escalation is recorded with (clock, missed term, deadline);
a deadline is escalated at most once, so calling ``due_escalations`` again
with the same or a later ``now`` never repeats one. After downtime several
deadlines can be due at once; they are escalated in order (acknowledge,
first_action, resolve, then the handler), each from the state the previous one
left.
"""

from __future__ import annotations

from datetime import datetime

from tanggap.routing.domain.commands import Actor
from tanggap.routing.domain.events import (
    DomainEvent,
    EscalationClock,
    IncidentClosed,
    IncidentEscalated,
    IncidentStatus,
)
from tanggap.routing.domain.incident import Incident, apply
from tanggap.routing.domain.rules import DEFAULT_LIFECYCLE, LifecyclePolicy
from tanggap.routing.domain.sla import SlaClock, WorkingCalendar, deadline, require_aware

ESCALATION_ACTOR = Actor.system("routing/escalation")
_HANDLER_CLOCKS = (SlaClock.FIRST_ACTION, SlaClock.RESOLVE)


def due_escalations(
    incident: Incident, now: datetime, *, calendar: WorkingCalendar
) -> list[DomainEvent]:
    """The escalation events due at ``now`` (empty when nothing is due)."""
    require_aware(now, "now")
    if not incident.is_active:
        return []
    events: list[DomainEvent] = []
    current = incident
    for clock in SlaClock:
        event = _owner_escalation(current, clock, now, calendar)
        if event is not None:
            events.append(event)
            current = apply(current, event)
    for clock in _HANDLER_CLOCKS:
        event = _handler_flag(current, clock, now)
        if event is not None:
            events.append(event)
            current = apply(current, event)
    return events


def due_close(
    incident: Incident, now: datetime, *, policy: LifecyclePolicy = DEFAULT_LIFECYCLE
) -> list[DomainEvent]:
    """The automatic close, once ``policy.close_after`` has passed since the resolve."""
    require_aware(now, "now")
    if incident.status is not IncidentStatus.RESOLVED or incident.resolved_at is None:
        return []
    if now < incident.resolved_at + policy.close_after.timedelta:
        return []
    return [
        IncidentClosed(
            incident_id=incident.id,
            sequence=incident.sequence + 1,
            occurred_at=now,
            actor=ESCALATION_ACTOR,
            automatic=True,
        )
    ]


def next_timer(
    incident: Incident, *, policy: LifecyclePolicy = DEFAULT_LIFECYCLE
) -> datetime | None:
    """When the service must next call ``due_escalations`` / ``due_close``, if ever."""
    if incident.status is IncidentStatus.RESOLVED and incident.resolved_at is not None:
        return incident.resolved_at + policy.close_after.timedelta
    if not incident.is_active:
        return None
    pending: list[datetime] = []
    for clock in SlaClock:
        due = incident.deadline_for(clock)
        if (
            due is not None
            and not incident.met(clock)
            and not incident.escalated(EscalationClock(clock.value), clock, due)
        ):
            pending.append(due)
    if incident.handler != incident.owner:
        for clock in _HANDLER_CLOCKS:
            due = incident.handler_deadline_for(clock)
            if (
                due is not None
                and not incident.handler_met(clock)
                and not incident.escalated(EscalationClock.HANDLER, clock, due)
            ):
                pending.append(due)
    return min(pending) if pending else None


def _owner_escalation(
    incident: Incident, clock: SlaClock, now: datetime, calendar: WorkingCalendar
) -> IncidentEscalated | None:
    due = incident.deadline_for(clock)
    kind = EscalationClock(clock.value)
    if due is None or now < due or incident.met(clock) or incident.escalated(kind, clock, due):
        return None
    chain = incident.escalation_chain
    if chain:
        new_deadline, _ = deadline(now, incident.sla.term(clock), calendar)
        to_unit, rest, changed = chain[0], chain[1:], True
        reason = (
            f"{clock.value} terlewat ({due.isoformat()}) oleh {incident.owner}: naik ke {to_unit}"
        )
    else:
        new_deadline, to_unit, rest, changed = None, incident.owner, (), False
        reason = (
            f"{clock.value} terlewat ({due.isoformat()}) di tingkat tertinggi ({incident.owner})"
        )
    return IncidentEscalated(
        incident_id=incident.id,
        sequence=incident.sequence + 1,
        occurred_at=now,
        actor=ESCALATION_ACTOR,
        clock=kind,
        missed=clock,
        missed_deadline=due,
        from_unit=incident.owner,
        to_unit=to_unit,
        owner_changed=changed,
        new_deadline=new_deadline,
        escalation_chain=rest,
        reason=reason,
    )


def _handler_flag(incident: Incident, clock: SlaClock, now: datetime) -> IncidentEscalated | None:
    due = incident.handler_deadline_for(clock)
    if (
        due is None
        or now < due
        or incident.handler == incident.owner
        or incident.handler_met(clock)
        or incident.escalated(EscalationClock.HANDLER, clock, due)
    ):
        return None
    return IncidentEscalated(
        incident_id=incident.id,
        sequence=incident.sequence + 1,
        occurred_at=now,
        actor=ESCALATION_ACTOR,
        clock=EscalationClock.HANDLER,
        missed=clock,
        missed_deadline=due,
        from_unit=incident.handler,
        to_unit=incident.owner,
        owner_changed=False,
        new_deadline=None,
        escalation_chain=incident.escalation_chain,
        reason=(
            f"penanggung jawab {incident.handler} melewati {clock.value} ({due.isoformat()}): "
            f"dilaporkan ke pemilik {incident.owner}"
        ),
    )
