"""Contract <-> domain: the one place that knows both the Kafka contract
(``tanggap.schemas``) and routing's domain types.

Inbound: a ``ReportSubmitted`` becomes ``ReportFacts``; a contract command and
its ``Actor`` become a domain command. Outbound: a routing decision becomes
``report.routed`` / ``report.rejected``; a domain event, with the incident before
and after it, becomes the contract's incident event; an incident becomes an
``IncidentSnapshot``; a domain ``CommandRejection`` becomes ``command.rejected``.

Where the two differ the choice is made here, once (docs/adr/0021):
- rule ids: the domain writes ``jalan-rusak/road-nasional``; the contract's slug
  has no ``/``, so it travels as ``jalan-rusak:road-nasional``;
- actors: operator and agency actors act for their ``unit_id``; the contract
  actor of the command is what the resulting events carry in ``by``;
- a handler's own clock has no acknowledgement step, so ``handler_sla`` carries
  the owner's ``acknowledge_by``;
- the escalation level is the number of escalations that moved the incident up
  its chain (a handler flag or a miss at the top keeps the level, at least 1).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog

import tanggap.schemas.commands as contract_commands
import tanggap.schemas.common as cc
import tanggap.schemas.events as ce
from tanggap.routing.domain import commands as dc
from tanggap.routing.domain import events as de
from tanggap.routing.domain.decide import AreaRef, Rejection, ReportFacts, RoutingDecision
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.incident import Incident
from tanggap.routing.domain.units import UnitRegistry

log = structlog.get_logger(__name__)

SYSTEM_ACTOR = cc.Actor(kind=cc.ActorKind.SYSTEM, id="routing")
SHORT_TEXT = 500
LONG_TEXT = 2000


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rule_slug(rule_id: str) -> str:
    """``jalan-rusak/road-nasional`` -> ``jalan-rusak:road-nasional``."""
    return rule_id.replace("/", ":")


# -- inbound ------------------------------------------------------------------------


def report_facts(report: ce.ReportSubmitted) -> ReportFacts:
    location = report.location
    return ReportFacts(
        category=report.category,
        point=Point(location.lon, location.lat) if location is not None else None,
        answers=dict(report.answers),
        reported_at=report.submitted_at,
    )


def point_of(location: cc.GeoPoint) -> Point:
    return Point(location.lon, location.lat)


def domain_actor(actor: cc.Actor) -> dc.Actor:
    if actor.kind in (cc.ActorKind.OPERATOR, cc.ActorKind.AGENCY):
        assert actor.unit_id is not None  # the contract model guarantees it
        return dc.Actor.unit(actor.unit_id, operator=actor.id)
    if actor.kind is cc.ActorKind.CITIZEN:
        return dc.Actor.citizen(actor.id)
    return dc.Actor.system(actor.id)


def domain_command(command: cc.Command, *, decision: RoutingDecision | None = None) -> dc.Command:
    """The domain command; an ``open`` needs the routing decision of its point."""
    base: dict[str, Any] = {
        "command_id": command.command_id,
        "incident_id": command.incident_id,
        "actor": domain_actor(command.actor),
    }
    if isinstance(command, contract_commands.OpenIncident):
        if decision is None:
            raise ValueError("an open command needs the routing decision of its location")
        return dc.OpenIncident(
            **base, decision=decision, dedup_key=command.dedup_key, title=command.description_public
        )
    build = _COMMANDS.get(type(command))
    if build is None:
        raise ValueError(f"no domain command for {type(command).__name__}")
    return build(command, base)


_COMMANDS: dict[type[cc.Command], Callable[[Any, dict[str, Any]], dc.Command]] = {
    contract_commands.AcknowledgeIncident: lambda c, b: dc.AcknowledgeIncident(**b, note=c.note),
    contract_commands.StartIncident: lambda c, b: dc.StartIncident(**b, note=c.note),
    contract_commands.ResolveIncident: lambda c, b: dc.ResolveIncident(
        **b, note=c.note, proof_photo_ids=tuple(c.proof_media_ids)
    ),
    contract_commands.RejectIncident: lambda c, b: dc.RejectIncident(
        **b,
        reason=dc.RejectReason(c.reason_code.value),
        note=c.note,
        duplicate_of=c.duplicate_of,
        suggested_unit=c.suggested_unit_id,
    ),
    contract_commands.ReassignIncident: lambda c, b: dc.ReassignIncident(
        **b, to_unit=c.to_unit_id, reason=c.reason, role=dc.AssignmentRole.HANDLER
    ),
    contract_commands.CommentIncident: lambda c, b: dc.CommentOnIncident(**b, text=c.text),
    contract_commands.ReopenIncident: lambda c, b: dc.ReopenIncident(**b, reason=c.reason),
    contract_commands.LinkExternalReference: lambda c, b: dc.LinkReference(
        **b, unit=c.agency_unit_id, reference=c.reference
    ),
}


def named_units(command: cc.Command) -> list[str]:
    """Unit ids a command names, which must exist in the registry."""
    if isinstance(command, contract_commands.ReassignIncident):
        return [command.to_unit_id]
    if isinstance(command, contract_commands.LinkExternalReference):
        return [command.agency_unit_id]
    if isinstance(command, contract_commands.RejectIncident) and command.suggested_unit_id:
        return [command.suggested_unit_id]
    return []


# -- units, areas, deadlines --------------------------------------------------------------

_PREFIX_TYPES = {
    "kelurahan": cc.UnitType.KELURAHAN,
    "kecamatan": cc.UnitType.KECAMATAN,
    "polsek": cc.UnitType.POLSEK,
    "polres": cc.UnitType.POLRES,
}


@functools.lru_cache(maxsize=512)
def unit_ref(units: UnitRegistry, unit_id: str) -> cc.UnitRef:
    """The contract's reference to a unit (cached: registries are immutable)."""
    unit = units.get(unit_id)
    if unit is not None:
        return cc.UnitRef(id=unit.id, type=cc.UnitType(unit.type.value), name=clip(unit.name, 500))
    # A unit removed from units.yaml while an incident still names it: keep the
    # id readable rather than stop the stream.
    log.warning("unit not in the registry", unit_id=unit_id)
    prefix, _, rest = unit_id.partition(":")
    if unit_id == "command-center":
        kind = cc.UnitType.COMMAND_CENTER
    else:
        kind = _PREFIX_TYPES.get(prefix, cc.UnitType.EXTERNAL if rest else cc.UnitType.OPD)
    return cc.UnitRef(id=unit_id, type=kind, name=unit_id)


