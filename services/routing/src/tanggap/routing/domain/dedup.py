"""Which open incident a new report attaches to.

A report attaches to an incident of the **same category** that is still open
(status not resolved, closed or rejected), whose point is within the
category's ``dedup.radius_m`` of the report, and whose **last report** is
within ``dedup.window`` before the report (a sliding window: every attached
report keeps the incident live). Of several candidates the nearest wins;
equal distances (to the millimetre) go to the lowest id, which for
time-ordered UUIDv7 ids is the earliest incident.

:class:`IncidentIndex` is a grid of square cells in metres keyed by
(category, cell): a lookup reads only the cells the radius can reach, so it
costs O(incidents nearby), not O(all open incidents). It is an in-memory
structure the service keeps per partition; it does no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from tanggap.routing.domain.geo import CILEGON, LocalProjection, Point
from tanggap.routing.domain.rules import DedupPolicy

#: Statuses that never take another report.
CLOSED_STATUSES = frozenset({"resolved", "closed", "rejected"})
DEFAULT_CELL_M = 250.0

_Cell = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class OpenIncidentRef:
    """What dedup needs to know about an incident."""

    id: str
    category: str
    point: Point
    opened_at: datetime
    last_report_at: datetime
    status: str
    report_count: int


@dataclass(frozen=True, slots=True)
class DedupMatch:
    incident: OpenIncidentRef
    distance_m: float


class IncidentIndex:
    """Spatial grid of open incidents (mutable: the service adds and removes)."""

    def __init__(
        self, *, cell_m: float = DEFAULT_CELL_M, projection: LocalProjection = CILEGON
    ) -> None:
        if cell_m <= 0:
            raise ValueError("cell_m must be positive")
        self._cell_m = cell_m
        self._projection = projection
        self._cells: dict[_Cell, dict[str, OpenIncidentRef]] = {}
        self._where: dict[str, _Cell] = {}

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, incident_id: object) -> bool:
        return incident_id in self._where

    def upsert(self, incident: OpenIncidentRef) -> None:
        """Add or replace; an incident that is no longer open is removed."""
        self.remove(incident.id)
        if incident.status in CLOSED_STATUSES:
            return
        cell = self._cell(incident.category, incident.point)
        self._cells.setdefault(cell, {})[incident.id] = incident
        self._where[incident.id] = cell

    def remove(self, incident_id: str) -> None:
        cell = self._where.pop(incident_id, None)
        if cell is not None:
            bucket = self._cells[cell]
            del bucket[incident_id]
            if not bucket:
                del self._cells[cell]

    def near(self, category: str, point: Point, radius_m: float) -> Iterator[OpenIncidentRef]:
        """Incidents of ``category`` in the cells a circle of ``radius_m`` touches."""
        x, y = self._projection.xy(point)
        reach = math.ceil(radius_m / self._cell_m)
        cx, cy = math.floor(x / self._cell_m), math.floor(y / self._cell_m)
        for i in range(cx - reach, cx + reach + 1):
            for j in range(cy - reach, cy + reach + 1):
                yield from self._cells.get((category, i, j), {}).values()

    def _cell(self, category: str, point: Point) -> _Cell:
        x, y = self._projection.xy(point)
        return category, math.floor(x / self._cell_m), math.floor(y / self._cell_m)


def find_attachment(
    index: IncidentIndex,
    *,
    category: str,
    point: Point,
    reported_at: datetime,
    policy: DedupPolicy,
    projection: LocalProjection = CILEGON,
) -> DedupMatch | None:
    """The open incident this report joins, or None for a new incident."""
    window = policy.window.timedelta
    best: tuple[float, str, OpenIncidentRef] | None = None
    for incident in index.near(category, point, policy.radius_m):
        if incident.category != category or incident.status in CLOSED_STATUSES:
            continue
        if reported_at - incident.last_report_at > window:
            continue
        distance = projection.distance_m(point, incident.point)
        if distance > policy.radius_m:
            continue
        key = (round(distance, 3), incident.id, incident)
        if best is None or key[:2] < best[:2]:
            best = key
    return DedupMatch(incident=best[2], distance_m=best[0]) if best else None
