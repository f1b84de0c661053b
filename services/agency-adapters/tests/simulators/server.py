"""Serving a simulator, and the failure modes every simulator can play.

Faults are queued per simulator and consumed one per request, in order:
``sim.faults.add(Fault.TIMEOUT, Fault.ERROR_500)`` makes the next request hang
past the client's deadline *after* doing its work (the answer is lost, the
effect is not: the hardest case for exactly-once), and the one after that fail
with a 500 *before* doing anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import deque
from collections.abc import AsyncIterator, Iterator
from enum import StrEnum
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response, StreamingResponse

HUGE_BODY_BYTES = 5 * 1024 * 1024


class Fault(StrEnum):
    TIMEOUT = "timeout"  # work done, answer only after the client gave up
    ERROR_500 = "error_500"  # nothing done, HTTP 500
    SLOW = "slow"  # work done, answer late but within the client's deadline
    BAD_JSON = "bad_json"  # work done, truncated JSON
    WRONG_TYPES = "wrong_types"  # work done, every value of the wrong type
    HUGE_BODY = "huge_body"  # work done, a 5 MiB body
    SLOW_DRIP = "slow_drip"  # work done, the body one byte at a time, forever-ish


class FaultPlan:
    def __init__(self, *, hang_s: float = 8.0, slow_s: float = 0.5, drip_every_s: float = 0.3):
        self.hang_s = hang_s
        self.slow_s = slow_s
        self.drip_every_s = drip_every_s
        self._queue: deque[Fault | None] = deque()

    def add(self, *faults: Fault | None) -> None:
        """Queue faults for the next requests; None lets one request through."""
        self._queue.extend(faults)

    def take(self) -> Fault | None:
        return self._queue.popleft() if self._queue else None

    def pending(self) -> int:
        return len(self._queue)


def mistype(value: Any) -> Any:
    """The same shape with every leaf of the wrong type."""
    if isinstance(value, dict):
        return {k: mistype(v) for k, v in value.items()}
    if isinstance(value, list):
        return {"unexpected": [mistype(v) for v in value]}
    if isinstance(value, str):
        return 12345
    if isinstance(value, bool) or value is None:
        return ["x"]
    return "not a number"


async def answer(plan: FaultPlan, fault: Fault | None, payload: Any, status: int = 200) -> Response:
    """The simulator's answer, spoiled as the fault says (ERROR_500 is handled
    by the caller, before any work)."""
    if fault is Fault.TIMEOUT:
        await asyncio.sleep(plan.hang_s)
    elif fault is Fault.SLOW:
        await asyncio.sleep(plan.slow_s)
    elif fault is Fault.BAD_JSON:
        return Response(b'{"truncated": "', status_code=status, media_type="application/json")
    elif fault is Fault.WRONG_TYPES:
        return JSONResponse(mistype(payload), status_code=status)
    elif fault is Fault.HUGE_BODY:
        body = b'{"padding": "' + b"x" * HUGE_BODY_BYTES + b'"}'
        return Response(body, status_code=status, media_type="application/json")
    elif fault is Fault.SLOW_DRIP:
        return StreamingResponse(_drip(plan), status_code=status, media_type="application/json")
    return JSONResponse(payload, status_code=status)


async def _drip(plan: FaultPlan) -> AsyncIterator[bytes]:
    for byte in b'{"dripping": "' + b"." * 200:
        yield bytes([byte])
        await asyncio.sleep(plan.drip_every_s)


def server_error() -> Response:
    return JSONResponse({"error": "internal server error"}, status_code=500)


class _QuietServer(uvicorn.Server):
    """Several simulators start and stop in one test process: none of them may
    take over SIGINT/SIGTERM from pytest."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class SimulatorServer:
    """Runs an ASGI app on 127.0.0.1; ``stop()`` then ``start()`` brings it back
    on the same port (an agency that was down and is back)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
            timeout_keep_alive=1,
        )
        server = _QuietServer(config)
        self._server = server
        self._task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        return self.url

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._server = None
        self._task = None
