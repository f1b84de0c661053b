from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import structlog

from tanggap.agency_adapters.adapters.base import AgencyPlugins, FeedPuller, FeedSpec
from tanggap.agency_adapters.adapters.bmkg.config import BmkgSettings
from tanggap.agency_adapters.adapters.http import AgencyHttpClient
from tanggap.agency_adapters.domain.bmkg.alert import AlertRule, observed_event
from tanggap.agency_adapters.domain.bmkg.catalogue import EarthquakeCatalogue
from tanggap.agency_adapters.domain.bmkg.inatews import parse_inatews
from tanggap.agency_adapters.domain.bmkg.opendata import parse_open_data
from tanggap.agency_adapters.domain.bmkg.reading import FeedFormatError, ParsedFeed
from tanggap.agency_adapters.domain.errors import AgencyProtocolError
from tanggap.agency_adapters.domain.geo import Point
from tanggap.agency_adapters.metrics import FEED_RECORDS
from tanggap.schemas.common import Event
from tanggap.schemas.events.agency import BmkgFeed

NAME = "bmkg"
log = structlog.get_logger("tanggap.agency_adapters.bmkg")
Parser = Callable[[object], ParsedFeed]


def alert_rule(settings: BmkgSettings) -> AlertRule:
    return AlertRule(
        reference=Point(settings.reference_lat, settings.reference_lon),
        incident_location=Point(settings.incident_lat, settings.incident_lon),
        min_magnitude=settings.min_magnitude,
        max_distance_km=settings.max_distance_km,
        tsunami_provinces=settings.tsunami_provinces,
    )


class BmkgFile(FeedPuller):
    """One BMKG file. Unchanged bodies (same hash) are not parsed again; a
    successful poll of an unchanged file still counts for freshness."""

    def __init__(
        self,
        *,
        feed: FeedSpec,
        http: AgencyHttpClient,
        path: str,
        parser: Parser,
        catalogue: EarthquakeCatalogue,
        hashes: dict[str, str],
        rule: AlertRule,
        cache_buster: bool = False,
    ) -> None:
        self.feed = feed
        self._http = http
        self._path = path
        self._parser = parser
        self._catalogue = catalogue
        self._rule = rule
        self._cache_buster = cache_buster
        self._hashes = hashes  # shared by the four files, like the catalogue

    async def pull(self) -> Sequence[Event]:
        # The InaTEWS bucket sits behind a CDN cache; everyone who reads it adds ?t=.
        params = {"t": str(int(time.time()))} if self._cache_buster else None
        response = await self._http.request("GET", self._path, params=params)
        digest = hashlib.sha256(response.body).hexdigest()
        if self._hashes.get(self._path) == digest:
            return []
        try:
            parsed = self._parser(response.json())
        except FeedFormatError as exc:
            raise AgencyProtocolError(str(exc), code=FeedFormatError.code) from None
        for rejected in parsed.rejected:
            FEED_RECORDS.labels(self.feed.name, "rejected").inc()
            log.warning(
                "bmkg record rejected",
                feed=self.feed.name,
                index=rejected.index,
                reason=rejected.reason,
            )
        quakes = self._catalogue.observe(parsed.readings)
        FEED_RECORDS.labels(self.feed.name, "unchanged").inc(len(parsed.readings) - len(quakes))
        self._hashes[self._path] = digest
        return [observed_event(quake, self._rule) for quake in quakes]

    def reset(self) -> None:
        # The catalogue is shared: every file must be read and merged afresh.
        self._hashes.clear()
        self._catalogue.forget_readings()


@dataclass(kw_only=True)
class BmkgPlugins(AgencyPlugins):
    """The four BMKG files share one catalogue, so a quake read from two of
    them is one quake with one key."""

    catalogue: EarthquakeCatalogue
    rule: AlertRule


def build(settings: BmkgSettings) -> BmkgPlugins:
    headers = {"User-Agent": settings.user_agent, "Referer": settings.referer}
    open_data = AgencyHttpClient(
        agency=NAME, base_url=settings.open_data_url, limits=settings.limits, headers=headers
    )
    inatews = AgencyHttpClient(
        agency=NAME, base_url=settings.inatews_url, limits=settings.limits, headers=headers
    )
    catalogue = EarthquakeCatalogue()
    hashes: dict[str, str] = {}
    rule = alert_rule(settings)
    serial = asyncio.Lock()

    def open_data_file(feed: BmkgFeed, interval: float, stale: int) -> BmkgFile:
        return BmkgFile(
            feed=FeedSpec(name=f"bmkg.{feed.value}", interval_s=interval, stale_after_s=stale),
            http=open_data,
            path=f"/{feed.value}.json",
            parser=lambda document: parse_open_data(document, feed),
            catalogue=catalogue,
            hashes=hashes,
            rule=rule,
        )

    feeds = [
        open_data_file(
            BmkgFeed.AUTOGEMPA, settings.autogempa_interval_s, settings.autogempa_stale_after_s
        ),
        open_data_file(
            BmkgFeed.GEMPATERKINI, settings.lists_interval_s, settings.lists_stale_after_s
        ),
        open_data_file(
            BmkgFeed.GEMPADIRASAKAN, settings.lists_interval_s, settings.lists_stale_after_s
        ),
        BmkgFile(
            feed=FeedSpec(
                name="bmkg.inatews",
                interval_s=settings.inatews_interval_s,
                stale_after_s=settings.inatews_stale_after_s,
            ),
            http=inatews,
            path="/datagempa.json",
            parser=parse_inatews,
            catalogue=catalogue,
            hashes=hashes,
            rule=rule,
            cache_buster=True,
        ),
    ]
    for feed in feeds:
        feed.serial = serial
    return BmkgPlugins(
        name=NAME, feeds=feeds, clients=[open_data, inatews], catalogue=catalogue, rule=rule
    )
