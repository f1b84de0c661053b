"""SLA clocks and deadline arithmetic, in WIB (UTC+7, no daylight saving).

Clocks (``units_and_categories.json`` meta.conventions.durations):

- ``calendar``: plain addition of the duration to the start instant.
- ``working_days``: ``PnD`` only (the catalogue has no hour-level working
  clock, so none is defined: ``PT8H`` on a working-day clock is refused when
  the rules are loaded). **Definition**: the deadline is the end (24:00 WIB)
  of the n-th working day *after* the WIB calendar day of the start instant.
  The start day itself never counts, whatever the hour -- a report at 08:00
  and one at 23:00 on the same day get the same deadline. A working day is
  Monday-Friday and not in ``holidays.json`` (both ``libur_nasional`` and
  ``cuti_bersama``: the government offices that carry these clocks are closed
  on both). Example: a report on Friday 2026-11-27 19:00 WIB with ``P3D``
  counts Monday 30 Nov, Tuesday 1 Dec, Wednesday 2 Dec, so the deadline is
  Thursday 2026-12-03 00:00 WIB.
- ``external`` / ``responder``: resolution is outside the platform's control;
  no deadline.

The holiday list covers only the years it was compiled for (2025-2027). Past
that, weekends are still skipped, holidays cannot be, and the result says
``calendar_covered=False`` so the decision can show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    field_validator,
)

from tanggap.routing.domain.durations import IsoDuration, parse_duration

WIB = timezone(timedelta(hours=7), "WIB")


def _to_duration(value: Any) -> IsoDuration:
    if isinstance(value, IsoDuration):
        return value
    if not isinstance(value, str):
        raise ValueError(f"invalid ISO 8601 duration {value!r}")
    return parse_duration(value)


Duration = Annotated[IsoDuration, PlainValidator(_to_duration), PlainSerializer(str)]


def require_aware(moment: datetime, what: str = "time") -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {moment!r}")
    return moment


class ClockKind(StrEnum):
    CALENDAR = "calendar"
    WORKING_DAYS = "working_days"
    EXTERNAL = "external"
    RESPONDER = "responder"


class SlaClock(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    FIRST_ACTION = "first_action"
    RESOLVE = "resolve"


class HolidayKind(StrEnum):
    LIBUR_NASIONAL = "libur_nasional"
    CUTI_BERSAMA = "cuti_bersama"


@dataclass(frozen=True, slots=True)
class Holiday:
    day: date
    name: str
    kind: HolidayKind


@dataclass(frozen=True)
class WorkingCalendar:
    """Non-working days of Indonesian government offices."""

    holidays: Mapping[date, Holiday] = field(default_factory=dict)
    covered_years: frozenset[int] = frozenset()

    @classmethod
    def from_holidays_json(cls, data: Mapping[str, Any]) -> WorkingCalendar:
        """Parse ``holidays.json``: ``{"years": {"2026": [{"date", "name_id", "kind"}]}}``."""
        holidays: dict[date, Holiday] = {}
        years: set[int] = set()
        for year_text, entries in data["years"].items():
            year = int(year_text)
            years.add(year)
            for entry in entries:
                day = date.fromisoformat(entry["date"])
                if day.year != year:
                    raise ValueError(f"holiday {day} listed under {year}")
                kind = HolidayKind(entry["kind"])
                # Two entries on one day (never seen so far): a libur nasional wins.
                if day not in holidays or kind is HolidayKind.LIBUR_NASIONAL:
                    holidays[day] = Holiday(day=day, name=str(entry["name_id"]), kind=kind)
        return cls(holidays=dict(holidays), covered_years=frozenset(years))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def covers(self, day: date) -> bool:
        return day.year in self.covered_years

    def add_working_days(self, start: datetime, days: int) -> tuple[datetime, bool]:
        """End of the ``days``-th working day after the WIB day of ``start``.

        Returns the deadline and whether every day scanned was covered by the
        holiday list.
        """
        require_aware(start, "start")
        if days <= 0:
            raise ValueError("working-day count must be positive")
        day = start.astimezone(WIB).date()
        covered = self.covers(day)
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            covered = covered and self.covers(day)
            if self.is_working_day(day):
                counted += 1
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=WIB), covered


class SlaTerm(BaseModel):
    """One SLA target: how long, on which clock."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    clock: ClockKind
    within: Duration | None

    @field_validator("within")
    @classmethod
    def _within_fits_clock(cls, value: IsoDuration | None, info: ValidationInfo) -> Any:
        clock = info.data.get("clock")
        if clock in (ClockKind.EXTERNAL, ClockKind.RESPONDER):
            if value is not None:
                raise ValueError(f"a {clock} clock has no duration (within: null)")
        elif clock is not None and value is None:
            raise ValueError(f"a {clock} clock needs a duration")
        elif clock is ClockKind.WORKING_DAYS and value is not None and not value.whole_days:
            raise ValueError(f"a working_days clock takes whole days (PnD), got {value.text!r}")
        return value


class SlaPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    acknowledge: SlaTerm
    first_action: SlaTerm
    resolve: SlaTerm

    def term(self, clock: SlaClock) -> SlaTerm:
        term: SlaTerm = getattr(self, clock.value)
        return term


@dataclass(frozen=True, slots=True)
class SlaDeadlines:
    acknowledge_by: datetime | None
    first_action_by: datetime | None
    resolve_by: datetime | None
    calendar_covered: bool = True

    def for_clock(self, clock: SlaClock) -> datetime | None:
        value: datetime | None = getattr(self, f"{clock.value}_by")
        return value


def deadline(
    start: datetime, term: SlaTerm, calendar: WorkingCalendar
) -> tuple[datetime | None, bool]:
    """The deadline of ``term`` counted from ``start``, and whether the calendar covered it."""
    require_aware(start, "start")
    if term.within is None:
        return None, True
    if term.clock is ClockKind.WORKING_DAYS:
        return calendar.add_working_days(start, term.within.days)
    return start + term.within.timedelta, True


def compute_deadlines(
    policy: SlaPolicy,
    start: datetime,
    calendar: WorkingCalendar,
    clocks: Iterable[SlaClock] = tuple(SlaClock),
) -> SlaDeadlines:
    values: dict[str, datetime | None] = {}
    covered = True
    for clock in clocks:
        value, ok = deadline(start, policy.term(clock), calendar)
        values[clock.value] = value
        covered = covered and ok
    return SlaDeadlines(
        acknowledge_by=values.get(SlaClock.ACKNOWLEDGE.value),
        first_action_by=values.get(SlaClock.FIRST_ACTION.value),
        resolve_by=values.get(SlaClock.RESOLVE.value),
        calendar_covered=covered,
    )
