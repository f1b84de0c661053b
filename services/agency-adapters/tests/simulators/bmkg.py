"""BMKG's two file hosts in one server: the open data under ``/DataMKG/TEWS/``
and the InaTEWS bucket at the root (``/datagempa.json``). Like the real open-data
host behind its WAF, it answers 403 to a client without a browser-like
User-Agent and a Referer. Tests put the bytes to serve in ``files``."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse, Response

from simulators.server import FaultPlan, SimulatorServer, answer, server_error

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bmkg"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class BmkgSimulator:
    def __init__(self) -> None:
        self.faults = FaultPlan()
        self.files: dict[str, bytes] = {}
        self.hits: dict[str, int] = {}
        self.server = SimulatorServer(self._app())

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def open_data_url(self) -> str:
        return self.url + "/DataMKG/TEWS"

    def _app(self) -> FastAPI:
        app = FastAPI()

        async def serve(name: str, user_agent: str | None, referer: str | None) -> Response:
            self.hits[name] = self.hits.get(name, 0) + 1
            if not user_agent or "Mozilla" not in user_agent or not referer:
                return Response("Forbidden", status_code=403, media_type="text/html")
            fault = self.faults.take()
            if fault == "error_500":
                return server_error()
            if name not in self.files:
                return JSONResponse({"message": "Not Found"}, status_code=404)
            if fault is not None:
                return await answer(self.faults, fault, {"Infogempa": {"gempa": []}})
            return Response(self.files[name], media_type="application/json")

        @app.get("/DataMKG/TEWS/{name}")
        async def open_data(
            name: str,
            user_agent: str | None = Header(default=None),
            referer: str | None = Header(default=None),
        ) -> Response:
            return await serve(name, user_agent, referer)

        @app.get("/datagempa.json")
        async def inatews(
            user_agent: str | None = Header(default=None),
            referer: str | None = Header(default=None),
        ) -> Response:
            return await serve("datagempa.json", user_agent, referer)

        return app
