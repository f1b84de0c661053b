"""Another city system speaking Open311 GeoReport v2 (OPEN311.md), JSON only,
as the Open311 client adapter meets it: ``POST requests.json`` (form, api_key
required, 403 without), ``GET requests.json`` (by ``service_request_id`` list,
or by ``service_code`` and ``start_date``). Like the standard, it has no
idempotency key: a repeated POST creates a second request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from simulators.server import FaultPlan, SimulatorServer, answer, server_error

SERVICES = {"JALAN-RUSAK": "Jalan rusak", "DRAINASE": "Saluran tersumbat"}


@dataclass
class ServiceRequest:
    service_request_id: str
    service_code: str
    description: str
    lat: float
    long: float
    requested: datetime
    status: str = "open"
    status_notes: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "service_request_id": self.service_request_id,
            "status": self.status,
            "status_notes": self.status_notes,
            "service_name": SERVICES[self.service_code],
            "service_code": self.service_code,
            "description": self.description,
            "requested_datetime": self.requested.isoformat(),
            "updated_datetime": self.requested.isoformat(),
            "lat": self.lat,
            "long": self.long,
        }


def _error(status: int, description: str) -> JSONResponse:
    return JSONResponse([{"code": status, "description": description}], status_code=status)


class Open311Simulator:
    def __init__(self, api_key: str = "open311-test-key") -> None:
        self.api_key = api_key
        self.faults = FaultPlan()
        self.requests: dict[str, ServiceRequest] = {}
        self.posts = 0
        self.server = SimulatorServer(self._app())

    @property
    def url(self) -> str:
        return self.server.url + "/open311/v2"

    def set_status(self, request_id: str, status: str, notes: str | None = None) -> None:
        self.requests[request_id].status = status
        self.requests[request_id].status_notes = notes

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/open311/v2/requests.json")
        async def create(request: Request) -> Response:
            self.posts += 1
            form = dict(parse_qsl((await request.body()).decode("utf-8")))
            if form.get("api_key") != self.api_key:
                return _error(403, "api_key tidak valid")
            fault = self.faults.take()
            if fault == "error_500":
                return server_error()
            code = form.get("service_code", "")
            if code not in SERVICES:
                return _error(404, "service_code tidak dikenal")
            if not ("lat" in form and "long" in form) and not form.get("address_string"):
                return _error(400, "lokasi wajib")
            description = form.get("description", "")
            if len(description) > 4000:
                return _error(400, "description lebih dari 4000 karakter")
            request_id = f"CLG-2026-{len(self.requests) + 1:06d}"
            self.requests[request_id] = ServiceRequest(
                service_request_id=request_id,
                service_code=code,
                description=description,
                lat=float(form.get("lat", "0")),
                long=float(form.get("long", "0")),
                requested=datetime.now(UTC),
            )
            payload = [
                {"service_request_id": request_id, "service_notice": "Diteruskan ke petugas"}
            ]
            return await answer(self.faults, fault, payload, 201)

        @app.get("/open311/v2/requests.json")
        async def query(request: Request) -> Response:
            fault = self.faults.take()
            if fault == "error_500":
                return server_error()
            params = request.query_params
            found = list(self.requests.values())
            if params.get("service_request_id"):
                wanted = set(params["service_request_id"].split(","))
                found = [r for r in found if r.service_request_id in wanted]
            else:
                if params.get("service_code"):
                    found = [
                        r for r in found if r.service_code in params["service_code"].split(",")
                    ]
                if params.get("start_date"):
                    since = datetime.fromisoformat(params["start_date"])
                    found = [r for r in found if r.requested >= since]
            return await answer(self.faults, fault, [r.as_json() for r in found])

        return app