def area_ref(area: AreaRef) -> cc.AreaRef:
    return cc.AreaRef(
        kelurahan=cc.KelurahanRef(kode=area.kelurahan_kode, name=area.kelurahan_name),
        kecamatan=cc.KecamatanRef(kode=area.kecamatan_kode, name=area.kecamatan_name),
    )


def deadlines(
    acknowledge_by: datetime | None, first_action_by: datetime | None, resolve_by: datetime | None
) -> cc.SlaDeadlines:
    if acknowledge_by is None or first_action_by is None:
        # rulesource.contract_problems refuses rules without these terms.
        raise ValueError("the contract needs acknowledge_by and first_action_by deadlines")
    return cc.SlaDeadlines(
        acknowledge_by=acknowledge_by, first_action_by=first_action_by, resolve_by=resolve_by
    )


def owner_sla(incident: Incident) -> cc.SlaDeadlines:
    return deadlines(incident.acknowledge_by, incident.first_action_by, incident.resolve_by)


def handler_sla(incident: Incident) -> cc.SlaDeadlines | None:
    if incident.handler == incident.owner or incident.handler_first_action_by is None:
        return None
    return deadlines(
        incident.acknowledge_by or incident.handler_first_action_by,
        incident.handler_first_action_by,
        incident.handler_resolve_by,
    )


def escalation_level(incident: Incident) -> int:
    return sum(
        1
        for r in incident.escalations
        if r.clock is not de.EscalationClock.HANDLER and r.from_unit != r.to_unit
    )


# -- reports ------------------------------------------------------------------------------


def report_routed(
    report_id: str, decision: RoutingDecision, *, incident_id: str, merged: bool, now: datetime
) -> ce.ReportRouted:
    assert decision.area is not None  # only located reports are routed
    return ce.ReportRouted(
        report_id=report_id,
        incident_id=incident_id,
        area=area_ref(decision.area),
        owner=_decided_unit(decision.owner),
        handler=_decided_unit(decision.handler),
        copied=[_decided_unit(u) for u in decision.copied],
        rule_id=rule_slug(decision.rule_id),
        rules_version=decision.rules_version,
        reasons=[clip(r, SHORT_TEXT) for r in decision.reasons] or ["aturan default"],
        merged=merged,
        coastal_snap_m=decision.coastal_snap_m,
        border_distance_m=decision.border_distance_m,
        routed_at=now,
    )


def _decided_unit(unit: Any) -> cc.UnitRef:
    return cc.UnitRef(id=unit.id, type=cc.UnitType(unit.type.value), name=clip(unit.name, 500))


