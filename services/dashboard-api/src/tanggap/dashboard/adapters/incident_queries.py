"""Reading incidents: scope and filters as SQL, keyset pages, one incident with
its reports, timeline, assignments, escalations and deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    cast,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.adapters.tables import (
    agency_deliveries,
    incident_assignments,
    incident_escalations,
    incident_timeline,
    incidents,
    reports,
)
from tanggap.dashboard.domain.errors import InvalidCursor
from tanggap.dashboard.domain.listing import (
    NO_DEADLINE,
    Cursor,
    IncidentFilters,
    SortKey,
    SortOrder,
    search_terms,
    sort_columns,
)
from tanggap.dashboard.domain.roles import Principal, Role
from tanggap.dashboard.domain.scope import IncidentFacts, Scope

INCIDENT_COLUMNS = [
    c for c in incidents.c if c.name not in {"location", "search_doc", "report_doc"}
]
LAT = func.ST_Y(incidents.c.location).label("lat")
LON = func.ST_X(incidents.c.location).label("lon")


def scope_condition(scope: Scope) -> ColumnElement[bool]:
    if scope.city_wide:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if scope.kecamatan_kode is not None:
        conditions.append(incidents.c.kecamatan_kode == scope.kecamatan_kode)
    if scope.kelurahan_kode is not None:
        conditions.append(incidents.c.kelurahan_kode == scope.kelurahan_kode)
    if scope.involved_unit is not None:
        involved = cast([scope.involved_unit], ARRAY(Text))
        conditions.append(incidents.c.unit_ids.contains(involved))
    if scope.any_police:
        conditions.append(incidents.c.involves_police.is_(True))
    return or_(*conditions) if conditions else false()


def personal_condition(principal: Principal) -> ColumnElement[bool]:
    """domain.scope.sees_personal_data, per row."""
    if principal.role is Role.VIEWER:
        return false()
    if principal.role is Role.COMMAND_CENTER:
        return true()
    return or_(
        incidents.c.owner_unit_id == principal.unit_id,
        incidents.c.handler_unit_id == principal.unit_id,
    )


def _text_condition(text: str, principal: Principal) -> ColumnElement[bool]:
    terms = " & ".join(f"{word}:*" for word in search_terms(text))
    query = func.to_tsquery(literal_column("'simple'::regconfig"), terms)
    return or_(
        incidents.c.search_doc.op("@@")(query),
        and_(personal_condition(principal), incidents.c.report_doc.op("@@")(query)),
    )


def filter_conditions(
    filters: IncidentFilters, principal: Principal, now: datetime
) -> list[ColumnElement[bool]]:
    c = incidents.c
    conditions: list[ColumnElement[bool]] = []
    if filters.statuses:
        conditions.append(c.status.in_([s.value for s in filters.statuses]))
    if filters.categories:
        conditions.append(c.category.in_(filters.categories))
    if filters.priorities:
        conditions.append(c.priority.in_([p.value for p in filters.priorities]))
    if filters.unit_id:
        conditions.append(
            or_(c.owner_unit_id == filters.unit_id, c.handler_unit_id == filters.unit_id)
        )
    if filters.kelurahan_kode:
        conditions.append(c.kelurahan_kode == filters.kelurahan_kode)
    if filters.kecamatan_kode:
        conditions.append(c.kecamatan_kode == filters.kecamatan_kode)
    if filters.overdue is True:
        conditions.append(c.next_deadline < now)
    elif filters.overdue is False:
        conditions.append(or_(c.next_deadline.is_(None), c.next_deadline >= now))
    if filters.bbox:
        box = filters.bbox
        envelope = func.ST_MakeEnvelope(box.min_lon, box.min_lat, box.max_lon, box.max_lat, 4326)
        conditions.append(c.location.op("&&")(envelope))
    if filters.opened_from:
        conditions.append(c.opened_at >= filters.opened_from)
    if filters.opened_to:
        conditions.append(c.opened_at < filters.opened_to)
    if filters.text:
        conditions.append(_text_condition(filters.text, principal))
    return conditions


def _sort_expressions(sort: SortKey) -> list[ColumnElement[Any]]:
    if sort is SortKey.NEXT_DEADLINE:
        return [func.coalesce(incidents.c.next_deadline, NO_DEADLINE)]
    return [incidents.c[name] for name in sort_columns(sort)]


def _cursor_values(sort: SortKey, cursor: Cursor) -> list[Any]:
    values: list[Any] = []
    for name, value in zip(sort_columns(sort), cursor.values, strict=True):
        if name == "priority_rank":
            if not isinstance(value, int):
                raise InvalidCursor("the cursor is not one this API gave out")
            values.append(value)
        else:
            try:
                values.append(datetime.fromisoformat(str(value)))
            except ValueError:
                raise InvalidCursor("the cursor is not one this API gave out") from None
    return values


def _row_cursor(sort: SortKey, order: SortOrder, row: AnyRow) -> Cursor:
    values: list[int | str] = []
    for name in sort_columns(sort):
        value = row._mapping[name]
        if name == "next_deadline" and value is None:
            value = NO_DEADLINE
        values.append(value if isinstance(value, int) else value.isoformat())
    return Cursor(sort, order, tuple(values), row.incident_id)


def summary_select() -> Select[Any]:
    return select(*INCIDENT_COLUMNS, LAT, LON)


async def list_incidents(
    connection: AsyncConnection,
    *,
    conditions: list[ColumnElement[bool]],
    sort: SortKey,
    order: SortOrder,
    cursor: Cursor | None,
    limit: int,
) -> tuple[list[AnyRow], Cursor | None]:
    keys = [*_sort_expressions(sort), incidents.c.incident_id]
    query = summary_select().where(*conditions)
    if cursor is not None:
        after = tuple_(*keys)
        bound = tuple_(
            *[literal(v) for v in _cursor_values(sort, cursor)], literal(cursor.incident_id)
        )
        query = query.where(after < bound if order is SortOrder.DESC else after > bound)
    direction = [k.desc() if order is SortOrder.DESC else k.asc() for k in keys]
    rows = list((await connection.execute(query.order_by(*direction).limit(limit + 1))).all())
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], _row_cursor(sort, order, rows[limit - 1])


async def incident_by_id(connection: AsyncConnection, incident_id: str) -> AnyRow | None:
    query = summary_select().where(incidents.c.incident_id == incident_id)
    row: AnyRow | None = (await connection.execute(query)).one_or_none()
    return row


def facts_of(row: AnyRow) -> IncidentFacts:
    return IncidentFacts(
        kelurahan_kode=row.kelurahan_kode,
        kecamatan_kode=row.kecamatan_kode,
        owner_unit_id=row.owner_unit_id,
        handler_unit_id=row.handler_unit_id,
        copied_unit_ids=tuple(unit["id"] for unit in row.copied),
    )


_REPORT_PUBLIC = [
    reports.c.report_id,
    reports.c.status,
    reports.c.submitted_at,
    reports.c.category,
    reports.c.channel,
    reports.c.privacy,
    reports.c.merged,
    reports.c.routed_at,
]
_REPORT_CONTENT = [
    reports.c.description,
    reports.c.address_text,
    reports.c.media,
    reports.c.answers,
    reports.c.accuracy_m,
    reports.c.reporter_name,
    reports.c.reporter_phone,
    reports.c.reporter_email,
    func.ST_Y(reports.c.location).label("lat"),
    func.ST_X(reports.c.location).label("lon"),
]


async def reports_of(
    connection: AsyncConnection, incident_id: str, *, with_content: bool
) -> list[AnyRow]:
    """The incident's reports; the citizens' words, photos and contact details
    are not even read unless the caller may see them."""
    columns = _REPORT_PUBLIC + (_REPORT_CONTENT if with_content else [])
    query = (
        select(*columns)
        .where(reports.c.incident_id == incident_id)
        .order_by(reports.c.submitted_at.asc().nulls_last(), reports.c.report_id)
    )
    return list((await connection.execute(query)).all())


async def history_of(connection: AsyncConnection, incident_id: str) -> dict[str, list[AnyRow]]:
    timeline = await connection.execute(
        select(incident_timeline)
        .where(incident_timeline.c.incident_id == incident_id)
        .order_by(incident_timeline.c.sequence, incident_timeline.c.event_id)
    )
    assignments = await connection.execute(
        select(incident_assignments)
        .where(incident_assignments.c.incident_id == incident_id)
        .order_by(incident_assignments.c.sequence)
    )
    escalations = await connection.execute(
        select(incident_escalations)
        .where(incident_escalations.c.incident_id == incident_id)
        .order_by(incident_escalations.c.sequence)
    )
    deliveries = await connection.execute(
        select(agency_deliveries)
        .where(agency_deliveries.c.incident_id == incident_id)
        .order_by(agency_deliveries.c.agency_unit_id)
    )
    return {
        "timeline": list(timeline.all()),
        "assignments": list(assignments.all()),
        "escalations": list(escalations.all()),
        "deliveries": list(deliveries.all()),
    }


async def geojson_rows(
    connection: AsyncConnection, *, conditions: list[ColumnElement[bool]], limit: int
) -> list[AnyRow]:
    query = (
        summary_select()
        .where(*conditions)
        .order_by(incidents.c.opened_at.desc(), incidents.c.incident_id.desc())
        .limit(limit)
    )
    return list((await connection.execute(query)).all())


async def unrouted_reports(
    connection: AsyncConnection, statuses: list[str], limit: int
) -> list[AnyRow]:
    """Reports with no incident: not routed yet (an Open311 request intake could
    not place waits for an operator), or rejected by routing. Newest first."""
    query = (
        select(
            *_REPORT_PUBLIC,
            *_REPORT_CONTENT,
            reports.c.needs_manual_location,
            reports.c.rejection_reason,
            reports.c.rejection_detail,
        )
        .where(reports.c.incident_id.is_(None), reports.c.status.in_(statuses))
        .order_by(reports.c.submitted_at.desc().nulls_last(), reports.c.report_id.desc())
        .limit(limit)
    )
    return list((await connection.execute(query)).all())
