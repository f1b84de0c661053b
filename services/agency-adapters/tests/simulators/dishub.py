"""Dishub Kota Cilegon's systems as the adapter sees them (our design; Dishub
publishes no API):

- ``POST /api/laporan-kejadian`` (Bearer token, ``Idempotency-Key``): a traffic
  incident, filed by ``id_tanggap``: the same incident again is an update of
  the same ticket.
- ``GET /api/lalu-lintas``: congestion per monitored segment (``ruas``) and
  intersection (``simpang``); the points are real (data/SOURCE.md), the levels
  are whatever the test sets.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse, Response

from simulators.server import FaultPlan, SimulatorServer, answer, server_error

WIB = timezone(timedelta(hours=7))
POINTS = json.loads((Path(__file__).parent / "data" / "dishub_points.json").read_text("utf-8"))


class DishubSimulator:
    def __init__(self, token: str = "dishub-test-token") -> None:
        self.token = token
        self.faults = FaultPlan()
        self.tickets: dict[str, str] = {}  # id_tanggap -> ticket
        self.reports: dict[str, list[dict[str, Any]]] = {}  # ticket -> versions received
        self.keys: set[str] = set()
        self.levels: dict[str, tuple[str, float | None]] = {
            p["kode"]: ("lancar", 42.0) for p in POINTS
        }
        self.updated = datetime(2026, 12, 5, 7, 0, tzinfo=WIB)
        self.extra_points: list[Any] = []
        self.server = SimulatorServer(self._app())

    @property
    def url(self) -> str:
        return self.server.url

    def set_level(self, kode: str, level: str, speed: float | None) -> None:
        self.levels[kode] = (level, speed)
        self.updated += timedelta(minutes=1)

    def page(self) -> dict[str, Any]:
        return {
            "diperbarui": self.updated.isoformat(),
            "titik": [
                {
                    **p,
                    "tingkat": self.levels[p["kode"]][0],
                    "kecepatan_kmh": self.levels[p["kode"]][1],
                }
                for p in POINTS
            ]
            + self.extra_points,
        }

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/api/laporan-kejadian")
        async def report(
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
            body = await request.json()
            incident = body.get("id_tanggap") if isinstance(body, dict) else None
            if not isinstance(incident, str):
                return JSONResponse({"pesan": "id_tanggap wajib"}, status_code=422)
            ticket = self.tickets.setdefault(
                incident, f"DSH/{datetime.now(UTC).year}/{len(self.tickets) + 1:06d}"
            )
            if idempotency_key not in self.keys:
                self.keys.add(idempotency_key)
                self.reports.setdefault(ticket, []).append(body)
            return await answer(self.faults, fault, {"nomor_tiket": ticket}, 201)

        @app.get("/api/lalu-lintas")
        async def traffic(authorization: str | None = Header(default=None)) -> Response:
            if authorization != f"Bearer {self.token}":
                return JSONResponse({"pesan": "tidak berwenang"}, status_code=401)
            fault = self.faults.take()
            if fault == "error_500":
                return server_error()
            return await answer(self.faults, fault, self.page())

        return app
