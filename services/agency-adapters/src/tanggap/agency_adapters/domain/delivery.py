"""Which incident snapshots an agency must receive, and when again.

An agency receives an incident when one of its units is the incident's handler
or owner (and, for category-scoped adapters, the category is one it takes). It
receives it once per *relevant change*: a change of category, priority,
status, owner, handler, escalation level or public description. Snapshots that
change nothing the agency sees (a report attached, a comment) are not sent,
and neither is the echo of the agency's own status change (the police start
a case → the incident turns ``in_progress`` → nothing to tell the police).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from tanggap.schemas.common import IncidentStatus
from tanggap.schemas.events.adapter_state import AgencyCaseStatus
from tanggap.schemas.events.snapshot import IncidentSnapshot

AgencyStatus = AgencyCaseStatus  # the agency's case status, in our words

# An incident the agency never had is not sent once it is over.
_FINISHED = frozenset({IncidentStatus.RESOLVED, IncidentStatus.CLOSED, IncidentStatus.REJECTED})
_FIELDS = ("category", "priority", "status", "owner", "handler", "escalation", "description")
_STATUS = _FIELDS.index("status")


STATUS_RANK = {AgencyStatus.RECEIVED: 1, AgencyStatus.IN_PROGRESS: 2, AgencyStatus.RESOLVED: 3}
INCIDENT_STATUS_AFTER = {
    AgencyStatus.RECEIVED: IncidentStatus.ACKNOWLEDGED,
    AgencyStatus.IN_PROGRESS: IncidentStatus.IN_PROGRESS,
    AgencyStatus.RESOLVED: IncidentStatus.RESOLVED,
}


@dataclass(frozen=True, slots=True)
class AgencyRoute:
    """Which incidents an adapter takes. A unit pattern is an exact unit id or a
    prefix ending in ``*`` (``polsek:*``); no patterns means any unit, no
    categories means any category."""

    agency: str
    units: tuple[str, ...] = ()
    categories: frozenset[str] = frozenset()

    def matches_unit(self, unit_id: str) -> bool:
        if not self.units:
            return True
        return any(
            unit_id.startswith(p[:-1]) if p.endswith("*") else unit_id == p for p in self.units
        )

    def involved_unit(self, snapshot: IncidentSnapshot) -> str | None:
        """The unit the agency acts as for this incident: the handler (who does
        the work) before the owner."""
        if self.categories and snapshot.category not in self.categories:
            return None
        for unit in (snapshot.handler, snapshot.owner):
            if self.matches_unit(unit.id):
                return unit.id
        return None


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """What the adapters remember of one incident at one agency."""

    agency: str
    incident_id: str
    unit_id: str
    sequence: int  # last snapshot sequence taken into account
    fingerprint: str
    incident_status: IncidentStatus
    revision: int
    updated_at: datetime
    delivered_sequence: int | None = None
    reference: str | None = None
    agency_status: AgencyStatus | None = None

    @property
    def tracking(self) -> bool:
        """Still worth asking the agency for its status."""
        return (
            self.reference is not None
            and self.agency_status is not AgencyStatus.RESOLVED
            and self.incident_status not in (IncidentStatus.CLOSED, IncidentStatus.REJECTED)
        )

    def next(self, updated_at: datetime, **changes: object) -> DeliveryRecord:
        return replace(self, revision=self.revision + 1, updated_at=updated_at, **changes)  # type: ignore[arg-type]


class DeliveryKind(StrEnum):
    NEW = "new"
    UPDATE = "update"


@dataclass(frozen=True, slots=True)
class DeliveryPlan:
    agency: str
    incident_id: str
    unit_id: str
    sequence: int
    kind: DeliveryKind
    fingerprint: str
    reference: str | None  # the agency's reference from an earlier delivery

    @property
    def idempotency_key(self) -> str:
        """What the agency sees: the same for every attempt of this delivery,
        different for the next relevant change of the incident."""
        return f"{self.incident_id}:{self.sequence}"


@dataclass(frozen=True, slots=True)
class Absorb:
    """Nothing to send, but remember that this snapshot has been seen."""

    unit_id: str
    sequence: int
    fingerprint: str
    incident_status: IncidentStatus


def fingerprint(snapshot: IncidentSnapshot) -> str:
    description = snapshot.description_public or ""
    parts = (
        snapshot.category,
        snapshot.priority.value,
        snapshot.status.value,
        snapshot.owner.id,
        snapshot.handler.id,
        str(snapshot.escalation_level),
        hashlib.sha256(description.encode()).hexdigest()[:12],
    )
    return "|".join(parts)


def plan_delivery(
    snapshot: IncidentSnapshot, route: AgencyRoute, prior: DeliveryRecord | None
) -> DeliveryPlan | Absorb | None:
    unit = route.involved_unit(snapshot)
    if unit is None:
        return None
    if prior is not None and snapshot.sequence <= prior.sequence:
        return None  # a snapshot seen before (redelivered, or older than one seen)
    if prior is None and snapshot.status in _FINISHED:
        return None
    current = fingerprint(snapshot)
    if prior is not None and (prior.fingerprint == current or _echo(prior, current)):
        return Absorb(unit, snapshot.sequence, current, snapshot.status)
    return DeliveryPlan(
        agency=route.agency,
        incident_id=snapshot.incident_id,
        unit_id=unit,
        sequence=snapshot.sequence,
        kind=DeliveryKind.NEW
        if prior is None or prior.delivered_sequence is None
        else DeliveryKind.UPDATE,
        fingerprint=current,
        reference=prior.reference if prior else None,
    )


def _echo(prior: DeliveryRecord, current: str) -> bool:
    """Only the status moved, to where the agency's own last report moved it."""
    if prior.agency_status is None:
        return False
    before, after = prior.fingerprint.split("|"), current.split("|")
    if len(before) != len(after):
        return False
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    return changed == [_STATUS] and after[_STATUS] == INCIDENT_STATUS_AFTER[prior.agency_status]


def replay_plan(
    snapshot: IncidentSnapshot, *, agency: str, unit_id: str, prior: DeliveryRecord | None
) -> DeliveryPlan | None:
    """The plan for a dead-lettered snapshot, replayed later: the same
    idempotency key as its first attempts; None when a later version of the
    incident has reached the agency since (the dead letter is superseded)."""
    if prior is not None and (prior.delivered_sequence or 0) >= snapshot.sequence:
        return None
    delivered_before = prior is not None and prior.delivered_sequence is not None
    return DeliveryPlan(
        agency=agency,
        incident_id=snapshot.incident_id,
        unit_id=unit_id,
        sequence=snapshot.sequence,
        kind=DeliveryKind.UPDATE if delivered_before else DeliveryKind.NEW,
        fingerprint=fingerprint(snapshot),
        reference=prior.reference if prior else None,
    )
