"""Native report routes: submit, and read back with the tracking token."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from tanggap.intake.api import present
from tanggap.intake.api.deps import (
    IDEMPOTENCY_KEY_PARAMETER,
    RuntimeDep,
    idempotency_key_of,
    json_write,
    limit_reads,
    parse_json_body,
)
from tanggap.intake.api.dto import Problem, ReportAccepted, ReportCreate, ReportRead
from tanggap.intake.domain.report import Point, ReportDraft, ReporterInput
from tanggap.intake.domain.wib import wib_text
from tanggap.intake.service import Accepted, IdempotencyRequest
from tanggap.schemas.cloudevents import is_valid_traceparent
from tanggap.schemas.events import Channel

router = APIRouter(prefix="/v1", tags=["laporan"])

REPORT_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
NATIVE_SCOPE = "native"


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {"model": Problem, "content": {"application/problem+json": {}}}
        for status in statuses
    }


@router.post(
    "/reports",
    status_code=202,
    summary="Kirim laporan",
    description="Laporan diterima (202) hanya setelah Kafka mengonfirmasi peristiwa "
    "`report.submitted` (acks=all). Kirim `Idempotency-Key` agar pengulangan aman.",
    response_model=ReportAccepted,
    responses=_problems(409, 413, 415, 422, 429, 503),
    # The body and headers are read in the handler, and documented here: on
    # the hottest route, pydantic's own JSON parser instead of json.loads plus
    # validation, and no dependency to resolve (bench/RESULTS.md). main.py
    # serves this route through api.middleware.DirectRoute (docs/adr/0017):
    # a dependency declared here would never run.
    openapi_extra={
        "parameters": [IDEMPOTENCY_KEY_PARAMETER],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ReportCreate"}}
            },
        },
    },
)
async def submit_report(request: Request) -> Response:
    runtime = await json_write(request)
    body = parse_json_body(ReportCreate, await request.body())
    key = idempotency_key_of(request)
    traceparent = request.headers.get("traceparent")
    accepted = await runtime.reports.submit(
        _draft(body),
        idempotency_request=IdempotencyRequest(NATIVE_SCOPE, key) if key else None,
        traceparent=traceparent if traceparent and is_valid_traceparent(traceparent) else None,
    )
    category = runtime.reports.catalogue.get(accepted.category)
    call_numbers = (
        list(category.call_numbers) if category and category.show_emergency_numbers else []
    )
    return Response(
        orjson.dumps(_accepted(accepted, runtime.settings.public_base_url, call_numbers)),
        status_code=202,
        media_type="application/json",
        headers={"Location": f"/v1/reports/{accepted.report_id}"},
    )


@router.get(
    "/reports/{report_id}",
    summary="Status laporan",
    response_model=ReportRead,
    responses=_problems(404, 422, 429, 503),
    dependencies=[Depends(limit_reads)],
)
async def read_report(
    runtime: RuntimeDep,
    report_id: Annotated[str, Path(pattern=REPORT_ID, description="Id laporan")],
    token: Annotated[str, Query(min_length=1, max_length=64, description="Kunci pelacakan")],
) -> Response:
    record = await runtime.reports.find(report_id, token)
    return Response(orjson.dumps(present.report(record)), media_type="application/json")


@router.get(
    "/track/{token}",
    summary="Lacak laporan dengan kunci pelacakan",
    response_model=ReportRead,
    responses=_problems(404, 422, 429, 503),
    dependencies=[Depends(limit_reads)],
)
async def track_report(
    runtime: RuntimeDep,
    token: Annotated[str, Path(min_length=1, max_length=64, description="Kunci pelacakan")],
) -> Response:
    record = await runtime.reports.track(token)
    return Response(orjson.dumps(present.report(record)), media_type="application/json")


def _draft(body: ReportCreate) -> ReportDraft:
    reporter = body.reporter
    return ReportDraft(
        category=body.category,
        description=body.description,
        location=Point(body.location.lat, body.location.lon, body.location.accuracy_m),
        channel=Channel.NATIVE,
        address_text=body.address_text or None,
        media_ids=tuple(body.media_ids),
        answers=body.answers,
        reporter=None
        if reporter is None
        else ReporterInput(name=reporter.name, phone=reporter.phone, email=reporter.email),
        privacy=body.privacy,
    )


def _accepted(accepted: Accepted, base_url: str, call_numbers: list[str]) -> dict[str, Any]:
    token = accepted.tracking_token
    return {
        "id": accepted.report_id,
        "status": "received",
        "tracking_token": token,
        "status_url": f"{base_url}/v1/reports/{accepted.report_id}?token={token}",
        "submitted_at": wib_text(accepted.submitted_at),
        "call_numbers": call_numbers,
    }
