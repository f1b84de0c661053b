"""Which readings are the same earthquake, and which are news.

BMKG lists repeat an event, revise it one second later, and are not in time
order (BMKG.md §6.4); the same quake also appears in several files with
different field sets. The catalogue gives each quake one key for its life,
merges what the files say about it, and reports a quake only when one file's
own reading of it changed — so alternating polls of two files never flap.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tanggap.agency_adapters.domain.bmkg.reading import QuakeReading
from tanggap.schemas.events.agency import BmkgFeed, TsunamiPotential

REVISION_WINDOW_S = 60.0
REVISION_DEGREES = 0.1
_POTENTIAL_RANK = {
    TsunamiPotential.UNKNOWN: 0,
    TsunamiPotential.FELT_NO_STATEMENT: 1,
    TsunamiPotential.NONE: 2,
    TsunamiPotential.POTENTIAL: 3,
}


def same_quake(a_time: datetime, a_lat: float, a_lon: float, b: QuakeReading) -> bool:
    return (
        abs((a_time - b.origin_time).total_seconds()) <= REVISION_WINDOW_S
        and abs(a_lat - b.lat) <= REVISION_DEGREES
        and abs(a_lon - b.lon) <= REVISION_DEGREES
    )


def collapse(readings: Sequence[QuakeReading]) -> list[QuakeReading]:
    """One reading per quake within one file: the last issued of near-identical
    entries, sorted by origin time."""
    kept: list[QuakeReading] = []
    for reading in sorted(readings, key=lambda r: r.issue_order):
        kept = [k for k in kept if not same_quake(k.origin_time, k.lat, k.lon, reading)]
        kept.append(reading)
    return sorted(kept, key=lambda r: r.origin_time)


def merge(known: QuakeReading, new: QuakeReading) -> QuakeReading:
    """The newer reading's values, except where it is silent (a list file has no
    felt report) or weaker: a tsunami potential once stated stays stated."""
    potential = max(known.potential, new.potential, key=_POTENTIAL_RANK.__getitem__)
    return dataclasses.replace(
        new,
        potential=potential,
        felt=new.felt if new.felt is not None else known.felt,
        peak_mmi=new.peak_mmi if new.peak_mmi is not None else known.peak_mmi,
        status=new.status if new.status is not None else known.status,
        warning_zones=new.warning_zones or known.warning_zones,
    )


def _content(reading: QuakeReading) -> QuakeReading:
    return dataclasses.replace(reading, issue_order=0)


@dataclass
class KnownQuake:
    key: str
    origin_time: datetime
    lat: float
    lon: float
    exercise: bool = False
    merged: QuakeReading | None = None
    by_feed: dict[BmkgFeed, QuakeReading] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Quake:
    """A quake worth publishing: its lifetime key and everything known about it."""

    key: str
    reading: QuakeReading


class EarthquakeCatalogue:
    def __init__(self, capacity: int = 2000) -> None:
        self.capacity = capacity
        self._quakes: dict[str, KnownQuake] = {}

    def seed(self, key: str, origin_time: datetime, lat: float, lon: float) -> None:
        """Remember a quake known before a restart (one an incident was opened for),
        so its revisions keep the key the incident was opened under."""
        if key not in self._quakes:
            self._quakes[key] = KnownQuake(key=key, origin_time=origin_time, lat=lat, lon=lon)

    def forget_readings(self) -> None:
        """Keep every quake's key but forget what each file said, so the next
        readings are all news again (their publication had failed)."""
        for quake in self._quakes.values():
            quake.by_feed.clear()
            quake.merged = None

    def observe(self, readings: Iterable[QuakeReading]) -> list[Quake]:
        news: list[Quake] = []
        for reading in collapse(list(readings)):
            quake = self._match(reading) or self._add(reading)
            if quake.by_feed.get(reading.feed) == _content(reading):
                continue
            quake.by_feed[reading.feed] = _content(reading)
            merged = reading if quake.merged is None else merge(quake.merged, reading)
            if merged != quake.merged:
                quake.merged = merged
                news.append(Quake(key=quake.key, reading=merged))
        self._evict()
        return news

    def _match(self, reading: QuakeReading) -> KnownQuake | None:
        # An exercise (InaTEWS TES) never merges into a real quake, nor the reverse.
        for quake in self._quakes.values():
            if quake.exercise == reading.exercise and same_quake(
                quake.origin_time, quake.lat, quake.lon, reading
            ):
                return quake
        return None

    def _add(self, reading: QuakeReading) -> KnownQuake:
        base = event_key(reading.origin_time, exercise=reading.exercise)
        key, suffix = base, 2
        while key in self._quakes:  # two distinct quakes in one second: rare, not impossible
            key, suffix = f"{base}-{suffix}", suffix + 1
        quake = KnownQuake(
            key=key,
            origin_time=reading.origin_time,
            lat=reading.lat,
            lon=reading.lon,
            exercise=reading.exercise,
        )
        self._quakes[key] = quake
        return quake

    def _evict(self) -> None:
        if len(self._quakes) <= self.capacity:
            return
        oldest = sorted(self._quakes.values(), key=lambda q: q.origin_time)
        for quake in oldest[: len(self._quakes) - self.capacity]:
            del self._quakes[quake.key]


def event_key(origin_time: datetime, *, exercise: bool = False) -> str:
    """``bmkg-20260802123108`` (UTC origin time); exercises are ``bmkg-tes-...``."""
    return f"bmkg-{'tes-' if exercise else ''}{origin_time:%Y%m%d%H%M%S}"
