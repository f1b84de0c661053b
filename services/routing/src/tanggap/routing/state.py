"""Routing's in-memory state: every incident, as committed, and the changes of the
batch in flight.

:class:`IncidentStore` holds the committed incidents with the lookups routing
needs (by report, by dedup key, by category, a spatial index of active ones).
It is filled from the changelog and by this instance's own commits.

:class:`Batch` is the copy-on-write overlay of one Kafka transaction: reads see
the batch's changes over the store, writes stay in the batch. ``commit()``
moves them into the store after the transaction committed; ``abort()`` drops
them, so the store never holds a change the log does not.

Both keep the higher ``sequence`` of an incident: the changelog may echo an
older version of what this instance already holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from tanggap.routing.domain.dedup import DedupMatch, IncidentIndex, find_attachment
from tanggap.routing.domain.events import ACTIVE, IncidentStatus
from tanggap.routing.domain.geo import Point
from tanggap.routing.domain.incident import Incident
from tanggap.routing.domain.rules import DedupPolicy

#: Incidents whose timers may still fire: SLA escalation, or the automatic close.
TIMED = ACTIVE | {IncidentStatus.RESOLVED}


class IncidentStore:
    def __init__(self) -> None:
        self._incidents: dict[str, Incident] = {}
        self._by_report: dict[str, str] = {}
        self._by_dedup_key: dict[str, str] = {}
        self._by_category: dict[str, set[str]] = {}
        self._timed: set[str] = set()
        self.index = IncidentIndex()

    def __len__(self) -> int:
        return len(self._incidents)

    def __contains__(self, incident_id: object) -> bool:
        return incident_id in self._incidents

    def get(self, incident_id: str) -> Incident | None:
        return self._incidents.get(incident_id)

    def incident_of_report(self, report_id: str) -> str | None:
        return self._by_report.get(report_id)

    def incident_of_dedup_key(self, dedup_key: str) -> str | None:
        return self._by_dedup_key.get(dedup_key)

    def ids_of_category(self, category: str) -> Iterable[str]:
        return self._by_category.get(category, ())

    def timed(self) -> Iterator[Incident]:
        """Incidents that may have a timer: active or resolved."""
        for incident_id in self._timed:
            yield self._incidents[incident_id]

    @property
    def active_count(self) -> int:
        return len(self.index)

    def put(self, incident: Incident) -> bool:
        """Store ``incident`` unless a later version is already here."""
        current = self._incidents.get(incident.id)
        if current is not None and current.sequence >= incident.sequence:
            return False
        self._incidents[incident.id] = incident
        for report_id in incident.report_ids:
            self._by_report[report_id] = incident.id
        if incident.dedup_key is not None:
            self._by_dedup_key[incident.dedup_key] = incident.id
        self._by_category.setdefault(incident.category, set()).add(incident.id)
        if incident.status in TIMED:
            self._timed.add(incident.id)
        else:
            self._timed.discard(incident.id)
        ref = incident.to_open_ref()
        if ref is not None:
            self.index.upsert(ref)
        else:
            self.index.remove(incident.id)
        return True

    def remove(self, incident_id: str) -> None:
        """Forget an incident (a changelog tombstone)."""
        incident = self._incidents.pop(incident_id, None)
        if incident is None:
            return
        for report_id in incident.report_ids:
            self._by_report.pop(report_id, None)
        if incident.dedup_key is not None:
            self._by_dedup_key.pop(incident.dedup_key, None)
        self._by_category.get(incident.category, set()).discard(incident_id)
        self._timed.discard(incident_id)
        self.index.remove(incident_id)


class Batch:
    """The changes of one transaction over the committed store."""

    def __init__(self, store: IncidentStore) -> None:
        self.store = store
        self.changed: dict[str, Incident] = {}
        self._index = IncidentIndex()  # the batch's own active incidents

    def get(self, incident_id: str) -> Incident | None:
        return self.changed.get(incident_id) or self.store.get(incident_id)

    def keep(self, incidents: Iterable[Incident]) -> None:
        for incident in incidents:
            self.put(incident)

    def put(self, incident: Incident) -> None:
        self.changed[incident.id] = incident
        ref = incident.to_open_ref()
        if ref is not None:
            self._index.upsert(ref)
        else:
            self._index.remove(incident.id)

    def incident_of_report(self, report_id: str) -> str | None:
        for incident in self.changed.values():
            if report_id in incident.report_ids:
                return incident.id
        return self.store.incident_of_report(report_id)

    def incident_of_dedup_key(self, dedup_key: str) -> str | None:
        for incident in self.changed.values():
            if incident.dedup_key == dedup_key:
                return incident.id
        return self.store.incident_of_dedup_key(dedup_key)

    def of_category(self, category: str) -> list[Incident]:
        ids = set(self.store.ids_of_category(category))
        ids.update(i.id for i in self.changed.values() if i.category == category)
        return [incident for i in sorted(ids) if (incident := self.get(i)) is not None]

    def attachment(
        self, *, category: str, point: Point, reported_at: datetime, policy: DedupPolicy
    ) -> DedupMatch | None:
        """The open incident a report joins, seeing this batch's own openings."""
        candidates = IncidentIndex()
        for ref in self.store.index.near(category, point, policy.radius_m):
            if ref.id not in self.changed:
                candidates.upsert(ref)
        for ref in self._index.near(category, point, policy.radius_m):
            candidates.upsert(ref)
        return find_attachment(
            candidates, category=category, point=point, reported_at=reported_at, policy=policy
        )

    def commit(self) -> list[Incident]:
        committed = list(self.changed.values())
        for incident in committed:
            self.store.put(incident)
        self.abort()
        return committed

    def abort(self) -> None:
        self.changed.clear()
        self._index = IncidentIndex()
