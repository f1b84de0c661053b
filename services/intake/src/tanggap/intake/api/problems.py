"""Every failure, mapped once to an answer.

The native API answers RFC 9457 problem documents (``application/problem+json``)
with a stable ``code``; Open311 paths answer the spec's error list in the
format the path asks for. Nothing escapes as a bare 500: an unexpected
exception is logged with its traceback and answered as a problem document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from tanggap.intake import metrics
from tanggap.intake.domain import open311
from tanggap.intake.domain.errors import (
    ApiKeyRejected,
    BrokerUnavailable,
    CategoryNotFound,
    DatabaseUnavailable,
    FieldProblem,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    IntakeError,
    InvalidReport,
    MediaNotFound,
    NotAnImage,
    Open311BadRequest,
    Open311NotFound,
    PayloadTooLarge,
    RateLimited,
    ReportNotFound,
    UnknownCategory,
    UnknownMedia,
    UnsupportedMediaType,
)

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"
OPEN311_PREFIX = "/open311/"

STATUS = {
    InvalidReport: 422,
    UnknownCategory: 422,
    CategoryNotFound: 404,
    UnknownMedia: 422,
    NotAnImage: 422,
    UnsupportedMediaType: 415,
    PayloadTooLarge: 413,
    ReportNotFound: 404,
    MediaNotFound: 404,
    Open311NotFound: 404,
    IdempotencyKeyReused: 409,
    IdempotencyInProgress: 409,
    BrokerUnavailable: 503,
    DatabaseUnavailable: 503,
    RateLimited: 429,
    ApiKeyRejected: 403,
    Open311BadRequest: 400,
}

TITLES = {
    400: "Permintaan tidak valid",
    403: "Akses ditolak",
    404: "Tidak ditemukan",
    405: "Metode tidak diizinkan",
    409: "Konflik",
    413: "Muatan terlalu besar",
    415: "Jenis media tidak didukung",
    422: "Isi permintaan tidak valid",
    429: "Terlalu banyak permintaan",
    500: "Kesalahan internal",
    503: "Layanan sementara tidak tersedia",
}

# pydantic's error types, as the stable codes clients see.
_PYDANTIC_CODES = {
    "missing": "required",
    "string_too_long": "too_long",
    "string_too_short": "too_short",
    "too_long": "too_many",
    "too_short": "too_few",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "finite_number": "out_of_range",
    "string_pattern_mismatch": "invalid_format",
    "enum": "invalid_choice",
    "literal_error": "invalid_choice",
    "extra_forbidden": "unknown_field",
    "json_invalid": "malformed_json",
    "json_type": "malformed_json",
    "model_attributes_type": "invalid_type",
    "dict_type": "invalid_type",
    "list_type": "invalid_type",
    "string_type": "invalid_type",
    "float_type": "invalid_type",
    "float_parsing": "invalid_type",
    "int_type": "invalid_type",
    "int_parsing": "invalid_type",
    "bool_type": "invalid_type",
    "bool_parsing": "invalid_type",
    "uuid_parsing": "invalid_format",
    "string_unicode": "invalid_characters",
}


def status_of(error: IntakeError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


def is_open311(request: Request) -> bool:
    return request.url.path.startswith(OPEN311_PREFIX)


def open311_format(request: Request) -> open311.Format:
    """The format the path asks for; XML (the spec's required one) otherwise."""
    return open311.Format.JSON if request.url.path.endswith(".json") else open311.Format.XML


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    instance: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": f"urn:tanggap:problem:{code}",
        "title": TITLES.get(status, "Kesalahan"),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if extra:
        body.update(extra)
    return Response(orjson.dumps(body), status, headers=headers, media_type=PROBLEM_JSON)


def open311_errors(
    request: Request,
    status: int,
    descriptions: Sequence[str],
    headers: dict[str, str] | None = None,
) -> Response:
    fmt = open311_format(request)
    body = open311.errors(fmt, [(status, text) for text in descriptions])
    return Response(body, status, headers=headers, media_type=fmt.content_type)


def field_errors(problems: Sequence[FieldProblem]) -> list[dict[str, str]]:
    return [{"path": p.path, "code": p.code, "message": p.message} for p in problems]


def _retry_headers(error: IntakeError, default_retry_after: int) -> dict[str, str] | None:
    if isinstance(error, RateLimited | IdempotencyInProgress):
        return {"Retry-After": str(error.retry_after_s)}
    if isinstance(error, BrokerUnavailable | DatabaseUnavailable):
        return {"Retry-After": str(default_retry_after)}
    return None


def intake_error_response(request: Request, error: IntakeError) -> Response:
    status = status_of(error)
    metrics.REQUESTS_REJECTED.labels(error.code).inc()
    headers = _retry_headers(error, request.app.state.retry_after_s)
    if is_open311(request):
        return _open311_error(request, status, error, headers)
    extra: dict[str, Any] = {}
    if isinstance(error, InvalidReport):
        extra["errors"] = field_errors(error.problems)
    elif isinstance(error, UnknownCategory):
        extra["valid_codes"] = error.valid_codes
        extra["errors"] = [
            {"path": "category", "code": "unknown_category", "message": error.detail}
        ]
    elif isinstance(error, CategoryNotFound):
        extra["valid_codes"] = error.valid_codes
    elif isinstance(error, UnknownMedia):
        extra["errors"] = [
            {"path": "media_ids", "code": "unknown_media", "message": f"{m} tidak ada"}
            for m in error.media_ids
        ]
    return problem(
        status, error.code, error.detail, instance=request.url.path, extra=extra, headers=headers
    )


def _open311_error(
    request: Request, status: int, error: IntakeError, headers: dict[str, str] | None
) -> Response:
    # Open311 knows 400, 403 and 404; a rule broken in the content is a 400.
    if status == 422:
        status = 400
    if isinstance(error, Open311BadRequest | InvalidReport):
        descriptions = [f"{p.path}: {p.message}" for p in error.problems]
    elif isinstance(error, UnknownCategory):
        descriptions = [f"service_code: layanan {error.category!r} tidak dikenal"]
        status = 404
    else:
        descriptions = [error.detail]
    return open311_errors(request, status, descriptions or [error.detail], headers)


def validation_response(request: Request, exc: RequestValidationError) -> Response:
    problems = [_field_problem(error) for error in exc.errors()]
    metrics.REQUESTS_REJECTED.labels("validation_failed").inc()
    if is_open311(request):
        return open311_errors(request, 400, [f"{p.path}: {p.message}" for p in problems])
    detail = "; ".join(f"{p.path}: {p.message}" for p in problems[:3])
    return problem(
        422,
        "validation_failed",
        detail,
        instance=request.url.path,
        extra={"errors": field_errors(problems)},
    )


def _field_problem(error: Any) -> FieldProblem:
    location = [str(part) for part in error.get("loc", ())]
    if location and location[0] in ("body", "query", "path", "header", "cookie"):
        source, location = location[0], location[1:]
    else:
        source = "body"
    path = ".".join(location) or source
    code = _PYDANTIC_CODES.get(str(error.get("type")), "invalid")
    return FieldProblem(path, code, str(error.get("msg", "tidak valid")))


def http_error_response(request: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code == 400 and not is_open311(request):
        # FastAPI's answer to a body it cannot decode (not UTF-8, say): for
        # the native API that is a malformed body like any other, a 422.
        metrics.REQUESTS_REJECTED.labels("validation_failed").inc()
        malformed = FieldProblem("(body)", "malformed_body", "isi permintaan tidak dapat dibaca")
        return problem(
            422,
            "validation_failed",
            malformed.message,
            instance=request.url.path,
            extra={"errors": field_errors([malformed])},
        )
    code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
        exc.status_code, "http_error"
    )
    metrics.REQUESTS_REJECTED.labels(code).inc()
    detail = str(exc.detail)
    if is_open311(request):
        return open311_errors(request, exc.status_code, [detail], dict(exc.headers or {}))
    return problem(
        exc.status_code, code, detail, instance=request.url.path, headers=dict(exc.headers or {})
    )


def unexpected_response(request: Request, exc: Exception) -> Response:
    log.exception("unexpected_error", path=request.url.path, error=repr(exc))
    metrics.REQUESTS_REJECTED.labels("internal_error").inc()
    if is_open311(request):
        return open311_errors(request, 500, ["kesalahan internal; laporan tidak diterima"])
    return problem(
        500, "internal_error", "kesalahan internal; coba lagi nanti", instance=request.url.path
    )


def install(app: FastAPI) -> None:
    async def on_intake_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, IntakeError)
        return intake_error_response(request, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return validation_response(request, exc)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return http_error_response(request, exc)

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        return unexpected_response(request, exc)

    app.add_exception_handler(IntakeError, on_intake_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