def report_rejected(report_id: str, rejection: Rejection, *, now: datetime) -> ce.ReportRejected:
    nearest = rejection.nearest
    return ce.ReportRejected(
        report_id=report_id,
        reason=ce.ReportRejectionReason(rejection.reason.value),
        detail=clip(rejection.detail, SHORT_TEXT),
        nearest_kelurahan=(
            cc.KelurahanRef(kode=nearest.kelurahan_kode, name=nearest.kelurahan_name)
            if nearest is not None
            else None
        ),
        distance_m=rejection.distance_m,
        rejected_at=now,
    )


def report_invalid(report_id: str, detail: str, *, now: datetime) -> ce.ReportRejected:
    return ce.ReportRejected(
        report_id=report_id,
        reason=ce.ReportRejectionReason.INVALID_REPORT,
        detail=clip(detail, SHORT_TEXT),
        rejected_at=now,
    )


# -- commands -----------------------------------------------------------------------------

_REJECTION_CODES = {
    dc.RejectionCode.INCIDENT_NOT_FOUND: ce.CommandRejectionCode.INCIDENT_NOT_FOUND,
    dc.RejectionCode.INVALID_TRANSITION: ce.CommandRejectionCode.INVALID_TRANSITION,
    dc.RejectionCode.NOT_PERMITTED: ce.CommandRejectionCode.NOT_PERMITTED,
    dc.RejectionCode.INVALID_COMMAND: ce.CommandRejectionCode.INVALID_COMMAND,
    dc.RejectionCode.DUPLICATE_COMMAND: ce.CommandRejectionCode.DUPLICATE_COMMAND,
    dc.RejectionCode.REOPEN_WINDOW_EXPIRED: ce.CommandRejectionCode.REOPEN_WINDOW_EXPIRED,
}


def rejection_code(code: dc.RejectionCode) -> ce.CommandRejectionCode:
    return _REJECTION_CODES[code]


def command_rejected(
    command: cc.Command, code: ce.CommandRejectionCode, detail: str, *, now: datetime
) -> ce.CommandRejected:
    return ce.CommandRejected(
        command_id=command.command_id,
        command_type=command.ce_type,
        incident_id=command.incident_id,
        reason_code=code,
        detail=clip(detail or code.value, SHORT_TEXT),
        actor=command.actor,
        rejected_at=now,
    )


# -- incident events ----------------------------------------------------------------------


def incident_event(
    event: de.DomainEvent,
    *,
    before: Incident | None,
    after: Incident,
    units: UnitRegistry,
    by: cc.Actor,
) -> ce.IncidentEvent:
    """The contract event for ``event``, which took the incident from ``before`` to ``after``."""
    base: dict[str, Any] = {
        "incident_id": event.incident_id,
        "sequence": event.sequence,
        "occurred_at": event.occurred_at,
        "by": by,
        "command_id": event.command_id,
    }
    build = _EVENTS.get(type(event))
    if build is None:
        raise ValueError(f"no contract event for {event.event_type}")
    return build(event, before, after, units, base)


def _opened(
    e: de.IncidentOpened, _: Incident | None, after: Incident, units: UnitRegistry, base: Any
) -> ce.IncidentEvent:
    assert e.point is not None
    assert e.area is not None
    return ce.IncidentOpened(
        **base,
        category=e.category,
        priority=cc.Priority(e.priority.value),
        location=cc.GeoPoint(lat=e.point.lat, lon=e.point.lon),
        area=area_ref(e.area),
        owner=unit_ref(units, e.owner),
        handler=unit_ref(units, e.handler),
        copied=[unit_ref(units, u) for u in e.copied],
        sla=owner_sla(after),
        handler_sla=handler_sla(after),
        rule_id=rule_slug(e.rule_id),
        rules_version=e.rules_version,
        report_id=e.report_id,
        dedup_key=e.dedup_key,
        description_public=clip(e.title, LONG_TEXT) if e.title else None,
    )


def _assigned(
    e: de.IncidentAssigned, before: Incident | None, after: Incident, units: UnitRegistry, base: Any
) -> ce.IncidentEvent:
    assert before is not None
    return ce.IncidentAssigned(
        **base,
        owner=unit_ref(units, after.owner),
        handler=unit_ref(units, after.handler),
        previous_owner=unit_ref(units, before.owner),
        previous_handler=unit_ref(units, before.handler),
        handler_sla=handler_sla(after),
        reason=clip(e.reason.strip() or f"dialihkan ke {e.to_unit}", SHORT_TEXT),
    )


_CLOCKS = {
    de.EscalationClock.ACKNOWLEDGE: ce.EscalationClock.ACKNOWLEDGE,
    de.EscalationClock.FIRST_ACTION: ce.EscalationClock.FIRST_ACTION,
    de.EscalationClock.RESOLVE: ce.EscalationClock.RESOLVE,
    de.EscalationClock.HANDLER: ce.EscalationClock.HANDLER,
    de.EscalationClock.TRANSFERS: ce.EscalationClock.TRANSFER_PING_PONG,
}


