from __future__ import annotations

from collections.abc import Sequence

from tanggap.agency_adapters.adapters.asdp.config import AsdpSettings
from tanggap.agency_adapters.adapters.asdp.wire import PORT_STATUS, REPORT_ANSWER
from tanggap.agency_adapters.adapters.base import (
    AgencyPlugins,
    Deliverer,
    Delivery,
    DeliveryReceipt,
    FeedPuller,
    FeedSpec,
)
from tanggap.agency_adapters.adapters.http import AgencyHttpClient
from tanggap.agency_adapters.adapters.payload import incident_fields
from tanggap.agency_adapters.domain.delivery import AgencyRoute
from tanggap.schemas.common import Event
from tanggap.schemas.events.agency import PortStatusObserved, VehicleQueue

NAME = "asdp"
PORT_FEED = "asdp.port_status"


class AsdpQueueReports(Deliverer):
    agency = NAME

    def __init__(self, settings: AsdpSettings, http: AgencyHttpClient) -> None:
        self.route = AgencyRoute(agency=NAME, units=settings.units, categories=settings.categories)
        self._http = http

    async def deliver(self, delivery: Delivery) -> DeliveryReceipt:
        fields = incident_fields(delivery)
        body = {
            "referensi": fields["incident_id"],
            "kategori": fields["category"],
            "prioritas": fields["priority"],
            "status": fields["status"],
            "lokasi": fields["location"],
            "kelurahan": fields["kelurahan"],
            "uraian": fields["description_public"],
            "jumlah_laporan": fields["report_count"],
            "dibuka_pada": fields["opened_at"],
        }
        response = await self._http.request(
            "POST",
            "/api/v1/laporan-antrean",
            json_body=body,
            headers={"Idempotency-Key": delivery.plan.idempotency_key},
        )
        return DeliveryReceipt(reference=response.parse(REPORT_ANSWER).nomor_laporan)


class AsdpPortFeed(FeedPuller):
    def __init__(self, settings: AsdpSettings, http: AgencyHttpClient) -> None:
        self.feed = FeedSpec(
            name=PORT_FEED,
            interval_s=settings.port_interval_s,
            stale_after_s=settings.port_stale_after_s,
        )
        self._port = settings.port
        self._http = http
        self._last: PortStatusObserved | None = None

    async def pull(self) -> Sequence[Event]:
        status = (await self._http.request("GET", f"/api/v1/pelabuhan/{self._port}/status")).parse(
            PORT_STATUS
        )
        event = PortStatusObserved(
            port=self._port,
            observed_at=status.waktu,
            ferries_operating=status.kapal_beroperasi,
            departures_last_hour=status.keberangkatan_per_jam,
            queues=[
                VehicleQueue(
                    vehicle_class=f"golongan {q.golongan}",
                    vehicles_waiting=q.jumlah_kendaraan,
                    est_wait_minutes=q.estimasi_tunggu_menit,
                )
                for q in status.antrean
            ],
        )
        if event == self._last:
            return []
        self._last = event
        return [event]

    def reset(self) -> None:
        self._last = None


def build(settings: AsdpSettings) -> AgencyPlugins:
    http = AgencyHttpClient(
        agency=NAME, base_url=settings.url, limits=settings.limits, headers=settings.bearer()
    )
    return AgencyPlugins(
        name=NAME,
        deliverer=AsdpQueueReports(settings, http),
        feeds=[AsdpPortFeed(settings, http)],
        clients=[http],
    )
