"""The definitions behind the statistics, on hand-made cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tanggap.dashboard.domain.errors import InvalidQuery
from tanggap.dashboard.domain.stats import (
    SlaFacts,
    UnitScore,
    Verdict,
    ageing_bucket,
    is_overdue,
    median_seconds,
    next_deadline,
    period,
    unit_scores,
    verdict,
    wib_date,
    wib_day_bounds,
)
from tanggap.dashboard.domain.summary import DailySummary, SummaryRow, summary_csv
from tanggap.schemas.common import IncidentStatus

T = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
H = timedelta(hours=1)


def sla(
    status: IncidentStatus = IncidentStatus.OPEN,
    *,
    acknowledged: datetime | None = None,
    started: datetime | None = None,
    resolved: datetime | None = None,
    resolve_by: datetime | None = T + 72 * H,
) -> SlaFacts:
    return SlaFacts(status, T, acknowledged, started, resolved, T + 4 * H, T + 24 * H, resolve_by)


def test_next_deadline_moves_with_the_steps() -> None:
    assert next_deadline(sla()) == T + 4 * H
    assert next_deadline(sla(IncidentStatus.ACKNOWLEDGED, acknowledged=T + H)) == T + 24 * H
    started = sla(IncidentStatus.IN_PROGRESS, acknowledged=T + H, started=T + 2 * H)
    assert next_deadline(started) == T + 72 * H
    assert next_deadline(sla(IncidentStatus.RESOLVED, resolved=T + H)) is None
    assert is_overdue(sla(), T + 5 * H)
    assert not is_overdue(sla(), T + 3 * H)


@pytest.mark.parametrize(
    ("facts", "now", "expected"),
    [
        (sla(IncidentStatus.RESOLVED, resolved=T + 70 * H), T + 100 * H, Verdict.ON_TIME),
        (sla(IncidentStatus.RESOLVED, resolved=T + 73 * H), T + 100 * H, Verdict.LATE),
        # Still open past the deadline counts against the unit already.
        (sla(IncidentStatus.IN_PROGRESS, acknowledged=T, started=T), T + 73 * H, Verdict.LATE),
        (sla(IncidentStatus.IN_PROGRESS, acknowledged=T, started=T), T + 71 * H, Verdict.PENDING),
        (sla(IncidentStatus.REJECTED), T + 100 * H, Verdict.NOT_JUDGED),
        (sla(IncidentStatus.CLOSED), T + 100 * H, Verdict.NOT_JUDGED),
        # No resolution time (PLN, PDAM): judged on the first action.
        (
            sla(IncidentStatus.IN_PROGRESS, started=T + 23 * H, resolve_by=None),
            T + 99 * H,
            Verdict.ON_TIME,
        ),
        (sla(IncidentStatus.OPEN, resolve_by=None), T + 25 * H, Verdict.LATE),
        (
            sla(IncidentStatus.RESOLVED, resolved=T + 2 * H, resolve_by=None),
            T + 99 * H,
            Verdict.ON_TIME,
        ),
    ],
)
def test_verdicts(facts: SlaFacts, now: datetime, expected: Verdict) -> None:
    assert verdict(facts, now) is expected


def test_escalations_count_against_the_unit_that_let_it_go() -> None:
    scores = unit_scores(
        [
            ("a", "kelurahan:1", Verdict.ON_TIME),
            ("b", "kecamatan:1", Verdict.ON_TIME),  # escalated from kelurahan:1
            ("c", "kelurahan:1", Verdict.PENDING),  # escalated and came back: not twice
        ],
        [("b", "kelurahan:1"), ("b", "kelurahan:1"), ("c", "kelurahan:1")],
    )
    assert scores["kelurahan:1"] == UnitScore("kelurahan:1", on_time=1, late=1, pending=1)
    assert scores["kelurahan:1"].pct == 50.0
    assert scores["kecamatan:1"].pct == 100.0


def test_medians_and_ageing() -> None:
    assert median_seconds([]) is None
    assert median_seconds([H, 3 * H]) == 7200.0
    assert median_seconds([H, 2 * H, 10 * H]) == 7200.0
    assert ageing_bucket(3 * H) == "<4h"
    assert ageing_bucket(4 * H) == "4-24h"
    assert ageing_bucket(timedelta(days=2)) == "1-3d"
    assert ageing_bucket(timedelta(days=400)) == ">30d"


def test_days_are_wib_days() -> None:
    start, end = wib_day_bounds(date(2026, 12, 1))
    assert start == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert end - start == timedelta(days=1)
    assert wib_date(datetime(2026, 11, 30, 17, 30, tzinfo=UTC)) == date(2026, 12, 1)


def test_periods() -> None:
    assert period(None, None, T) == (T - timedelta(days=30), T)
    with pytest.raises(InvalidQuery):
        period(T, T - H, T)
    with pytest.raises(InvalidQuery):
        period(T - timedelta(days=400), T, T)


def test_the_csv_has_a_row_per_kecamatan_and_a_total() -> None:
    rows = (
        SummaryRow("36.72.01", "Cibeber", 5, 3, 7, 2, on_time=3, late=1),
        SummaryRow("36.72.02", "Cilegon", 2, 2, 1, 0, on_time=0, late=0),
    )
    text = summary_csv(DailySummary(date(2026, 11, 30), T, rows, ()))
    lines = text.splitlines()
    assert lines[0].startswith("tanggal,kode_kecamatan,kecamatan,laporan_masuk")
    assert lines[1] == "2026-11-30,36.72.01,Cibeber,5,3,7,2,75.0"
    assert lines[2] == "2026-11-30,36.72.02,Cilegon,2,2,1,0,"
    assert lines[3] == "2026-11-30,36.72,Kota Cilegon,7,5,8,2,75.0"
