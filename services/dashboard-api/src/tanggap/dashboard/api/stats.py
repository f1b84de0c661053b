"""Statistics in the caller's scope, and the mayor's daily summary (JSON, CSV)."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query
from fastapi.responses import Response

from tanggap.dashboard.api.deps import ClientIp, CurrentPrincipal, Day, PeriodParams, UseCasesDep
from tanggap.dashboard.api.dto_stats import (
    AgeBucket,
    CountRead,
    DailySummaryRead,
    Overview,
    SummaryRowRead,
    TrendPoint,
    UnitsStats,
    counts_of,
    totals_of,
    unit_stat,
)
from tanggap.dashboard.api.errors import PROBLEM_RESPONSES
from tanggap.dashboard.domain.stats import period, wib_date
from tanggap.dashboard.domain.summary import DailySummary, SummaryRow, summary_csv

router = APIRouter(prefix="/v1", tags=["statistics"], responses=PROBLEM_RESPONSES)


@router.get("/stats/overview", summary="Counts, on-time, medians and backlog ageing")
async def overview(
    principal: CurrentPrincipal, cases: UseCasesDep, params: PeriodParams
) -> Overview:
    found = await cases.stats.overview(principal, period(*params, cases.clock()))
    return Overview(
        period_from=found.period[0],
        period_to=found.period[1],
        generated_at=found.now,
        totals=totals_of(found.totals),
        by_status=counts_of(found.counts["status"], "status"),
        by_category=counts_of(found.counts["category"], "category"),
        by_kecamatan=counts_of(found.counts["kecamatan"], "kecamatan_kode", "kecamatan_name"),
        by_unit=counts_of(found.counts["unit"], "owner_unit_id", "owner_name"),
        backlog_ageing=[AgeBucket(bucket=b, count=n) for b, n in found.ageing.items()],
    )


@router.get("/stats/units", summary="League table: on-time percentage and medians per unit")
async def units(
    principal: CurrentPrincipal, cases: UseCasesDep, params: PeriodParams
) -> UnitsStats:
    start, end = period(*params, cases.clock())
    entries = [unit_stat(e) for e in await cases.stats.units(principal, (start, end))]
    entries.sort(key=lambda u: (u.on_time_pct is None, -(u.on_time_pct or 0), u.unit_id))
    return UnitsStats(period_from=start, period_to=end, generated_at=cases.clock(), units=entries)


@router.get("/stats/trend", summary="Opened and resolved per day (WIB)")
async def trend(
    principal: CurrentPrincipal,
    cases: UseCasesDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> list[TrendPoint]:
    return [TrendPoint(**point) for point in await cases.stats.trend(principal, days)]


@router.get(
    "/stats/kelurahan.geojson",
    summary="Kelurahan polygons with backlog, overdue and per-10,000 rates (choropleth)",
    response_model=None,
)
async def kelurahan_geojson(
    principal: CurrentPrincipal, cases: UseCasesDep, params: PeriodParams
) -> dict[str, Any]:
    rows = await cases.stats.kelurahan_backlog(principal, period(*params, cases.clock()))
    features = []
    for row in rows:
        per_10k = None if not row.population else round(row.open * 10_000 / row.population, 2)
        features.append(
            {
                "type": "Feature",
                "id": row.kode,
                "geometry": _json(row.geometry),
                "properties": {
                    "kode": row.kode,
                    "name": row.name,
                    "kecamatan_kode": row.kecamatan_kode,
                    "kecamatan_name": row.kecamatan_name,
                    "population": row.population,
                    "opened": row.opened,
                    "open": row.open,
                    "overdue": row.overdue,
                    "open_per_10k": per_10k,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _json(text: str) -> Any:
    return orjson.loads(text)


def _row(row: SummaryRow) -> SummaryRowRead:
    return SummaryRowRead(
        kecamatan_kode=row.kecamatan_kode,
        kecamatan_name=row.kecamatan_name,
        opened=row.opened,
        resolved=row.resolved,
        open_at_end=row.open_at_end,
        overdue_now=row.overdue_now,
        on_time=row.on_time,
        late=row.late,
        on_time_pct=row.on_time_pct,
    )


def _summary(found: DailySummary) -> DailySummaryRead:
    return DailySummaryRead(
        date=found.day,
        generated_at=found.generated_at,
        kecamatan=[_row(r) for r in found.rows],
        total=_row(found.total),
        top_categories=[CountRead(key=code, count=n) for code, n in found.top_categories],
    )


DayParam = Annotated[Day | None, Query(alias="date", description="WIB day; today by default")]


@router.get("/summary/daily", summary="The mayor's daily summary")
async def daily_summary(
    principal: CurrentPrincipal, cases: UseCasesDep, ip: ClientIp, day: DayParam = None
) -> DailySummaryRead:
    found = await cases.stats.daily_summary(
        principal, day or wib_date(cases.clock()), export=False, client_ip=ip
    )
    return _summary(found)


@router.get(
    "/summary/daily.csv",
    summary="The mayor's daily summary as CSV (one row per kecamatan and a total)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def daily_summary_csv(
    principal: CurrentPrincipal, cases: UseCasesDep, ip: ClientIp, day: DayParam = None
) -> Response:
    day = day or wib_date(cases.clock())
    found = await cases.stats.daily_summary(principal, day, export=True, client_ip=ip)
    return Response(
        summary_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="ringkasan-{day.isoformat()}.csv"'},
    )
