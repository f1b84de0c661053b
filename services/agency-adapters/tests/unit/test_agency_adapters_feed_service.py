"""The feed use case with a fake publisher: a change the bus did not take is
published again on the next poll, and freshness follows successful polls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from tanggap.agency_adapters.adapters.base import FeedPuller, FeedSpec
from tanggap.agency_adapters.domain.bmkg.catalogue import EarthquakeCatalogue
from tanggap.agency_adapters.domain.bmkg.opendata import parse_open_data
from tanggap.agency_adapters.domain.errors import AgencyUnavailable
from tanggap.agency_adapters.domain.freshness import FeedHealth
from tanggap.agency_adapters.service.feeds import FeedService
from tanggap.schemas.common import Event, GeoPoint
from tanggap.schemas.events.agency import (
    BmkgFeed,
    FeedState,
    FeedStatusChanged,
    TrafficConditionObserved,
    TrafficLevel,
    TrafficPlaceKind,
)

START = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
JAM = TrafficConditionObserved(
    segment_id="simpang-tiga",
    name="Simpang Tiga",
    kind=TrafficPlaceKind.INTERSECTION,
    level=TrafficLevel.MACET,
    speed_kmh=6.5,
    location=GeoPoint(lat=-6.011351, lon=106.043185),
    observed_at=START,
)


class Clock:
    def __init__(self) -> None:
        self.at = START

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return (self.at - START).total_seconds()


class FlakyBus:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.published: list[Event] = []

    async def event(self, event: Event) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("broker unreachable")
        self.published.append(event)


class OneChange(FeedPuller):
    """Reports the jam once, as a deduplicating feed does, unless reset."""

    def __init__(self, fail: bool = False) -> None:
        self.feed = FeedSpec(name="dishub.traffic", interval_s=60, stale_after_s=300)
        self.fail = fail
        self.seen = False

    async def pull(self) -> Sequence[Event]:
        if self.fail:
            raise AgencyUnavailable("down", code="unreachable")
        if self.seen:
            return []
        self.seen = True
        return [JAM]

    def reset(self) -> None:
        self.seen = False


def service(puller: FeedPuller, bus: FlakyBus, clock: Clock) -> FeedService:
    health = FeedHealth(feed=puller.feed.name, expected_interval_s=300, watching_since=START)
    return FeedService(puller, health=health, publisher=bus, clock=clock)  # type: ignore[arg-type]


async def test_a_change_the_bus_refused_is_published_on_the_next_poll() -> None:
    bus, clock = FlakyBus(failures=1), Clock()
    feed = service(OneChange(), bus, clock)
    assert not await feed.poll_once()
    assert feed.health.state is None  # a poll whose news was lost is no success
    assert await feed.poll_once()
    assert bus.published[0] == JAM
    assert isinstance(bus.published[1], FeedStatusChanged)
    assert bus.published[1].state is FeedState.FRESH


async def test_an_agency_failure_is_counted_not_raised() -> None:
    bus, clock = FlakyBus(failures=0), Clock()
    feed = service(OneChange(fail=True), bus, clock)
    assert not await feed.poll_once()
    assert bus.published == []
    clock.at += timedelta(seconds=301)
    assert feed.health.check(clock.now()) is FeedState.STALE


def test_a_forgetful_catalogue_reports_its_quakes_again_under_the_same_keys() -> None:
    catalogue = EarthquakeCatalogue()
    document = {
        "Infogempa": {
            "gempa": {
                "DateTime": "2026-12-02T23:41:27+00:00",
                "Coordinates": "-6.35,105.80",
                "Magnitude": "5.3",
                "Kedalaman": "34 km",
                "Wilayah": "41 km BaratDaya KAB-SERANG-BANTEN",
            }
        }
    }
    readings = parse_open_data(document, BmkgFeed.AUTOGEMPA).readings
    [first] = catalogue.observe(readings)
    assert catalogue.observe(readings) == []
    catalogue.forget_readings()
    [again] = catalogue.observe(readings)
    assert again == first
