"""RFC 9457 problem responses, one stable ``code`` per failure."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"


def problem(status: int, code: str, title: str, detail: str | None = None) -> JSONResponse:
    body: dict[str, object] = {
        "type": f"urn:tanggap:problem:{code}",
        "title": title,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail[:500]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


async def validation_problem(request: Request, exc: Exception) -> JSONResponse:
    detail = str(exc.errors()[:3]) if isinstance(exc, RequestValidationError) else None
    return problem(422, "invalid_request", "The request does not fit the API", detail)
