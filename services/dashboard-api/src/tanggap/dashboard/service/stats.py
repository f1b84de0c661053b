"""Statistics within the caller's scope, the mayor's daily summary, and the
public transparency figures (city-wide, no personal data, confidential-only
incidents left out, cached briefly because anyone may ask)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard.adapters import audit
from tanggap.dashboard.adapters import incident_queries as queries
from tanggap.dashboard.adapters import stats_queries as sql
from tanggap.dashboard.adapters.areas import all_areas
from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.domain.roles import Principal
from tanggap.dashboard.domain.scope import scope_for
from tanggap.dashboard.domain.stats import DEFAULT_PERIOD, wib_date, wib_day_bounds
from tanggap.dashboard.domain.summary import DailySummary, SummaryRow
from tanggap.dashboard.service.clock import Clock, utc_now

Period = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Overview:
    period: Period
    now: datetime
    totals: AnyRow
    counts: dict[str, list[AnyRow]]
    ageing: dict[str, int]


class StatsService:
    def __init__(
        self, engine: AsyncEngine, *, public_cache_s: float, clock: Clock = utc_now
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.public_cache_s = public_cache_s
        self._public_cache: dict[Period, tuple[float, dict[str, Any]]] = {}
        self._public_lock = asyncio.Lock()

    def _scoped(self, principal: Principal) -> ColumnElement[bool]:
        return queries.scope_condition(scope_for(principal))

    async def overview(self, principal: Principal, period: Period) -> Overview:
        now = self.clock()
        scope = self._scoped(principal)
        in_period = [scope, sql.period_condition(*period)]
        async with self.engine.connect() as connection:
            totals = await sql.totals(connection, in_period, now)
            counts = await sql.counts(connection, in_period)
            ageing = await sql.backlog_ageing(connection, [scope], now)
        return Overview(period, now, totals, counts, ageing)

    async def units(self, principal: Principal, period: Period) -> list[dict[str, Any]]:
        conditions = [self._scoped(principal), sql.period_condition(*period)]
        async with self.engine.connect() as connection:
            return await sql.units(connection, conditions, self.clock())

    async def trend(self, principal: Principal, days: int) -> list[dict[str, Any]]:
        today = wib_date(self.clock())
        first = today - timedelta(days=days - 1)
        start, _ = wib_day_bounds(first)
        _, end = wib_day_bounds(today)
        async with self.engine.connect() as connection:
            series = await sql.trend(connection, [self._scoped(principal)], start, end)
        return [
            {
                "date": day,
                "opened": series["opened"].get(day, 0),
                "resolved": series["resolved"].get(day, 0),
            }
            for day in (first + timedelta(days=n) for n in range(days))
        ]

    async def kelurahan_backlog(self, principal: Principal, period: Period) -> list[AnyRow]:
        conditions = [self._scoped(principal), sql.period_condition(*period)]
        async with self.engine.connect() as connection:
            return await sql.kelurahan_backlog(connection, conditions, self.clock())

    async def daily_summary(
        self, principal: Principal, day: date, *, export: bool, client_ip: str | None
    ) -> DailySummary:
        now = self.clock()
        start, end = wib_day_bounds(day)
        scope = self._scoped(principal)
        judged = [scope, sql.period_condition(end - DEFAULT_PERIOD, end)]
        async with self.engine.begin() as connection:
            flow = {
                r.kecamatan_kode: r
                for r in await sql.day_flow(connection, [scope], start, end, now)
            }
            verdicts = {
                r.kecamatan_kode: r
                for r in await sql.by_area_and_category(connection, judged, now, area="kecamatan")
            }
            categories = await sql.by_area_and_category(
                connection, [scope, sql.period_condition(start, end)], now, area="category"
            )
            kecamatan_rows, _ = await all_areas(connection)
            if export:
                await audit.record(
                    connection,
                    at=now,
                    action="summary.export_csv",
                    outcome="ok",
                    principal=principal,
                    detail={"day": day.isoformat()},
                    client_ip=client_ip,
                )
        rows = tuple(
            _summary_row(k.kode, k.name, flow.get(k.kode), verdicts.get(k.kode))
            for k in kecamatan_rows
        )
        top = tuple((r.category, r.opened) for r in sorted(categories, key=lambda r: -r.opened)[:5])
        return DailySummary(day=day, generated_at=now, rows=rows, top_categories=top)

    async def areas(self) -> tuple[list[AnyRow], list[AnyRow]]:
        async with self.engine.connect() as connection:
            return await all_areas(connection)

    async def public(self, period: Period) -> dict[str, Any]:
        async with self._public_lock:
            cached = self._public_cache.get(period)
            if cached is not None and time.monotonic() - cached[0] < self.public_cache_s:
                return cached[1]
            figures = await self._public_figures(period)
            self._public_cache = {period: (time.monotonic(), figures)}
            return figures

    async def _public_figures(self, period: Period) -> dict[str, Any]:
        now = self.clock()
        conditions = [sql.public_condition(), sql.period_condition(*period)]
        async with self.engine.connect() as connection:
            totals = await sql.totals(connection, conditions, now)
            kecamatan = await sql.by_area_and_category(
                connection, conditions, now, area="kecamatan"
            )
            category = await sql.by_area_and_category(connection, conditions, now, area="category")
        return {"now": now, "totals": totals, "kecamatan": kecamatan, "category": category}


def _summary_row(kode: str, name: str, flow: AnyRow | None, verdicts: AnyRow | None) -> SummaryRow:
    return SummaryRow(
        kecamatan_kode=kode,
        kecamatan_name=name,
        opened=flow.opened if flow else 0,
        resolved=flow.resolved if flow else 0,
        open_at_end=flow.open_at_end if flow else 0,
        overdue_now=flow.overdue_now if flow else 0,
        on_time=verdicts.on_time if verdicts else 0,
        late=verdicts.late if verdicts else 0,
    )
