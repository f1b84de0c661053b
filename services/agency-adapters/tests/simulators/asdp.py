"""ASDP Cabang Merak's port desk as the adapter sees it (our design; ASDP's own
operational API is not public):

- ``GET /api/v1/pelabuhan/merak/status``: ferries operating, departures in the
  last hour, and the vehicle queue with the estimated wait per ticket class
  (*golongan* I–IX). The default figures are illustrative, of the order of a
  normal weekday at Merak, not measurements.
- ``POST /api/v1/laporan-antrean`` (Bearer token, ``Idempotency-Key``): a queue
  report from Tanggap (category ``antrean-pelabuhan``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse, Response

from simulators.server import FaultPlan, SimulatorServer, answer, server_error

WIB = timezone(timedelta(hours=7))


class AsdpSimulator:
    def __init__(self, token: str = "asdp-test-token") -> None:
        self.token = token
        self.faults = FaultPlan()
        self.reports: dict[str, dict[str, Any]] = {}  # idempotency key -> body
        self.numbers: dict[str, str] = {}  # idempotency key -> report number
        self.status: dict[str, Any] = {
            "pelabuhan": "merak",
            "waktu": datetime(2026, 12, 5, 16, 0, tzinfo=WIB).isoformat(),
            "kapal_beroperasi": 28,
            "keberangkatan_per_jam": 8,
            "antrean": [
                {"golongan": "II", "jumlah_kendaraan": 120, "estimasi_tunggu_menit": 30},
                {"golongan": "IV", "jumlah_kendaraan": 340, "estimasi_tunggu_menit": 75},
                {"golongan": "V", "jumlah_kendaraan": 45, "estimasi_tunggu_menit": 60},
                {"golongan": "VIII", "jumlah_kendaraan": 90, "estimasi_tunggu_menit": 120},
            ],
        }
        self.server = SimulatorServer(self._app())

    @property
    def url(self) -> str:
        return self.server.url

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/api/v1/pelabuhan/{port}/status")
        async def port_status(
            port: str, authorization: str | None = Header(default=None)
        ) -> Response:
            if authorization != f"Bearer {self.token}":
                return JSONResponse({"pesan": "tidak berwenang"}, status_code=401)
            if port != "merak":
                return JSONResponse({"pesan": "pelabuhan tidak dikenal"}, status_code=404)
            fault = self.faults.take()
            if fault == "error_500":
                return server_error()
            return await answer(self.faults, fault, self.status)

        @app.post("/api/v1/laporan-antrean")
        async def queue_report(
            request: Request,
            authorization: str | None = Header(default=None),
            idempotency_key: str | None = Header(default=None),
        ) -> Response:
            if authorization != f"Bearer {self.token}":
                return JSONResponse({"pesan": "tidak berwenang"}, status_code=401)
            if not idempotency_key:
                return JSONResponse({"pesan": "Idempotency-Key wajib"}, status_code=400)
            fault = self.faults.take()
            if fault == "error_500":
                return server_error()
            if idempotency_key not in self.numbers:
                self.reports[idempotency_key] = await request.json()
                self.numbers[idempotency_key] = f"MRK-2026-{len(self.numbers) + 1:05d}"
            return await answer(
                self.faults, fault, {"nomor_laporan": self.numbers[idempotency_key]}, 201
            )

        return app
