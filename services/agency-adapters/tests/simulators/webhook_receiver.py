"""Any agency with an HTTP endpoint, receiving Tanggap's signed webhooks: it
checks the HMAC-SHA256 signature and the timestamp window, files each
incident once per ``Idempotency-Key``, and answers with its own reference."""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from simulators.server import FaultPlan, SimulatorServer, answer, server_error
from tanggap.agency_adapters.domain.signing import (
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    ReplayGuard,
    SignatureError,
)


class WebhookReceiver:
    def __init__(self, secret: str, prefix: str = "BPBD-CLG") -> None:
        self.secret = secret.encode()
        self.prefix = prefix
        self.faults = FaultPlan()
        self.guard = ReplayGuard(window_s=300)
        self.received: dict[str, dict[str, Any]] = {}  # idempotency key -> body
        self.references: dict[str, str] = {}  # incident id -> our reference
        self.refused: list[str] = []
        self.server = SimulatorServer(self._app())

    @property
    def url(self) -> str:
        return self.server.url + "/hooks/tanggap"

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hooks/tanggap")
        async def receive(request: Request) -> Response:
            body = await request.body()
            try:
                self.guard.verify(
                    self.secret,
                    timestamp=request.headers.get(TIMESTAMP_HEADER),
                    nonce=request.headers.get(NONCE_HEADER),
                    signature=request.headers.get(SIGNATURE_HEADER),
                    body=body,
                    now=int(time.time()),
                )
            except SignatureError as exc:
                self.refused.append(exc.code)
                return JSONResponse({"error": exc.code}, status_code=401)
            fault = self.faults.take()
            if fault == "error_500":
                return server_error()
            document = json.loads(body)
            key = request.headers.get("Idempotency-Key", "")
            incident = document["incident"]["incident_id"]
            reference = self.references.setdefault(
                incident, f"{self.prefix}-{len(self.references) + 1:04d}"
            )
            self.received.setdefault(key, document)
            return await answer(self.faults, fault, {"reference": reference}, 200)

        return app
