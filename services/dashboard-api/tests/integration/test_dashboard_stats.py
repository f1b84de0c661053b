"""The statistics in SQL agree with their definitions in domain/stats.py, on a
city's worth of incidents in every state; the daily summary adds up; the
public figures leave confidential-only incidents out."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from dashboard_testkit import DISHUB, Scenario, load_areas, project_directly
from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard.domain.roles import Principal, Role
from tanggap.dashboard.domain.stats import (
    AGEING_BUCKETS,
    SlaFacts,
    Verdict,
    ageing_bucket,
    is_overdue,
    median_seconds,
    unit_scores,
    verdict,
    wib_date,
    wib_day_bounds,
)
from tanggap.dashboard.domain.summary import CSV_COLUMNS, summary_csv
from tanggap.dashboard.service.stats import StatsService
from tanggap.schemas.common import IncidentStatus, Privacy
from tanggap.schemas.events import IncidentSnapshot

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
CC = Principal("u-cc", "cc", Role.COMMAND_CENTER, "command-center")
PERIOD = (NOW - timedelta(days=30), NOW)
PRIVACY_MIX = [Privacy.PUBLIC, Privacy.PUBLIC, Privacy.ANONYMOUS, Privacy.CONFIDENTIAL]


def city(scenario: Scenario, seed: int = 7) -> list[object]:
    """80 incidents over three weeks, each taken a random way through its life."""
    rng = random.Random(seed)
    kelurahan = sorted(scenario.areas)
    events: list[object] = []
    for _ in range(80):
        opened = NOW - timedelta(minutes=rng.randint(10, 21 * 24 * 60))
        privacy = rng.choice(
            [Privacy.PUBLIC, Privacy.PUBLIC, Privacy.ANONYMOUS, Privacy.CONFIDENTIAL]
        )
        incident, emitted = scenario.report(
            rng.choice(kelurahan),
            category=rng.choice(["sampah", "drainase", "penerangan-jalan"]),
            privacy=privacy,
            handler=DISHUB,
            at=opened,
            sla=rng.choice([timedelta(hours=6), timedelta(days=3), timedelta(days=14)]),
            resolve_sla=rng.random() > 0.2,
        )
        events += emitted
        moment = opened
        for step in ("acknowledge", "start", "resolve"):
            moment += timedelta(minutes=rng.randint(5, 4 * 24 * 60))
            if moment >= NOW or rng.random() < 0.25:
                break
            if step == "acknowledge" and rng.random() < 0.1:
                events += scenario.step(incident, "reject", at=moment)
                break
            if step == "acknowledge" and rng.random() < 0.2:
                events += scenario.step(incident, "escalate", at=moment)
                moment += timedelta(minutes=30)
            events += scenario.step(incident, step, at=moment)
    return events


def facts(snapshot: IncidentSnapshot) -> SlaFacts:
    return SlaFacts(
        status=snapshot.status,
        opened_at=snapshot.opened_at,
        acknowledged_at=snapshot.acknowledged_at,
        first_action_at=snapshot.first_action_at,
        resolved_at=snapshot.resolved_at,
        acknowledge_by=snapshot.sla.acknowledge_by,
        first_action_by=snapshot.sla.first_action_by,
        resolve_by=snapshot.sla.resolve_by,
    )


@pytest.fixture(scope="module")
async def stats(engine: AsyncEngine, schema: str) -> tuple[StatsService, Scenario]:
    scenario = Scenario(await load_areas(engine))
    await project_directly(engine, city(scenario), schema)
    return StatsService(engine, public_cache_s=0, clock=lambda: NOW), scenario


async def test_totals_medians_and_ageing_follow_the_definitions(
    stats: tuple[StatsService, Scenario],
) -> None:
    service, scenario = stats
    snapshots = [s.snapshot() for s in scenario.incidents.values()]
    verdicts = Counter(verdict(facts(s), NOW) for s in snapshots)
    assert verdicts[Verdict.LATE] > 0
    assert verdicts[Verdict.ON_TIME] > 0
    assert verdicts[Verdict.PENDING] > 0  # the data set covers every verdict

    overview = await service.overview(CC, PERIOD)
    totals = overview.totals
    assert totals.total == len(snapshots)
    assert totals.on_time == verdicts[Verdict.ON_TIME]
    assert totals.late == verdicts[Verdict.LATE]
    assert totals.pending == verdicts[Verdict.PENDING]
    assert totals.overdue == sum(is_overdue(facts(s), NOW) for s in snapshots)
    open_ = [
        s
        for s in snapshots
        if s.status
        in {IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED, IncidentStatus.IN_PROGRESS}
    ]
    assert totals.open == len(open_)
    ack = [s.acknowledged_at - s.opened_at for s in snapshots if s.acknowledged_at]
    resolved = [s.resolved_at - s.opened_at for s in snapshots if s.resolved_at]
    assert totals.median_acknowledge_s == pytest.approx(median_seconds(ack))
    assert totals.median_resolve_s == pytest.approx(median_seconds(resolved))
    ageing = {label: 0 for label, _ in AGEING_BUCKETS}
    ageing.update(Counter(ageing_bucket(NOW - s.opened_at) for s in open_))
    assert overview.ageing == ageing
    by_status = {r.status: r.n for r in overview.counts["status"]}
    assert by_status == dict(Counter(s.status.value for s in snapshots))
    by_kecamatan = {r.kecamatan_kode: r.n for r in overview.counts["kecamatan"]}
    assert by_kecamatan == dict(Counter(s.area.kecamatan.kode for s in snapshots))


async def test_unit_scores_count_open_overdue_and_escalations_against_the_unit(
    stats: tuple[StatsService, Scenario],
) -> None:
    service, scenario = stats
    snapshots = {s.incident_id: s.snapshot() for s in scenario.incidents.values()}
    expected = unit_scores(
        [(i, s.owner.id, verdict(facts(s), NOW)) for i, s in snapshots.items()],
        scenario.escalations,
    )
    assert scenario.escalations, "the data set escalates some incidents"
    found = {u["unit_id"]: u for u in await service.units(CC, PERIOD)}
    assert set(found) == set(expected)
    for unit_id, score in expected.items():
        row = found[unit_id]
        assert (row["on_time"], row["late"], row["pending"]) == (
            score.on_time,
            score.late,
            score.pending,
        ), unit_id
        owned = [s for s in snapshots.values() if s.owner.id == unit_id]
        resolve_times = [s.resolved_at - s.opened_at for s in owned if s.resolved_at]
        assert row["median_resolve_s"] == pytest.approx(median_seconds(resolve_times))


async def test_trend_and_daily_summary_add_up(stats: tuple[StatsService, Scenario]) -> None:
    service, scenario = stats
    snapshots = [s.snapshot() for s in scenario.incidents.values()]
    trend = {p["date"]: p for p in await service.trend(CC, 30)}
    assert len(trend) == 30
    opened_per_day = Counter(wib_date(s.opened_at) for s in snapshots)
    resolved_per_day = Counter(wib_date(s.resolved_at) for s in snapshots if s.resolved_at)
    for day, point in trend.items():
        assert point["opened"] == opened_per_day.get(day, 0)
        assert point["resolved"] == resolved_per_day.get(day, 0)

    day = max(opened_per_day, key=lambda d: opened_per_day[d])
    summary = await service.daily_summary(CC, day, export=True, client_ip=None)
    assert len(summary.rows) == 8
    assert summary.total.opened == opened_per_day[day]
    assert summary.total.resolved == resolved_per_day.get(day, 0)
    _, end = wib_day_bounds(day)
    still_open = [
        s
        for s in snapshots
        if s.opened_at < end
        and s.status is not IncidentStatus.REJECTED
        and not (s.resolved_at and s.resolved_at < end)
        and not (s.closed_at and s.closed_at < end)
    ]
    assert summary.total.open_at_end == len(still_open)
    rows = list(csv.reader(io.StringIO(summary_csv(summary))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + 8 + 1
    assert rows[-1][2] == "Kota Cilegon"
    assert sum(int(r[3]) for r in rows[1:-1]) == int(rows[-1][3]) == summary.total.opened


async def test_public_figures_leave_confidential_only_incidents_out(
    stats: tuple[StatsService, Scenario],
) -> None:
    service, scenario = stats
    public = [
        i
        for i, kinds in scenario.privacy.items()
        if any(p is not Privacy.CONFIDENTIAL for p in kinds)
    ]
    assert len(public) < len(scenario.incidents)
    figures = await service.public(PERIOD)
    assert figures["totals"].total == len(public)
    per_kecamatan = {r.kecamatan_kode: r.opened for r in figures["kecamatan"]}
    expected = Counter(scenario.incidents[i].area.kecamatan_kode for i in public)
    assert per_kecamatan == dict(expected)
