"""Reading incidents within the caller's scope; personal data only where the
domain allows it, and every such disclosure in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard.adapters import audit
from tanggap.dashboard.adapters import incident_queries as queries
from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.domain.actions import Action, suggested_actions
from tanggap.dashboard.domain.errors import Forbidden, IncidentNotFound
from tanggap.dashboard.domain.listing import Cursor, IncidentFilters, SortKey, SortOrder
from tanggap.dashboard.domain.roles import Principal, Role
from tanggap.dashboard.domain.scope import (
    IncidentFacts,
    in_scope,
    scope_for,
    sees_personal_data,
)
from tanggap.dashboard.service.clock import Clock, utc_now
from tanggap.schemas.common import IncidentStatus


@dataclass(frozen=True, slots=True)
class IncidentPage:
    rows: list[AnyRow]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class IncidentDetail:
    row: AnyRow
    reports: list[AnyRow]
    history: dict[str, list[AnyRow]]
    personal_data_visible: bool
    allowed_actions: list[Action]


class IncidentQueries:
    def __init__(self, engine: AsyncEngine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def _conditions(self, principal: Principal, filters: IncidentFilters) -> list[Any]:
        scope = queries.scope_condition(scope_for(principal))
        return [scope, *queries.filter_conditions(filters, principal, self.clock())]

    async def page(
        self,
        principal: Principal,
        filters: IncidentFilters,
        *,
        sort: SortKey,
        order: SortOrder,
        cursor: str | None,
        limit: int,
    ) -> IncidentPage:
        after = Cursor.decode(cursor, sort, order) if cursor else None
        async with self.engine.connect() as connection:
            rows, next_cursor = await queries.list_incidents(
                connection,
                conditions=self._conditions(principal, filters),
                sort=sort,
                order=order,
                cursor=after,
                limit=limit,
            )
        return IncidentPage(rows, next_cursor.encode() if next_cursor else None)

    async def geojson(
        self, principal: Principal, filters: IncidentFilters, *, limit: int
    ) -> list[AnyRow]:
        async with self.engine.connect() as connection:
            return await queries.geojson_rows(
                connection, conditions=self._conditions(principal, filters), limit=limit
            )

    async def visible(self, principal: Principal, incident_id: str) -> tuple[AnyRow, IncidentFacts]:
        """The incident if the caller may see it; IncidentNotFound otherwise —
        the same answer for 'elsewhere' as for 'nowhere'."""
        async with self.engine.connect() as connection:
            row = await queries.incident_by_id(connection, incident_id)
        if row is None:
            raise IncidentNotFound(f"no incident {incident_id} in your scope")
        facts = queries.facts_of(row)
        if not in_scope(scope_for(principal), facts):
            raise IncidentNotFound(f"no incident {incident_id} in your scope")
        return row, facts

    async def detail(
        self, principal: Principal, incident_id: str, client_ip: str | None
    ) -> IncidentDetail:
        row, facts = await self.visible(principal, incident_id)
        personal = sees_personal_data(principal, facts)
        async with self.engine.begin() as connection:
            reports = await queries.reports_of(connection, incident_id, with_content=personal)
            history = await queries.history_of(connection, incident_id)
            if personal and reports:
                await audit.record(
                    connection,
                    at=self.clock(),
                    action="incident.view_personal_data",
                    outcome="shown",
                    principal=principal,
                    incident_id=incident_id,
                    detail={"reports": len(reports)},
                    client_ip=client_ip,
                )
        actions = suggested_actions(principal, facts, IncidentStatus(row.status))
        return IncidentDetail(row, reports, history, personal, actions)

    async def unrouted_reports(
        self, principal: Principal, statuses: list[str], limit: int, client_ip: str | None
    ) -> list[AnyRow]:
        """Reports no incident holds: the command center's to place or to answer."""
        if principal.role is not Role.COMMAND_CENTER:
            raise Forbidden("only the command center handles reports that were not routed")
        async with self.engine.begin() as connection:
            rows = await queries.unrouted_reports(connection, statuses, limit)
            if rows:
                await audit.record(
                    connection,
                    at=self.clock(),
                    action="reports.view_unrouted",
                    outcome="shown",
                    principal=principal,
                    detail={"reports": len(rows)},
                    client_ip=client_ip,
                )
        return rows
