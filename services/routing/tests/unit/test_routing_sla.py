from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.durations import parse_duration
from tanggap.routing.domain.sla import (
    WIB,
    ClockKind,
    HolidayKind,
    SlaPolicy,
    SlaTerm,
    WorkingCalendar,
    compute_deadlines,
    deadline,
)


def term(within: str | None, clock: str) -> SlaTerm:
    return SlaTerm.model_validate({"within": within, "clock": clock})


def kind_of(raw_holidays: dict[str, Any], day: str) -> str:
    entries = [e for e in raw_holidays["years"][day[:4]] if e["date"] == day]
    assert len(entries) == 1, day
    kind: str = entries[0]["kind"]
    return kind


@pytest.mark.parametrize(
    ("text", "days", "seconds"),
    [("P3D", 3, 0), ("PT24H", 0, 86400), ("PT15M", 0, 900), ("P1DT2H30M", 1, 9000), ("P2W", 14, 0)],
)
def test_durations_parse(text: str, days: int, seconds: int) -> None:
    parsed = parse_duration(text)
    assert (parsed.days, parsed.seconds, str(parsed)) == (days, seconds, text)


@pytest.mark.parametrize("text", ["P14X", "P", "PT", "P1M", "P1Y", "3D", "P0D", "PT1.5H", ""])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601 duration"):
        parse_duration(text)


def test_calendar_clock_is_plain_addition(catalog: Catalog, friday_evening: datetime) -> None:
    value, covered = deadline(friday_evening, term("PT24H", "calendar"), catalog.calendar)
    assert value == friday_evening + timedelta(hours=24)
    assert covered
    value, _ = deadline(friday_evening, term("PT5M", "calendar"), catalog.calendar)
    assert value == datetime(2026, 11, 27, 19, 5, tzinfo=WIB)


def test_three_working_days_from_friday_evening(catalog: Catalog, friday_evening: datetime) -> None:
    # Fri 27 Nov 2026 19:00 WIB: Mon 30, Tue 1, Wed 2 -> end of Wednesday
    value, covered = deadline(friday_evening, term("P3D", "working_days"), catalog.calendar)
    assert value == datetime(2026, 12, 3, 0, 0, tzinfo=WIB)
    assert covered
    # the hour of the report does not matter: Friday morning gives the same deadline
    morning = friday_evening.replace(hour=8)
    assert deadline(morning, term("P3D", "working_days"), catalog.calendar)[0] == value


def test_the_wib_day_decides_not_the_utc_day(catalog: Catalog) -> None:
    # 17:30 UTC on Friday is 00:30 WIB on Saturday: counting starts after Saturday
    start = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)
    value, _ = deadline(start, term("P1D", "working_days"), catalog.calendar)
    assert value == datetime(2026, 12, 1, 0, 0, tzinfo=WIB)
    assert value.utcoffset() == timedelta(hours=7)


def test_a_national_holiday_is_skipped(catalog: Catalog, raw_holidays: dict[str, Any]) -> None:
    assert kind_of(raw_holidays, "2026-08-17") == "libur_nasional"  # Monday, Independence Day
    assert date(2026, 8, 17).weekday() == 0
    start = datetime(2026, 8, 14, 10, 0, tzinfo=WIB)  # Friday
    value, _ = deadline(start, term("P1D", "working_days"), catalog.calendar)
    assert value == datetime(2026, 8, 19, 0, 0, tzinfo=WIB)  # end of Tuesday 18 Aug


def test_a_cuti_bersama_day_is_skipped(catalog: Catalog, raw_holidays: dict[str, Any]) -> None:
    assert kind_of(raw_holidays, "2026-02-16") == "cuti_bersama"  # Monday before Imlek
    assert kind_of(raw_holidays, "2026-02-17") == "libur_nasional"  # Imlek
    start = datetime(2026, 2, 13, 15, 0, tzinfo=WIB)  # Friday
    value, _ = deadline(start, term("P1D", "working_days"), catalog.calendar)
    assert value == datetime(2026, 2, 19, 0, 0, tzinfo=WIB)  # end of Wednesday 18 Feb
    # Christmas 2026: Thu 24 cuti bersama, Fri 25 libur nasional, then the weekend
    assert kind_of(raw_holidays, "2026-12-24") == "cuti_bersama"
    start = datetime(2026, 12, 23, 9, 0, tzinfo=WIB)
    value, _ = deadline(start, term("P1D", "working_days"), catalog.calendar)
    assert value == datetime(2026, 12, 29, 0, 0, tzinfo=WIB)


def test_calendar_holds_both_kinds(catalog: Catalog, raw_holidays: dict[str, Any]) -> None:
    raw = {e["date"] for year in raw_holidays["years"].values() for e in year}
    assert {d.isoformat() for d in catalog.calendar.holidays} == raw
    kinds = {h.kind for h in catalog.calendar.holidays.values()}
    assert kinds == {HolidayKind.LIBUR_NASIONAL, HolidayKind.CUTI_BERSAMA}
    assert catalog.calendar.covered_years == {2025, 2026, 2027}


def test_beyond_the_holiday_list_only_weekends_are_skipped(catalog: Catalog) -> None:
    start = datetime(2027, 12, 30, 10, 0, tzinfo=WIB)  # Thursday
    value, covered = deadline(start, term("P2D", "working_days"), catalog.calendar)
    # 31 Dec 2027 (Fri) counts; 3 Jan 2028 (Mon) counts, but 2028 is not covered
    assert value == datetime(2028, 1, 4, 0, 0, tzinfo=WIB)
    assert not covered


def test_external_clocks_have_no_deadline(catalog: Catalog, friday_evening: datetime) -> None:
    policy = SlaPolicy.model_validate(
        {
            "acknowledge": {"within": "PT5M", "clock": "calendar"},
            "first_action": {"within": "PT15M", "clock": "calendar"},
            "resolve": {"within": None, "clock": "responder"},
        }
    )
    deadlines = compute_deadlines(policy, friday_evening, catalog.calendar)
    assert deadlines.resolve_by is None
    assert deadlines.first_action_by == friday_evening + timedelta(minutes=15)


@pytest.mark.parametrize(
    ("within", "clock", "message"),
    [
        ("PT8H", "working_days", "whole days"),
        ("P1D", "external", "no duration"),
        (None, "calendar", "needs a duration"),
    ],
)
def test_terms_must_fit_their_clock(within: str | None, clock: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        term(within, clock)


def test_naive_times_are_refused(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline(datetime(2026, 1, 1), term("P1D", "calendar"), catalog.calendar)


def test_calendar_parsing_refuses_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="libur_daerah"):
        WorkingCalendar.from_holidays_json(
            {"years": {"2026": [{"date": "2026-01-01", "name_id": "x", "kind": "libur_daerah"}]}}
        )
    assert ClockKind("working_days") is ClockKind.WORKING_DAYS