def _escalated(
    e: de.IncidentEscalated, _: Incident | None, after: Incident, units: UnitRegistry, base: Any
) -> ce.IncidentEvent:
    return ce.IncidentEscalated(
        **base,
        level=max(1, escalation_level(after)),
        from_unit=unit_ref(units, e.from_unit),
        to_unit=unit_ref(units, e.to_unit),
        clock=_CLOCKS[e.clock],
        missed_deadline=e.missed_deadline,
        sla=owner_sla(after),
    )


def _rejected(
    e: de.IncidentRejected, _: Incident | None, __: Incident, units: UnitRegistry, base: Any
) -> ce.IncidentEvent:
    return ce.IncidentRejected(
        **base,
        reason_code=cc.RejectionReasonCode(e.reason.value),
        suggested_unit=unit_ref(units, e.suggested_unit) if e.suggested_unit else None,
        duplicate_of=e.duplicate_of,
        note=clip(e.note or e.reason.value, LONG_TEXT),
    )


def _simple(
    build: Callable[[Any, dict[str, Any]], ce.IncidentEvent],
) -> Callable[..., ce.IncidentEvent]:
    def mapped(
        e: Any, _: Incident | None, __: Incident, ___: UnitRegistry, base: dict[str, Any]
    ) -> ce.IncidentEvent:
        return build(e, base)

    return mapped


_EVENTS: dict[type[de.DomainEvent], Callable[..., ce.IncidentEvent]] = {
    de.IncidentOpened: _opened,
    de.ReportAttached: _simple(
        lambda e, b: ce.IncidentReportAttached(
            **b,
            report_id=e.report_id,
            report_count=e.report_count,
            priority=cc.Priority(e.priority.value),
        )
    ),
    de.IncidentAssigned: _assigned,
    de.IncidentEscalated: _escalated,
    de.IncidentRejected: _rejected,
    de.IncidentAcknowledged: _simple(lambda e, b: ce.IncidentAcknowledged(**b, note=e.note)),
    de.IncidentStatusChanged: _simple(
        lambda e, b: ce.IncidentStatusChanged(
            **b,
            from_status=cc.IncidentStatus(e.from_status.value),
            to_status=cc.IncidentStatus(e.to_status.value),
            note=e.note,
        )
    ),
    de.IncidentResolved: _simple(
        lambda e, b: ce.IncidentResolved(
            **b, note=clip(e.note, LONG_TEXT), proof_media_ids=list(e.proof_photo_ids)
        )
    ),
    de.IncidentClosed: _simple(
        lambda e, b: ce.IncidentClosed(
            **b,
            reason=ce.CloseReason.AUTO_AFTER_RESOLVE if e.automatic else ce.CloseReason.OPERATOR,
        )
    ),
    de.IncidentReopened: _simple(
        lambda e, b: ce.IncidentReopened(**b, reason=clip(e.reason, LONG_TEXT))
    ),
    de.CommentAdded: _simple(lambda e, b: ce.IncidentCommented(**b, text=clip(e.text, LONG_TEXT))),
    de.ReferenceLinked: _simple(
        lambda e, b: ce.IncidentReferenceLinked(**b, agency_unit_id=e.unit, reference=e.reference)
    ),
}


# -- the snapshot -------------------------------------------------------------------------


def snapshot(
    incident: Incident, *, units: UnitRegistry, updated_at: datetime
) -> ce.IncidentSnapshot:
    """The public state of an incident: no reporter, no citizen-written text."""
    assert incident.point is not None
    assert incident.area is not None
    return ce.IncidentSnapshot(
        incident_id=incident.id,
        category=incident.category,
        status=cc.IncidentStatus(incident.status.value),
        priority=cc.Priority(incident.priority.value),
        location=cc.GeoPoint(lat=incident.point.lat, lon=incident.point.lon),
        area=area_ref(incident.area),
        owner=unit_ref(units, incident.owner),
        handler=unit_ref(units, incident.handler),
        copied=[unit_ref(units, u) for u in incident.copied],
        report_count=incident.report_count,
        report_ids=list(incident.report_ids),
        opened_at=incident.opened_at,
        acknowledged_at=incident.acknowledged_at,
        first_action_at=incident.started_at,
        resolved_at=incident.resolved_at,
        closed_at=incident.closed_at,
        sla=owner_sla(incident),
        handler_sla=handler_sla(incident),
        escalation_level=escalation_level(incident),
        reassign_count=incident.transfer_count,
        external_refs=dict(incident.references),
        description_public=clip(incident.title, LONG_TEXT) if incident.title else None,
        sequence=incident.sequence,
        updated_at=updated_at,
    )
