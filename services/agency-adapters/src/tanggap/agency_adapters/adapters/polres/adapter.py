from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import structlog

from tanggap.agency_adapters.adapters.base import (
    AgencyPlugins,
    Deliverer,
    Delivery,
    DeliveryReceipt,
    StatusReceiver,
    TrackedCase,
)
from tanggap.agency_adapters.adapters.http import AgencyHttpClient
from tanggap.agency_adapters.adapters.polres.config import PolresSettings
from tanggap.agency_adapters.adapters.polres.wire import CASE_ANSWER, CaseAnswer
from tanggap.agency_adapters.domain.delivery import AgencyRoute, AgencyStatus, DeliveryKind
from tanggap.agency_adapters.domain.errors import AgencyError, AgencyProtocolError
from tanggap.agency_adapters.domain.status import StatusReport

NAME = "polres"
log = structlog.get_logger("tanggap.agency_adapters.polres")

# The case system's statuses (SPKT → penyelidikan → penyidikan → selesai).
# "dihentikan" (investigation stopped) ends the case for us as well.
CASE_STATUS = {
    "diterima": AgencyStatus.RECEIVED,
    "penyelidikan": AgencyStatus.IN_PROGRESS,
    "penyidikan": AgencyStatus.IN_PROGRESS,
    "selesai": AgencyStatus.RESOLVED,
    "dihentikan": AgencyStatus.RESOLVED,
}


def case_path(number: str) -> str:
    # Report numbers hold slashes and spaces ("LP/B/123/XI/2026/SPKT/POLRES CILEGON").
    return "/api/v1/cases/" + quote(number, safe="/")


def case_body(delivery: Delivery) -> dict[str, Any]:
    incident = delivery.incident
    return {
        "referensi_tanggap": incident.incident_id,
        "kategori": incident.category,
        "prioritas": incident.priority.value,
        "status_tanggap": incident.status.value,
        "lokasi": {"lat": incident.location.lat, "lon": incident.location.lon},
        "kelurahan": incident.area.kelurahan.name,
        "kecamatan": incident.area.kecamatan.name,
        "satuan": delivery.plan.unit_id,
        "dibuka_pada": incident.opened_at.isoformat(),
        "batas_tanggapan": incident.sla.acknowledge_by.isoformat(),
        "uraian": incident.description_public,
        "jumlah_laporan": incident.report_count,
    }


class PolresCases(Deliverer, StatusReceiver):
    agency = NAME

    def __init__(self, settings: PolresSettings, http: AgencyHttpClient) -> None:
        self.route = AgencyRoute(agency=NAME, units=settings.units)
        self.poll_interval_s = settings.poll_interval_s
        self._http = http

    async def deliver(self, delivery: Delivery) -> DeliveryReceipt:
        plan = delivery.plan
        path = "/api/v1/cases"
        if plan.kind is DeliveryKind.UPDATE and plan.reference:
            path = case_path(plan.reference) + "/updates"
        response = await self._http.request(
            "POST",
            path,
            json_body=case_body(delivery),
            headers={"Idempotency-Key": plan.idempotency_key},
        )
        return DeliveryReceipt(reference=response.parse(CASE_ANSWER).nomor_laporan)

    async def poll(self, cases: Sequence[TrackedCase]) -> list[StatusReport]:
        reports = []
        for case in cases:
            try:
                answer = (await self._http.request("GET", case_path(case.reference))).parse(
                    CASE_ANSWER
                )
            except AgencyError as exc:
                # One unreadable case must not hide the others' news; the
                # caller counts and logs, and the next poll asks again.
                log.warning("case status unreadable", reference=case.reference, code=exc.code)
                if not exc.transient or isinstance(exc, AgencyProtocolError):
                    continue
                raise
            report = _report(case, answer)
            if report is not None:
                reports.append(report)
        return reports


def _report(case: TrackedCase, answer: CaseAnswer) -> StatusReport | None:
    status = CASE_STATUS.get(answer.status.strip().lower())
    if status is None:
        log.warning("unknown case status", status=answer.status[:40])
        return None
    note = answer.keterangan
    if answer.status.strip().lower() == "dihentikan":
        note = "Penyelidikan dihentikan. " + (note or "")
    return StatusReport(agency=NAME, reference=case.reference, status=status, note=note)


def build(settings: PolresSettings) -> AgencyPlugins:
    http = AgencyHttpClient(
        agency=NAME, base_url=settings.url, limits=settings.limits, headers=settings.bearer()
    )
    cases = PolresCases(settings, http)
    return AgencyPlugins(name=NAME, deliverer=cases, status_receiver=cases, clients=[http])
