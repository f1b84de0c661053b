"""What the statistics mean. The SQL in adapters/stats_queries.py computes the
same definitions over the whole table; tests check the two against each other.

Definitions
-----------
* **Open**: status open, acknowledged or in progress.
* **Next deadline** of an open incident: acknowledge-by until acknowledged,
  then first-action-by until work started, then resolve-by (none when the
  catalogue gives no resolution time, e.g. PLN or PDAM work). **Overdue**: now
  is past the next deadline.
* **On time** is judged on the incident's measured deadline: resolve-by, or
  first-action-by where there is no resolve-by (resolution outside the
  platform). Done in time counts on time; done late, or *still open past the
  deadline*, counts late; open before the deadline is not judged yet; rejected
  incidents, and incidents closed without a resolution, are not judged.
* **On-time percentage of a unit**: its incidents (as owner) judged on time,
  over those judged; and every incident escalated away from the unit because
  it missed a clock counts late for it too — else a unit that lets everything
  escalate would look perfect, since its incidents leave it.
* **Time to acknowledge / resolve**: from opening, medians (the middle value,
  the mean of the two middle values for an even count).
* **Backlog ageing**: open incidents by time since opening.
* Days are WIB (UTC+7) calendar days.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum

from tanggap.dashboard.domain.errors import InvalidQuery
from tanggap.schemas.common import IncidentStatus

WIB = timezone(timedelta(hours=7), "WIB")

OPEN_STATUSES: frozenset[IncidentStatus] = frozenset(
    {IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED, IncidentStatus.IN_PROGRESS}
)

AGEING_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("<4h", timedelta(hours=4)),
    ("4-24h", timedelta(hours=24)),
    ("1-3d", timedelta(days=3)),
    ("3-7d", timedelta(days=7)),
    ("7-30d", timedelta(days=30)),
    (">30d", None),
)
"""Label and exclusive upper bound of each backlog age bucket, in order."""


class Verdict(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    PENDING = "pending"
    NOT_JUDGED = "not_judged"


@dataclass(frozen=True, slots=True)
class SlaFacts:
    status: IncidentStatus
    opened_at: datetime
    acknowledged_at: datetime | None
    first_action_at: datetime | None
    resolved_at: datetime | None
    acknowledge_by: datetime
    first_action_by: datetime
    resolve_by: datetime | None


def next_deadline(facts: SlaFacts) -> datetime | None:
    if facts.status not in OPEN_STATUSES:
        return None
    if facts.acknowledged_at is None:
        return facts.acknowledge_by
    if facts.first_action_at is None:
        return facts.first_action_by
    return facts.resolve_by


def is_overdue(facts: SlaFacts, now: datetime) -> bool:
    deadline = next_deadline(facts)
    return deadline is not None and now > deadline


def verdict(facts: SlaFacts, now: datetime) -> Verdict:
    if facts.status is IncidentStatus.REJECTED:
        return Verdict.NOT_JUDGED
    if facts.status is IncidentStatus.CLOSED and facts.resolved_at is None:
        return Verdict.NOT_JUDGED
    if facts.resolve_by is not None:
        deadline, done = facts.resolve_by, facts.resolved_at
    else:
        deadline = facts.first_action_by
        done = _earliest(facts.first_action_at, facts.resolved_at)
    if done is not None:
        return Verdict.ON_TIME if done <= deadline else Verdict.LATE
    return Verdict.LATE if now > deadline else Verdict.PENDING


def _earliest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return min(present) if present else None


def on_time_pct(on_time: int, late: int) -> float | None:
    judged = on_time + late
    return None if judged == 0 else round(100.0 * on_time / judged, 1)


@dataclass(frozen=True, slots=True)
class UnitScore:
    unit_id: str
    on_time: int
    late: int
    pending: int

    @property
    def pct(self) -> float | None:
        return on_time_pct(self.on_time, self.late)


def unit_scores(
    owned: Iterable[tuple[str, str, Verdict]], escalated_away: Iterable[tuple[str, str]]
) -> dict[str, UnitScore]:
    """Scores per unit from (incident id, owner, verdict) and (incident id,
    unit it was escalated away from). An escalated incident counts late for the
    unit it left once, and not for a unit that owns it again."""
    counts: dict[str, list[int]] = {}
    owner_of: dict[str, str] = {}
    for incident_id, owner, judged in owned:
        owner_of[incident_id] = owner
        row = counts.setdefault(owner, [0, 0, 0])
        if judged is Verdict.ON_TIME:
            row[0] += 1
        elif judged is Verdict.LATE:
            row[1] += 1
        elif judged is Verdict.PENDING:
            row[2] += 1
    for incident_id, unit in set(escalated_away):
        if owner_of.get(incident_id) != unit:
            counts.setdefault(unit, [0, 0, 0])[1] += 1
    return {unit: UnitScore(unit, *row) for unit, row in counts.items()}


def median_seconds(durations: Sequence[timedelta]) -> float | None:
    if not durations:
        return None
    return float(statistics.median(d.total_seconds() for d in durations))


def ageing_bucket(age: timedelta) -> str:
    for label, upper in AGEING_BUCKETS:
        if upper is None or age < upper:
            return label
    raise AssertionError("the last bucket has no upper bound")


def wib_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instant a WIB calendar day starts and the instant the next one starts."""
    start = datetime.combine(day, time(0), tzinfo=WIB)
    return start, start + timedelta(days=1)


def wib_date(moment: datetime) -> date:
    return moment.astimezone(WIB).date()


DEFAULT_PERIOD = timedelta(days=30)
MAX_PERIOD = timedelta(days=366)


def period(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The period [start, end) a statistic covers: the last 30 days by default,
    at most a year (a wider one is a report to export, not a screen)."""
    end = end or now
    start = start or end - DEFAULT_PERIOD
    if start >= end:
        raise InvalidQuery("the period must start before it ends")
    if end - start > MAX_PERIOD:
        raise InvalidQuery("a period spans at most 366 days")
    return start, end
