"""Every failure of the HTTP API, mapped once to an RFC 9457 problem document
(``application/problem+json``) with a stable ``code``:

| code | status | when |
|---|---|---|
| ``invalid_request`` | 422 | the body does not fit the DTO (``errors`` lists the fields) |
| ``invalid_rules`` | 422 | a reload found problems (``problems``: file:line: field) |
| ``unauthorized`` | 401 | a rule reload without the admin token |
| ``admin_disabled`` | 403 | a rule reload in production with no admin token configured |
| ``not_found`` / ``method_not_allowed`` | 404 / 405 | no such route |
| ``internal_error`` | 500 | a bug: logged with its traceback |
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tanggap.routing.rulesource import RulesRefused

log = structlog.get_logger(__name__)
PROBLEM_JSON = "application/problem+json"
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


class AdminOnly(Exception):
    """An operator's endpoint called without the admin token (401), or with
    none configured where one is required (403)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "code": code, "detail": detail}
    return JSONResponse({**body, **extra}, status_code=status, media_type=PROBLEM_JSON)


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"][1:]) or "body", "message": e["msg"]}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)[:1000]
        return problem(422, "invalid_request", "Isi permintaan tidak valid", detail, errors=errors)

    @app.exception_handler(AdminOnly)
    async def admin_only(_: Request, exc: AdminOnly) -> JSONResponse:
        if exc.status == 401:
            answer = problem(401, "unauthorized", "Perlu token admin", exc.detail)
            answer.headers["WWW-Authenticate"] = "Bearer"
            return answer
        return problem(403, "admin_disabled", "Muat ulang aturan tidak diaktifkan", exc.detail)

    @app.exception_handler(RulesRefused)
    async def invalid_rules(_: Request, exc: RulesRefused) -> JSONResponse:
        return problem(
            422,
            "invalid_rules",
            "Aturan tidak dimuat; aturan lama tetap berlaku",
            exc.problems[0] if exc.problems else "invalid rules",
            problems=exc.problems,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return problem(exc.status_code, code, str(exc.detail), str(exc.detail))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", path=request.url.path)
        return problem(500, "internal_error", "Kesalahan internal", "lihat log layanan")
