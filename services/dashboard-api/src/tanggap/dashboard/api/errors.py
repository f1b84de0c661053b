"""Every failure as an RFC 9457 problem response with a stable ``code``,
mapped in one place."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tanggap.dashboard.domain.errors import (
    CommandNotSent,
    CommandRefused,
    DashboardError,
    Forbidden,
    IncidentNotFound,
    InvalidCredentials,
    InvalidCursor,
    InvalidQuery,
    InvalidRoleUnit,
    InvalidToken,
    InvalidUsername,
    UserExists,
    UserNotFound,
    WeakPassword,
)

log = structlog.get_logger("tanggap.dashboard.api")

PROBLEM = "application/problem+json"

STATUS: dict[type[DashboardError], int] = {
    InvalidCredentials: 401,
    InvalidToken: 401,
    Forbidden: 403,
    IncidentNotFound: 404,
    UserNotFound: 404,
    UserExists: 409,
    InvalidCursor: 422,
    InvalidQuery: 422,
    InvalidRoleUnit: 422,
    InvalidUsername: 422,
    WeakPassword: 422,
    CommandNotSent: 503,
}

REFUSAL_STATUS = {"not_permitted": 403, "invalid_command": 422, "unknown_unit": 422}
"""Routing's reason codes that are not a conflict with the incident's state (409)."""


class Problem(BaseModel):
    """RFC 9457 problem details, with ``code`` stable for clients to branch on."""

    type: str = "about:blank"
    title: str
    status: int
    code: str
    detail: str


def problem(status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": code.replace("_", " "), "status": status}
    body.update(code=code, detail=detail, **extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


TEXT_POSTGRES_CANNOT_HOLD = frozenset({"22021", "22P05"})
"""SQLSTATEs of text PostgreSQL refuses: invalid byte sequence (a NUL), untranslatable."""


def install(app: FastAPI) -> None:
    @app.exception_handler(CommandRefused)
    async def refused(_: Request, exc: CommandRefused) -> JSONResponse:
        status = REFUSAL_STATUS.get(exc.reason_code, 409)
        return problem(status, exc.reason_code, exc.detail, command_id=exc.command_id)

    @app.exception_handler(DashboardError)
    async def domain_error(_: Request, exc: DashboardError) -> JSONResponse:
        return problem(STATUS.get(type(exc), 400), exc.code, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return problem(
            422, "validation_error", "the request is not valid", errors=_errors(exc.errors())
        )

    @app.exception_handler(ValidationError)
    async def invalid_command(_: Request, exc: ValidationError) -> JSONResponse:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        return problem(422, "invalid_command", "the command is not valid", errors=_errors(errors))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem(exc.status_code, code, str(exc.detail))

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: DBAPIError) -> JSONResponse:
        if getattr(exc.orig, "sqlstate", None) in TEXT_POSTGRES_CANNOT_HOLD:
            # A NUL or an unencodable character in any text the request
            # carries: the statement failed whole, so nothing was written.
            return problem(
                422, "invalid_text", "the request holds characters that cannot be stored"
            )
        return await unexpected(request, exc)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", path=request.url.path, error=repr(exc))
        return problem(500, "internal_error", "something went wrong on our side")


def _errors(errors: Any) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(part) for part in e.get("loc", ())],
            "msg": str(e.get("msg")),
            "type": e.get("type"),
        }
        for e in errors
    ]


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The body could not be read"},
    401: {"model": Problem, "description": "Not logged in, or the token expired"},
    422: {"model": Problem, "description": "Invalid request (code says which)"},
}


def problem_content(openapi: dict[str, Any]) -> dict[str, Any]:
    """Every error response in the document as what it is on the wire:
    ``application/problem+json`` with the Problem schema (FastAPI would
    document its own validation error shape as ``application/json``)."""
    problem_schema = {"$ref": "#/components/schemas/Problem"}
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Problem", Problem.model_json_schema())
    for component in ("HTTPValidationError", "ValidationError"):
        components.pop(component, None)
    for path in openapi.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                if status.isdigit() and int(status) >= 400:
                    response["content"] = {PROBLEM: {"schema": problem_schema}}
    return openapi
