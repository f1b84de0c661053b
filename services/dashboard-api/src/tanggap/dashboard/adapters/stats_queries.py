"""The statistics of domain/stats.py, as SQL over the whole incidents table.

Each function takes the conditions that select the incidents (the caller's
scope, the period, the public filter) and ``now``, the instant verdicts and
ages are taken at, so results are reproducible in tests.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.adapters.tables import incident_escalations, incidents, kecamatan, kelurahan
from tanggap.dashboard.domain.stats import AGEING_BUCKETS, OPEN_STATUSES

c = incidents.c
OPEN = [s.value for s in OPEN_STATUSES]


def public_condition() -> ColumnElement[bool]:
    """domain.scope.counts_publicly, per row: confidential-only incidents are left out."""
    return or_(c.report_count == 0, c.public_report_count > 0)


def period_condition(start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(c.opened_at >= start, c.opened_at < end)


def verdict_expr(now: datetime) -> ColumnElement[str]:
    """domain.stats.verdict, per row."""
    deadline = func.coalesce(c.sla_resolve_by, c.sla_first_action_by)
    done = case(
        (c.sla_resolve_by.is_not(None), c.resolved_at),
        else_=func.least(c.first_action_at, c.resolved_at),
    )
    return case(
        (c.status == "rejected", literal("not_judged")),
        (and_(c.status == "closed", c.resolved_at.is_(None)), literal("not_judged")),
        (done.is_not(None), case((done <= deadline, literal("on_time")), else_=literal("late"))),
        (literal(now) > deadline, literal("late")),
        else_=literal("pending"),
    )


def _seconds(interval: Any) -> Any:
    return func.extract("epoch", interval)


def _median(interval: Any, present: ColumnElement[bool]) -> Any:
    return func.percentile_cont(0.5).within_group(_seconds(interval)).filter(present)


def _overdue(now: datetime) -> ColumnElement[bool]:
    return c.next_deadline < now


async def totals(
    connection: AsyncConnection, conditions: list[ColumnElement[bool]], now: datetime
) -> AnyRow:
    verdict = verdict_expr(now)
    query = select(
        func.count().label("total"),
        func.count().filter(c.status.in_(OPEN)).label("open"),
        func.count().filter(_overdue(now)).label("overdue"),
        func.count().filter(c.resolved_at.is_not(None)).label("resolved"),
        func.count().filter(verdict == "on_time").label("on_time"),
        func.count().filter(verdict == "late").label("late"),
        func.count().filter(verdict == "pending").label("pending"),
        _median(c.acknowledged_at - c.opened_at, c.acknowledged_at.is_not(None)).label(
            "median_acknowledge_s"
        ),
        _median(c.resolved_at - c.opened_at, c.resolved_at.is_not(None)).label("median_resolve_s"),
    ).where(*conditions)
    return (await connection.execute(query)).one()


async def counts(
    connection: AsyncConnection, conditions: list[ColumnElement[bool]]
) -> dict[str, list[AnyRow]]:
    """Counts by status, category, kecamatan and owner unit, in one scan."""
    sets = text(
        "GROUPING SETS ((status), (category), (kecamatan_kode, kecamatan_name), "
        "(owner_unit_id, owner_name))"
    )
    query = (
        select(
            c.status,
            c.category,
            c.kecamatan_kode,
            c.kecamatan_name,
            c.owner_unit_id,
            c.owner_name,
            func.grouping(c.status).label("g_status"),
            func.grouping(c.category).label("g_category"),
            func.grouping(c.kecamatan_kode).label("g_kecamatan"),
            func.count().label("n"),
        )
        .where(*conditions)
        .group_by(sets)
    )
    rows = (await connection.execute(query)).all()
    result: dict[str, list[AnyRow]] = {"status": [], "category": [], "kecamatan": [], "unit": []}
    for row in rows:
        if row.g_status == 0:
            result["status"].append(row)
        elif row.g_category == 0:
            result["category"].append(row)
        elif row.g_kecamatan == 0:
            result["kecamatan"].append(row)
        else:
            result["unit"].append(row)
    for rows_of_kind in result.values():
        rows_of_kind.sort(key=lambda r: -r.n)
    return result


def _age_bucket(now: datetime) -> ColumnElement[str]:
    age = literal(now) - c.opened_at
    whens = [(age < upper, literal(label)) for label, upper in AGEING_BUCKETS if upper is not None]
    return case(*whens, else_=literal(AGEING_BUCKETS[-1][0]))


async def backlog_ageing(
    connection: AsyncConnection, conditions: list[ColumnElement[bool]], now: datetime
) -> dict[str, int]:
    bucket = _age_bucket(now).label("bucket")
    query = (
        select(bucket, func.count().label("n"))
        .where(*conditions, c.status.in_(OPEN))
        .group_by(bucket)
    )
    found = {row.bucket: row.n for row in (await connection.execute(query)).all()}
    return {label: found.get(label, 0) for label, _ in AGEING_BUCKETS}


async def units(
    connection: AsyncConnection, conditions: list[ColumnElement[bool]], now: datetime
) -> list[dict[str, Any]]:
    """The league table: per owner unit, on time / late / pending (late
    including incidents escalated away from it), medians, open and overdue."""
    verdict = verdict_expr(now)
    owned = (
        select(
            c.owner_unit_id.label("unit_id"),
            func.max(c.owner_name).label("name"),
            func.count().filter(verdict == "on_time").label("on_time"),
            func.count().filter(verdict == "late").label("late"),
            func.count().filter(verdict == "pending").label("pending"),
            func.count().filter(c.status.in_(OPEN)).label("open"),
            func.count().filter(_overdue(now)).label("overdue"),
            _median(c.acknowledged_at - c.opened_at, c.acknowledged_at.is_not(None)).label(
                "median_acknowledge_s"
            ),
            _median(c.resolved_at - c.opened_at, c.resolved_at.is_not(None)).label(
                "median_resolve_s"
            ),
        )
        .where(*conditions)
        .group_by(c.owner_unit_id)
    )
    e = incident_escalations.c
    escalated = (
        select(
            e.from_unit_id.label("unit_id"),
            func.max(e.from_unit_name).label("name"),
            func.count(distinct(e.incident_id)).label("escalated_away"),
        )
        .select_from(incident_escalations.join(incidents, c.incident_id == e.incident_id))
        .where(*conditions, c.owner_unit_id != e.from_unit_id)
        .group_by(e.from_unit_id)
    )
    table: dict[str, dict[str, Any]] = {}
    for row in (await connection.execute(owned)).all():
        table[row.unit_id] = {**row._asdict(), "escalated_away": 0}
    for row in (await connection.execute(escalated)).all():
        entry = table.setdefault(row.unit_id, _empty_unit(row.unit_id, row.name))
        entry["escalated_away"] = row.escalated_away
        entry["late"] += row.escalated_away
    return list(table.values())


def _empty_unit(unit_id: str, name: str) -> dict[str, Any]:
    return {
        "unit_id": unit_id,
        "name": name,
        "on_time": 0,
        "late": 0,
        "pending": 0,
        "open": 0,
        "overdue": 0,
        "median_acknowledge_s": None,
        "median_resolve_s": None,
    }


def _wib_day(column: Any) -> Any:
    return func.date(func.timezone("Asia/Jakarta", column))


async def trend(
    connection: AsyncConnection,
    conditions: list[ColumnElement[bool]],
    start: datetime,
    end: datetime,
) -> dict[str, dict[Any, int]]:
    """Opened and resolved per WIB day; each counted on its own day, whatever
    day the incident was opened for the resolved series."""
    opened_day = _wib_day(c.opened_at).label("day")
    opened = (
        select(opened_day, func.count().label("n"))
        .where(*conditions, c.opened_at >= start, c.opened_at < end)
        .group_by(opened_day)
    )
    resolved_day = _wib_day(c.resolved_at).label("day")
    resolved = (
        select(resolved_day, func.count().label("n"))
        .where(*conditions, c.resolved_at >= start, c.resolved_at < end)
        .group_by(resolved_day)
    )
    return {
        "opened": {r.day: r.n for r in (await connection.execute(opened)).all()},
        "resolved": {r.day: r.n for r in (await connection.execute(resolved)).all()},
    }


async def kelurahan_backlog(
    connection: AsyncConnection, conditions: list[ColumnElement[bool]], now: datetime
) -> list[AnyRow]:
    """Per kelurahan polygon: open and overdue incidents now, opened in the
    period (conditions), and the population for per-capita rates."""
    per_area = (
        select(
            c.kelurahan_kode.label("kode"),
            func.count().label("opened"),
            func.count().filter(c.status.in_(OPEN)).label("open"),
            func.count().filter(_overdue(now)).label("overdue"),
        )
        .where(*conditions)
        .group_by(c.kelurahan_kode)
        .subquery()
    )
    k = kelurahan.c
    query = (
        select(
            k.kode,
            k.name,
            k.kecamatan_kode,
            kecamatan.c.name.label("kecamatan_name"),
            k.population,
            func.coalesce(per_area.c.opened, 0).label("opened"),
            func.coalesce(per_area.c.open, 0).label("open"),
            func.coalesce(per_area.c.overdue, 0).label("overdue"),
            func.ST_AsGeoJSON(k.geom, 6).label("geometry"),
        )
        .select_from(
            kelurahan.join(kecamatan, kecamatan.c.kode == k.kecamatan_kode).outerjoin(
                per_area, per_area.c.kode == k.kode
            )
        )
        .order_by(k.kode)
    )
    return list((await connection.execute(query)).all())


async def by_area_and_category(
    connection: AsyncConnection,
    conditions: list[ColumnElement[bool]],
    now: datetime,
    *,
    area: str,
) -> list[AnyRow]:
    """Opened, resolved, open, overdue, on time and late per kecamatan (or per
    category, or per both): the rows of the daily summary and the public page."""
    verdict = verdict_expr(now)
    keys = {
        "kecamatan": [c.kecamatan_kode, c.kecamatan_name],
        "category": [c.category],
    }[area]
    query = (
        select(
            *keys,
            func.count().label("opened"),
            func.count().filter(c.resolved_at.is_not(None)).label("resolved"),
            func.count().filter(c.status.in_(OPEN)).label("open"),
            func.count().filter(_overdue(now)).label("overdue"),
            func.count().filter(verdict == "on_time").label("on_time"),
            func.count().filter(verdict == "late").label("late"),
            _median(c.resolved_at - c.opened_at, c.resolved_at.is_not(None)).label(
                "median_resolve_s"
            ),
        )
        .where(*conditions)
        .group_by(*keys)
        .order_by(*keys)
    )
    return list((await connection.execute(query)).all())


async def day_flow(
    connection: AsyncConnection,
    conditions: list[ColumnElement[bool]],
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[AnyRow]:
    """Per kecamatan, for one day [start, end): opened and resolved that day,
    open at the end of it, and overdue now (of those opened by the day's end)."""
    terminal_at = func.coalesce(c.resolved_at, c.closed_at)
    open_at_end = and_(
        c.opened_at < end,
        c.status != "rejected",
        or_(terminal_at.is_(None), terminal_at >= end),
    )
    # Only incidents opened by midnight that the day concerns: opened that day,
    # or still open at its start (each branch has an index).
    concerned = and_(
        c.opened_at < end,
        or_(c.opened_at >= start, terminal_at.is_(None), terminal_at >= start),
    )
    query = (
        select(
            c.kecamatan_kode,
            c.kecamatan_name,
            func.count().filter(c.opened_at >= start, c.opened_at < end).label("opened"),
            func.count().filter(c.resolved_at >= start, c.resolved_at < end).label("resolved"),
            func.count().filter(open_at_end).label("open_at_end"),
            func.count().filter(_overdue(now)).label("overdue_now"),
        )
        .where(*conditions, concerned)
        .group_by(c.kecamatan_kode, c.kecamatan_name)
        .order_by(c.kecamatan_kode)
    )
    return list((await connection.execute(query)).all())
