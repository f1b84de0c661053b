from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog
from pydantic import ValidationError

from tanggap.agency_adapters.adapters.base import (
    AgencyPlugins,
    Deliverer,
    Delivery,
    DeliveryReceipt,
    FeedPuller,
    FeedSpec,
)
from tanggap.agency_adapters.adapters.dishub.config import DishubSettings
from tanggap.agency_adapters.adapters.dishub.wire import (
    TICKET_ANSWER,
    TRAFFIC_PAGE,
    TrafficPoint,
)
from tanggap.agency_adapters.adapters.http import AgencyHttpClient
from tanggap.agency_adapters.adapters.payload import incident_fields
from tanggap.agency_adapters.domain.delivery import AgencyRoute
from tanggap.agency_adapters.metrics import FEED_RECORDS
from tanggap.schemas.common import Event, GeoPoint
from tanggap.schemas.events.agency import (
    TrafficConditionObserved,
    TrafficLevel,
    TrafficPlaceKind,
)

NAME = "dishub"
TRAFFIC_FEED = "dishub.traffic"
log = structlog.get_logger("tanggap.agency_adapters.dishub")

# Dishub's words, as its feed writes them (spaces or underscores, any case).
LEVELS = {
    "lancar": TrafficLevel.LANCAR,
    "ramai lancar": TrafficLevel.RAMAI_LANCAR,
    "padat": TrafficLevel.PADAT,
    "macet": TrafficLevel.MACET,
}
KINDS = {"ruas": TrafficPlaceKind.SEGMENT, "simpang": TrafficPlaceKind.INTERSECTION}


class DishubIncidentDesk(Deliverer):
    agency = NAME

    def __init__(self, settings: DishubSettings, http: AgencyHttpClient) -> None:
        self.route = AgencyRoute(agency=NAME, units=settings.units)
        self._http = http

    async def deliver(self, delivery: Delivery) -> DeliveryReceipt:
        # One endpoint for new and updated incidents: Dishub files them by id_tanggap.
        body = {"id_tanggap": delivery.incident.incident_id, **_laporan(delivery)}
        response = await self._http.request(
            "POST",
            "/api/laporan-kejadian",
            json_body=body,
            headers={"Idempotency-Key": delivery.plan.idempotency_key},
        )
        return DeliveryReceipt(reference=response.parse(TICKET_ANSWER).nomor_tiket)


def _laporan(delivery: Delivery) -> dict[str, Any]:
    fields = incident_fields(delivery)
    return {
        "kategori": fields["category"],
        "prioritas": fields["priority"],
        "status": fields["status"],
        "lokasi": fields["location"],
        "kelurahan": fields["kelurahan"],
        "kecamatan": fields["kecamatan"],
        "uraian": fields["description_public"],
        "dibuka_pada": fields["opened_at"],
        "batas_tanggapan": fields["acknowledge_by"],
    }


class DishubTrafficFeed(FeedPuller):
    def __init__(self, settings: DishubSettings, http: AgencyHttpClient) -> None:
        self.feed = FeedSpec(
            name=TRAFFIC_FEED,
            interval_s=settings.traffic_interval_s,
            stale_after_s=settings.traffic_stale_after_s,
        )
        self._http = http
        self._last: dict[str, tuple[object, ...]] = {}
        self._reported_bad: set[str] = set()

    async def pull(self) -> Sequence[Event]:
        page = (await self._http.request("GET", "/api/lalu-lintas")).parse(TRAFFIC_PAGE)
        events: list[Event] = []
        for raw in page.titik:
            event = self._observation(raw, page.diperbarui)
            if event is None:
                continue
            # A point is news when its condition changed, not when Dishub merely
            # re-stamped the page: the topic carries changes, the feed status
            # (agency.feed_status) says the feed itself is alive.
            condition = (event.level, event.speed_kmh, event.name, event.kind, event.location)
            if self._last.get(event.segment_id) == condition:
                FEED_RECORDS.labels(TRAFFIC_FEED, "unchanged").inc()
                continue
            self._last[event.segment_id] = condition
            events.append(event)
        return events

    def reset(self) -> None:
        self._last.clear()

    def _observation(self, raw: object, page_time: Any) -> TrafficConditionObserved | None:
        try:
            return _observation(raw, page_time)
        except (ValidationError, ValueError) as exc:
            FEED_RECORDS.labels(TRAFFIC_FEED, "rejected").inc()
            fingerprint = repr(raw)[:500]
            if fingerprint not in self._reported_bad:  # log a broken point once, not every poll
                self._reported_bad.add(fingerprint)
                log.warning("traffic point rejected", error=str(exc)[:300])
            return None


def _observation(raw: object, page_time: Any) -> TrafficConditionObserved:
    """One point of the page as an event; ValidationError/ValueError when broken."""
    point = TrafficPoint.model_validate(raw)
    level = LEVELS.get(point.tingkat.strip().lower().replace("_", " "))
    if level is None:
        raise ValueError(f"unknown traffic level {point.tingkat[:20]!r}")
    observed = point.waktu if point.waktu and point.waktu.tzinfo else page_time
    return TrafficConditionObserved(
        segment_id=point.kode,
        name=point.nama,
        kind=KINDS[point.jenis],
        level=level,
        speed_kmh=point.kecepatan_kmh,
        location=GeoPoint(lat=point.lat, lon=point.lon),
        observed_at=observed,
    )


def build(settings: DishubSettings) -> AgencyPlugins:
    http = AgencyHttpClient(
        agency=NAME, base_url=settings.url, limits=settings.limits, headers=settings.bearer()
    )
    desk = DishubIncidentDesk(settings, http)
    return AgencyPlugins(
        name=NAME, deliverer=desk, feeds=[DishubTrafficFeed(settings, http)], clients=[http]
    )
