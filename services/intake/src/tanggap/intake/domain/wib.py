"""Western Indonesia Time (WIB, UTC+7, no daylight saving): every timestamp
a citizen or an Open311 client reads is written in it, with its offset."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")


def to_wib(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no place on the wire")
    return moment.astimezone(WIB)


def wib_text(moment: datetime) -> str:
    """``2026-12-01T09:30:00+07:00``: whole seconds, as Open311 examples show."""
    return to_wib(moment).replace(microsecond=0).isoformat()
