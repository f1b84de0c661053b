"""HTTP shapes of the statistics (definitions: domain/stats.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.domain.stats import on_time_pct


class CountRead(BaseModel):
    key: str
    name: str | None = None
    count: int


class Totals(BaseModel):
    total: int
    open: int
    overdue: int
    resolved: int
    on_time: int
    late: int = Field(description="Late, including open incidents past their deadline")
    pending: int = Field(description="Open and not yet due: not judged")
    on_time_pct: float | None
    median_acknowledge_s: float | None
    median_resolve_s: float | None


class AgeBucket(BaseModel):
    bucket: str
    count: int


class Overview(BaseModel):
    period_from: datetime
    period_to: datetime
    generated_at: datetime
    totals: Totals
    by_status: list[CountRead]
    by_category: list[CountRead]
    by_kecamatan: list[CountRead]
    by_unit: list[CountRead]
    backlog_ageing: list[AgeBucket] = Field(description="Open incidents now, by age")


class UnitStat(BaseModel):
    unit_id: str
    name: str
    on_time: int
    late: int
    pending: int
    escalated_away: int = Field(description="Escalated away after missing a clock (counted late)")
    on_time_pct: float | None
    open: int
    overdue: int
    median_acknowledge_s: float | None
    median_resolve_s: float | None


class UnitsStats(BaseModel):
    period_from: datetime
    period_to: datetime
    generated_at: datetime
    units: list[UnitStat]


class TrendPoint(BaseModel):
    date: date
    opened: int
    resolved: int


class SummaryRowRead(BaseModel):
    kecamatan_kode: str
    kecamatan_name: str
    opened: int
    resolved: int
    open_at_end: int
    overdue_now: int
    on_time: int
    late: int
    on_time_pct: float | None


class DailySummaryRead(BaseModel):
    date: date
    generated_at: datetime
    kecamatan: list[SummaryRowRead]
    total: SummaryRowRead
    top_categories: list[CountRead]


class PublicAreaStat(BaseModel):
    key: str
    name: str
    opened: int
    resolved: int
    open: int
    overdue: int
    on_time_pct: float | None
    median_resolve_hours: float | None


class PublicStats(BaseModel):
    """City-wide, without personal data; incidents known only from confidential
    reports are left out."""

    period_from: datetime
    period_to: datetime
    generated_at: datetime
    totals: Totals
    kecamatan: list[PublicAreaStat]
    category: list[PublicAreaStat]


def totals_of(row: AnyRow) -> Totals:
    return Totals(
        total=row.total,
        open=row.open,
        overdue=row.overdue,
        resolved=row.resolved,
        on_time=row.on_time,
        late=row.late,
        pending=row.pending,
        on_time_pct=on_time_pct(row.on_time, row.late),
        median_acknowledge_s=row.median_acknowledge_s,
        median_resolve_s=row.median_resolve_s,
    )


def counts_of(rows: list[AnyRow], key: str, name: str | None = None) -> list[CountRead]:
    return [
        CountRead(key=r._mapping[key], name=r._mapping[name] if name else None, count=r.n)
        for r in rows
    ]


def unit_stat(entry: dict[str, Any]) -> UnitStat:
    return UnitStat(**entry, on_time_pct=on_time_pct(entry["on_time"], entry["late"]))


def public_area(row: AnyRow, key: str, name: str) -> PublicAreaStat:
    median = row.median_resolve_s
    return PublicAreaStat(
        key=row._mapping[key],
        name=row._mapping[name],
        opened=row.opened,
        resolved=row.resolved,
        open=row.open,
        overdue=row.overdue,
        on_time_pct=on_time_pct(row.on_time, row.late),
        median_resolve_hours=None if median is None else round(median / 3600, 1),
    )
