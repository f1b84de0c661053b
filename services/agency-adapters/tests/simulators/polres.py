"""A police case system as Polres Cilegon's SPKT might expose it (REST/JSON).

The real system's API is not public: endpoints and fields are our design, and
the report number only imitates the usual form of a *Laporan Polisi* number
("LP/B/<n>/<month in Roman numerals>/<year>/SPKT/POLSEK <X>/POLRES CILEGON/POLDA
BANTEN"); it is illustrative, not an official format.

- ``POST /api/v1/cases`` (Bearer token, ``Idempotency-Key`` required): opens a
  case; the same key again answers the same case (200 instead of 201).
- ``POST /api/v1/cases/{number}/updates``: a later version of the incident.
- ``GET /api/v1/cases/{number}``: the case and its status (``diterima``,
  ``penyelidikan``, ``penyidikan``, ``selesai``, ``dihentikan``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse, Response

from simulators.server import FaultPlan, SimulatorServer, answer, server_error

WIB = timezone(timedelta(hours=7))
ROMAN_MONTHS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
REQUIRED = ("referensi_tanggap", "kategori", "prioritas", "lokasi", "satuan")


@dataclass
class Case:
    number: str
    incident_id: str
    unit: str
    status: str = "diterima"
    note: str | None = None
    updates: list[dict[str, Any]] = field(default_factory=list)


class PolresSimulator:
    def __init__(self, token: str = "polres-test-token") -> None:
        self.token = token
        self.faults = FaultPlan()
        self.cases: dict[str, Case] = {}
        self.by_key: dict[str, str] = {}
        self.update_keys: set[str] = set()
        self.requests = 0
        self.app = self._app()
        self.server = SimulatorServer(self.app)

    @property
    def url(self) -> str:
        return self.server.url

    def set_status(self, number: str, status: str, note: str | None = None) -> None:
        self.cases[number].status = status
        self.cases[number].note = note

    def cases_for(self, incident_id: str) -> list[Case]:
        return [c for c in self.cases.values() if c.incident_id == incident_id]

    def _number(self, unit: str) -> str:
        now = datetime.now(UTC).astimezone(WIB)
        desk = "" if unit == "polres:cilegon" else f"POLSEK {unit.split(':')[1].upper()}/"
        return (
            f"LP/B/{400 + len(self.cases)}/{ROMAN_MONTHS[now.month - 1]}/{now.year}"
            f"/SPKT/{desk}POLRES CILEGON/POLDA BANTEN"
        )

    def _refuse(self, authorization: str | None, key: str | None) -> Response | None:
        if authorization != f"Bearer {self.token}":
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        if not key:
            return JSONResponse({"error": "Idempotency-Key wajib"}, status_code=400)
        return None

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/api/v1/cases")
        async def open_case(
            request: Request,
            authorization: str | None = Header(default=None),
            idempotency_key: str | None = Header(default=None),
        ) -> Response:
            self.requests += 1
            refused = self._refuse(authorization, idempotency_key)
            if refused is not None:
                return refused
            fault = self.faults.take()
            if fault == "error_500":
                return server_error()
            body = await request.json()
            if not isinstance(body, dict) or any(k not in body for k in REQUIRED):
                return JSONResponse({"error": "data laporan tidak lengkap"}, status_code=422)
            assert idempotency_key is not None
            existing = self.by_key.get(idempotency_key)
            if existing is None:
                case = Case(self._number(body["satuan"]), body["referensi_tanggap"], body["satuan"])
                self.cases[case.number] = case
                self.by_key[idempotency_key] = case.number
                status = 201
            else:
                case, status = self.cases[existing], 200
            return await answer(
                self.faults, fault, {"nomor_laporan": case.number, "status": case.status}, status
            )

        @app.post("/api/v1/cases/{number:path}/updates")
        async def update_case(
            number: str,
            request: Request,
            authorization: str | None = Header(default=None),
            idempotency_key: str | None = Header(default=None),
        ) -> Response:
            self.requests += 1
            refused = self._refuse(authorization, idempotency_key)
            if refused is not None:
                return refused
            fault = self.faults.take()
            if fault == "error_500":
                return server_error()
            case = self.cases.get(number)
            if case is None:
                return JSONResponse({"error": "laporan tidak ditemukan"}, status_code=404)
            assert idempotency_key is not None
            if idempotency_key not in self.update_keys:
                self.update_keys.add(idempotency_key)
                case.updates.append(await request.json())
            return await answer(
                self.faults, fault, {"nomor_laporan": case.number, "status": case.status}
            )

        @app.get("/api/v1/cases/{number:path}")
        async def get_case(
            number: str, authorization: str | None = Header(default=None)
        ) -> Response:
            self.requests += 1
            if authorization != f"Bearer {self.token}":
                return JSONResponse({"error": "unauthorized"}, status_code=401)
            fault = self.faults.take()
            if fault == "error_500":
                return server_error()
            case = self.cases.get(number)
            if case is None:
                return JSONResponse({"error": "laporan tidak ditemukan"}, status_code=404)
            payload = {"nomor_laporan": case.number, "status": case.status, "keterangan": case.note}
            return await answer(self.faults, fault, payload)

        return app
