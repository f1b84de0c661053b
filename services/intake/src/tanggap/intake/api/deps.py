"""What routes depend on: the runtime built by main.create_app, request
checks (media type, rate limit, Idempotency-Key), as Annotated aliases."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from tanggap.intake.domain.errors import (
    FieldProblem,
    InvalidReport,
    RateLimited,
    UnsupportedMediaType,
)
from tanggap.intake.domain.idempotency import valid_key
from tanggap.intake.domain.ratelimit import TokenBuckets
from tanggap.intake.settings import Settings

if TYPE_CHECKING:
    from tanggap.intake.open311_service import Open311Service
    from tanggap.intake.service import ReportService


class RateLimiter:
    """Two buckets per client and instance: writes (reports, uploads) and reads."""

    def __init__(self, settings: Settings) -> None:
        self.writes = TokenBuckets(
            rate_per_s=settings.rate_limit_per_s, burst=settings.rate_limit_burst
        )
        self.reads = TokenBuckets(
            rate_per_s=settings.read_rate_limit_per_s, burst=settings.read_rate_limit_burst
        )

    def check(self, buckets: TokenBuckets, client: str) -> None:
        wait = buckets.take(client, time.monotonic())
        if wait > 0:
            raise RateLimited(
                "terlalu banyak permintaan; coba lagi nanti",
                retry_after_s=TokenBuckets.retry_after_header(wait),
            )


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    reports: ReportService
    open311: Open311Service
    limiter: RateLimiter


# Every dependency is `async def`: FastAPI runs a plain `def` dependency in a
# worker thread, which costs more than the check itself.
async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def client_address(request: Request) -> str:
    """The client's address as uvicorn saw it (behind a trusted proxy, run
    uvicorn with --forwarded-allow-ips so this is the real client)."""
    return f"ip:{request.client.host}" if request.client else "ip:unknown"


async def limit_writes(request: Request, runtime: RuntimeDep) -> None:
    runtime.limiter.check(runtime.limiter.writes, client_address(request))


async def limit_reads(request: Request, runtime: RuntimeDep) -> None:
    runtime.limiter.check(runtime.limiter.reads, client_address(request))


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def require_json(request: Request) -> None:
    if _media_type(request) != "application/json":
        raise UnsupportedMediaType("kirim isi permintaan sebagai application/json")


async def json_write(request: Request) -> Runtime:
    """The checks of a JSON write (media type, then the client's rate), called
    by the handler itself: each dependency FastAPI resolves costs 10-20 µs on
    the hottest route (bench/RESULTS.md)."""
    await require_json(request)
    runtime = await get_runtime(request)
    runtime.limiter.check(runtime.limiter.writes, client_address(request))
    return runtime


M = TypeVar("M", bound=BaseModel)


def parse_json_body(model: type[M], raw: bytes) -> M:
    """The body parsed and validated in one pass by pydantic-core; problems
    answer like FastAPI's own validation (422 with field paths)."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in errors]
        ) from None


async def require_multipart(request: Request) -> None:
    if _media_type(request) != "multipart/form-data":
        raise UnsupportedMediaType("unggah foto sebagai multipart/form-data (bagian 'file')")


IDEMPOTENCY_KEY_PARAMETER: dict[str, object] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Kunci unik per laporan (disarankan UUID); mengulang permintaan dengan "
    "kunci dan isi yang sama mengembalikan jawaban yang sama",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
}


def idempotency_key_of(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not valid_key(key):
        raise InvalidReport(
            [FieldProblem("Idempotency-Key", "invalid_format", "1-200 karakter ASCII tampak")]
        )
    return key
