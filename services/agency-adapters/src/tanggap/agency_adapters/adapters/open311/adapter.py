from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from tanggap.agency_adapters.adapters.base import (
    AgencyPlugins,
    Deliverer,
    Delivery,
    DeliveryReceipt,
    StatusReceiver,
    TrackedCase,
)
from tanggap.agency_adapters.adapters.http import AgencyHttpClient
from tanggap.agency_adapters.adapters.open311.config import Open311Settings
from tanggap.agency_adapters.adapters.open311.wire import CREATED, REQUESTS, ServiceRequest
from tanggap.agency_adapters.domain.delivery import AgencyRoute, AgencyStatus, DeliveryKind
from tanggap.agency_adapters.domain.errors import AgencyProtocolError, NotConfigured
from tanggap.agency_adapters.domain.status import StatusReport

MAX_DESCRIPTION = 4000  # GeoReport v2 limit
IDS_PER_QUERY = 50
# Core statuses are only open/closed; FixMyStreet's extended ones are mapped
# where they say something a unit would (OPEN311.md §1.7).
STATUSES = {
    "closed": AgencyStatus.RESOLVED,
    "fixed": AgencyStatus.RESOLVED,
    "no_further_action": AgencyStatus.RESOLVED,
    "in_progress": AgencyStatus.IN_PROGRESS,
    "action_scheduled": AgencyStatus.IN_PROGRESS,
    "investigating": AgencyStatus.IN_PROGRESS,
}


def marker(incident_id: str) -> str:
    return f"[tanggap:{incident_id}]"


class Open311Client(Deliverer, StatusReceiver):
    def __init__(self, settings: Open311Settings, http: AgencyHttpClient) -> None:
        self.agency = settings.name
        self.route = AgencyRoute(
            agency=settings.name,
            units=settings.units,
            categories=frozenset(settings.service_codes),
        )
        self.poll_interval_s = settings.poll_interval_s
        self._settings = settings
        self._http = http

    def _common(self) -> list[tuple[str, str]]:
        jurisdiction = self._settings.jurisdiction_id
        return [("jurisdiction_id", jurisdiction)] if jurisdiction else []

    async def deliver(self, delivery: Delivery) -> DeliveryReceipt:
        if delivery.plan.kind is DeliveryKind.UPDATE and delivery.plan.reference:
            # GeoReport v2 cannot update a request; the first delivery stands.
            return DeliveryReceipt(reference=delivery.plan.reference)
        incident = delivery.incident
        service_code = self._settings.service_codes.get(incident.category)
        if service_code is None:
            raise NotConfigured(f"no Open311 service_code for category {incident.category!r}")
        existing = await self._find_ours(incident.incident_id, service_code, delivery)
        if existing is not None:
            return DeliveryReceipt(reference=existing)
        api_key = self._settings.api_key.get_secret_value() if self._settings.api_key else ""
        form = [
            ("api_key", api_key),
            *self._common(),
            ("service_code", service_code),
            ("lat", f"{incident.location.lat:.6f}"),
            ("long", f"{incident.location.lon:.6f}"),
            ("address_string", _address(delivery)),
            ("description", _description(delivery)),
        ]
        created = (await self._http.request("POST", "/requests.json", form=form)).parse(CREATED)
        if not created:
            raise AgencyProtocolError("empty answer to POST requests.json")
        first = created[0]
        if first.service_request_id:
            return DeliveryReceipt(reference=first.service_request_id)
        if first.token:
            return DeliveryReceipt(reference=f"token:{first.token}")
        raise AgencyProtocolError("answer has neither service_request_id nor token")

    async def _find_ours(
        self, incident_id: str, service_code: str, delivery: Delivery
    ) -> str | None:
        since = delivery.incident.opened_at - timedelta(hours=self._settings.lookback_hours)
        params = dict(self._common())
        params |= {"service_code": service_code, "start_date": since.isoformat()}
        found = (await self._http.request("GET", "/requests.json", params=params)).parse(REQUESTS)
        tag = marker(incident_id)
        for request in found:
            if request.description and tag in request.description:
                return request.service_request_id
        return None

    async def poll(self, cases: Sequence[TrackedCase]) -> list[StatusReport]:
        ids = [c.reference for c in cases if not c.reference.startswith("token:")]
        reports: list[StatusReport] = []
        for start in range(0, len(ids), IDS_PER_QUERY):
            chunk = ids[start : start + IDS_PER_QUERY]
            params = dict(self._common()) | {"service_request_id": ",".join(chunk)}
            found = (await self._http.request("GET", "/requests.json", params=params)).parse(
                REQUESTS
            )
            reports.extend(
                r for r in map(self._report, found) if r is not None and r.reference in chunk
            )
        return reports

    def _report(self, request: ServiceRequest) -> StatusReport | None:
        status = STATUSES.get(request.status.strip().lower())
        if status is None:
            return None
        return StatusReport(
            agency=self.agency,
            reference=request.service_request_id,
            status=status,
            note=request.status_notes,
        )


def _address(delivery: Delivery) -> str:
    area = delivery.incident.area  # most specific first, as GeoReport v2 asks
    return f"Kel. {area.kelurahan.name}, Kec. {area.kecamatan.name}, Kota Cilegon"


def _description(delivery: Delivery) -> str:
    incident = delivery.incident
    text = (
        incident.description_public or f"Laporan warga kategori {incident.category} melalui Tanggap"
    )
    return f"{marker(incident.incident_id)} {text}"[:MAX_DESCRIPTION]


def build(settings: Open311Settings) -> AgencyPlugins:
    http = AgencyHttpClient(agency=settings.name, base_url=settings.url, limits=settings.limits)
    client = Open311Client(settings, http)
    return AgencyPlugins(
        name=settings.name, deliverer=client, status_receiver=client, clients=[http]
    )
