"""The ``incidents`` topic and the compacted ``incidents.state`` into the
incident rows, their timeline, assignments and escalations.

Ordering: one incident's events arrive in order on ``incidents``, and its
snapshots in order on ``incidents.state``, but the two topics interleave
freely. The row carries the ``sequence`` it reflects:

* an event updates the row only if its sequence is higher, and only the
  columns the event states (so an operator sees its effect at once);
* a snapshot replaces the row if its sequence is higher *or equal*, so the
  last snapshot always has the final word — the same row live and on replay,
  where compaction leaves only the last snapshot.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from tanggap.dashboard.adapters.projection.common import (
    geo_point,
    refresh_report_facts,
    unit_json,
)
from tanggap.dashboard.adapters.projection.outcome import IncidentChange, Outcome
from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.adapters.tables import (
    command_rejections,
    incident_assignments,
    incident_escalations,
    incident_timeline,
    incidents,
)
from tanggap.dashboard.domain.listing import PRIORITY_RANK
from tanggap.dashboard.domain.roles import is_police
from tanggap.schemas.common import IncidentStatus, Priority, SlaDeadlines, UnitRef
from tanggap.schemas.events import (
    CommandRejected,
    EscalationClock,
    IncidentAcknowledged,
    IncidentAssigned,
    IncidentClosed,
    IncidentCommented,
    IncidentEscalated,
    IncidentEvent,
    IncidentOpened,
    IncidentReferenceLinked,
    IncidentRejected,
    IncidentReopened,
    IncidentReportAttached,
    IncidentResolved,
    IncidentSnapshot,
    IncidentStatusChanged,
)

_COMMON_FIELDS = {"incident_id", "sequence", "occurred_at", "by", "command_id"}


_TIMELINE = insert(incident_timeline).on_conflict_do_nothing()


def short_type(event: IncidentEvent) -> str:
    return event.ce_type.rsplit(".", 1)[1]


def _units(owner: UnitRef, handler: UnitRef, copied: list[dict[str, str]]) -> dict[str, Any]:
    unit_ids = [owner.id, handler.id, *(unit["id"] for unit in copied)]
    return {
        "owner_unit_id": owner.id,
        "owner_type": owner.type.value,
        "owner_name": owner.name,
        "handler_unit_id": handler.id,
        "handler_type": handler.type.value,
        "handler_name": handler.name,
        "copied": copied,
        "unit_ids": unit_ids,
        "involves_police": any(is_police(unit) for unit in unit_ids),
    }


def _sla(sla: SlaDeadlines) -> dict[str, Any]:
    return {
        "sla_acknowledge_by": sla.acknowledge_by,
        "sla_first_action_by": sla.first_action_by,
        "sla_resolve_by": sla.resolve_by,
    }


def _priority(priority: Priority) -> dict[str, Any]:
    return {"priority": priority.value, "priority_rank": PRIORITY_RANK[priority]}


def snapshot_values(snap: IncidentSnapshot) -> dict[str, Any]:
    return {
        "sequence": snap.sequence,
        "category": snap.category,
        "status": snap.status.value,
        **_priority(snap.priority),
        "location": geo_point(snap.location),
        "kelurahan_kode": snap.area.kelurahan.kode,
        "kelurahan_name": snap.area.kelurahan.name,
        "kecamatan_kode": snap.area.kecamatan.kode,
        "kecamatan_name": snap.area.kecamatan.name,
        **_units(snap.owner, snap.handler, [unit_json(u) for u in snap.copied]),
        "report_count": snap.report_count,
        "opened_at": snap.opened_at,
        "acknowledged_at": snap.acknowledged_at,
        "first_action_at": snap.first_action_at,
        "resolved_at": snap.resolved_at,
        "closed_at": snap.closed_at,
        **_sla(snap.sla),
        "handler_sla": snap.handler_sla.model_dump(mode="json") if snap.handler_sla else None,
        "escalation_level": snap.escalation_level,
        "reassign_count": snap.reassign_count,
        "external_refs": dict(snap.external_refs),
        "description_public": snap.description_public,
        "updated_at": snap.updated_at,
    }


def _opened_values(event: IncidentOpened) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "category": event.category,
        "status": IncidentStatus.OPEN.value,
        **_priority(event.priority),
        "location": geo_point(event.location),
        "kelurahan_kode": event.area.kelurahan.kode,
        "kelurahan_name": event.area.kelurahan.name,
        "kecamatan_kode": event.area.kecamatan.kode,
        "kecamatan_name": event.area.kecamatan.name,
        **_units(event.owner, event.handler, [unit_json(u) for u in event.copied]),
        "report_count": 1 if event.report_id else 0,
        "opened_at": event.occurred_at,
        **_sla(event.sla),
        "handler_sla": event.handler_sla.model_dump(mode="json") if event.handler_sla else None,
        "escalation_level": 0,
        "reassign_count": 0,
        "external_refs": {},
        "description_public": event.description_public,
        "updated_at": event.occurred_at,
    }


async def incident_snapshot(connection: AsyncConnection, snap: IncidentSnapshot) -> Outcome:
    current = await connection.scalar(
        select(incidents.c.sequence)
        .where(incidents.c.incident_id == snap.incident_id)
        .with_for_update()
    )
    if current is not None and current > snap.sequence:
        return Outcome()
    values = snapshot_values(snap)
    await connection.execute(
        insert(incidents)
        .values(incident_id=snap.incident_id, **values)
        .on_conflict_do_update(
            index_elements=[incidents.c.incident_id],
            set_=values,
            where=incidents.c.sequence <= snap.sequence,
        )
    )
    await refresh_report_facts(connection, snap.incident_id)
    if current is not None and current == snap.sequence:
        return Outcome()  # the event of this sequence already announced the change
    change = IncidentChange(snap.incident_id, snap.sequence, "state", snap.updated_at)
    return Outcome(changes=[change])


async def _open(connection: AsyncConnection, event: IncidentOpened) -> None:
    origin = {
        "rule_id": event.rule_id,
        "rules_version": event.rules_version,
        "dedup_key": event.dedup_key,
    }
    await connection.execute(
        insert(incidents)
        .values(incident_id=event.incident_id, **_opened_values(event), **origin)
        # A snapshot got here first: keep it, add what only the opening event says.
        .on_conflict_do_update(index_elements=[incidents.c.incident_id], set_=origin)
    )
    await refresh_report_facts(connection, event.incident_id)


def _row_update(event: IncidentEvent, current: AnyRow) -> dict[str, Any]:
    """The columns an event states about the incident after it."""
    at = event.occurred_at
    copied = list(current.copied)
    match event:
        case IncidentReportAttached():
            return {"report_count": event.report_count, **_priority(event.priority)}
        case IncidentAssigned():
            handler_sla = event.handler_sla.model_dump(mode="json") if event.handler_sla else None
            return {**_units(event.owner, event.handler, copied), "handler_sla": handler_sla}
        case IncidentAcknowledged():
            return {"status": IncidentStatus.ACKNOWLEDGED.value, "acknowledged_at": at}
        case IncidentStatusChanged():
            started = event.to_status is IncidentStatus.IN_PROGRESS
            return {"status": event.to_status.value, **({"first_action_at": at} if started else {})}
        case IncidentEscalated():
            values: dict[str, Any] = {"escalation_level": event.level, **_sla(event.sla)}
            if event.clock is not EscalationClock.HANDLER:  # the handler's clock flags the owner
                handler = UnitRef(
                    id=current.handler_unit_id,
                    type=current.handler_type,
                    name=current.handler_name,
                )
                values.update(_units(event.to_unit, handler, copied))
            return values
        case IncidentResolved():
            return {"status": IncidentStatus.RESOLVED.value, "resolved_at": at}
        case IncidentClosed():
            return {"status": IncidentStatus.CLOSED.value, "closed_at": at}
        case IncidentReopened():
            return {"status": IncidentStatus.OPEN.value, "resolved_at": None, "closed_at": None}
        case IncidentRejected():
            return {"status": IncidentStatus.REJECTED.value}
        case IncidentReferenceLinked():
            return {
                "external_refs": {**current.external_refs, event.agency_unit_id: event.reference}
            }
        case _:
            return {}


async def _update_row(connection: AsyncConnection, event: IncidentEvent) -> None:
    current = (
        await connection.execute(
            select(
                incidents.c.sequence,
                incidents.c.copied,
                incidents.c.external_refs,
                incidents.c.handler_unit_id,
                incidents.c.handler_type,
                incidents.c.handler_name,
            )
            .where(incidents.c.incident_id == event.incident_id)
            .with_for_update()
        )
    ).one_or_none()
    if current is None or current.sequence >= event.sequence:
        return
    await connection.execute(
        update(incidents)
        .where(incidents.c.incident_id == event.incident_id)
        .values(
            sequence=event.sequence,
            updated_at=event.occurred_at,
            **_row_update(event, current),
        )
    )


def _note(event: IncidentEvent) -> str | None:
    match event:
        case IncidentCommented():
            return event.text
        case IncidentReopened():
            return event.reason
        case IncidentAssigned():
            return event.reason
        case (
            IncidentAcknowledged()
            | IncidentStatusChanged()
            | IncidentResolved()
            | IncidentClosed()
            | IncidentRejected()
        ):
            return event.note
        case _:
            return None


async def incident_event(
    connection: AsyncConnection, event_id: str, event: IncidentEvent
) -> Outcome:
    kind = short_type(event)
    command_id = event.command_id
    await connection.execute(
        _TIMELINE,
        {
            "event_id": event_id,
            "incident_id": event.incident_id,
            "sequence": event.sequence,
            "type": kind,
            "occurred_at": event.occurred_at,
            "actor_kind": event.by.kind.value,
            "actor_id": event.by.id,
            "actor_unit_id": event.by.unit_id,
            "actor_role": event.by.role,
            "command_id": command_id,
            "note": _note(event),
            "data": event.model_dump(mode="json", exclude=_COMMON_FIELDS),
        },
    )
    await _record_history(connection, event_id, event)
    if isinstance(event, IncidentOpened):
        await _open(connection, event)
    else:
        await _update_row(connection, event)
    change = IncidentChange(event.incident_id, event.sequence, kind, event.occurred_at)
    return Outcome(changes=[change], answered_commands=[command_id] if command_id else [])


async def _record_history(connection: AsyncConnection, event_id: str, event: IncidentEvent) -> None:
    common = {
        "event_id": event_id,
        "incident_id": event.incident_id,
        "sequence": event.sequence,
        "occurred_at": event.occurred_at,
    }
    if isinstance(event, IncidentOpened | IncidentAssigned):
        previous_owner = getattr(event, "previous_owner", None)
        previous_handler = getattr(event, "previous_handler", None)
        await connection.execute(
            insert(incident_assignments)
            .values(
                **common,
                owner_unit_id=event.owner.id,
                handler_unit_id=event.handler.id,
                previous_owner_unit_id=previous_owner.id if previous_owner else None,
                previous_handler_unit_id=previous_handler.id if previous_handler else None,
                reason=event.reason if isinstance(event, IncidentAssigned) else event.rule_id,
            )
            .on_conflict_do_nothing()
        )
    elif isinstance(event, IncidentEscalated):
        await connection.execute(
            insert(incident_escalations)
            .values(
                **common,
                level=event.level,
                from_unit_id=event.from_unit.id,
                from_unit_name=event.from_unit.name,
                to_unit_id=event.to_unit.id,
                to_unit_name=event.to_unit.name,
                clock=event.clock.value,
                missed_deadline=event.missed_deadline,
            )
            .on_conflict_do_nothing()
        )


async def command_rejected(
    connection: AsyncConnection, event_id: str, event: CommandRejected
) -> Outcome:
    await connection.execute(
        insert(command_rejections)
        .values(
            command_id=event.command_id,
            event_id=event_id,
            incident_id=event.incident_id,
            command_type=event.command_type,
            reason_code=event.reason_code.value,
            detail=event.detail,
            actor_id=event.actor.id,
            actor_unit_id=event.actor.unit_id,
            rejected_at=event.rejected_at,
        )
        .on_conflict_do_nothing()
    )
    return Outcome(answered_commands=[event.command_id])
